//! Making an outbound list: check the clients (never one flagged do-not-call, none that has an
//! open task already, none without a number), hand them out with [`super::assign`], and write
//! the proactive tasks — all in one transaction.

use chrono::{Days, TimeZone};
use serde::{Deserialize, Serialize};

use super::assign::{Pick, Seat, assign};
use crate::{
    app::AppState,
    db::{self, outbound::NewProactive},
    domain::{Role, time::now_ms},
    error::{AppError, AppResult},
};

/// Most clients in one list.
pub const MAX_CLIENTS: usize = 2000;

/// A list as a manager asks for it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListInput {
    /// A name ("At-risk A clients, week 48").
    pub name: String,
    /// The clients, most important first.
    pub client_ids: Vec<i64>,
    /// The operators to hand them to.
    pub operator_ids: Vec<i64>,
    /// Tasks per operator per day (default: `[workspace] outbound_daily_cap`).
    #[serde(default)]
    pub daily_cap: Option<i64>,
    /// Why these clients (the filter the manager used; shown with the list).
    #[serde(default)]
    pub criteria: Option<serde_json::Value>,
    /// The reason each task shows in the worklist.
    #[serde(default)]
    pub reason: Option<String>,
    /// A reason per client (client id → words), shown after the list's name on that task.
    #[serde(default)]
    pub client_reasons: std::collections::HashMap<i64, String>,
}

/// What happened to each client.
#[derive(Clone, Debug, Serialize)]
pub struct ListOutcome {
    /// The list.
    pub list_id: i64,
    /// (client, operator) pairs.
    pub assigned: Vec<(i64, i64)>,
    /// Over every operator's cap: not assigned today.
    pub over_cap: Vec<i64>,
    /// Flagged do-not-call.
    pub do_not_call: Vec<i64>,
    /// An open task exists already.
    pub already_open: Vec<i64>,
    /// Unknown, deleted or without a phone number.
    pub not_callable: Vec<i64>,
}

/// Who would get which client, before anything is written (the preview shows it; `create`
/// writes it).
#[derive(Clone, Debug)]
pub struct Plan {
    /// Tasks per operator per day.
    pub cap: i64,
    /// What happens to each client (`list_id` 0: nothing written).
    pub outcome: ListOutcome,
    /// The number to call, per assigned client.
    numbers: std::collections::HashMap<i64, String>,
}

/// Checks the operators and clients and hands the clients out (nothing is written).
pub async fn plan(
    state: &AppState,
    client_ids: &[i64],
    operator_ids: &[i64],
    daily_cap: Option<i64>,
) -> AppResult<Plan> {
    if client_ids.is_empty() || client_ids.len() > MAX_CLIENTS {
        return Err(AppError::invalid(
            "client_ids",
            format!("1–{MAX_CLIENTS} clients"),
        ));
    }
    if operator_ids.is_empty() {
        return Err(AppError::invalid(
            "operator_ids",
            "choose at least one operator",
        ));
    }
    let cap = daily_cap.unwrap_or(state.config.workspace.outbound_daily_cap);
    if !(1..=500).contains(&cap) {
        return Err(AppError::invalid("daily_cap", "1 to 500"));
    }
    let seats = seats(state, operator_ids).await?;
    let found = db::outbound::candidates(&state.db, client_ids).await?;
    let mut out = ListOutcome {
        list_id: 0,
        assigned: Vec::new(),
        over_cap: Vec::new(),
        do_not_call: Vec::new(),
        already_open: Vec::new(),
        not_callable: Vec::new(),
    };
    let mut picks = Vec::new();
    let mut numbers = std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for &id in client_ids {
        if !seen.insert(id) {
            continue;
        }
        match found.iter().find(|c| c.id == id) {
            None => out.not_callable.push(id),
            Some(c) if c.do_not_call => out.do_not_call.push(id),
            Some(c) if c.open_tasks > 0 => out.already_open.push(id),
            Some(c) => match &c.number {
                None => out.not_callable.push(id),
                Some(n) => {
                    numbers.insert(id, n.clone());
                    picks.push(Pick {
                        client_id: id,
                        manager_id: c.personal_manager_id,
                    });
                }
            },
        }
    }
    let a = assign(&picks, &seats, cap);
    out.assigned = a.pairs;
    out.over_cap = a.unassigned;
    Ok(Plan {
        cap,
        outcome: out,
        numbers,
    })
}

/// The operators as seats, with the tasks they already hold today.
async fn seats(state: &AppState, operator_ids: &[i64]) -> AppResult<Vec<Seat>> {
    let (day_start, day_end) = today(state, now_ms());
    let mut seats = Vec::new();
    for &id in operator_ids {
        let u = db::users::get_user(&state.db, id)
            .await
            .map_err(|_| AppError::invalid("operator_ids", format!("no user {id}")))?;
        if !u.active || u.role() != Role::Operator {
            return Err(AppError::invalid(
                "operator_ids",
                format!("user {id} is not an active operator"),
            ));
        }
        if seats.iter().any(|s: &Seat| s.user_id == id) {
            continue;
        }
        let already = db::outbound::proactive_load(&state.db, id, day_start, day_end).await?;
        seats.push(Seat {
            user_id: id,
            already,
        });
    }
    Ok(seats)
}

/// Creates the list and its tasks, due today (business time zone).
pub async fn create(state: &AppState, by: Option<i64>, input: ListInput) -> AppResult<ListOutcome> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid("name", "1–200 characters"));
    }
    let Plan {
        cap,
        outcome: mut out,
        numbers,
    } = plan(
        state,
        &input.client_ids,
        &input.operator_ids,
        input.daily_cap,
    )
    .await?;
    let now = now_ms();
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or(name);
    let criteria = input
        .criteria
        .unwrap_or(serde_json::Value::Null)
        .to_string();
    let mut tx = state.db.begin().await?;
    out.list_id = db::outbound::insert_list(&mut tx, name, &criteria, cap, now, by, now).await?;
    for &(client_id, operator) in &out.assigned {
        let own = input
            .client_reasons
            .get(&client_id)
            .map(|r| format!("{name}: {}", r.chars().take(500).collect::<String>()));
        let task = NewProactive {
            list_id: out.list_id,
            client_id,
            number: &numbers[&client_id],
            reason: own.as_deref().unwrap_or(reason),
            assigned_to: operator,
            due_at: now,
        };
        db::outbound::insert_task(&mut tx, &task, now).await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// Today's bounds in the business time zone (ms).
fn today(state: &AppState, now: i64) -> (i64, i64) {
    let tz = state.config.time_zone;
    let local = crate::domain::time::from_ms(now)
        .with_timezone(&tz)
        .date_naive();
    let start = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or(now, |t| t.timestamp_millis())
    };
    let next = local.checked_add_days(Days::new(1)).unwrap_or(local);
    (start(local), start(next))
}

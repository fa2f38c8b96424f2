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

/// Creates the list and its tasks, due today (business time zone).
pub async fn create(state: &AppState, by: Option<i64>, input: ListInput) -> AppResult<ListOutcome> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid("name", "1–200 characters"));
    }
    if input.client_ids.is_empty() || input.client_ids.len() > MAX_CLIENTS {
        return Err(AppError::invalid(
            "client_ids",
            format!("1–{MAX_CLIENTS} clients"),
        ));
    }
    if input.operator_ids.is_empty() {
        return Err(AppError::invalid(
            "operator_ids",
            "choose at least one operator",
        ));
    }
    let cap = input
        .daily_cap
        .unwrap_or(state.config.workspace.outbound_daily_cap);
    if !(1..=500).contains(&cap) {
        return Err(AppError::invalid("daily_cap", "1 to 500"));
    }
    let now = now_ms();
    let (day_start, day_end) = today(state, now);
    let mut seats = Vec::new();
    for &id in &input.operator_ids {
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
    let found = db::outbound::candidates(&state.db, &input.client_ids).await?;
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
    for &id in &input.client_ids {
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
    for &(client_id, operator) in &a.pairs {
        let task = NewProactive {
            list_id: out.list_id,
            client_id,
            number: &numbers[&client_id],
            reason,
            assigned_to: operator,
            due_at: now,
        };
        db::outbound::insert_task(&mut tx, &task, now).await?;
    }
    tx.commit().await?;
    out.assigned = a.pairs;
    out.over_cap = a.unassigned;
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

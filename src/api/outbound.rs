//! `/api/v1/outbound-lists`: managers pick clients from the segmentation (preview, with the
//! reason for each and who would call them), hand out proactive calls, and follow the results
//! per operator.

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    app::AppState,
    auth::Principal,
    config::Language,
    db::{self, outbound::OutboundList},
    domain::{
        role::Permission,
        time::{now_ms, rfc3339},
    },
    error::{AppJson, AppPath, AppResult},
    outbound::{
        select::{self, Criteria, Selected},
        service::{self, ListInput, ListOutcome, Plan},
    },
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbound-lists", post(create).get(index))
        .route("/outbound-lists/preview", post(preview))
        .route("/outbound-lists/{id}", get(show))
}

async fn create(
    State(state): State<AppState>,
    p: Principal,
    AppJson(input): AppJson<ListInput>,
) -> AppResult<(StatusCode, AppJson<ListOutcome>)> {
    p.require(Permission::AssignWork)?;
    let by = p.user.as_ref().map(|u| u.id);
    let out = service::create(&state, by, input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// A list with its progress and per-operator results.
pub async fn list_json(state: &AppState, list: &OutboundList) -> AppResult<Value> {
    let progress = db::outbound::progress(&state.db, list.id).await?;
    let operators = db::outbound_stats::results_by_operator(&state.db, list.id).await?;
    Ok(json!({
        "id": list.id,
        "name": list.name,
        "criteria": serde_json::from_str::<Value>(&list.criteria).unwrap_or(Value::Null),
        "daily_cap": list.daily_cap,
        "created_at": rfc3339(list.created_at),
        "progress": progress,
        "operators": operators,
    }))
}

async fn index(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    p.require(Permission::AssignWork)?;
    let mut items = Vec::new();
    for list in db::outbound_stats::latest_lists(&state.db, 50).await? {
        items.push(list_json(&state, &list).await?);
    }
    Ok(AppJson(json!({ "items": items })))
}

async fn show(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::AssignWork)?;
    let list = db::outbound::get_list(&state.db, id).await?;
    let mut body = list_json(&state, &list).await?;
    let tasks: Vec<Value> = db::outbound::tasks_of(&state.db, id)
        .await?
        .into_iter()
        .map(|(task, client, op, status, reason)| {
            json!({"task_id": task, "client_id": client, "operator_id": op, "status": status, "close_reason": reason})
        })
        .collect();
    body["tasks"] = json!(tasks);
    Ok(AppJson(body))
}

/// `POST /outbound-lists/preview`: the criteria and, optionally, the operators and cap.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    /// Whom to pick.
    #[serde(default)]
    criteria: Criteria,
    /// To whom to hand them (none: only the selection, no assignment).
    #[serde(default)]
    operator_ids: Vec<i64>,
    /// Tasks per operator per day.
    #[serde(default)]
    daily_cap: Option<i64>,
}

/// Who would be called and why, and by whom under the cap (nothing is written).
pub async fn preview_of(
    state: &AppState,
    criteria: &Criteria,
    operator_ids: &[i64],
    daily_cap: Option<i64>,
    lang: Language,
) -> AppResult<(Vec<Selected>, Option<Plan>)> {
    let picked = select::select(state, criteria, now_ms(), lang).await?;
    if operator_ids.is_empty() || picked.is_empty() {
        return Ok((picked, None));
    }
    let ids: Vec<i64> = picked.iter().map(|s| s.client.row.client_id).collect();
    let plan = service::plan(state, &ids, operator_ids, daily_cap).await?;
    Ok((picked, Some(plan)))
}

/// What happens to one client under a plan: (status, operator).
pub fn fate(plan: Option<&Plan>, client_id: i64) -> (&'static str, Option<i64>) {
    let Some(p) = plan else {
        return ("selected", None);
    };
    let o = &p.outcome;
    if let Some(&(_, op)) = o.assigned.iter().find(|(c, _)| *c == client_id) {
        return ("assigned", Some(op));
    }
    let status = if o.over_cap.contains(&client_id) {
        "over_cap"
    } else if o.already_open.contains(&client_id) {
        "already_open"
    } else if o.do_not_call.contains(&client_id) {
        "do_not_call"
    } else {
        "not_callable"
    };
    (status, None)
}

async fn preview(
    State(state): State<AppState>,
    p: Principal,
    AppJson(input): AppJson<PreviewInput>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::AssignWork)?;
    let (picked, plan) = preview_of(
        &state,
        &input.criteria,
        &input.operator_ids,
        input.daily_cap,
        // The JSON API words things in English whoever asks (the pages use the user's
        // language).
        Language::En,
    )
    .await?;
    let items: Vec<Value> = picked
        .iter()
        .map(|s| {
            let r = &s.client.row;
            let (status, operator) = fate(plan.as_ref(), r.client_id);
            json!({
                "client_id": r.client_id,
                "name": s.client.name,
                "segment": r.segment,
                "abc": r.abc,
                "rfm": format!("{}{}{}", r.r_score, r.f_score, r.m_score),
                "revenue_minor": r.revenue_minor,
                "overdue": r.overdue,
                "personal_manager_id": s.client.personal_manager_id,
                "reason": s.reason,
                "status": status,
                "operator_id": operator,
            })
        })
        .collect();
    Ok(AppJson(json!({
        "daily_cap": plan.as_ref().map(|p| p.cap),
        "items": items,
    })))
}

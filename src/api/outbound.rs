//! `/api/v1/outbound-lists`: managers hand out proactive calls and follow their results.

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use serde_json::{Value, json};

use crate::{
    app::AppState,
    auth::Principal,
    db,
    domain::{role::Permission, time::rfc3339},
    error::{AppJson, AppPath, AppResult},
    outbound::service::{self, ListInput, ListOutcome},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbound-lists", post(create))
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

async fn show(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::AssignWork)?;
    let list = db::outbound::get_list(&state.db, id).await?;
    let progress = db::outbound::progress(&state.db, id).await?;
    let tasks: Vec<Value> = db::outbound::tasks_of(&state.db, id)
        .await?
        .into_iter()
        .map(|(task, client, op, status, reason)| {
            json!({"task_id": task, "client_id": client, "operator_id": op, "status": status, "close_reason": reason})
        })
        .collect();
    Ok(AppJson(json!({
        "id": list.id,
        "name": list.name,
        "criteria": serde_json::from_str::<Value>(&list.criteria).unwrap_or(Value::Null),
        "daily_cap": list.daily_cap,
        "created_at": rfc3339(list.created_at),
        "progress": progress,
        "tasks": tasks,
    })))
}

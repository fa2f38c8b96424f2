//! The operator's desk as JSON: status and preferences (`/me`), outcomes, wrap-up of calls,
//! saying who is calling, and the worklist of tasks with claims. The pages post to the same
//! rules (`crate::workspace`).

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    routing::{get, post, put},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    app::AppState,
    auth::Principal,
    config::Language,
    db::{self, wrapups::Preferences},
    domain::{role::Permission, time::now_ms, time::rfc3339},
    error::{AppError, AppJson, AppPath, AppResult},
    web::i18n,
    workspace::{
        self, caller, outcome,
        wrapup::{self, WrapupInput},
    },
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/status", put(set_status))
        .route("/me/preferences", put(set_preferences))
        .route("/outcomes", get(list_outcomes).post(put_outcome))
        .route("/calls/{id}/outcome", post(call_outcome))
        .route("/calls/{id}/client", post(choose_client))
        .route("/calls/{id}/new-client", post(new_client))
        .route("/worklist", get(worklist))
        .route("/tasks/{id}/claim", post(claim))
        .route("/tasks/{id}/release", post(release))
        .route("/tasks/{id}/outcome", post(task_outcome))
}

async fn me(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    let u = workspace::desk_user(&p)?;
    let ready = db::operators::is_ready(&state.db, u.id).await?;
    let prefs = db::wrapups::preferences(&state.db, u.id).await?;
    Ok(AppJson(json!({
        "id": u.id,
        "login": u.login,
        "display_name": u.display_name,
        "role": p.role,
        "extension": u.extension,
        "status": if ready { "ready" } else { "paused" },
        "preferences": prefs,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusInput {
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    p: Principal,
    AppJson(input): AppJson<StatusInput>,
) -> AppResult<AppJson<Value>> {
    let u = workspace::desk_user(&p)?;
    workspace::set_status(&state, u, input.status.trim()).await?;
    Ok(AppJson(json!({ "status": input.status.trim() })))
}

async fn set_preferences(
    State(state): State<AppState>,
    p: Principal,
    AppJson(input): AppJson<Preferences>,
) -> AppResult<AppJson<Preferences>> {
    let u = workspace::desk_user(&p)?;
    if !["ring", "answer"].contains(&input.pop_on.as_str()) {
        return Err(AppError::invalid("pop_on", "expected ring or answer"));
    }
    if input
        .language
        .as_deref()
        .is_some_and(|l| Language::parse(l).is_none())
    {
        return Err(AppError::invalid("language", "expected en or ru"));
    }
    db::wrapups::set_preferences(&state.db, u.id, &input, now_ms()).await?;
    Ok(AppJson(input))
}

async fn list_outcomes(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    p.require(Permission::WorkCalls)?;
    let lang = i18n::pick(
        p.user.as_ref().and_then(|u| u.language.as_deref()),
        state.config.language,
    );
    let mut items: Vec<Value> = outcome::ALL
        .iter()
        .map(
            |o| json!({ "code": o.code(), "label": o.label(lang), "system": true, "active": true }),
        )
        .collect();
    for c in db::wrapups::custom_outcomes(&state.db).await? {
        items
            .push(json!({ "code": c.code, "label": c.label, "system": false, "active": c.active }));
    }
    Ok(AppJson(json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeDef {
    code: String,
    label: String,
    #[serde(default = "yes")]
    active: bool,
}

fn yes() -> bool {
    true
}

async fn put_outcome(
    State(state): State<AppState>,
    p: Principal,
    AppJson(input): AppJson<OutcomeDef>,
) -> AppResult<StatusCode> {
    p.require(Permission::Administer)?;
    let (code, label) = crate::admin::custom_outcome(&input.code, &input.label)?;
    db::wrapups::put_custom_outcome(&state.db, code, label, input.active, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn call_outcome(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(input): AppJson<WrapupInput>,
) -> AppResult<AppJson<db::wrapups::Wrapup>> {
    let u = workspace::desk_user(&p)?;
    let call = workspace::call_for(&state, &p, id).await?;
    Ok(AppJson(
        wrapup::wrap_up_call(&state, u, &call, &input).await?,
    ))
}

async fn choose_client(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(input): AppJson<caller::ChooseInput>,
) -> AppResult<StatusCode> {
    let u = workspace::desk_user(&p)?;
    let call = workspace::call_for(&state, &p, id).await?;
    caller::choose(&state, u, &call, input.client_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn new_client(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(input): AppJson<caller::NewCallerInput>,
) -> AppResult<(StatusCode, AppJson<Value>)> {
    let u = workspace::desk_user(&p)?;
    let call = workspace::call_for(&state, &p, id).await?;
    let client_id = caller::create(&state, u, &call, input).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(json!({ "client_id": client_id })),
    ))
}

async fn worklist(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    let u = workspace::desk_user(&p)?;
    // Everything due up to the end of the coming day: today's work and what is overdue.
    let until = now_ms() + 86_400_000;
    let tasks = db::tasks::worklist(&state.db, u.id, until, 200).await?;
    let items: Vec<Value> = tasks.iter().map(task_json).collect();
    Ok(AppJson(json!({ "items": items })))
}

pub(crate) fn task_json(t: &db::tasks::Task) -> Value {
    json!({
        "id": t.id,
        "kind": t.kind,
        "status": t.status,
        "number": t.number_e164,
        "client": t.client_id.map(|id| json!({"id": id, "name": t.client_name, "company": t.client_company})),
        "attempts": t.attempts,
        "operator_attempts": t.operator_attempts,
        "reason": t.reason,
        "due_at": rfc3339(t.due_at),
        "assigned_to": t.assigned_to,
        "claimed_by": t.claimed_by,
        "last_outcome": t.last_outcome,
        "closed_at": t.closed_at.map(rfc3339),
        "close_reason": t.close_reason,
    })
}

async fn claim(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<AppJson<Value>> {
    let u = workspace::desk_user(&p)?;
    let task = workspace::tasks::claim(&state, u, id).await?;
    Ok(AppJson(task_json(&task)))
}

async fn release(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let u = workspace::desk_user(&p)?;
    workspace::tasks::release(&state, u, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn task_outcome(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(input): AppJson<WrapupInput>,
) -> AppResult<AppJson<Value>> {
    let u = workspace::desk_user(&p)?;
    let task = db::tasks::get_task(&state.db, id).await?;
    let saved = wrapup::wrap_up_task(&state, u, &task, &input).await?;
    let task = db::tasks::get_task(&state.db, id).await?;
    Ok(AppJson(
        json!({ "wrapup": saved, "task": task_json(&task) }),
    ))
}

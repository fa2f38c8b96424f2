//! `/api/v1/admin/…`: user accounts, client merges, PBX sources, retention and the report
//! aggregates' state — administrators only (`Permission::Administer`), except the retention
//! and aggregates overview, which managers may read.
//!
//! The handlers parse and call `crate::admin`; the rules live there.

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    admin::{
        self, sources,
        users::{self, AccountChange, NewAccount},
    },
    app::AppState,
    auth::Principal,
    db,
    domain::{
        role::Permission,
        time::{now_ms, rfc3339},
    },
    error::{AppJson, AppPath, AppResult},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list_users).post(create_user))
        .route("/admin/users/{id}", axum::routing::patch(change_user))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/clients/merge", post(merge_clients))
        .route("/admin/retention", get(retention))
        .route("/admin/retention/run", post(run_retention))
        .route("/admin/sources", get(list_sources).post(create_source))
        .route("/admin/sources/{id}", axum::routing::patch(change_source))
        .route("/admin/sources/{id}/rotate", post(rotate_source))
}

async fn list_users(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    p.require(Permission::Administer)?;
    let items = db::admin::list_users(&state.db).await?;
    Ok(AppJson(json!({ "items": items })))
}

async fn create_user(
    State(state): State<AppState>,
    p: Principal,
    AppJson(a): AppJson<NewAccount>,
) -> AppResult<(StatusCode, AppJson<Value>)> {
    p.require(Permission::Administer)?;
    let id = users::create(&state.db, &p, &a).await?;
    Ok((StatusCode::CREATED, AppJson(json!({ "id": id }))))
}

async fn change_user(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(c): AppJson<AccountChange>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::Administer)?;
    users::change(&state.db, &p, id, &c).await?;
    let u = db::users::get_user(&state.db, id).await?;
    Ok(AppJson(json!({
        "id": u.id, "login": u.login, "display_name": u.display_name, "role": u.role,
        "extension": u.extension, "active": u.active,
    })))
}

#[derive(Deserialize)]
struct PasswordBody {
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(b): AppJson<PasswordBody>,
) -> AppResult<StatusCode> {
    p.require(Permission::Administer)?;
    users::reset_password(&state.db, &p, id, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct MergeBody {
    keep_id: i64,
    merge_id: i64,
}

async fn merge_clients(
    State(state): State<AppState>,
    p: Principal,
    AppJson(b): AppJson<MergeBody>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::Administer)?;
    let moved = admin::merge_clients(&state.db, &p, b.keep_id, b.merge_id).await?;
    Ok(AppJson(
        json!({ "kept_id": b.keep_id, "merged_id": b.merge_id, "moved": moved }),
    ))
}

/// The retention settings, the last run and the aggregates' state (shared with the page).
pub async fn retention_json(state: &AppState) -> AppResult<Value> {
    let r = &state.config.retention;
    let st = db::retention::state(&state.db).await?;
    let agg = db::aggregates::state(&state.db).await?;
    let t = |x: Option<i64>| x.map(rfc3339);
    Ok(json!({
        "settings": {
            "events_days": r.events_days, "raw_payload_days": r.raw_payload_days,
            "recording_days": r.recording_days, "caller_numbers_days": r.caller_numbers_days,
            "audit_days": r.audit_days,
            "run_every_minutes": r.run_every_minutes,
        },
        "last_run": {
            "at": t(st.last_run_at), "duration_ms": st.last_run_ms,
            "rows_changed": st.last_removed, "error": st.last_error,
        },
        "done_until": {
            "events": t(Some(st.events_until).filter(|x| *x > 0)),
            "raw_payloads": t(Some(st.raw_until).filter(|x| *x > 0)),
            "recordings": t(Some(st.recordings_until).filter(|x| *x > 0)),
            "caller_numbers": t(Some(st.numbers_until).filter(|x| *x > 0)),
        },
        "aggregates": {
            "ready": agg.ready, "slot_minutes": agg.slot_ms / 60_000,
            "built_at": t(agg.built_at), "refreshed_at": t(agg.refreshed_at),
        },
    }))
}

async fn retention(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    p.require(Permission::ReadReports)?;
    Ok(AppJson(retention_json(&state).await?))
}

async fn run_retention(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    p.require(Permission::Administer)?;
    let run = crate::retention::run_once(&state.db, &state.config.retention, now_ms()).await?;
    Ok(AppJson(json!({ "removed": run })))
}

async fn list_sources(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    p.require(Permission::Administer)?;
    let items = sources::list(&state.db, &state.config).await?;
    Ok(AppJson(json!({ "items": items })))
}

#[derive(Deserialize)]
struct NewSourceBody {
    id: String,
    format: String,
}

async fn create_source(
    State(state): State<AppState>,
    p: Principal,
    AppJson(b): AppJson<NewSourceBody>,
) -> AppResult<(StatusCode, AppJson<Value>)> {
    p.require(Permission::Administer)?;
    let s = sources::create(
        &state.db,
        &state.config,
        &state.sources,
        &p,
        &b.id,
        &b.format,
    )
    .await?;
    Ok((StatusCode::CREATED, AppJson(json!(s))))
}

async fn rotate_source(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<String>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::Administer)?;
    let s = sources::rotate(&state.db, &state.config, &state.sources, &p, &id).await?;
    Ok(AppJson(json!(s)))
}

#[derive(Deserialize)]
struct SourceChange {
    enabled: bool,
}

async fn change_source(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<String>,
    AppJson(b): AppJson<SourceChange>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::Administer)?;
    sources::set_enabled(&state.db, &state.sources, &p, &id, b.enabled).await?;
    Ok(AppJson(json!({ "id": id, "enabled": b.enabled })))
}

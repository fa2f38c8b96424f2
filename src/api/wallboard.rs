//! `GET /api/v1/wallboard`: calls ringing now, operators' states and today's KPIs — the same
//! data as the manager's wallboard page (`reports::wallboard`).

use axum::{Router, extract::State, routing::get};

use crate::{
    app::AppState,
    auth::Principal,
    domain::{role::Permission, time::now_ms},
    error::{AppJson, AppResult},
    reports::wallboard::{self, Wallboard},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/wallboard", get(get_wallboard))
}

async fn get_wallboard(
    State(state): State<AppState>,
    p: Principal,
) -> AppResult<AppJson<Wallboard>> {
    p.require(Permission::ReadReports)?;
    let full = state.config.full_numbers_roles.contains(&p.role);
    Ok(AppJson(wallboard::read(&state, now_ms(), full).await?))
}

//! `GET /api/v1/wallboard[?queue=]`: calls ringing now, operators' states and today's KPIs —
//! the same data as the manager's wallboard page (`reports::wallboard`).

use axum::{Router, extract::State, routing::get};
use serde::Deserialize;

use crate::{
    app::AppState,
    auth::Principal,
    domain::{role::Permission, time::now_ms},
    error::{AppJson, AppQuery, AppResult},
    reports::wallboard::{self, Wallboard},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/wallboard", get(get_wallboard))
}

/// `?queue=`: one queue's board.
#[derive(Deserialize)]
pub struct BoardQuery {
    queue: Option<String>,
}

async fn get_wallboard(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<BoardQuery>,
) -> AppResult<AppJson<Wallboard>> {
    p.require(Permission::ReadReports)?;
    let full = state.config.full_numbers_roles.contains(&p.role);
    let board = wallboard::read(&state, now_ms(), full, q.queue.as_deref()).await?;
    Ok(AppJson(board))
}

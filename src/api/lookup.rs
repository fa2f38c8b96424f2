//! `GET /api/v1/lookup?number=RAW[&format=text]`: who is calling. Asked by PBXs on every
//! ring, so it does one indexed query and nothing else.

use axum::{
    Router,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    auth::LookupPrincipal,
    domain::role::Permission,
    error::{AppError, AppJson, AppQuery, AppResult},
    matching,
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/lookup", get(lookup))
}

#[derive(Deserialize)]
struct LookupQuery {
    number: Option<String>,
    format: Option<String>,
}

async fn lookup(
    State(state): State<AppState>,
    LookupPrincipal(principal): LookupPrincipal,
    AppQuery(q): AppQuery<LookupQuery>,
) -> AppResult<Response> {
    principal.require(Permission::Lookup)?;
    let number = q
        .number
        .ok_or_else(|| AppError::invalid("number", "the number parameter is required"))?;
    if number.len() > 64 {
        return Err(AppError::invalid("number", "at most 64 characters"));
    }
    let found = matching::match_caller(&state.db, state.config.default_region, &number).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(AppJson(found).into_response()),
        // For Asterisk CURL() CNAM lookups: the name alone, empty when unknown.
        Some("text") => Ok(found.display_name().unwrap_or_default().into_response()),
        Some(_) => Err(AppError::invalid("format", "expected json or text")),
    }
}

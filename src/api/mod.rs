//! The JSON API under `/api/v1`: clients, products, orders and the caller lookup.
//!
//! Authentication is a bearer token (`orderline token create`) or a login session; each
//! handler states the permission it needs. Lists answer `{ "items": [...], "next_cursor"? }`.

pub mod admin;
pub mod audit;
pub mod call_query;
pub mod calls;
pub mod client_input;
pub mod clients;
pub mod export;
pub mod export_rows;
pub mod lookup;
pub mod orders;
pub mod outbound;
pub mod page;
pub mod products;
pub mod reports;
pub mod wallboard;
pub mod workspace;

use axum::{Router, extract::DefaultBodyLimit};

use crate::{app::AppState, config::Config};

/// Routes of `/api/v1`.
pub fn router(config: &Config) -> Router<AppState> {
    Router::new()
        .merge(lookup::router())
        .merge(clients::router())
        .merge(products::router())
        .merge(orders::router())
        .merge(calls::router())
        .merge(workspace::router())
        .merge(outbound::router())
        .merge(reports::router())
        .merge(wallboard::router())
        .merge(export::router())
        .merge(audit::router())
        .merge(admin::router())
        .layer(DefaultBodyLimit::max(config.server.api_body_limit_bytes))
}

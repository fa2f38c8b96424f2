//! `/api/v1/orders`: place, read, list, confirm or cancel orders.

use axum::{Router, extract::State, http::StatusCode, routing::get};
use serde::{Deserialize, Serialize};

use super::page::{Page, PageQuery, page};
use crate::{
    app::AppState,
    auth::Principal,
    db::{
        self,
        audit::Actor,
        orders::{LineRow, OrderRow},
    },
    domain::{role::Permission, time::now_ms},
    error::{AppError, AppJson, AppPath, AppQuery, AppResult},
    orders::{OrderInput, place_order},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", get(list_orders).post(create_order))
        .route("/orders/{id}", get(get_order).patch(update_order_status))
}

/// An order with its lines.
#[derive(Serialize)]
struct OrderOut {
    #[serde(flatten)]
    order: OrderRow,
    lines: Vec<LineRow>,
}

#[derive(Deserialize)]
struct ListQuery {
    /// Text: numeric fields never parse next to `#[serde(flatten)]` in a query string.
    client_id: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusInput {
    status: String,
}

async fn create_order(
    State(state): State<AppState>,
    principal: Principal,
    AppJson(input): AppJson<OrderInput>,
) -> AppResult<(StatusCode, AppJson<OrderOut>)> {
    principal.require(Permission::WriteClients)?;
    let created_by = match principal.actor {
        Actor::User(id) => Some(id),
        _ => None,
    };
    let id = place_order(&state.db, &state.config.currency, created_by, input).await?;
    let (order, lines) = db::orders::get_order(&state.db, id).await?;
    Ok((StatusCode::CREATED, AppJson(OrderOut { order, lines })))
}

async fn get_order(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<AppJson<OrderOut>> {
    principal.require(Permission::ReadClients)?;
    let (order, lines) = db::orders::get_order(&state.db, id).await?;
    Ok(AppJson(OrderOut { order, lines }))
}

async fn list_orders(
    State(state): State<AppState>,
    principal: Principal,
    AppQuery(query): AppQuery<ListQuery>,
) -> AppResult<AppJson<Page<OrderOut>>> {
    principal.require(Permission::ReadClients)?;
    let limit = query.page.limit()?;
    let before = query.page.after()?.unwrap_or(i64::MAX);
    let client_id = match query.client_id.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| AppError::invalid("client_id", "expected a client id"))?,
        ),
    };
    let rows = db::orders::list_orders(&state.db, client_id, before, limit + 1).await?;
    let p = page(rows, limit, |(o, _)| o.id);
    Ok(AppJson(Page {
        items: p
            .items
            .into_iter()
            .map(|(order, lines)| OrderOut { order, lines })
            .collect(),
        next_cursor: p.next_cursor,
    }))
}

async fn update_order_status(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(input): AppJson<StatusInput>,
) -> AppResult<AppJson<OrderOut>> {
    principal.require(Permission::WriteClients)?;
    if !matches!(input.status.as_str(), "confirmed" | "cancelled") {
        return Err(AppError::invalid(
            "status",
            "expected confirmed or cancelled",
        ));
    }
    db::orders::set_order_status(&state.db, id, &input.status, now_ms()).await?;
    let (order, lines) = db::orders::get_order(&state.db, id).await?;
    Ok(AppJson(OrderOut { order, lines }))
}

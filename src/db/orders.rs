//! Orders and their lines.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbError, DbResult, Tx, with_pool, with_tx};

/// An order header.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct OrderRow {
    /// Id.
    pub id: i64,
    /// Client.
    pub client_id: i64,
    /// The call it was taken on.
    pub call_id: Option<i64>,
    /// new / confirmed / cancelled.
    pub status: String,
    /// Delivery address.
    pub delivery_address: Option<String>,
    /// Delivery date (YYYY-MM-DD).
    pub delivery_date: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// The user who entered it.
    pub created_by: Option<i64>,
    /// Sum of the lines, minor units.
    pub total_minor: i64,
    /// Currency.
    pub currency: String,
    /// Created (ms).
    pub created_at: i64,
    /// Updated (ms).
    pub updated_at: i64,
}

/// An order line.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct LineRow {
    /// Order.
    #[serde(skip)]
    pub order_id: i64,
    /// Product.
    pub product_id: i64,
    /// SKU when ordered.
    pub sku: String,
    /// Name when ordered.
    pub name: String,
    /// Quantity.
    pub quantity: i64,
    /// Unit price when ordered.
    pub unit_price_minor: i64,
    /// quantity × unit price.
    pub line_total_minor: i64,
}

impl LineRow {
    /// A line of `quantity` × `product` at its current price, with the line total already
    /// checked by the caller not to overflow (`total`).
    pub fn priced(product: &super::products::Product, quantity: i64, total: i64) -> Self {
        LineRow {
            order_id: 0,
            product_id: product.id,
            sku: product.sku.clone(),
            name: product.name.clone(),
            quantity,
            unit_price_minor: product.price_minor,
            line_total_minor: total,
        }
    }
}

/// An order to write: lines already priced, total already summed.
pub struct NewOrder {
    /// Client.
    pub client_id: i64,
    /// Call.
    pub call_id: Option<i64>,
    /// Delivery address.
    pub delivery_address: Option<String>,
    /// Delivery date.
    pub delivery_date: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Entered by.
    pub created_by: Option<i64>,
    /// Lines (order_id ignored).
    pub lines: Vec<LineRow>,
    /// Total.
    pub total_minor: i64,
    /// Currency.
    pub currency: String,
    /// Created (ms) — the demo loader back-dates orders.
    pub created_at: i64,
}

const COLUMNS: &str = "id, client_id, call_id, status, delivery_address, delivery_date, comment, created_by, \
    total_minor, currency, created_at, updated_at";
const LINE_COLUMNS: &str =
    "order_id, product_id, sku, name, quantity, unit_price_minor, line_total_minor";

/// Writes an order and its lines inside `tx`.
pub async fn insert_order(tx: &mut Tx, o: &NewOrder) -> DbResult<i64> {
    const SQL: &str = "INSERT INTO orders (client_id, call_id, status, delivery_address, delivery_date, comment, \
        created_by, total_minor, currency, created_at, updated_at) VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8, $9, $9) \
        RETURNING id";
    let id: i64 = with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(o.client_id)
        .bind(o.call_id)
        .bind(&o.delivery_address)
        .bind(&o.delivery_date)
        .bind(&o.comment)
        .bind(o.created_by)
        .bind(o.total_minor)
        .bind(&o.currency)
        .bind(o.created_at)
        .fetch_one(c)
        .await)?;
    let sql =
        format!("INSERT INTO order_lines ({LINE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
    for l in &o.lines {
        with_tx!(tx, |c| sqlx::query(&sql)
            .bind(id)
            .bind(l.product_id)
            .bind(&l.sku)
            .bind(&l.name)
            .bind(l.quantity)
            .bind(l.unit_price_minor)
            .bind(l.line_total_minor)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

/// One order with its lines.
pub async fn get_order(db: &Db, id: i64) -> DbResult<(OrderRow, Vec<LineRow>)> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE id = $1");
    let row: Option<OrderRow> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    let row = row.ok_or(DbError::NotFound("order"))?;
    let mut lines = lines_of(db, &[id]).await?;
    lines.retain(|l| l.order_id == id);
    Ok((row, lines))
}

/// A page of orders, newest first (keyset on id), optionally of one client.
pub async fn list_orders(
    db: &Db,
    client_id: Option<i64>,
    before_id: i64,
    limit: i64,
) -> DbResult<Vec<(OrderRow, Vec<LineRow>)>> {
    let mut sql = format!("SELECT {COLUMNS} FROM orders WHERE id < $1");
    if client_id.is_some() {
        sql.push_str(" AND client_id = $3");
    }
    sql.push_str(" ORDER BY id DESC LIMIT $2");
    let rows: Vec<OrderRow> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(before_id)
        .bind(limit)
        .bind(client_id)
        .fetch_all(p)
        .await)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let lines = lines_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            let mine = lines
                .iter()
                .filter(|l| l.order_id == o.id)
                .cloned()
                .collect();
            (o, mine)
        })
        .collect())
}

async fn lines_of(db: &Db, ids: &[i64]) -> DbResult<Vec<LineRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id IN ({list}) ORDER BY order_id, id"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql).fetch_all(p).await)?)
}

/// Moves an order from `new` to `confirmed` or `cancelled`; any other transition is a conflict.
pub async fn set_order_status(db: &Db, id: i64, status: &str, now: i64) -> DbResult<()> {
    const SQL: &str =
        "UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'new'";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(status)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 1 {
        return Ok(());
    }
    get_order(db, id).await?;
    Err(DbError::Conflict {
        message: "only a new order can be confirmed or cancelled".into(),
        field: Some("status".into()),
    })
}

/// A client's orders as (created_at, total_minor), oldest first, cancelled ones left out:
/// the input of the badge rule.
pub async fn order_points(db: &Db, client_id: i64) -> DbResult<Vec<(i64, i64)>> {
    const SQL: &str = "SELECT created_at, total_minor FROM orders \
        WHERE client_id = $1 AND status <> 'cancelled' ORDER BY created_at";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(client_id)
        .fetch_all(p)
        .await)?)
}

/// The orders taken on a call, oldest first.
pub async fn of_call(db: &Db, call_id: i64) -> DbResult<Vec<OrderRow>> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE call_id = $1 ORDER BY id");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(call_id)
        .fetch_all(p)
        .await)?)
}

/// A client's latest orders with their lines, newest first by when they were taken (ids
/// need not follow time: imported history arrives in any order).
pub async fn latest_of_client(
    db: &Db,
    client_id: i64,
    limit: i64,
) -> DbResult<Vec<(OrderRow, Vec<LineRow>)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orders WHERE client_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    let rows: Vec<OrderRow> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(client_id)
        .bind(limit)
        .fetch_all(p)
        .await)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines = lines_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            let (mine, rest): (Vec<_>, Vec<_>) = lines.drain(..).partition(|l| l.order_id == o.id);
            lines = rest;
            (o, mine)
        })
        .collect())
}

//! Orders as the CSV export reads them: filtered by period, status and client, newest first
//! by the keyset (created_at, id), with the client's name and first phone number.

use sqlx::FromRow;

use super::{
    Db, DbResult,
    direct::{Arg, bind_args},
    where_sql::Where,
    with_pool,
};

/// Which orders to export.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    /// Created at or after (ms).
    pub from: Option<i64>,
    /// Created before (ms).
    pub to: Option<i64>,
    /// new / confirmed / cancelled.
    pub status: Option<String>,
    /// One client's.
    pub client_id: Option<i64>,
}

/// One exported order.
#[derive(Clone, Debug, FromRow)]
pub struct OrderLine {
    /// Id.
    pub id: i64,
    /// Created (ms).
    pub created_at: i64,
    /// Client.
    pub client_id: i64,
    /// The client's name.
    pub client_name: String,
    /// The client's primary (else first) number.
    pub phone: Option<String>,
    /// Status.
    pub status: String,
    /// Total, minor units.
    pub total_minor: i64,
    /// Currency.
    pub currency: String,
    /// The call it was taken on.
    pub call_id: Option<i64>,
    /// Delivery date.
    pub delivery_date: Option<String>,
    /// Delivery address.
    pub delivery_address: Option<String>,
    /// Comment.
    pub comment: Option<String>,
}

/// A chunk of orders after `after` = (created_at, id) of the previous chunk's last row.
pub async fn list(
    db: &Db,
    f: &OrderFilter,
    after: Option<(i64, i64)>,
    limit: i64,
) -> DbResult<Vec<OrderLine>> {
    let mut w = Where::new(String::from(
        "SELECT o.id, o.created_at, o.client_id, c.name AS client_name, \
         (SELECT p.e164 FROM client_phones p WHERE p.client_id = o.client_id \
          ORDER BY p.is_primary DESC, p.position, p.id LIMIT 1) AS phone, \
         o.status, o.total_minor, o.currency, o.call_id, o.delivery_date, o.delivery_address, o.comment \
         FROM orders o JOIN clients c ON c.id = o.client_id WHERE 1 = 1",
    ));
    if let Some((at, id)) = after {
        w.and(
            "o.created_at <= ? AND (o.created_at < ? OR o.id < ?)",
            &[at.into(), at.into(), id.into()],
        );
    }
    w.and_if("o.created_at >= ?", f.from.map(Arg::from));
    w.and_if("o.created_at < ?", f.to.map(Arg::from));
    w.and_if("o.client_id = ?", f.client_id.map(Arg::from));
    w.and_if("o.status = ?", f.status.as_deref().map(Arg::from));
    let (sql, args) = w.finish("o.created_at DESC, o.id DESC", limit);
    Ok(with_pool!(db, |p| bind_args!(sqlx::query_as(&sql), &args)
        .fetch_all(p)
        .await)?)
}

//! How outbound lists are doing: the latest lists, and per list and operator the tasks
//! assigned, done, reached, and the orders (count, revenue) the clients placed since.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbResult, outbound::OutboundList, with_pool};

/// The latest lists, newest first.
pub async fn latest_lists(db: &Db, limit: i64) -> DbResult<Vec<OutboundList>> {
    const SQL: &str = "SELECT id, name, criteria, daily_cap, due_at, created_by, created_at FROM outbound_lists \
        ORDER BY id DESC LIMIT $1";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// One operator's share of a list.
#[derive(Clone, Debug, FromRow, PartialEq, Serialize)]
pub struct OperatorResult {
    /// The operator (None: tasks nobody holds).
    pub operator_id: Option<i64>,
    /// Their name.
    pub name: Option<String>,
    /// Tasks assigned.
    pub tasks: i64,
    /// Closed (done), whatever the outcome.
    pub done: i64,
    /// Closed having reached the client (not "not reached", not "wrong number").
    pub reached: i64,
    /// Tasks whose client placed at least one order since the list was made.
    pub ordered: i64,
    /// The revenue of those orders (minor units; cancelled orders excluded).
    pub revenue_minor: i64,
}

/// Per-operator results of a list, by operator name.
pub async fn results_by_operator(db: &Db, list_id: i64) -> DbResult<Vec<OperatorResult>> {
    const SQL: &str = "SELECT x.assigned_to AS operator_id, u.display_name AS name, COUNT(*) AS tasks, \
        CAST(SUM(CASE WHEN x.status = 'closed' THEN 1 ELSE 0 END) AS BIGINT) AS done, \
        CAST(SUM(CASE WHEN x.status = 'closed' AND x.close_reason NOT IN ('not_reached', 'wrong_number') \
            THEN 1 ELSE 0 END) AS BIGINT) AS reached, \
        CAST(SUM(CASE WHEN x.orders > 0 THEN 1 ELSE 0 END) AS BIGINT) AS ordered, \
        CAST(COALESCE(SUM(x.revenue), 0) AS BIGINT) AS revenue_minor \
        FROM (SELECT t.assigned_to, t.status, t.close_reason, \
            (SELECT COUNT(*) FROM orders o WHERE o.client_id = t.client_id AND o.status <> 'cancelled' \
                AND o.created_at >= l.created_at) AS orders, \
            (SELECT COALESCE(SUM(o.total_minor), 0) FROM orders o WHERE o.client_id = t.client_id \
                AND o.status <> 'cancelled' AND o.created_at >= l.created_at) AS revenue \
            FROM callbacks t JOIN outbound_lists l ON l.id = t.list_id WHERE t.list_id = $1) x \
        LEFT JOIN users u ON u.id = x.assigned_to \
        GROUP BY x.assigned_to, u.display_name ORDER BY u.display_name, x.assigned_to";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(list_id)
        .fetch_all(p)
        .await)?)
}

//! The caller look-up of every call: the clients that have a number, and whether the number is
//! on the block list — in one statement, because a ringing call waits for it before its event
//! reaches the writer (a round trip and a parse less per call on PostgreSQL).

use sqlx::FromRow;

use super::{Db, DbResult, with_pool};

/// One candidate of a caller lookup.
#[derive(Clone, Debug)]
pub struct LookupRow {
    /// Client id.
    pub client_id: i64,
    /// Display name.
    pub name: String,
    /// Company.
    pub company: Option<String>,
    /// Personal manager's login.
    pub manager_login: Option<String>,
    /// Personal manager's extension.
    pub manager_extension: Option<String>,
    /// Last order (ms), if any.
    pub last_order_at: Option<i64>,
}

/// A row of the statement: the block-list count, and a candidate unless none matched.
#[derive(FromRow)]
struct Row {
    blocked: i64,
    client_id: Option<i64>,
    name: Option<String>,
    company: Option<String>,
    manager_login: Option<String>,
    manager_extension: Option<String>,
    last_order_at: Option<i64>,
}

/// Every live client that has this exact E.164 number, the most recently ordering first
/// (then the most recently updated: a fresh record is likelier the right one), and whether
/// the number is blocked.
pub async fn by_e164(db: &Db, e164: &str) -> DbResult<(Vec<LookupRow>, bool)> {
    // The block-list count is the left side of an outer join, so it comes back even when no
    // client has the number. COUNT(*) is BIGINT on both backends.
    const SQL: &str = "SELECT b.n AS blocked, x.client_id, x.name, x.company, x.manager_login, \
        x.manager_extension, x.last_order_at \
        FROM (SELECT COUNT(*) AS n FROM blocked_numbers WHERE e164 = $1) b \
        LEFT JOIN (SELECT c.id AS client_id, c.name, c.company, u.login AS manager_login, \
            u.extension AS manager_extension, c.updated_at, \
            (SELECT MAX(o.created_at) FROM orders o WHERE o.client_id = c.id) AS last_order_at \
            FROM client_phones ph JOIN clients c ON c.id = ph.client_id \
            LEFT JOIN users u ON u.id = c.personal_manager_id AND u.active \
            WHERE ph.e164 = $1 AND c.deleted_at IS NULL) x ON 1 = 1 \
        ORDER BY x.last_order_at DESC NULLS LAST, x.updated_at DESC, x.client_id LIMIT 20";
    let rows: Vec<Row> = with_pool!(db, |p| sqlx::query_as(SQL).bind(e164).fetch_all(p).await)?;
    let blocked = rows.first().is_some_and(|r| r.blocked > 0);
    let found = rows
        .into_iter()
        .filter_map(|r| {
            Some(LookupRow {
                client_id: r.client_id?,
                name: r.name?,
                company: r.company,
                manager_login: r.manager_login,
                manager_extension: r.manager_extension,
                last_order_at: r.last_order_at,
            })
        })
        .collect();
    Ok((found, blocked))
}

//! Outbound call lists and their proactive tasks.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbResult, Tx, with_pool, with_tx};

/// A list as stored.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct OutboundList {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Why these clients (JSON).
    pub criteria: String,
    /// Tasks per operator per day.
    pub daily_cap: i64,
    /// When the calls are due (ms).
    pub due_at: i64,
    /// Who made it.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
}

/// Creates a list; returns its id.
pub async fn insert_list(
    tx: &mut Tx,
    name: &str,
    criteria: &str,
    daily_cap: i64,
    due_at: i64,
    by: Option<i64>,
    now: i64,
) -> DbResult<i64> {
    const SQL: &str = "INSERT INTO outbound_lists (name, criteria, daily_cap, due_at, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(name)
        .bind(criteria)
        .bind(daily_cap)
        .bind(due_at)
        .bind(by)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// A proactive task of a list.
pub struct NewProactive<'a> {
    /// The list.
    pub list_id: i64,
    /// The client.
    pub client_id: i64,
    /// The number to call.
    pub number: &'a str,
    /// Why (shown in the worklist).
    pub reason: &'a str,
    /// The operator.
    pub assigned_to: i64,
    /// Due.
    pub due_at: i64,
}

/// Adds a proactive task of a list.
pub async fn insert_task(tx: &mut Tx, t: &NewProactive<'_>, now: i64) -> DbResult<i64> {
    const SQL: &str = "INSERT INTO callbacks (kind, status, number_e164, client_id, attempts, reason, due_at, \
        assigned_to, list_id, created_at, updated_at) VALUES ('proactive', 'open', $1, $2, 0, $3, $4, $5, $6, $7, $7) \
        RETURNING id";
    Ok(with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(t.number)
        .bind(t.client_id)
        .bind(t.reason)
        .bind(t.due_at)
        .bind(t.assigned_to)
        .bind(t.list_id)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// Open proactive tasks an operator holds that are due in [from, to) — what counts against
/// their daily cap.
pub async fn proactive_load(db: &Db, user_id: i64, from: i64, to: i64) -> DbResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM callbacks WHERE kind = 'proactive' AND assigned_to = $1 \
        AND due_at >= $2 AND due_at < $3";
    Ok(with_pool!(db, |p| sqlx::query_scalar(SQL)
        .bind(user_id)
        .bind(from)
        .bind(to)
        .fetch_one(p)
        .await)?)
}

/// What a client of a list needs for assignment: the primary number, the personal manager,
/// the do-not-call flag, and whether an open task for the client exists already.
#[derive(Clone, Debug, FromRow)]
pub struct Candidate {
    /// Client.
    pub id: i64,
    /// Personal manager.
    pub personal_manager_id: Option<i64>,
    /// Do not call.
    pub do_not_call: bool,
    /// The number to call (primary first).
    pub number: Option<String>,
    /// Open tasks for this client.
    pub open_tasks: i64,
}

/// The candidates among `ids` (live clients only), in no particular order.
pub async fn candidates(db: &Db, ids: &[i64]) -> DbResult<Vec<Candidate>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT c.id, c.personal_manager_id, c.do_not_call, \
         (SELECT p.e164 FROM client_phones p WHERE p.client_id = c.id ORDER BY p.is_primary DESC, p.position LIMIT 1) AS number, \
         (SELECT COUNT(*) FROM callbacks t WHERE t.client_id = c.id AND t.status = 'open') AS open_tasks \
         FROM clients c WHERE c.deleted_at IS NULL AND c.id IN ({list})"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql).fetch_all(p).await)?)
}

/// Progress of a list: tasks in all, still open, closed having reached the client, and the
/// orders (count, revenue) its clients placed since the list was made.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Progress {
    /// Tasks.
    pub tasks: i64,
    /// Still open.
    pub open: i64,
    /// Closed with an outcome that reached the client.
    pub reached: i64,
    /// Orders since the list was made.
    pub orders: i64,
    /// Their revenue (minor units).
    pub revenue_minor: i64,
}

/// The progress of a list.
pub async fn progress(db: &Db, list_id: i64) -> DbResult<Progress> {
    const SQL: &str = "SELECT \
        (SELECT COUNT(*) FROM callbacks WHERE list_id = $1) AS tasks, \
        (SELECT COUNT(*) FROM callbacks WHERE list_id = $1 AND status = 'open') AS open, \
        (SELECT COUNT(*) FROM callbacks WHERE list_id = $1 AND status = 'closed' \
            AND close_reason NOT IN ('not_reached', 'wrong_number')) AS reached, \
        (SELECT COUNT(*) FROM orders o WHERE o.status <> 'cancelled' AND o.created_at >= l.created_at \
            AND o.client_id IN (SELECT client_id FROM callbacks WHERE list_id = $1)) AS orders, \
        (SELECT CAST(COALESCE(SUM(o.total_minor), 0) AS BIGINT) FROM orders o WHERE o.status <> 'cancelled' \
            AND o.created_at >= l.created_at \
            AND o.client_id IN (SELECT client_id FROM callbacks WHERE list_id = $1)) AS revenue_minor \
        FROM outbound_lists l WHERE l.id = $1";
    let row: Option<Progress> = with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(list_id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(super::DbError::NotFound("outbound list"))
}

/// One list.
pub async fn get_list(db: &Db, id: i64) -> DbResult<OutboundList> {
    const SQL: &str = "SELECT id, name, criteria, daily_cap, due_at, created_by, created_at FROM outbound_lists WHERE id = $1";
    let row: Option<OutboundList> =
        with_pool!(db, |p| sqlx::query_as(SQL).bind(id).fetch_optional(p).await)?;
    row.ok_or(super::DbError::NotFound("outbound list"))
}

/// The tasks of a list: (task id, client id, operator id, status, close reason).
pub async fn tasks_of(
    db: &Db,
    list_id: i64,
) -> DbResult<Vec<(i64, Option<i64>, Option<i64>, String, Option<String>)>> {
    const SQL: &str = "SELECT id, client_id, assigned_to, status, close_reason FROM callbacks WHERE list_id = $1 ORDER BY id";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(list_id)
        .fetch_all(p)
        .await)?)
}

//! The worklist side of callback tasks: what an operator sees, claims on tasks so that two
//! operators never work one at once, attempts, and tasks created by people (a callback the
//! client asked for, a proactive call a manager assigned).

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbResult, Tx, with_pool, with_tx};

/// A task as the worklist shows it.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Task {
    /// Id.
    pub id: i64,
    /// missed / requested / proactive.
    pub kind: String,
    /// open / closed.
    pub status: String,
    /// Whom to call.
    pub number_e164: String,
    /// The client, when known.
    pub client_id: Option<i64>,
    /// The client's name.
    pub client_name: Option<String>,
    /// The client's company.
    pub client_company: Option<String>,
    /// Missed inbound calls counted into it.
    pub attempts: i64,
    /// Operators' tries.
    pub operator_attempts: i64,
    /// Why.
    pub reason: Option<String>,
    /// Due (ms).
    pub due_at: i64,
    /// Assigned operator.
    pub assigned_to: Option<i64>,
    /// Who is working on it now.
    pub claimed_by: Option<i64>,
    /// Their name.
    pub claimed_by_name: Option<String>,
    /// Since when (ms).
    pub claimed_at: Option<i64>,
    /// The outcome of the last attempt.
    pub last_outcome: Option<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Closed (ms).
    pub closed_at: Option<i64>,
    /// Why it closed.
    pub close_reason: Option<String>,
}

const SELECT: &str = "SELECT t.id, t.kind, t.status, t.number_e164, t.client_id, c.name AS client_name, \
    c.company AS client_company, t.attempts, t.operator_attempts, t.reason, t.due_at, t.assigned_to, \
    t.claimed_by, u.display_name AS claimed_by_name, t.claimed_at, t.last_outcome, t.created_at, t.closed_at, \
    t.close_reason FROM callbacks t LEFT JOIN clients c ON c.id = t.client_id \
    LEFT JOIN users u ON u.id = t.claimed_by";

/// Open tasks an operator may work, due first: assigned to them or to nobody, due before
/// `due_before`.
pub async fn worklist(db: &Db, user_id: i64, due_before: i64, limit: i64) -> DbResult<Vec<Task>> {
    let sql = format!(
        "{SELECT} WHERE t.status = 'open' AND (t.assigned_to = $1 OR t.assigned_to IS NULL) \
         AND t.due_at < $2 ORDER BY t.due_at, t.id LIMIT $3"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(user_id)
        .bind(due_before)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// One task.
pub async fn get_task(db: &Db, id: i64) -> DbResult<Task> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Task> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(super::DbError::NotFound("task"))
}

/// Claims an open task for `user_id` when nobody else holds it (or their claim expired,
/// i.e. was taken before `stale_before`) and it is assigned to them or to nobody. One
/// conditional UPDATE, so two operators racing for a task cannot both win. True when won.
pub async fn claim(db: &Db, id: i64, user_id: i64, now: i64, stale_before: i64) -> DbResult<bool> {
    const SQL: &str = "UPDATE callbacks SET claimed_by = $2, claimed_at = $3 WHERE id = $1 AND status = 'open' \
        AND (assigned_to IS NULL OR assigned_to = $2) \
        AND (claimed_by IS NULL OR claimed_by = $2 OR claimed_at < $4)";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(user_id)
        .bind(now)
        .bind(stale_before)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Gives a task back (only its holder can).
pub async fn release(db: &Db, id: i64, user_id: i64) -> DbResult<()> {
    const SQL: &str = "UPDATE callbacks SET claimed_by = NULL, claimed_at = NULL WHERE id = $1 AND claimed_by = $2";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(user_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records an operator's attempt: counts it, notes the outcome, releases the claim, and
/// either closes the task (`close_reason` given) or moves it to `next_due`.
pub async fn record_attempt(
    tx: &mut Tx,
    id: i64,
    outcome: &str,
    close_reason: Option<&str>,
    next_due: i64,
    now: i64,
) -> DbResult<()> {
    const SQL: &str = "UPDATE callbacks SET operator_attempts = operator_attempts + 1, last_outcome = $2, \
        claimed_by = NULL, claimed_at = NULL, updated_at = $5, \
        status = CASE WHEN $3 IS NULL THEN status ELSE 'closed' END, \
        close_reason = COALESCE($3, close_reason), \
        closed_at = CASE WHEN $3 IS NULL THEN closed_at ELSE $5 END, \
        due_at = CASE WHEN $3 IS NULL THEN $4 ELSE due_at END WHERE id = $1";
    with_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(outcome)
        .bind(close_reason)
        .bind(next_due)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A task created by a person.
pub struct NewTask<'a> {
    /// `requested` or `proactive`.
    pub kind: &'a str,
    /// Whom to call.
    pub number_e164: &'a str,
    /// The client.
    pub client_id: Option<i64>,
    /// Why (shown in the worklist).
    pub reason: Option<&'a str>,
    /// When.
    pub due_at: i64,
    /// To whom (None: anyone).
    pub assigned_to: Option<i64>,
    /// The call it came from.
    pub call_id: Option<i64>,
}

/// Creates a task; returns its id.
pub async fn insert_task(tx: &mut Tx, t: &NewTask<'_>, now: i64) -> DbResult<i64> {
    const SQL: &str = "INSERT INTO callbacks (kind, status, number_e164, client_id, attempts, first_call_id, \
        last_call_id, reason, due_at, assigned_to, created_at, updated_at) \
        VALUES ($1, 'open', $2, $3, 0, $4, $4, $5, $6, $7, $8, $8) RETURNING id";
    Ok(with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(t.kind)
        .bind(t.number_e164)
        .bind(t.client_id)
        .bind(t.call_id)
        .bind(t.reason)
        .bind(t.due_at)
        .bind(t.assigned_to)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// A client's open tasks (for the client card).
pub async fn open_of_client(db: &Db, client_id: i64) -> DbResult<Vec<Task>> {
    let sql = format!("{SELECT} WHERE t.client_id = $1 AND t.status = 'open' ORDER BY t.due_at");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(client_id)
        .fetch_all(p)
        .await)?)
}

/// How many open tasks an operator may work are due before `due_before`.
pub async fn count_worklist(db: &Db, user_id: i64, due_before: i64) -> DbResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM callbacks WHERE status = 'open' \
        AND (assigned_to = $1 OR assigned_to IS NULL) AND due_at < $2";
    Ok(with_pool!(db, |p| sqlx::query_scalar(SQL)
        .bind(user_id)
        .bind(due_before)
        .fetch_one(p)
        .await)?)
}

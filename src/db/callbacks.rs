//! Callback tasks: one open task per missed number, closed when the client is reached.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbResult, Tx, with_pool, with_tx};

/// A callback task.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Callback {
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
    /// Missed inbound calls counted into this task.
    pub attempts: i64,
    /// Operators' tries.
    pub operator_attempts: i64,
    /// The first call.
    pub first_call_id: Option<i64>,
    /// The latest call.
    pub last_call_id: Option<i64>,
    /// Why.
    pub reason: Option<String>,
    /// Due (ms).
    pub due_at: i64,
    /// Assigned operator.
    pub assigned_to: Option<i64>,
    /// Created (ms).
    pub created_at: i64,
    /// Updated (ms).
    pub updated_at: i64,
    /// Closed (ms).
    pub closed_at: Option<i64>,
    /// The call that reached the client.
    pub closed_by_call_id: Option<i64>,
    /// Why it closed.
    pub close_reason: Option<String>,
}

const COLUMNS: &str = "id, kind, status, number_e164, client_id, attempts, operator_attempts, first_call_id, \
    last_call_id, reason, due_at, assigned_to, created_at, updated_at, closed_at, closed_by_call_id, close_reason";

/// The open missed-call task of a number.
pub async fn open_missed_for_number(tx: &mut Tx, e164: &str) -> DbResult<Option<Callback>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM callbacks WHERE number_e164 = $1 AND status = 'open' AND kind = 'missed'"
    );
    Ok(with_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(e164)
        .fetch_optional(c)
        .await)?)
}

/// Opens a missed-call task with one attempt.
pub async fn insert_missed(
    tx: &mut Tx,
    e164: &str,
    client_id: Option<i64>,
    call_id: i64,
    now: i64,
) -> DbResult<Callback> {
    let sql = format!(
        "INSERT INTO callbacks (kind, status, number_e164, client_id, attempts, first_call_id, last_call_id, reason, \
         due_at, created_at, updated_at) VALUES ('missed', 'open', $1, $2, 1, $3, $3, 'missed call', $4, $4, $4) \
         RETURNING {COLUMNS}"
    );
    Ok(with_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(e164)
        .bind(client_id)
        .bind(call_id)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// Adds (`delta` = 1) or removes (-1) a missed attempt; a task opened for a number nobody had
/// yet gets the client the number now belongs to.
pub async fn add_attempt(
    tx: &mut Tx,
    id: i64,
    delta: i64,
    call_id: i64,
    client_id: Option<i64>,
    now: i64,
) -> DbResult<Callback> {
    let sql = format!(
        "UPDATE callbacks SET attempts = attempts + $2, last_call_id = $3, updated_at = $4, \
         client_id = COALESCE(client_id, $5) WHERE id = $1 RETURNING {COLUMNS}"
    );
    Ok(with_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(id)
        .bind(delta)
        .bind(call_id)
        .bind(now)
        .bind(client_id)
        .fetch_one(c)
        .await)?)
}

/// Closes every open task of a number; returns the closed tasks.
pub async fn close_open_for_number(
    tx: &mut Tx,
    e164: &str,
    call_id: i64,
    reason: &str,
    now: i64,
) -> DbResult<Vec<Callback>> {
    let sql = format!(
        "UPDATE callbacks SET status = 'closed', closed_at = $3, closed_by_call_id = $2, close_reason = $4, \
         updated_at = $3 WHERE number_e164 = $1 AND status = 'open' RETURNING {COLUMNS}"
    );
    Ok(with_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(e164)
        .bind(call_id)
        .bind(now)
        .bind(reason)
        .fetch_all(c)
        .await)?)
}

/// Closes one task.
pub async fn close_callback(tx: &mut Tx, id: i64, reason: &str, now: i64) -> DbResult<Callback> {
    let sql = format!(
        "UPDATE callbacks SET status = 'closed', closed_at = $2, close_reason = $3, updated_at = $2 \
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    Ok(with_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(id)
        .bind(now)
        .bind(reason)
        .fetch_one(c)
        .await)?)
}

/// A page of tasks, newest first (keyset on id), optionally only open or closed ones.
pub async fn list_callbacks(
    db: &Db,
    status: Option<&str>,
    before_id: i64,
    limit: i64,
) -> DbResult<Vec<Callback>> {
    let mut sql = format!("SELECT {COLUMNS} FROM callbacks WHERE id < $1");
    if status.is_some() {
        sql.push_str(" AND status = $3");
    }
    sql.push_str(" ORDER BY id DESC LIMIT $2");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(before_id)
        .bind(limit)
        .bind(status)
        .fetch_all(p)
        .await)?)
}

/// Which of these numbers have an open task (of any kind).
pub async fn open_numbers(
    tx: &mut Tx,
    numbers: &[&str],
) -> DbResult<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for chunk in numbers.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT DISTINCT number_e164 FROM callbacks WHERE status = 'open' AND number_e164 IN ({})",
            marks.join(", ")
        );
        let found: Vec<String> = with_tx!(tx, |c| {
            let mut q = sqlx::query_scalar(&sql);
            for n in chunk {
                q = q.bind(*n);
            }
            q.fetch_all(c).await
        })?;
        out.extend(found);
    }
    Ok(out)
}

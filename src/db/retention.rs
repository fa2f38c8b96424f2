//! The retention job's SQL: removing call details of the calls that started in a window of
//! time, and the watermarks that say how far each kind of detail has been removed (so each
//! run only walks the calls that aged since the last one, by the `calls_started` index).

use sqlx::FromRow;

use super::{Db, DbResult, Tx, with_pool, with_tx};
use crate::domain::time::Millis;

/// The `retention_state` row.
#[derive(Clone, Debug, Default, FromRow, PartialEq, Eq)]
pub struct RetentionState {
    /// Events of calls that started before this are deleted.
    pub events_until: Millis,
    /// Raw payloads of calls that started before this are emptied.
    pub raw_until: Millis,
    /// Recording links of calls that started before this are removed.
    pub recordings_until: Millis,
    /// Caller numbers of calls that started before this are replaced.
    pub numbers_until: Millis,
    /// When the job last ran.
    pub last_run_at: Option<Millis>,
    /// How long it took (ms).
    pub last_run_ms: Option<i64>,
    /// Rows it changed.
    pub last_removed: i64,
    /// Its error, if it failed.
    pub last_error: Option<String>,
}

/// Reads the state.
pub async fn state(db: &Db) -> DbResult<RetentionState> {
    const SQL: &str = "SELECT events_until, raw_until, recordings_until, numbers_until, last_run_at, \
        last_run_ms, last_removed, last_error FROM retention_state WHERE id = 1";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL).fetch_one(p).await)?)
}

/// Which watermark a step advances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// `events_until`.
    Events,
    /// `raw_until`.
    Raw,
    /// `recordings_until`.
    Recordings,
    /// `numbers_until`.
    Numbers,
}

impl Mark {
    fn column(self) -> &'static str {
        match self {
            Mark::Events => "events_until",
            Mark::Raw => "raw_until",
            Mark::Recordings => "recordings_until",
            Mark::Numbers => "numbers_until",
        }
    }
}

/// Moves a watermark (in the transaction that removed the window's details).
pub async fn advance(tx: &mut Tx, mark: Mark, until: Millis) -> DbResult<()> {
    let sql = format!(
        "UPDATE retention_state SET {0} = $1 WHERE id = 1 AND {0} < $1",
        mark.column()
    );
    with_tx!(tx, |c| sqlx::query(&sql)
        .bind(until)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a run.
pub async fn finish(
    db: &Db,
    at: Millis,
    ms: i64,
    removed: i64,
    error: Option<&str>,
) -> DbResult<()> {
    const SQL: &str = "UPDATE retention_state SET last_run_at = $1, last_run_ms = $2, last_removed = $3, \
        last_error = $4 WHERE id = 1";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(at)
        .bind(ms)
        .bind(removed)
        .bind(error)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The calls of the window, by the start index.
const WINDOW: &str = "SELECT id FROM calls WHERE started_at >= $1 AND started_at < $2";

/// Deletes the audit log's entries older than `before`, up to 5,000 per transaction (so a
/// first run on a years-old log does not hold the database in one long transaction).
pub async fn delete_audit(db: &Db, before: Millis) -> DbResult<u64> {
    const SQL: &str = "DELETE FROM audit_log WHERE id IN \
        (SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT 5000)";
    let mut total = 0;
    loop {
        let n = with_pool!(db, |p| sqlx::query(SQL)
            .bind(before)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        total += n;
        if n < 5000 {
            return Ok(total);
        }
    }
}

/// Deletes the events of the window's calls.
pub async fn delete_events(tx: &mut Tx, from: Millis, to: Millis) -> DbResult<u64> {
    let sql = format!("DELETE FROM call_events WHERE call_id IN ({WINDOW})");
    Ok(with_tx!(tx, |c| sqlx::query(&sql)
        .bind(from)
        .bind(to)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
}

/// Empties the raw payloads of the window's events.
pub async fn empty_raw(tx: &mut Tx, from: Millis, to: Millis) -> DbResult<u64> {
    let sql = format!(
        "UPDATE call_events SET raw = NULL WHERE raw IS NOT NULL AND call_id IN ({WINDOW})"
    );
    Ok(with_tx!(tx, |c| sqlx::query(&sql)
        .bind(from)
        .bind(to)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
}

/// Removes the recording links of the window's calls.
pub async fn remove_recordings(tx: &mut Tx, from: Millis, to: Millis) -> DbResult<u64> {
    const SQL: &str = "UPDATE calls SET recording_url = NULL WHERE started_at >= $1 AND started_at < $2 \
        AND recording_url IS NOT NULL";
    Ok(with_tx!(tx, |c| sqlx::query(SQL)
        .bind(from)
        .bind(to)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
}

/// Caller numbers still in clear among the window's calls: (call id, number). Replaced ones
/// start with `#`.
pub async fn numbers_of_calls(
    tx: &mut Tx,
    from: Millis,
    to: Millis,
) -> DbResult<Vec<(i64, String)>> {
    const SQL: &str = "SELECT id, caller_e164 FROM calls WHERE started_at >= $1 AND started_at < $2 \
        AND caller_e164 IS NOT NULL AND caller_e164 NOT LIKE '#%'";
    Ok(with_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?)
}

/// Replaces a call's number (and drops the number as sent and the reversed digits the call
/// log searches endings by, which would give the number back).
pub async fn replace_call_number(tx: &mut Tx, id: i64, pseudonym: &str) -> DbResult<()> {
    const SQL: &str =
        "UPDATE calls SET caller_e164 = $2, caller_raw = NULL, caller_rev = NULL WHERE id = $1";
    with_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(pseudonym)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Numbers of the closed tasks created in the window (open tasks keep theirs: someone still
/// has to call).
pub async fn numbers_of_tasks(
    tx: &mut Tx,
    from: Millis,
    to: Millis,
) -> DbResult<Vec<(i64, String)>> {
    const SQL: &str = "SELECT id, number_e164 FROM callbacks WHERE created_at >= $1 AND created_at < $2 \
        AND status = 'closed' AND number_e164 NOT LIKE '#%'";
    Ok(with_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?)
}

/// Replaces a closed task's number.
pub async fn replace_task_number(tx: &mut Tx, id: i64, pseudonym: &str) -> DbResult<()> {
    const SQL: &str = "UPDATE callbacks SET number_e164 = $2 WHERE id = $1";
    with_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(pseudonym)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The first call start (where the first run begins).
pub async fn first_call(db: &Db) -> DbResult<Option<Millis>> {
    const SQL: &str = "SELECT MIN(started_at) FROM calls";
    let (t,): (Option<i64>,) = with_pool!(db, |p| sqlx::query_as(SQL).fetch_one(p).await)?;
    Ok(t)
}

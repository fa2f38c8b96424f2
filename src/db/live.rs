//! The live-event outbox: what the SSE streams send, in commit order, so that a browser that
//! reconnects (to any instance) resumes after the last id it saw.

use sqlx::FromRow;

use super::{Db, DbResult, Tx, with_pool, with_tx};

/// A stored live event.
#[derive(Clone, Debug, FromRow)]
pub struct LiveRow {
    /// The SSE id.
    pub id: i64,
    /// `call.ringing`, …
    pub kind: String,
    /// Extensions it concerns (JSON array).
    pub extensions: String,
    /// For every ready operator.
    pub broadcast: bool,
    /// The payload (JSON, full numbers).
    pub data: String,
}

/// Serialises outbox inserts across instances on PostgreSQL (a transaction-scoped advisory
/// lock held until commit), so that ids become visible in increasing order and a reader that
/// resumes "after id N" never skips a row committed later with a smaller id. SQLite has one
/// writer already.
pub async fn lock_outbox(tx: &mut Tx) -> DbResult<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7231001)")
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// Appends an event; returns its id.
pub async fn insert_live(
    tx: &mut Tx,
    at: i64,
    kind: &str,
    call_id: Option<i64>,
    extensions: &str,
    broadcast: bool,
    data: &str,
) -> DbResult<i64> {
    const SQL: &str = "INSERT INTO live_events (at, kind, call_id, extensions, broadcast, data) \
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(at)
        .bind(kind)
        .bind(call_id)
        .bind(extensions)
        .bind(broadcast)
        .bind(data)
        .fetch_one(c)
        .await)?)
}

/// Sends the ids just written to every instance (PostgreSQL NOTIFY, delivered on commit).
pub async fn notify(tx: &mut Tx, payload: &str) -> DbResult<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_notify('orderline_live', $1)")
            .bind(payload)
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// The same notification outside a transaction (nothing on SQLite: one instance).
pub async fn notify_all(db: &Db, payload: &str) -> DbResult<()> {
    if let Db::Postgres(p) = db {
        sqlx::query("SELECT pg_notify('orderline_live', $1)")
            .bind(payload)
            .execute(p)
            .await?;
    }
    Ok(())
}

const COLUMNS: &str = "id, kind, extensions, broadcast, data";

/// Events after `id`, oldest first, at most `limit`.
pub async fn after(db: &Db, id: i64, limit: i64) -> DbResult<Vec<LiveRow>> {
    let sql = format!("SELECT {COLUMNS} FROM live_events WHERE id > $1 ORDER BY id LIMIT $2");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// Events by id (what another instance announced).
pub async fn by_ids(db: &Db, ids: &[i64]) -> DbResult<Vec<LiveRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!("SELECT {COLUMNS} FROM live_events WHERE id IN ({list}) ORDER BY id");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql).fetch_all(p).await)?)
}

/// The oldest id still kept and the newest; `None` when nothing was ever written (pruning
/// always keeps the newest row, so an empty outbox means a new database).
pub async fn id_range(db: &Db) -> DbResult<Option<(i64, i64)>> {
    let (oldest, newest): (Option<i64>, Option<i64>) = with_pool!(db, |p| sqlx::query_as(
        "SELECT MIN(id), MAX(id) FROM live_events"
    )
    .fetch_one(p)
    .await)?;
    Ok(oldest.zip(newest))
}

/// Deletes events older than `before` (ms), always keeping the newest one.
pub async fn prune(db: &Db, before: i64) -> DbResult<u64> {
    const SQL: &str =
        "DELETE FROM live_events WHERE at < $1 AND id < (SELECT MAX(id) FROM live_events)";
    Ok(with_pool!(db, |p| sqlx::query(SQL)
        .bind(before)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?)
}

//! The report aggregates: sums of the calls per time slot in `report_slots`, the buckets the
//! triggers marked dirty in `report_dirty`, and the state row that says what the slots were
//! computed with. How they stay exact is in `crate::reports::aggregate` and
//! docs/ARCHITECTURE.md ("Report aggregates").
//!
//! The per-call expressions of [`SLOT_SUMS`] are those of `db::reports::bucket_sums` and
//! `operator_sums`, so that a slot holds exactly what the raw queries would add up.

use sqlx::FromRow;

use super::{
    Db, DbResult, Tx,
    reports::{BucketSums, OperatorSums, Scope, WaitBucket},
    with_pool, with_tx,
};
use crate::domain::time::Millis;

/// What the slots were computed with (the single `report_slot_state` row).
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct SlotState {
    /// All slots were built since the last configuration change.
    pub ready: bool,
    /// Slot length (3,600,000 or 900,000).
    pub slot_ms: i64,
    /// S the slots counted short abandons with.
    pub short_abandon_seconds: i64,
    /// T the slots counted the service level with.
    pub service_level_seconds: i64,
    /// When the last full rebuild finished.
    pub built_at: Option<Millis>,
    /// When the job last summed dirty slots.
    pub refreshed_at: Option<Millis>,
}

/// Reads the state row.
pub async fn state(db: &Db) -> DbResult<SlotState> {
    const SQL: &str = "SELECT ready, slot_ms, short_abandon_seconds, service_level_seconds, \
        built_at, refreshed_at FROM report_slot_state WHERE id = 1";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL).fetch_one(p).await)?)
}

/// Starts a rebuild with new parameters: the slots are unusable until [`finish_rebuild`].
pub async fn start_rebuild(db: &Db, slot_ms: i64, short: i64, threshold: i64) -> DbResult<()> {
    const SQL: &str = "UPDATE report_slot_state SET ready = FALSE, slot_ms = $1, \
        short_abandon_seconds = $2, service_level_seconds = $3 WHERE id = 1";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(slot_ms)
        .bind(short)
        .bind(threshold)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks the slots usable.
pub async fn finish_rebuild(db: &Db, now: Millis) -> DbResult<()> {
    const SQL: &str =
        "UPDATE report_slot_state SET ready = TRUE, built_at = $1, refreshed_at = $1 WHERE id = 1";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records an incremental run.
pub async fn mark_refreshed(db: &Db, now: Millis) -> DbResult<()> {
    const SQL: &str = "UPDATE report_slot_state SET refreshed_at = $1 WHERE id = 1";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The first and last call start (None without calls).
pub async fn call_span(db: &Db) -> DbResult<Option<(Millis, Millis)>> {
    const SQL: &str = "SELECT MIN(started_at), MAX(started_at) FROM calls";
    let (a, b): (Option<i64>, Option<i64>) =
        with_pool!(db, |p| sqlx::query_as(SQL).fetch_one(p).await)?;
    Ok(a.zip(b))
}

/// Instants whose slots the dirty marks make stale: the dirty buckets themselves, and the
/// answered calls in the 7 days after a dirty answered call of the same client (their
/// repeat-call flags depend on it). Read by reports, so they compute those slots from calls.
pub async fn stale_instants(db: &Db) -> DbResult<Vec<Millis>> {
    const SQL: &str = "SELECT d.bucket_start AS t FROM report_dirty d \
        UNION SELECT c.started_at AS t FROM report_dirty d JOIN calls c ON c.client_id = d.client_id \
          AND c.started_at >= d.bucket_start AND c.started_at < d.bucket_start + 605700000 \
          AND c.answered_at IS NOT NULL \
        WHERE d.client_id <> 0";
    let rows: Vec<(i64,)> = with_pool!(db, |p| sqlx::query_as(SQL).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Takes (deletes and returns) up to `limit` dirty buckets, oldest first, with their clients,
/// inside the transaction that recomputes them: a change committed meanwhile marks its bucket
/// again (on PostgreSQL its trigger waits for this transaction), so no change is lost.
pub async fn take_dirty(tx: &mut Tx, limit: i64) -> DbResult<Vec<(Millis, i64)>> {
    const SQL: &str = "DELETE FROM report_dirty WHERE bucket_start IN \
        (SELECT DISTINCT bucket_start FROM report_dirty ORDER BY bucket_start LIMIT $1) \
        RETURNING bucket_start, client_id";
    Ok(with_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(limit)
        .fetch_all(c)
        .await)?)
}

/// Forgets the dirty marks of [from, to) (a rebuild recomputes those slots anyway).
pub async fn clear_dirty(tx: &mut Tx, from: Millis, to: Millis) -> DbResult<()> {
    const SQL: &str = "DELETE FROM report_dirty WHERE bucket_start >= $1 AND bucket_start < $2";
    with_tx!(tx, |c| sqlx::query(SQL)
        .bind(from)
        .bind(to)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The answered calls of `client` within 7 days after `at` (slot starts follow from them).
pub async fn later_answered(tx: &mut Tx, client: i64, at: Millis) -> DbResult<Vec<Millis>> {
    const SQL: &str = "SELECT started_at FROM calls WHERE client_id = $1 AND started_at >= $2 \
        AND started_at < $2 + 605700000 AND answered_at IS NOT NULL";
    let rows: Vec<(i64,)> = with_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(client)
        .bind(at)
        .fetch_all(c)
        .await)?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The per-call flags and numbers, as in `db::reports::bucket_sums`, plus the wait bucket.
const SLOT_SUMS: &str = "INSERT INTO report_slots (direction, slot_start, operator_id, queue, \
    offered, answered, missed, short_abandons, answered_wait, answered_talk, within_threshold, \
    handled, handle_seconds, converted, revenue_minor, known, repeats, answered_wrapup, orders, \
    wa0, wa1, wa2, wa3, wa4, wa5, wa6, wm0, wm1, wm2, wm3, wm4, wm5, wm6) \
  SELECT x.direction, x.slot_start, x.op, x.queue, COUNT(*), \
    CAST(SUM(x.ans) AS BIGINT), CAST(SUM(x.mis) AS BIGINT), \
    CAST(SUM(CASE WHEN x.mis = 1 AND x.wait_seconds < $4 THEN 1 ELSE 0 END) AS BIGINT), \
    CAST(COALESCE(SUM(x.ans * x.wait_seconds), 0) AS BIGINT), \
    CAST(COALESCE(SUM(x.ans * COALESCE(x.talk_seconds, 0)), 0) AS BIGINT), \
    CAST(SUM(CASE WHEN x.ans = 1 AND x.wait_seconds <= $5 THEN 1 ELSE 0 END) AS BIGINT), \
    CAST(SUM(x.ans * x.wrapped) AS BIGINT), \
    CAST(COALESCE(SUM(x.ans * x.wrapped * (COALESCE(x.talk_seconds, 0) + COALESCE(x.wrapup_seconds, 0))), 0) AS BIGINT), \
    CAST(SUM(CASE WHEN x.order_count > 0 THEN 1 ELSE 0 END) AS BIGINT), \
    CAST(COALESCE(SUM(x.revenue), 0) AS BIGINT), \
    CAST(SUM(x.known) AS BIGINT), CAST(SUM(x.rep) AS BIGINT), \
    CAST(COALESCE(SUM(x.ans * COALESCE(x.wrapup_seconds, 0)), 0) AS BIGINT), \
    CAST(SUM(x.order_count) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 0 THEN x.ans ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 1 THEN x.ans ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 2 THEN x.ans ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 3 THEN x.ans ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 4 THEN x.ans ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 5 THEN x.ans ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 6 THEN x.ans ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 0 THEN x.mis ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 1 THEN x.mis ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 2 THEN x.mis ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 3 THEN x.mis ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 4 THEN x.mis ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 5 THEN x.mis ELSE 0 END) AS BIGINT), \
    CAST(SUM(CASE WHEN x.wb = 6 THEN x.mis ELSE 0 END) AS BIGINT) \
  FROM (SELECT c.direction, (c.started_at / $3) * $3 AS slot_start, \
      COALESCE(c.operator_id, 0) AS op, COALESCE(c.queue, '') AS queue, \
      c.wait_seconds, c.talk_seconds, w.wrapup_seconds, \
      CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END AS ans, \
      CASE WHEN c.state = 'missed' THEN 1 ELSE 0 END AS mis, \
      CASE WHEN w.call_id IS NOT NULL THEN 1 ELSE 0 END AS wrapped, \
      CASE WHEN c.answered_at IS NOT NULL THEN (SELECT COUNT(*) FROM orders o \
        WHERE o.call_id = c.id AND o.status <> 'cancelled') ELSE 0 END AS order_count, \
      CASE WHEN c.answered_at IS NOT NULL THEN (SELECT SUM(o.total_minor) FROM orders o \
        WHERE o.call_id = c.id AND o.status <> 'cancelled') END AS revenue, \
      CASE WHEN c.answered_at IS NOT NULL AND c.client_id IS NOT NULL THEN 1 ELSE 0 END AS known, \
      CASE WHEN c.answered_at IS NOT NULL AND c.client_id IS NOT NULL AND EXISTS (SELECT 1 FROM calls p \
        WHERE p.client_id = c.client_id AND p.direction = c.direction AND p.answered_at IS NOT NULL \
        AND p.started_at >= c.started_at - 604800000 AND p.started_at < c.started_at) THEN 1 ELSE 0 END AS rep, \
      CASE WHEN c.wait_seconds IS NULL THEN -1 WHEN c.wait_seconds <= 15 THEN 0 \
        WHEN c.wait_seconds <= 30 THEN 1 WHEN c.wait_seconds <= 45 THEN 2 WHEN c.wait_seconds <= 60 THEN 3 \
        WHEN c.wait_seconds <= 75 THEN 4 WHEN c.wait_seconds <= 90 THEN 5 ELSE 6 END AS wb \
    FROM calls c LEFT JOIN wrapups w ON w.call_id = c.id \
    WHERE c.started_at >= $1 AND c.started_at < $2 AND c.state <> 'blocked') x \
  GROUP BY x.direction, x.slot_start, x.op, x.queue";

/// Recomputes the slots of [from, to) (both slot boundaries): deletes and re-inserts them.
pub async fn recompute(
    tx: &mut Tx,
    from: Millis,
    to: Millis,
    slot_ms: i64,
    short: i64,
    threshold: i64,
) -> DbResult<()> {
    const DELETE: &str = "DELETE FROM report_slots WHERE slot_start >= $1 AND slot_start < $2";
    with_tx!(tx, |c| sqlx::query(DELETE)
        .bind(from)
        .bind(to)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    with_tx!(tx, |c| sqlx::query(SLOT_SUMS)
        .bind(from)
        .bind(to)
        .bind(slot_ms)
        .bind(short)
        .bind(threshold)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The filter of the reads: `$1..$5` are direction, from, to, operator, queue (as
/// `db::reports`; a slot's queue is `''` for calls without one, which no filter names).
const RANGE: &str = "r.direction = $1 AND r.slot_start >= $2 AND r.slot_start < $3 \
    AND ($4 IS NULL OR (r.operator_id = $4 AND r.operator_id <> 0)) \
    AND ($5 IS NULL OR r.queue = $5)";

/// The queues of the slots of [from, to) in one direction, sorted (at most 200).
pub async fn queues(db: &Db, direction: &str, from: Millis, to: Millis) -> DbResult<Vec<String>> {
    const SQL: &str = "SELECT DISTINCT r.queue FROM report_slots r WHERE r.direction = $1 \
        AND r.slot_start >= $2 AND r.slot_start < $3 AND r.queue <> '' ORDER BY r.queue LIMIT 200";
    let rows: Vec<(String,)> = with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(direction)
        .bind(from)
        .bind(to)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(|(q,)| q).collect())
}

/// Sums per slot of the scope's [from, to) (whole slots), as [`BucketSums`] whose `bucket`
/// is the slot's first 15-minute bucket.
pub async fn bucket_sums(db: &Db, s: &Scope) -> DbResult<Vec<BucketSums>> {
    let sql = format!(
        "SELECT r.slot_start / 900000 AS bucket, CAST(SUM(r.offered) AS BIGINT) AS offered, \
           CAST(SUM(r.answered) AS BIGINT) AS answered, CAST(SUM(r.missed) AS BIGINT) AS missed, \
           CAST(SUM(r.short_abandons) AS BIGINT) AS short_abandons, \
           CAST(SUM(r.answered_wait) AS BIGINT) AS answered_wait, \
           CAST(SUM(r.answered_talk) AS BIGINT) AS answered_talk, \
           CAST(SUM(r.within_threshold) AS BIGINT) AS within_threshold, \
           CAST(SUM(r.handled) AS BIGINT) AS handled, \
           CAST(SUM(r.handle_seconds) AS BIGINT) AS handle_seconds, \
           CAST(SUM(r.converted) AS BIGINT) AS converted, \
           CAST(SUM(r.revenue_minor) AS BIGINT) AS revenue_minor, \
           CAST(SUM(r.known) AS BIGINT) AS known, CAST(SUM(r.repeats) AS BIGINT) AS repeats \
         FROM report_slots r WHERE {RANGE} GROUP BY r.slot_start ORDER BY r.slot_start"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(&s.direction)
        .bind(s.from)
        .bind(s.to)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .fetch_all(p)
        .await)?)
}

/// Answered and missed calls per wait bucket over [from, to) (all seven buckets).
pub async fn wait_buckets(db: &Db, s: &Scope) -> DbResult<Vec<WaitBucket>> {
    let cols: Vec<String> = (0..7)
        .flat_map(|i| {
            [
                format!("CAST(COALESCE(SUM(r.wa{i}), 0) AS BIGINT)"),
                format!("CAST(COALESCE(SUM(r.wm{i}), 0) AS BIGINT)"),
            ]
        })
        .collect();
    let sql = format!(
        "SELECT {} FROM report_slots r WHERE {RANGE}",
        cols.join(", ")
    );
    type Row = (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    let r: Row = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(&s.direction)
        .bind(s.from)
        .bind(s.to)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .fetch_one(p)
        .await)?;
    let pairs = [
        (r.0, r.1),
        (r.2, r.3),
        (r.4, r.5),
        (r.6, r.7),
        (r.8, r.9),
        (r.10, r.11),
        (r.12, r.13),
    ];
    Ok(pairs
        .into_iter()
        .enumerate()
        .map(|(i, (answered, missed))| WaitBucket {
            bucket: i as i64,
            answered,
            missed,
        })
        .collect())
}

/// Per operator over [from, to): the sums of `db::reports::operator_sums`.
pub async fn operator_sums(db: &Db, s: &Scope) -> DbResult<Vec<OperatorSums>> {
    let sql = format!(
        "SELECT r.operator_id, u.display_name AS name, CAST(SUM(r.answered) AS BIGINT) AS handled, \
           CAST(SUM(r.answered_talk) AS BIGINT) AS talk_seconds, \
           CAST(SUM(r.answered_wrapup) AS BIGINT) AS wrapup_seconds, \
           CAST(SUM(r.orders) AS BIGINT) AS orders, CAST(SUM(r.converted) AS BIGINT) AS converted \
         FROM report_slots r JOIN users u ON u.id = r.operator_id \
         WHERE {RANGE} AND r.operator_id <> 0 \
         GROUP BY r.operator_id, u.display_name HAVING SUM(r.answered) > 0 ORDER BY r.operator_id"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(&s.direction)
        .bind(s.from)
        .bind(s.to)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .fetch_all(p)
        .await)?)
}

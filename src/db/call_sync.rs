//! What the row triggers on `calls` do, done by the PostgreSQL call writer once per batch.
//!
//! Two kinds of data follow a call: the report buckets it leaves and enters are marked dirty
//! (`report_dirty`, migration 0009), and the tasks that refer to it carry copies of its times
//! (`callbacks.first_call_at`…`reached_by`, migration 0011). Row triggers keep both right for
//! every path that writes calls. On PostgreSQL they cost the writer a PL/pgSQL call and one or
//! two statements per row — about 70 µs of database CPU per stored event, a sixth of the total
//! (docs/BENCHMARKS.md, eighth session) — so the writer's transactions set
//! `orderline.batch_writer` (`Db::begin_batch`), the triggers stand aside for them (migration
//! 0012), and this one statement does the same work for the whole batch. SQLite's triggers run
//! in-process for a few microseconds and stay.
//!
//! The statement runs after the batch's calls are rewritten and before their tasks are
//! written: tasks written afterwards get their copies from the `callback_calls` trigger, which
//! then reads the calls as they now are.

use super::{DbResult, Tx, calls::CallHead, direct::BatchTx};

/// The report bucket a call counts in: its 15-minute slot, and its client when it was answered
/// (the repeat-call flags of that client's later calls depend on it), else 0. The same
/// expression as `report_mark_dirty()` (migration 0009).
pub fn bucket(started_at: i64, answered: bool, client_id: Option<i64>) -> (i64, i64) {
    let slot = (started_at / 900_000) * 900_000;
    (slot, if answered { client_id.unwrap_or(0) } else { 0 })
}

/// A call of the batch as it was (`before`, `None` for a call the batch created) and as it is
/// now rewritten.
pub struct Rewritten<'a> {
    /// The call as the batch found it (after its caller was filled in).
    pub before: Option<&'a CallHead>,
    /// Its id.
    pub id: i64,
    /// Its start now.
    pub started_at: i64,
    /// Whether it is answered now.
    pub answered: bool,
    /// Its client.
    pub client_id: Option<i64>,
}

/// Marks the buckets the batch's calls left and entered and brings the copies in their tasks
/// up to date — on the PostgreSQL writer's transaction only (elsewhere the triggers did it).
pub async fn after_rewrite(tx: &mut BatchTx<'_>, calls: &[Rewritten<'_>]) -> DbResult<()> {
    let BatchTx::Pool(Tx::Postgres(t)) = tx else {
        return Ok(());
    };
    if calls.is_empty() {
        return Ok(());
    }
    let mut buckets: Vec<(i64, i64)> = Vec::with_capacity(calls.len() * 2);
    for c in calls {
        if let Some(b) = c.before {
            buckets.push(bucket(b.started_at, b.answered_at.is_some(), b.client_id));
        }
        buckets.push(bucket(c.started_at, c.answered, c.client_id));
    }
    // Sorted, so that two writers insert shared keys in the same order (no deadlock).
    buckets.sort_unstable();
    buckets.dedup();
    let (slots, clients): (Vec<i64>, Vec<i64>) = buckets.into_iter().unzip();
    let ids: Vec<i64> = calls.iter().map(|c| c.id).collect();
    sqlx::query(SQL)
        .bind(&ids)
        .bind(&slots)
        .bind(&clients)
        .execute(&mut **t)
        .await?;
    Ok(())
}

/// `$1` the rewritten calls, `$2`/`$3` the buckets to mark. A task whose first call and whose
/// closing call are both in `$1` is one row of `x`, so it is updated once with both copies. Only
/// tasks whose copies differ are written.
const SQL: &str = "WITH d AS (INSERT INTO report_dirty (bucket_start, client_id) \
       SELECT b, c FROM UNNEST($2::int8[], $3::int8[]) AS u (b, c) ORDER BY b, c \
       ON CONFLICT DO NOTHING), \
     c AS (SELECT id, started_at, ended_at, answered_at, direction, operator_id FROM calls \
       WHERE id = ANY($1)), \
     x AS (SELECT t.id, \
       CASE WHEN f.id IS NULL THEN t.first_call_at ELSE f.started_at END AS first_call_at, \
       CASE WHEN f.id IS NULL THEN t.missed_at ELSE COALESCE(f.ended_at, f.started_at) END AS missed_at, \
       CASE WHEN f.id IS NULL THEN t.call_direction ELSE f.direction END AS call_direction, \
       CASE WHEN r.id IS NULL THEN t.closed_call_at ELSE r.started_at END AS closed_call_at, \
       CASE WHEN r.id IS NULL THEN t.reached_at ELSE r.answered_at END AS reached_at, \
       CASE WHEN r.id IS NULL THEN t.reached_by ELSE r.operator_id END AS reached_by \
       FROM callbacks t LEFT JOIN c f ON f.id = t.first_call_id LEFT JOIN c r ON r.id = t.closed_by_call_id \
       WHERE t.first_call_id = ANY($1) OR t.closed_by_call_id = ANY($1)) \
     UPDATE callbacks cb SET first_call_at = x.first_call_at, missed_at = x.missed_at, \
       call_direction = x.call_direction, closed_call_at = x.closed_call_at, reached_at = x.reached_at, \
       reached_by = x.reached_by \
     FROM x WHERE cb.id = x.id AND (cb.first_call_at, cb.missed_at, cb.call_direction, cb.closed_call_at, \
       cb.reached_at, cb.reached_by) IS DISTINCT FROM (x.first_call_at, x.missed_at, x.call_direction, \
       x.closed_call_at, x.reached_at, x.reached_by)";

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn a_bucket_is_the_quarter_hour_and_the_client_of_an_answered_call() {
        assert_eq!(bucket(900_000 * 3 + 17, true, Some(9)), (2_700_000, 9));
        assert_eq!(bucket(900_000 * 3 + 17, false, Some(9)), (2_700_000, 0));
        assert_eq!(bucket(900_000 * 3, true, None), (2_700_000, 0));
        assert_eq!(bucket(899_999, true, Some(1)), (0, 1));
    }
}

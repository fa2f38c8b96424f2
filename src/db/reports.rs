//! The KPI queries: sums over the calls of a period, aggregated in the database.
//!
//! Every query walks the calls of the period through `calls_started` once and answers a few
//! sums; the formulas that turn sums into KPIs live in `crate::reports::kpi`, not here. Sums
//! are cast to BIGINT because PostgreSQL's `SUM(bigint)` is `numeric`.

use sqlx::FromRow;

use super::{Db, DbResult, with_pool};
use crate::domain::time::Millis;

/// Which calls a report counts: started in [from, to), in one direction, optionally one
/// operator's (the operator who answered) and one queue's.
#[derive(Clone, Debug)]
pub struct Scope {
    /// First instant included (ms).
    pub from: Millis,
    /// First instant excluded (ms).
    pub to: Millis,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// Only calls answered by this user.
    pub operator_id: Option<i64>,
    /// Only calls that came through this queue (the PBX's name for it, as stored on the call).
    pub queue: Option<String>,
}

/// The length of a time bucket: 15 minutes, because every time zone's offset is a multiple of
/// 15 minutes, so a bucket never straddles a local hour.
pub const BUCKET_MS: Millis = 900_000;

/// Sums over the calls of one 15-minute bucket (`bucket` × [`BUCKET_MS`] = its start).
#[derive(Clone, Debug, Default, FromRow, PartialEq, Eq)]
pub struct BucketSums {
    /// started_at / BUCKET_MS.
    pub bucket: i64,
    /// Calls that rang (not blocked).
    pub offered: i64,
    /// Of those, answered (answered_at set).
    pub answered: i64,
    /// Ended unanswered and not forwarded (state missed).
    pub missed: i64,
    /// Missed with wait_seconds < S.
    pub short_abandons: i64,
    /// Σ wait_seconds of answered calls.
    pub answered_wait: i64,
    /// Σ talk_seconds of answered calls.
    pub answered_talk: i64,
    /// Answered with wait_seconds ≤ T.
    pub within_threshold: i64,
    /// Answered calls that have an outcome (a wrap-up row).
    pub handled: i64,
    /// Σ (talk + wrap-up) seconds of those.
    pub handle_seconds: i64,
    /// Answered calls with at least one order that is not cancelled.
    pub converted: i64,
    /// Σ total_minor of those orders.
    pub revenue_minor: i64,
    /// Answered calls from a known client (client_id set).
    pub known: i64,
    /// Of those, from a client with another answered call in the previous 7 days.
    pub repeats: i64,
}

/// The period filter every query shares; `$1..$5` are from, to, direction, operator, queue.
const SCOPE: &str = "c.started_at >= $1 AND c.started_at < $2 AND c.direction = $3 \
    AND c.state <> 'blocked' AND ($4 IS NULL OR c.operator_id = $4) \
    AND ($5 IS NULL OR c.queue = $5)";

/// Sums per 15-minute bucket; `short_abandon` is S and `threshold` is T (seconds), bound as
/// `$6` and `$7` after the scope's five.
pub async fn bucket_sums(
    db: &Db,
    s: &Scope,
    short_abandon: i64,
    threshold: i64,
) -> DbResult<Vec<BucketSums>> {
    // The inner select turns each call into 0/1 flags and numbers; the outer one sums them.
    // Orders and earlier calls are probed (indexes orders_call, calls_client_started) only for
    // answered calls.
    let sql = format!(
        "SELECT x.bucket, COUNT(*) AS offered, \
           CAST(SUM(x.ans) AS BIGINT) AS answered, \
           CAST(SUM(x.mis) AS BIGINT) AS missed, \
           CAST(SUM(CASE WHEN x.mis = 1 AND x.wait_seconds < $6 THEN 1 ELSE 0 END) AS BIGINT) AS short_abandons, \
           CAST(COALESCE(SUM(x.ans * x.wait_seconds), 0) AS BIGINT) AS answered_wait, \
           CAST(COALESCE(SUM(x.ans * COALESCE(x.talk_seconds, 0)), 0) AS BIGINT) AS answered_talk, \
           CAST(SUM(CASE WHEN x.ans = 1 AND x.wait_seconds <= $7 THEN 1 ELSE 0 END) AS BIGINT) AS within_threshold, \
           CAST(SUM(x.ans * x.wrapped) AS BIGINT) AS handled, \
           CAST(COALESCE(SUM(x.ans * x.wrapped * (COALESCE(x.talk_seconds, 0) + COALESCE(x.wrapup_seconds, 0))), 0) AS BIGINT) AS handle_seconds, \
           CAST(SUM(CASE WHEN x.order_count > 0 THEN 1 ELSE 0 END) AS BIGINT) AS converted, \
           CAST(COALESCE(SUM(x.revenue), 0) AS BIGINT) AS revenue_minor, \
           CAST(SUM(x.known) AS BIGINT) AS known, \
           CAST(SUM(x.rep) AS BIGINT) AS repeats \
         FROM (SELECT c.started_at / {BUCKET_MS} AS bucket, c.wait_seconds, c.talk_seconds, w.wrapup_seconds, \
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
               AND p.started_at >= c.started_at - 604800000 AND p.started_at < c.started_at) THEN 1 ELSE 0 END AS rep \
           FROM calls c LEFT JOIN wrapups w ON w.call_id = c.id WHERE {SCOPE}) x \
         GROUP BY x.bucket ORDER BY x.bucket"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(s.from)
        .bind(s.to)
        .bind(&s.direction)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .bind(short_abandon)
        .bind(threshold)
        .fetch_all(p)
        .await)?)
}

/// Answered and missed calls per wait bucket: index 0 = 0–15 s, 1 = 16–30 s, …, 5 = 76–90 s,
/// 6 = over 90 s (whole seconds, as call-centre tools print them).
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct WaitBucket {
    /// 0–6.
    pub bucket: i64,
    /// Answered calls whose wait fell in it.
    pub answered: i64,
    /// Missed calls whose wait (until the caller hung up) fell in it.
    pub missed: i64,
}

/// Counts per wait bucket (only buckets with calls are returned).
pub async fn wait_buckets(db: &Db, s: &Scope) -> DbResult<Vec<WaitBucket>> {
    let sql = format!(
        "SELECT CAST(x.bucket AS BIGINT) AS bucket, CAST(SUM(x.ans) AS BIGINT) AS answered, CAST(SUM(x.mis) AS BIGINT) AS missed \
         FROM (SELECT CASE WHEN c.wait_seconds <= 15 THEN 0 WHEN c.wait_seconds <= 30 THEN 1 \
             WHEN c.wait_seconds <= 45 THEN 2 WHEN c.wait_seconds <= 60 THEN 3 WHEN c.wait_seconds <= 75 THEN 4 \
             WHEN c.wait_seconds <= 90 THEN 5 ELSE 6 END AS bucket, \
             CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END AS ans, \
             CASE WHEN c.state = 'missed' THEN 1 ELSE 0 END AS mis \
           FROM calls c WHERE {SCOPE} AND c.wait_seconds IS NOT NULL) x \
         GROUP BY x.bucket ORDER BY x.bucket"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(s.from)
        .bind(s.to)
        .bind(&s.direction)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .fetch_all(p)
        .await)?)
}

/// One missed-call task opened by a missed call of the period.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct CallbackTrip {
    /// When the first missed call ended (its start if it has no end).
    pub missed_at: Millis,
    /// When the call that closed the task was answered (None: not reached by a call).
    pub reached_at: Option<Millis>,
    /// Who answered that call.
    pub reached_by: Option<i64>,
}

/// The missed-call tasks whose first call is in the period, read through their calls — the
/// reference that [`callback_sums`] and [`callback_median`] are tested against (its operator
/// filter is not applied here: the caller decides what an operator's share means). Tasks taken back because the call turned out not
/// missed are left out.
pub async fn callback_trips(db: &Db, s: &Scope) -> DbResult<Vec<CallbackTrip>> {
    // `CROSS JOIN` makes SQLite start from the tasks (it otherwise walked every inbound call by
    // `direction`); PostgreSQL plans it as a plain join.
    const SQL: &str = "SELECT COALESCE(f.ended_at, f.started_at) AS missed_at, r.answered_at AS reached_at, \
          r.operator_id AS reached_by \
        FROM callbacks cb CROSS JOIN calls f LEFT JOIN calls r ON r.id = cb.closed_by_call_id \
        WHERE f.id = cb.first_call_id AND cb.kind = 'missed' AND cb.first_call_at >= $1 \
          AND cb.first_call_at < $2 AND f.direction = $3 \
          AND COALESCE(cb.close_reason, '') <> 'not_missed' AND ($4 IS NULL OR f.queue = $4)";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(s.from)
        .bind(s.to)
        .bind(&s.direction)
        .bind(s.queue.as_deref())
        .fetch_all(p)
        .await)?)
}

/// The missed-call tasks of the period, from the copies of their calls' times and queue that
/// each task carries (migrations 0011, 0013), through the covering index `callbacks_speed`.
/// `$1..$5` are from, to, direction, operator and queue (NULL: every queue).
const SPEED_FROM: &str = "FROM callbacks WHERE kind = 'missed' AND first_call_at >= $1 \
    AND first_call_at < $2 AND call_direction = $3 AND COALESCE(close_reason, '') <> 'not_missed' \
    AND ($5 IS NULL OR call_queue = $5)";

/// A task counts as reached when a call reached it and, with an operator filter, that
/// operator's call did.
const REACHED: &str = "reached_at IS NOT NULL AND ($4 IS NULL OR reached_by = $4)";

/// Counts over the period's missed-call tasks (see `reports::speed` for what they mean).
#[derive(Clone, Debug, Default, FromRow, PartialEq, Eq)]
pub struct CallbackSums {
    /// Tasks opened in the period.
    pub tasks: i64,
    /// Of those, reached (by the operator, with a filter).
    pub reached: i64,
    /// Reached at most 20 minutes after the missed call ended.
    pub within_20_min: i64,
    /// Reached on the business day the missed call ended.
    pub same_day: i64,
}

/// The UTC offsets in force over a period: `(from, offset)` pairs, each in force from its
/// instant until the next one's (the first from the beginning of time, the last for ever).
pub type Offsets = [(Millis, Millis)];

/// Counts the period's tasks in the database. `offsets` turn instants into business days
/// (`(t + offset) / day`) without a time-zone library in SQL.
pub async fn callback_sums(db: &Db, s: &Scope, offsets: &Offsets) -> DbResult<CallbackSums> {
    let day = |col: &str| local_day(col, offsets);
    let sql = format!(
        "SELECT COUNT(*) AS tasks, \
           CAST(COALESCE(SUM(CASE WHEN {REACHED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS reached, \
           CAST(COALESCE(SUM(CASE WHEN {REACHED} AND reached_at - missed_at <= 1200000 THEN 1 ELSE 0 END), 0) AS BIGINT) AS within_20_min, \
           CAST(COALESCE(SUM(CASE WHEN {REACHED} AND {} = {} THEN 1 ELSE 0 END), 0) AS BIGINT) AS same_day \
         {SPEED_FROM}",
        day("reached_at"),
        day("missed_at"),
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(s.from)
        .bind(s.to)
        .bind(&s.direction)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .fetch_one(p)
        .await)?)
}

/// `col`'s business day as a number of days since the epoch. The offsets are numbers this
/// crate computed, written into the text (their count varies with the period).
fn local_day(col: &str, offsets: &Offsets) -> String {
    let offset = match offsets {
        [] => "0".to_owned(),
        [(_, only)] => only.to_string(),
        [first, rest @ ..] => {
            let mut case = "CASE".to_owned();
            let mut current = first.1;
            for (from, offset) in rest {
                case.push_str(&format!(" WHEN {col} < {from} THEN {current}"));
                current = *offset;
            }
            format!("{case} ELSE {current} END")
        }
    };
    format!("(({col} + {offset}) / 86400000)")
}

/// The median time to reach, in seconds, over the `reached` tasks [`callback_sums`] counted:
/// the database sorts the durations and returns the middle one or two.
pub async fn callback_median(db: &Db, s: &Scope, reached: i64) -> DbResult<Option<f64>> {
    if reached == 0 {
        return Ok(None);
    }
    let sql = format!(
        "SELECT CASE WHEN reached_at < missed_at THEN 0 ELSE reached_at - missed_at END AS w \
         {SPEED_FROM} AND {REACHED} ORDER BY w LIMIT 2 OFFSET $6",
    );
    let middle: Vec<(i64,)> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(s.from)
        .bind(s.to)
        .bind(&s.direction)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .bind((reached - 1) / 2)
        .fetch_all(p)
        .await)?;
    let ms = match middle.as_slice() {
        [(a,), (b,)] if reached % 2 == 0 => (*a as f64 + *b as f64) / 2.0,
        [(a,), ..] => *a as f64,
        [] => return Ok(None),
    };
    Ok(Some(ms / 1000.0))
}

/// Sums of one operator's answered calls in the period.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct OperatorSums {
    /// The user.
    pub operator_id: i64,
    /// Their display name.
    pub name: String,
    /// Answered calls.
    pub handled: i64,
    /// Σ talk_seconds.
    pub talk_seconds: i64,
    /// Σ wrapup_seconds.
    pub wrapup_seconds: i64,
    /// Orders (not cancelled) linked to those calls.
    pub orders: i64,
    /// Calls with at least one such order.
    pub converted: i64,
}

/// Per operator: sums over the answered calls of the period.
pub async fn operator_sums(db: &Db, s: &Scope) -> DbResult<Vec<OperatorSums>> {
    let sql = format!(
        "SELECT x.operator_id, u.display_name AS name, COUNT(*) AS handled, \
           CAST(COALESCE(SUM(x.talk_seconds), 0) AS BIGINT) AS talk_seconds, \
           CAST(COALESCE(SUM(x.wrapup_seconds), 0) AS BIGINT) AS wrapup_seconds, \
           CAST(SUM(x.order_count) AS BIGINT) AS orders, \
           CAST(SUM(CASE WHEN x.order_count > 0 THEN 1 ELSE 0 END) AS BIGINT) AS converted \
         FROM (SELECT c.operator_id, c.talk_seconds, w.wrapup_seconds, \
             (SELECT COUNT(*) FROM orders o WHERE o.call_id = c.id AND o.status <> 'cancelled') AS order_count \
           FROM calls c LEFT JOIN wrapups w ON w.call_id = c.id \
           WHERE {SCOPE} AND c.answered_at IS NOT NULL AND c.operator_id IS NOT NULL) x \
         JOIN users u ON u.id = x.operator_id \
         GROUP BY x.operator_id, u.display_name ORDER BY x.operator_id"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(s.from)
        .bind(s.to)
        .bind(&s.direction)
        .bind(s.operator_id)
        .bind(s.queue.as_deref())
        .fetch_all(p)
        .await)?)
}

/// Tasks an operator completed in the period, by kind.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct TasksDone {
    /// The user.
    pub operator_id: i64,
    /// Their display name.
    pub name: String,
    /// Missed-call and requested callbacks.
    pub callbacks: i64,
    /// Proactive calls.
    pub proactive: i64,
}

/// Tasks done per operator: closed by a call the operator answered that started in the period
/// (any direction), or closed without a call in the period by the operator who claimed it
/// (else the one it was assigned to). Tasks taken back as "not missed" do not count. With a
/// queue, only the tasks of missed calls that came through it (as in the callback speed):
/// the call back that closes a task is usually an outbound call, which has no queue, and
/// proactive tasks have no missed call.
pub async fn tasks_done(
    db: &Db,
    from: Millis,
    to: Millis,
    queue: Option<&str>,
) -> DbResult<Vec<TasksDone>> {
    // The closing call's start and operator, and the missed call's queue, are copied onto the
    // task (migrations 0010, 0011, 0013), so the first half reads the covering index
    // `callbacks_done` only; each half is summed per operator before the names are joined (one
    // look-up per operator, not per task).
    const SQL: &str = "SELECT x.operator_id, u.display_name AS name, \
          CAST(SUM(x.callbacks) AS BIGINT) AS callbacks, CAST(SUM(x.proactive) AS BIGINT) AS proactive \
        FROM (SELECT cb.reached_by AS operator_id, \
              SUM(CASE WHEN cb.kind = 'proactive' THEN 0 ELSE 1 END) AS callbacks, \
              SUM(CASE WHEN cb.kind = 'proactive' THEN 1 ELSE 0 END) AS proactive \
            FROM callbacks cb \
            WHERE cb.closed_call_at >= $1 AND cb.closed_call_at < $2 AND cb.reached_by IS NOT NULL \
              AND COALESCE(cb.close_reason, '') <> 'not_missed' \
              AND ($3 IS NULL OR cb.call_queue = $3) \
            GROUP BY cb.reached_by \
          UNION ALL \
          SELECT COALESCE(cb.claimed_by, cb.assigned_to) AS operator_id, \
              SUM(CASE WHEN cb.kind = 'proactive' THEN 0 ELSE 1 END) AS callbacks, \
              SUM(CASE WHEN cb.kind = 'proactive' THEN 1 ELSE 0 END) AS proactive \
            FROM callbacks cb \
            WHERE cb.closed_by_call_id IS NULL AND cb.closed_at >= $1 AND cb.closed_at < $2 \
              AND COALESCE(cb.claimed_by, cb.assigned_to) IS NOT NULL \
              AND COALESCE(cb.close_reason, '') <> 'not_missed' \
              AND ($3 IS NULL OR cb.call_queue = $3) \
            GROUP BY COALESCE(cb.claimed_by, cb.assigned_to)) x \
        JOIN users u ON u.id = x.operator_id \
        GROUP BY x.operator_id, u.display_name ORDER BY x.operator_id";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .bind(queue)
        .fetch_all(p)
        .await)?)
}

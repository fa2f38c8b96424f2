//! Callback tasks: one open task per missed number, closed when the client is reached.
//!
//! The writer's statements take its `BatchTx` (sqlx, or the SQLite writer's own connection;
//! same SQL text and values for both).

use rusqlite::Row;
use serde::Serialize;
use sqlx::FromRow;

use super::{
    Db, DbResult,
    direct::{Arg, BatchTx, bind_args},
    multi_row::{self, Col, Stmt},
    with_pool, with_tx,
};

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

/// A task from a row of `COLUMNS`, in that order.
fn from_row(r: &Row<'_>) -> rusqlite::Result<Callback> {
    Ok(Callback {
        id: r.get(0)?,
        kind: r.get(1)?,
        status: r.get(2)?,
        number_e164: r.get(3)?,
        client_id: r.get(4)?,
        attempts: r.get(5)?,
        operator_attempts: r.get(6)?,
        first_call_id: r.get(7)?,
        last_call_id: r.get(8)?,
        reason: r.get(9)?,
        due_at: r.get(10)?,
        assigned_to: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        closed_at: r.get(14)?,
        closed_by_call_id: r.get(15)?,
        close_reason: r.get(16)?,
    })
}

/// The tasks a writer's statement returns.
async fn tasks(tx: &mut BatchTx<'_>, sql: &str, args: &[Arg<'_>]) -> DbResult<Vec<Callback>> {
    Ok(match tx {
        BatchTx::Pool(t) => with_tx!(t, |c| bind_args!(sqlx::query_as(sql), args)
            .fetch_all(c)
            .await)?,
        BatchTx::Direct(t) => t.query(sql, args, from_row)?,
    })
}

/// The one task a writer's statement returns.
async fn task(tx: &mut BatchTx<'_>, sql: &str, args: &[Arg<'_>]) -> DbResult<Callback> {
    tasks(tx, sql, args)
        .await?
        .into_iter()
        .next()
        .ok_or(super::DbError::NotFound("row"))
}

/// The open missed-call task of a number.
pub async fn open_missed_for_number(
    tx: &mut BatchTx<'_>,
    e164: &str,
) -> DbResult<Option<Callback>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM callbacks WHERE number_e164 = $1 AND status = 'open' AND kind = 'missed'"
    );
    Ok(tasks(tx, &sql, &[Arg::from(e164)])
        .await?
        .into_iter()
        .next())
}

/// Opens a missed-call task with one attempt.
pub async fn insert_missed(
    tx: &mut BatchTx<'_>,
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
    let args = [
        Arg::from(e164),
        client_id.into(),
        call_id.into(),
        now.into(),
    ];
    task(tx, &sql, &args).await
}

/// Adds (`delta` = 1) or removes (-1) a missed attempt; a task opened for a number nobody had
/// yet gets the client the number now belongs to.
pub async fn add_attempt(
    tx: &mut BatchTx<'_>,
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
    let args = [
        Arg::from(id),
        delta.into(),
        call_id.into(),
        now.into(),
        client_id.into(),
    ];
    task(tx, &sql, &args).await
}

/// Closes every open task of a number; returns the closed tasks.
pub async fn close_open_for_number(
    tx: &mut BatchTx<'_>,
    e164: &str,
    call_id: i64,
    reason: &str,
    now: i64,
) -> DbResult<Vec<Callback>> {
    let sql = format!(
        "UPDATE callbacks SET status = 'closed', closed_at = $3, closed_by_call_id = $2, close_reason = $4, \
         updated_at = $3 WHERE number_e164 = $1 AND status = 'open' RETURNING {COLUMNS}"
    );
    let args = [Arg::from(e164), call_id.into(), now.into(), reason.into()];
    tasks(tx, &sql, &args).await
}

/// Closes one task.
pub async fn close_callback(
    tx: &mut BatchTx<'_>,
    id: i64,
    reason: &str,
    now: i64,
) -> DbResult<Callback> {
    let sql = format!(
        "UPDATE callbacks SET status = 'closed', closed_at = $2, close_reason = $3, updated_at = $2 \
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    task(tx, &sql, &[Arg::from(id), now.into(), reason.into()]).await
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

/// PostgreSQL: `FROM` the numbers in the text array `$n`, as `num.x`, keeping those with an
/// open task (of any kind) — one index probe per number in `callbacks_open_number`, whatever
/// the table's statistics: the lateral subquery's only usable condition is the number. Both
/// simpler forms were planned as a walk over every open task while the table had no
/// statistics yet (a new database, autovacuum not yet by): `IN (SELECT * FROM UNNEST($1))`
/// 4–8 ms a batch, `= ANY($1)` through `callbacks_status_due` 0.7 ms a batch with 1,100 open
/// tasks, against 0.05 ms for this (docs/BENCHMARKS.md). A macro, so that statements written
/// as one literal (`call_load`) can include it.
macro_rules! open_task_probe {
    ($array:literal) => {
        concat!(
            "FROM UNNEST(",
            $array,
            "::text[]) AS num(x) CROSS JOIN LATERAL (SELECT 1 FROM callbacks c \
             WHERE c.number_e164 = num.x AND c.status = 'open' LIMIT 1) AS found"
        )
    };
}
pub(crate) use open_task_probe;

/// Which of these numbers have an open task (of any kind).
pub async fn open_numbers(
    tx: &mut BatchTx<'_>,
    numbers: &[&str],
) -> DbResult<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for chunk in numbers.chunks(500) {
        let found: Vec<(String,)> = match tx {
            BatchTx::Pool(super::Tx::Postgres(t)) => {
                sqlx::query_as(concat!("SELECT num.x ", open_task_probe!("$1")))
                    .bind(chunk)
                    .fetch_all(&mut **t)
                    .await?
            }
            // SQLite: `IN (VALUES …)` (`multi_row`).
            _ => {
                let stmt = Stmt {
                    head: "SELECT DISTINCT number_e164 FROM callbacks WHERE status = 'open' AND number_e164 IN (",
                    tail: ")",
                    cols: &[Col::Text],
                    extra: None,
                };
                let args: Vec<Arg<'_>> = chunk.iter().map(|n| Arg::from(*n)).collect();
                multi_row::fetch(tx, &stmt, &args, |r| Ok((r.get(0)?,))).await?
            }
        };
        out.extend(found.into_iter().map(|(n,)| n));
    }
    Ok(out)
}

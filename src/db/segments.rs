//! The stored client segmentation (`client_segments`, `segment_runs`).
//!
//! A recompute reads the orders of the period once, scores them in Rust
//! (`crate::segments::recompute`), then upserts the rows in chunks — each chunk its own short
//! transaction, so the call writer is never held up for the whole run — and finally deletes
//! the rows it did not touch (clients that left the set).

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbResult, with_pool};
use crate::domain::time::Millis;

/// One client's stored segmentation.
#[derive(Clone, Debug, FromRow, PartialEq, Serialize)]
pub struct SegmentRow {
    /// The client.
    pub client_id: i64,
    /// When the run computed it (ms).
    pub computed_at: Millis,
    /// F: orders in the period.
    pub orders: i64,
    /// M: revenue in the period (minor units).
    pub revenue_minor: i64,
    /// First order in the period (ms).
    pub first_order_at: Millis,
    /// Last order (ms).
    pub last_order_at: Millis,
    /// R: whole days since the last order at computed_at.
    pub recency_days: i64,
    /// 1–5.
    pub r_score: i64,
    /// 1–5.
    pub f_score: i64,
    /// 1–5.
    pub m_score: i64,
    /// A segment code (`segments::rfm::Segment::code`).
    pub segment: String,
    /// A, B or C.
    pub abc: String,
    /// 1 = most revenue.
    pub revenue_rank: i64,
    /// Median whole days between orders (None under 3 orders).
    pub median_gap_days: Option<i64>,
    /// Later than their own rhythm.
    pub overdue: bool,
}

pub(crate) const COLUMNS: &str = "client_id, computed_at, orders, revenue_minor, first_order_at, last_order_at, \
    recency_days, r_score, f_score, m_score, segment, abc, revenue_rank, median_gap_days, overdue";
const PER_ROW: usize = 15;
/// Rows per statement: 500 × 15 = 7,500 parameters, under SQLite's 32,766.
const CHUNK: usize = 500;

/// (client_id, created_at, total_minor) of every order that is not cancelled, of clients not
/// deleted, created in [from, to), oldest first.
pub async fn orders_in_period(
    db: &Db,
    from: Millis,
    to: Millis,
) -> DbResult<Vec<(i64, Millis, i64)>> {
    const SQL: &str = "SELECT o.client_id, o.created_at, o.total_minor FROM orders o \
        JOIN clients c ON c.id = o.client_id \
        WHERE o.created_at >= $1 AND o.created_at < $2 AND o.status <> 'cancelled' AND c.deleted_at IS NULL \
        ORDER BY o.created_at";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .fetch_all(p)
        .await)?)
}

/// Writes (inserts or replaces) the rows, one statement and transaction per chunk.
pub async fn upsert_segments(db: &Db, rows: &[SegmentRow]) -> DbResult<()> {
    let updates: Vec<String> = COLUMNS
        .split(", ")
        .skip(1)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    for chunk in rows.chunks(CHUNK) {
        let mut sql = format!("INSERT INTO client_segments ({COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            let cells: Vec<String> = (1..=PER_ROW)
                .map(|k| placeholder(db, i * PER_ROW + k))
                .collect();
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(&cells.join(", "));
            sql.push(')');
        }
        // A row never goes back in time: if two runs overlap, the one that started later wins.
        sql.push_str(" ON CONFLICT (client_id) DO UPDATE SET ");
        sql.push_str(&updates.join(", "));
        sql.push_str(" WHERE client_segments.computed_at <= excluded.computed_at");
        with_pool!(db, |p| {
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(r.client_id)
                    .bind(r.computed_at)
                    .bind(r.orders)
                    .bind(r.revenue_minor)
                    .bind(r.first_order_at)
                    .bind(r.last_order_at)
                    .bind(r.recency_days)
                    .bind(r.r_score)
                    .bind(r.f_score)
                    .bind(r.m_score)
                    .bind(&r.segment)
                    .bind(&r.abc)
                    .bind(r.revenue_rank)
                    .bind(r.median_gap_days)
                    .bind(r.overdue);
            }
            q.execute(p).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// The `n`th parameter of a many-parameter statement: `$n` on PostgreSQL, an anonymous `?` on
/// SQLite (bound in order, as `$n` would be here). sqlx looks up the name of every numbered
/// SQLite parameter with `sqlite3_bind_parameter_name`, a linear search, so binding N of them
/// costs N²: with 7,500 parameters a statement that was most of the segmentation's time
/// (perf: 39 % of a seed-bench run in `sqlite3_bind_parameter_name`).
fn placeholder(db: &Db, n: usize) -> String {
    match db {
        Db::Sqlite(_) => "?".to_owned(),
        Db::Postgres(_) => format!("${n}"),
    }
}

/// Deletes the rows an earlier run wrote and this one (computed at `run_at`) did not.
pub async fn delete_older_than(db: &Db, run_at: Millis) -> DbResult<u64> {
    const SQL: &str = "DELETE FROM client_segments WHERE computed_at < $1";
    Ok(with_pool!(db, |p| sqlx::query(SQL)
        .bind(run_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?)
}

/// One client's row.
pub async fn segment_of_client(db: &Db, client_id: i64) -> DbResult<Option<SegmentRow>> {
    let sql = format!("SELECT {COLUMNS} FROM client_segments WHERE client_id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(client_id)
        .fetch_optional(p)
        .await)?)
}

/// A recompute's summary.
#[derive(Clone, Debug, FromRow, PartialEq, Serialize)]
pub struct RunRow {
    /// When it ran (ms).
    pub computed_at: Millis,
    /// The scoring period [from, to) (ms).
    pub period_from: Millis,
    /// End of the period.
    pub period_to: Millis,
    /// Clients with an order in the period.
    pub clients: i64,
    /// Their revenue (minor units).
    pub revenue_minor: i64,
    /// The fewest clients bringing 80 % of it (the A class).
    pub pareto_clients: i64,
    /// The curve, JSON `[[client share, revenue share], …]`.
    pub curve: String,
    /// How long the run took (ms).
    pub duration_ms: i64,
}

/// Records a run.
pub async fn insert_run(db: &Db, r: &RunRow) -> DbResult<()> {
    const SQL: &str = "INSERT INTO segment_runs (computed_at, period_from, period_to, clients, revenue_minor, \
        pareto_clients, curve, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(r.computed_at)
        .bind(r.period_from)
        .bind(r.period_to)
        .bind(r.clients)
        .bind(r.revenue_minor)
        .bind(r.pareto_clients)
        .bind(&r.curve)
        .bind(r.duration_ms)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The latest run, if any.
pub async fn latest_run(db: &Db) -> DbResult<Option<RunRow>> {
    const SQL: &str = "SELECT computed_at, period_from, period_to, clients, revenue_minor, pareto_clients, \
        curve, duration_ms FROM segment_runs ORDER BY computed_at DESC, id DESC LIMIT 1";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .fetch_optional(p)
        .await)?)
}

/// Clients and revenue per (segment, ABC class), and how many of them are overdue.
#[derive(Clone, Debug, FromRow, PartialEq, Serialize)]
pub struct SegmentCount {
    /// Segment code.
    pub segment: String,
    /// A, B or C.
    pub abc: String,
    /// Clients.
    pub clients: i64,
    /// Their revenue.
    pub revenue_minor: i64,
    /// Of them, overdue.
    pub overdue: i64,
}

/// Counts per (segment, class).
pub async fn segment_counts(db: &Db) -> DbResult<Vec<SegmentCount>> {
    const SQL: &str = "SELECT segment, abc, COUNT(*) AS clients, \
        CAST(COALESCE(SUM(revenue_minor), 0) AS BIGINT) AS revenue_minor, \
        CAST(SUM(CASE WHEN overdue THEN 1 ELSE 0 END) AS BIGINT) AS overdue \
        FROM client_segments GROUP BY segment, abc ORDER BY segment, abc";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL).fetch_all(p).await)?)
}

/// Which clients to list.
#[derive(Clone, Debug, Default)]
pub struct SegmentFilter {
    /// A segment code.
    pub segment: Option<String>,
    /// A, B or C.
    pub abc: Option<String>,
    /// Only overdue clients.
    pub overdue: Option<bool>,
}

/// A listed client: the row and the client's name.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct ListedClient {
    /// The client's name.
    pub name: String,
    /// The segmentation.
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub row: SegmentRow,
}

/// A page of clients by revenue rank, after `after_rank`.
pub async fn list_segments(
    db: &Db,
    f: &SegmentFilter,
    after_rank: i64,
    limit: i64,
) -> DbResult<Vec<ListedClient>> {
    let cols: Vec<String> = COLUMNS.split(", ").map(|c| format!("s.{c}")).collect();
    let sql = format!(
        "SELECT c.name, {} FROM client_segments s JOIN clients c ON c.id = s.client_id \
         WHERE s.revenue_rank > $1 AND ($2 IS NULL OR s.segment = $2) AND ($3 IS NULL OR s.abc = $3) \
           AND ($4 IS NULL OR s.overdue = $4) \
         ORDER BY s.revenue_rank LIMIT $5",
        cols.join(", ")
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(after_rank)
        .bind(&f.segment)
        .bind(&f.abc)
        .bind(f.overdue)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

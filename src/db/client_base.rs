//! The client base as the manager's pages read it: the stored segmentation joined with the
//! client (name, do-not-call, personal manager) and the last conversation, filtered by
//! segments, ABC classes, overdue and "not talked to in the last N days" — one query for the
//! client-base page and for building an outbound list — and setting a personal manager.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbError, DbResult, segments::SegmentRow, with_pool};

/// Which clients: every set condition must hold (empty lists mean "any").
#[derive(Clone, Debug, Default)]
pub struct BaseFilter {
    /// Segment codes (validated by the caller).
    pub segments: Vec<String>,
    /// Also take overdue clients whatever their segment (OR with `segments`).
    pub or_overdue: bool,
    /// ABC classes.
    pub abc: Vec<String>,
    /// Only overdue clients (AND).
    pub overdue: Option<bool>,
    /// No answered call with the client (either direction) started at or after this (ms).
    pub quiet_since: Option<i64>,
    /// Leave out clients flagged do-not-call.
    pub callable_only: bool,
}

/// A client of the base with their segmentation.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct BaseClient {
    /// Name.
    pub name: String,
    /// Flagged do-not-call.
    pub do_not_call: bool,
    /// Personal manager (user id).
    pub personal_manager_id: Option<i64>,
    /// Their name.
    pub manager_name: Option<String>,
    /// Start of the latest answered call with the client (ms).
    pub last_call_at: Option<i64>,
    /// The segmentation.
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub row: SegmentRow,
}

enum Arg {
    Int(i64),
    Text(String),
}

/// `$n` placeholders for `values`, appended to `args`.
fn placeholders(args: &mut Vec<Arg>, values: &[String]) -> String {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        args.push(Arg::Text(v.clone()));
        out.push(format!("${}", args.len()));
    }
    out.join(", ")
}

/// A page of clients by revenue rank (most revenue first), after `after_rank`.
pub async fn list(
    db: &Db,
    f: &BaseFilter,
    after_rank: i64,
    limit: i64,
) -> DbResult<Vec<BaseClient>> {
    let cols: Vec<String> = super::segments::COLUMNS
        .split(", ")
        .map(|c| format!("s.{c}"))
        .collect();
    let mut args = vec![Arg::Int(after_rank)];
    let mut sql = format!(
        "SELECT c.name, c.do_not_call, c.personal_manager_id, u.display_name AS manager_name, \
         (SELECT MAX(k.started_at) FROM calls k WHERE k.client_id = c.id AND k.answered_at IS NOT NULL) AS last_call_at, \
         {} FROM client_segments s JOIN clients c ON c.id = s.client_id \
         LEFT JOIN users u ON u.id = c.personal_manager_id \
         WHERE s.revenue_rank > $1 AND c.deleted_at IS NULL",
        cols.join(", ")
    );
    match (f.segments.is_empty(), f.or_overdue) {
        (false, false) => {
            let p = placeholders(&mut args, &f.segments);
            sql.push_str(&format!(" AND s.segment IN ({p})"));
        }
        (false, true) => {
            let p = placeholders(&mut args, &f.segments);
            sql.push_str(&format!(" AND (s.segment IN ({p}) OR s.overdue)"));
        }
        (true, true) => sql.push_str(" AND s.overdue"),
        (true, false) => {}
    }
    if !f.abc.is_empty() {
        let p = placeholders(&mut args, &f.abc);
        sql.push_str(&format!(" AND s.abc IN ({p})"));
    }
    match f.overdue {
        Some(true) => sql.push_str(" AND s.overdue"),
        Some(false) => sql.push_str(" AND NOT s.overdue"),
        None => {}
    }
    if let Some(since) = f.quiet_since {
        args.push(Arg::Int(since));
        sql.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.client_id = c.id \
             AND k.answered_at IS NOT NULL AND k.started_at >= ${})",
            args.len()
        ));
    }
    if f.callable_only {
        sql.push_str(" AND NOT c.do_not_call");
    }
    args.push(Arg::Int(limit));
    sql.push_str(&format!(" ORDER BY s.revenue_rank LIMIT ${}", args.len()));
    Ok(with_pool!(db, |p| {
        let mut q = sqlx::query_as(&sql);
        for a in &args {
            q = match a {
                Arg::Int(n) => q.bind(*n),
                Arg::Text(t) => q.bind(t.as_str()),
            };
        }
        q.fetch_all(p).await
    })?)
}

/// Makes `manager_id` the client's personal manager (None: nobody).
pub async fn set_personal_manager(
    db: &Db,
    client_id: i64,
    manager_id: Option<i64>,
    now: i64,
) -> DbResult<()> {
    const SQL: &str = "UPDATE clients SET personal_manager_id = $1, updated_at = $2 \
        WHERE id = $3 AND deleted_at IS NULL";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(manager_id)
        .bind(now)
        .bind(client_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound("client"));
    }
    Ok(())
}

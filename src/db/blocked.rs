//! The block list: numbers whose calls are recorded as blocked. Whether a caller's number is
//! on it is read with the caller look-up (`db::lookup`).

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbResult, with_pool};

/// A blocked number.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Blocked {
    /// E.164.
    pub e164: String,
    /// Why.
    pub reason: Option<String>,
    /// When (ms).
    pub created_at: i64,
}

/// Blocks a number (again: updates the reason).
pub async fn block(
    db: &Db,
    e164: &str,
    reason: Option<&str>,
    by: Option<i64>,
    now: i64,
) -> DbResult<()> {
    const SQL: &str = "INSERT INTO blocked_numbers (e164, reason, created_at, created_by) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (e164) DO UPDATE SET reason = excluded.reason";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(e164)
        .bind(reason)
        .bind(now)
        .bind(by)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Unblocks a number; false when it was not blocked.
pub async fn unblock(db: &Db, e164: &str) -> DbResult<bool> {
    let n = with_pool!(db, |p| sqlx::query(
        "DELETE FROM blocked_numbers WHERE e164 = $1"
    )
    .bind(e164)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Every blocked number.
pub async fn list_blocked(db: &Db) -> DbResult<Vec<Blocked>> {
    Ok(with_pool!(db, |p| sqlx::query_as(
        "SELECT e164, reason, created_at FROM blocked_numbers ORDER BY created_at DESC"
    )
    .fetch_all(p)
    .await)?)
}

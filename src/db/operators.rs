//! Operators' desk status (ready / paused / wrap-up); no row means ready.

use super::{Db, DbResult, with_pool};

/// Whether the operator takes new calls' pops.
pub async fn is_ready(db: &Db, user_id: i64) -> DbResult<bool> {
    let status: Option<String> = with_pool!(db, |p| sqlx::query_scalar(
        "SELECT status FROM operator_status WHERE user_id = $1"
    )
    .bind(user_id)
    .fetch_optional(p)
    .await)?;
    Ok(status.is_none_or(|s| s == "ready"))
}

/// Sets the operator's status.
pub async fn set_status(db: &Db, user_id: i64, status: &str, now: i64) -> DbResult<()> {
    const SQL: &str = "INSERT INTO operator_status (user_id, status, since) VALUES ($1, $2, $3) \
        ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, since = excluded.since";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(user_id)
        .bind(status)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// An operator who can be given work.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct OperatorRef {
    /// User id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Extension.
    pub extension: Option<String>,
}

/// Active operators by name (for assignment forms).
pub async fn active_operators(db: &Db) -> DbResult<Vec<OperatorRef>> {
    const SQL: &str = "SELECT id, display_name AS name, extension FROM users \
        WHERE active AND role = 'operator' ORDER BY display_name, id";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL).fetch_all(p).await)?)
}

//! The audit log: who looked at or exported what.

use super::{Db, DbResult, with_pool};
use crate::domain::time::now_ms;

/// Who did it.
#[derive(Clone, Copy, Debug)]
pub enum Actor {
    /// A logged-in user.
    User(i64),
    /// An API token.
    Token(i64),
    /// The command line or the service itself.
    System,
}

/// Appends one entry.
pub async fn record(
    db: &Db,
    actor: Actor,
    action: &str,
    subject: Option<&str>,
    detail: &serde_json::Value,
) -> DbResult<()> {
    let (user_id, token_id) = match actor {
        Actor::User(id) => (Some(id), None),
        Actor::Token(id) => (None, Some(id)),
        Actor::System => (None, None),
    };
    const SQL: &str = "INSERT INTO audit_log (at, user_id, token_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)";
    let detail = detail.to_string();
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(now_ms())
        .bind(user_id)
        .bind(token_id)
        .bind(action)
        .bind(subject)
        .bind(&detail)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

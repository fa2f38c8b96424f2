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

/// An entry as admins read it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    /// Id.
    pub id: i64,
    /// When (ms).
    pub at: i64,
    /// The user, if a person did it.
    pub user_id: Option<i64>,
    /// Their login.
    pub user_login: Option<String>,
    /// The API token, if a machine did it.
    pub token_id: Option<i64>,
    /// What (`calls.exported`, `client.card_opened`, …).
    pub action: String,
    /// On what.
    pub subject: Option<String>,
    /// Details (JSON text).
    pub detail: String,
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Exact action.
    pub action: Option<String>,
    /// By this user.
    pub user_id: Option<i64>,
    /// At or after (ms).
    pub from: Option<i64>,
    /// Before (ms).
    pub to: Option<i64>,
}

/// A page of entries, newest first, with ids below `before_id`.
pub async fn list(db: &Db, f: &AuditFilter, before_id: i64, limit: i64) -> DbResult<Vec<AuditRow>> {
    use super::{direct::Arg, where_sql::Where};
    let mut w = Where::new(
        "SELECT a.id, a.at, a.user_id, (SELECT login FROM users u WHERE u.id = a.user_id) AS user_login, \
         a.token_id, a.action, a.subject, a.detail FROM audit_log a WHERE 1 = 1"
            .to_owned(),
    );
    w.and("a.id < ?", &[before_id.into()]);
    w.and_if("a.action = ?", f.action.as_deref().map(Arg::from));
    w.and_if("a.user_id = ?", f.user_id.map(Arg::from));
    w.and_if("a.at >= ?", f.from.map(Arg::from));
    w.and_if("a.at < ?", f.to.map(Arg::from));
    let (sql, args) = w.finish("a.id DESC", limit);
    Ok(with_pool!(db, |p| super::direct::bind_args!(
        sqlx::query_as(&sql),
        &args
    )
    .fetch_all(p)
    .await)?)
}

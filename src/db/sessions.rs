//! Login sessions, stored so that they survive restarts and work across instances.

use super::{Db, DbResult, with_pool};

/// Stores a new session (the hash of the cookie's secret).
pub async fn insert_session(
    db: &Db,
    id_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> DbResult<()> {
    const SQL: &str =
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(id_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The user of a live session, if the session exists, has not expired and the user is active.
pub async fn find_session_user(db: &Db, id_hash: &str, now: i64) -> DbResult<Option<(i64, i64)>> {
    const SQL: &str = "SELECT s.user_id, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
                       WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(id_hash)
        .bind(now)
        .fetch_optional(p)
        .await)?)
}

/// Moves a session's expiry forward (sliding idle timeout).
pub async fn touch_session(db: &Db, id_hash: &str, expires_at: i64) -> DbResult<()> {
    const SQL: &str = "UPDATE sessions SET expires_at = $2 WHERE id_hash = $1";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(id_hash)
        .bind(expires_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends a session (logout).
pub async fn delete_session(db: &Db, id_hash: &str) -> DbResult<()> {
    with_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE id_hash = $1"
    )
    .bind(id_hash)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes expired sessions; returns how many.
pub async fn delete_expired_sessions(db: &Db, now: i64) -> DbResult<u64> {
    let r = with_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(r)
}

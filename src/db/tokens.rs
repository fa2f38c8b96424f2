//! API tokens: only their SHA-256 is stored.

use sqlx::FromRow;

use super::{Db, DbResult, with_pool};
use crate::domain::time::now_ms;

/// A token as stored (no secret).
#[derive(Clone, Debug, FromRow)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// What it is for ("office PBX").
    pub name: String,
    /// `pbx` / `manager` / `admin`.
    pub role: String,
}

/// Stores a new token's hash.
pub async fn insert_token(db: &Db, name: &str, role: &str, token_hash: &str) -> DbResult<i64> {
    const SQL: &str = "INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
    Ok(with_pool!(db, |p| sqlx::query_scalar(SQL)
        .bind(name)
        .bind(role)
        .bind(token_hash)
        .bind(now_ms())
        .fetch_one(p)
        .await)?)
}

/// Finds a live (not revoked) token by the hash of its secret.
pub async fn find_token_by_hash(db: &Db, token_hash: &str) -> DbResult<Option<TokenRow>> {
    const SQL: &str =
        "SELECT id, name, role FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(token_hash)
        .fetch_optional(p)
        .await)?)
}

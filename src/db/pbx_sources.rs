//! PBX sources created on the administration page (`pbx_sources`); their secrets are stored
//! sealed (`admin::seal`), never in clear.

use sqlx::FromRow;

use super::{Db, DbError, DbResult, with_pool};
use crate::domain::time::Millis;

/// A stored source.
#[derive(Clone, Debug, FromRow)]
pub struct SourceRow {
    /// Id (in the webhook URL).
    pub id: String,
    /// generic / zammad / sip.
    pub format: String,
    /// The sealed bearer token.
    pub token_sealed: String,
    /// The sealed HMAC secret (generic sources).
    pub hmac_sealed: Option<String>,
    /// Disabled sources answer 404.
    pub enabled: bool,
    /// Created.
    pub created_at: Millis,
    /// Last changed (secret rotated, enabled or disabled).
    pub updated_at: Millis,
}

const COLUMNS: &str = "id, format, token_sealed, hmac_sealed, enabled, created_at, updated_at";

/// Every stored source, by id.
pub async fn list(db: &Db) -> DbResult<Vec<SourceRow>> {
    let sql = format!("SELECT {COLUMNS} FROM pbx_sources ORDER BY id");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql).fetch_all(p).await)?)
}

/// One stored source.
pub async fn get(db: &Db, id: &str) -> DbResult<Option<SourceRow>> {
    let sql = format!("SELECT {COLUMNS} FROM pbx_sources WHERE id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(p)
        .await)?)
}

/// Stores a new source; a taken id is a `Conflict` on `id`.
pub async fn insert(db: &Db, row: &SourceRow, created_by: Option<i64>) -> DbResult<()> {
    const SQL: &str = "INSERT INTO pbx_sources (id, format, token_sealed, hmac_sealed, enabled, created_by, \
        created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(&row.id)
        .bind(&row.format)
        .bind(&row.token_sealed)
        .bind(&row.hmac_sealed)
        .bind(row.enabled)
        .bind(created_by)
        .bind(row.created_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces the sealed secrets.
pub async fn set_secrets(
    db: &Db,
    id: &str,
    token_sealed: &str,
    hmac_sealed: Option<&str>,
    now: Millis,
) -> DbResult<()> {
    const SQL: &str =
        "UPDATE pbx_sources SET token_sealed = $2, hmac_sealed = $3, updated_at = $4 WHERE id = $1";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(token_sealed)
        .bind(hmac_sealed)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound("source"));
    }
    Ok(())
}

/// Enables or disables a source.
pub async fn set_enabled(db: &Db, id: &str, enabled: bool, now: Millis) -> DbResult<()> {
    const SQL: &str = "UPDATE pbx_sources SET enabled = $2, updated_at = $3 WHERE id = $1";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(enabled)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound("source"));
    }
    Ok(())
}

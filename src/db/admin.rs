//! Administration writes: user accounts (list, change, password, sessions) and merging two
//! client records. Inserting users stays in `db::users`.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbError, DbResult, with_pool, with_tx};
use crate::domain::time::Millis;

/// A user as the administration pages list it (no password hash).
#[derive(Clone, Debug, FromRow, Serialize, PartialEq, Eq)]
pub struct UserItem {
    /// Id.
    pub id: i64,
    /// Login name.
    pub login: String,
    /// Name shown on pages.
    pub display_name: String,
    /// operator / manager / admin.
    pub role: String,
    /// Internal phone extension.
    pub extension: Option<String>,
    /// Whether they can log in.
    pub active: bool,
}

/// Every user, by login.
pub async fn list_users(db: &Db) -> DbResult<Vec<UserItem>> {
    const SQL: &str =
        "SELECT id, login, display_name, role, extension, active FROM users ORDER BY login";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL).fetch_all(p).await)?)
}

/// Changes a user's name, role, extension and active flag; a taken extension is a `Conflict`.
pub async fn update_user(
    db: &Db,
    id: i64,
    display_name: &str,
    role: &str,
    extension: Option<&str>,
    active: bool,
    now: Millis,
) -> DbResult<()> {
    const SQL: &str = "UPDATE users SET display_name = $2, role = $3, extension = $4, active = $5, \
        updated_at = $6 WHERE id = $1";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(display_name)
        .bind(role)
        .bind(extension)
        .bind(active)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound("user"));
    }
    Ok(())
}

/// Sets a user's password hash.
pub async fn set_password(db: &Db, id: i64, hash: &str, now: Millis) -> DbResult<()> {
    const SQL: &str = "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(hash)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound("user"));
    }
    Ok(())
}

/// Ends every session of a user (after deactivation or a password reset).
pub async fn delete_sessions_of(db: &Db, user_id: i64) -> DbResult<u64> {
    const SQL: &str = "DELETE FROM sessions WHERE user_id = $1";
    Ok(with_pool!(db, |p| sqlx::query(SQL)
        .bind(user_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?)
}

/// What a merge moved to the kept client.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Merged {
    /// Phone numbers moved (numbers the kept client already had are dropped).
    pub phones: u64,
    /// Orders.
    pub orders: u64,
    /// Calls.
    pub calls: u64,
    /// Callback and proactive tasks.
    pub tasks: u64,
    /// Call outcomes.
    pub wrapups: u64,
}

/// Whether a live (not deleted) client exists.
async fn live_client(tx: &mut super::Tx, id: i64) -> DbResult<bool> {
    const SQL: &str = "SELECT COUNT(*) FROM clients WHERE id = $1 AND deleted_at IS NULL";
    let n: i64 = with_tx!(tx, |c| sqlx::query_scalar(SQL).bind(id).fetch_one(c).await)?;
    Ok(n == 1)
}

/// Moves everything of client `gone` to client `keep` in one transaction and marks `gone`
/// deleted. The kept record's own fields win; it becomes do-not-call if either was. Its
/// segment is recomputed by the next segmentation run (`gone`'s row is dropped).
pub async fn merge_clients(db: &Db, keep: i64, gone: i64, now: Millis) -> DbResult<Merged> {
    let mut tx = db.begin().await?;
    if !live_client(&mut tx, keep).await? || !live_client(&mut tx, gone).await? {
        return Err(DbError::NotFound("client"));
    }
    let mut m = Merged::default();
    let steps: [(&str, Option<&mut u64>); 9] = [
        (
            "UPDATE client_phones SET client_id = $1, is_primary = FALSE, position = position + 1000 \
             WHERE client_id = $2 AND e164 NOT IN (SELECT e164 FROM client_phones WHERE client_id = $1)",
            Some(&mut m.phones),
        ),
        ("DELETE FROM client_phones WHERE client_id = $2", None),
        (
            "UPDATE orders SET client_id = $1 WHERE client_id = $2",
            Some(&mut m.orders),
        ),
        (
            "UPDATE calls SET client_id = $1 WHERE client_id = $2",
            Some(&mut m.calls),
        ),
        (
            "UPDATE callbacks SET client_id = $1 WHERE client_id = $2",
            Some(&mut m.tasks),
        ),
        (
            "UPDATE wrapups SET client_id = $1 WHERE client_id = $2",
            Some(&mut m.wrapups),
        ),
        (
            "UPDATE number_choices SET client_id = $1 WHERE client_id = $2",
            None,
        ),
        ("DELETE FROM client_segments WHERE client_id = $2", None),
        (
            "UPDATE clients SET do_not_call = (do_not_call OR (SELECT g.do_not_call FROM clients g WHERE g.id = $2)) \
             WHERE id = $1",
            None,
        ),
    ];
    for (sql, count) in steps {
        let n = with_tx!(&mut tx, |c| sqlx::query(sql)
            .bind(keep)
            .bind(gone)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if let Some(c) = count {
            *c = n;
        }
    }
    const GONE: &str = "UPDATE clients SET deleted_at = $2, updated_at = $2 WHERE id = $1";
    with_tx!(&mut tx, |c| sqlx::query(GONE)
        .bind(gone)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(m)
}

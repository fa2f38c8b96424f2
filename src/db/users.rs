//! Users (people who log in).

use sqlx::FromRow;

use super::{Db, DbError, DbResult, with_pool};
use crate::domain::{Role, time::now_ms};

/// A user as stored.
#[derive(Clone, Debug, FromRow)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login name.
    pub login: String,
    /// Name shown on pages.
    pub display_name: String,
    /// `operator` / `manager` / `admin`.
    pub role: String,
    /// Internal phone extension.
    pub extension: Option<String>,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Preferred UI language.
    pub language: Option<String>,
    /// Deactivated users cannot log in.
    pub active: bool,
}

impl UserRow {
    /// The parsed role (a row that fails the CHECK constraint cannot exist).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Operator)
    }
}

/// A new user.
pub struct NewUser<'a> {
    /// Login name.
    pub login: &'a str,
    /// Name shown on pages.
    pub display_name: &'a str,
    /// Role (not pbx).
    pub role: Role,
    /// Extension, for operators.
    pub extension: Option<&'a str>,
    /// argon2 PHC string.
    pub password_hash: &'a str,
}

const COLUMNS: &str = "id, login, display_name, role, extension, password_hash, language, active";

/// Inserts a user; a taken login or active extension is a `Conflict`.
pub async fn insert_user(db: &Db, u: &NewUser<'_>) -> DbResult<i64> {
    let now = now_ms();
    const SQL: &str = "INSERT INTO users (login, display_name, role, extension, password_hash, created_at, updated_at) \
                       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
    let id: i64 = with_pool!(db, |p| sqlx::query_scalar(SQL)
        .bind(u.login)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(u.extension)
        .bind(u.password_hash)
        .bind(now)
        .fetch_one(p)
        .await)?;
    Ok(id)
}

/// Finds a user by login (active or not).
pub async fn find_user_by_login(db: &Db, login: &str) -> DbResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE login = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(login)
        .fetch_optional(p)
        .await)?)
}

/// Finds a user by id.
pub async fn get_user(db: &Db, id: i64) -> DbResult<UserRow> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(DbError::NotFound("user"))
}

/// Counts users (the demo loader only runs on an empty database).
pub async fn count_users(db: &Db) -> DbResult<i64> {
    Ok(with_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users"
    )
    .fetch_one(p)
    .await)?)
}

/// The extensions of the active users with these display names (Zammad sends agents' names).
pub async fn extensions_of_names(db: &Db, names: &[String]) -> DbResult<Vec<String>> {
    let mut out = Vec::new();
    for name in names.iter().take(50) {
        const SQL: &str = "SELECT extension FROM users WHERE display_name = $1 AND active AND extension IS NOT NULL";
        let found: Vec<String> = with_pool!(db, |p| sqlx::query_scalar(SQL)
            .bind(name)
            .fetch_all(p)
            .await)?;
        out.extend(found);
    }
    out.dedup();
    Ok(out)
}

//! Creating and changing user accounts: the checks shared by the API and the pages. Passwords
//! are hashed with argon2 off the async threads (`auth::password`); deactivating a user or
//! resetting their password ends their sessions.

use serde::Deserialize;

use crate::{
    auth::{Principal, password},
    db::{self, Db, DbError, audit, users::NewUser},
    domain::{Role, time::now_ms},
    error::{AppError, AppResult},
};

/// A new account as submitted (missing fields are empty, and refused by the checks).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewAccount {
    /// Login name.
    pub login: String,
    /// Name shown on pages (default: the login).
    pub display_name: String,
    /// operator / manager / admin.
    pub role: String,
    /// 2–6 digits, or empty.
    pub extension: String,
    /// At least 8 characters.
    pub password: String,
}

/// Changes to an account; absent fields stay.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AccountChange {
    /// Name shown on pages.
    pub display_name: Option<String>,
    /// operator / manager / admin.
    pub role: Option<String>,
    /// 2–6 digits, or empty to remove.
    pub extension: Option<String>,
    /// false deactivates.
    pub active: Option<bool>,
}

fn role(r: &str) -> AppResult<Role> {
    match Role::parse(r.trim()) {
        Some(r @ (Role::Operator | Role::Manager | Role::Admin)) => Ok(r),
        _ => Err(AppError::invalid(
            "role",
            "expected operator, manager or admin",
        )),
    }
}

fn login(l: &str) -> AppResult<&str> {
    let ok =
        (1..=64).contains(&l.len()) && l.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(l)
    } else {
        Err(AppError::invalid(
            "login",
            "1–64 letters, digits or . _ - @",
        ))
    }
}

fn extension(x: &str) -> AppResult<Option<&str>> {
    let x = x.trim();
    if x.is_empty() {
        return Ok(None);
    }
    if (2..=6).contains(&x.len()) && x.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(x))
    } else {
        Err(AppError::invalid("extension", "2–6 digits, or empty"))
    }
}

fn display_name(n: &str) -> AppResult<&str> {
    let n = n.trim();
    if n.is_empty() || n.chars().count() > 100 {
        return Err(AppError::invalid("display_name", "1–100 characters"));
    }
    Ok(n)
}

fn new_password(pw: &str) -> AppResult<()> {
    match pw.chars().count() {
        0..8 => Err(AppError::invalid("password", "at least 8 characters")),
        8..=200 => Ok(()),
        _ => Err(AppError::invalid("password", "at most 200 characters")),
    }
}

/// A conflict on `extension` or `login` as a 409 naming the field.
fn conflict(e: DbError) -> AppError {
    match e {
        DbError::Conflict { field, .. } => {
            let field = field.unwrap_or_else(|| "login".into());
            AppError::Conflict {
                message: format!("another user already has this {field}"),
                field: Some(field),
            }
        }
        other => other.into(),
    }
}

/// Creates an account; returns its id.
pub async fn create(db: &Db, by: &Principal, a: &NewAccount) -> AppResult<i64> {
    let l = login(a.login.trim())?;
    let r = role(&a.role)?;
    let x = extension(&a.extension)?;
    let name = if a.display_name.trim().is_empty() {
        l
    } else {
        display_name(&a.display_name)?
    };
    new_password(&a.password)?;
    let hash = password::hash(a.password.clone()).await?;
    let user = NewUser {
        login: l,
        display_name: name,
        role: r,
        extension: x,
        password_hash: &hash,
    };
    let id = db::users::insert_user(db, &user).await.map_err(conflict)?;
    let detail = serde_json::json!({ "login": l, "role": r.as_str() });
    audit::record(
        db,
        by.actor,
        "user.create",
        Some(&format!("user:{id}")),
        &detail,
    )
    .await?;
    Ok(id)
}

/// Applies a change. An administrator cannot deactivate or demote themselves (someone must be
/// left to undo it).
pub async fn change(db: &Db, by: &Principal, id: i64, c: &AccountChange) -> AppResult<()> {
    let cur = db::users::get_user(db, id).await?;
    let name = match &c.display_name {
        Some(n) => display_name(n)?.to_owned(),
        None => cur.display_name.clone(),
    };
    let r = match &c.role {
        Some(r) => role(r)?,
        None => cur.role(),
    };
    let x = match &c.extension {
        Some(x) => extension(x)?.map(str::to_owned),
        None => cur.extension.clone(),
    };
    let active = c.active.unwrap_or(cur.active);
    let myself = by.user.as_ref().is_some_and(|u| u.id == id);
    if myself && (!active || r != Role::Admin) {
        return Err(AppError::invalid(
            "active",
            "you cannot deactivate or demote yourself",
        ));
    }
    db::admin::update_user(db, id, &name, r.as_str(), x.as_deref(), active, now_ms())
        .await
        .map_err(conflict)?;
    if !active {
        db::admin::delete_sessions_of(db, id).await?;
    }
    let detail = serde_json::json!({ "role": r.as_str(), "extension": x, "active": active });
    audit::record(
        db,
        by.actor,
        "user.change",
        Some(&format!("user:{id}")),
        &detail,
    )
    .await?;
    Ok(())
}

/// Sets a new password and ends the user's sessions.
pub async fn reset_password(db: &Db, by: &Principal, id: i64, pw: &str) -> AppResult<()> {
    new_password(pw)?;
    db::users::get_user(db, id).await?;
    let hash = password::hash(pw.to_owned()).await?;
    db::admin::set_password(db, id, &hash, now_ms()).await?;
    db::admin::delete_sessions_of(db, id).await?;
    audit::record(
        db,
        by.actor,
        "user.password_reset",
        Some(&format!("user:{id}")),
        &serde_json::json!({}),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_checked() {
        assert!(login("olga.p").is_ok());
        assert!(login("no spaces").is_err());
        assert!(extension("").unwrap().is_none());
        assert_eq!(extension(" 101 ").unwrap(), Some("101"));
        assert!(extension("1").is_err());
        assert!(role("pbx").is_err());
        assert!(new_password("short").is_err());
        assert!(display_name("  ").is_err());
    }
}

//! Administration (issue 5 §5): user accounts, merging client records, PBX sources created at
//! run time. Both the JSON API (`api::admin`) and the pages (`web::admin`) call these, so the
//! rules (what a valid login is, who may be deactivated) live in one place. Retention is in
//! `crate::retention`, report aggregates in `crate::reports::aggregate`.

pub mod seal;
pub mod sources;
pub mod users;

use crate::{
    auth::Principal,
    db::{self, Db, admin::Merged, audit},
    domain::time::now_ms,
    error::{AppError, AppResult},
};

/// Merges client `gone` into client `keep` (both must exist and differ), and audits it.
pub async fn merge_clients(db: &Db, p: &Principal, keep: i64, gone: i64) -> AppResult<Merged> {
    if keep == gone {
        return Err(AppError::invalid(
            "merge_id",
            "choose two different clients",
        ));
    }
    if keep <= 0 || gone <= 0 {
        return Err(AppError::invalid("keep_id", "expected client ids"));
    }
    let moved = db::admin::merge_clients(db, keep, gone, now_ms()).await?;
    let detail = serde_json::json!({ "merged_client_id": gone, "moved": moved });
    audit::record(
        db,
        p.actor,
        "client.merge",
        Some(&format!("client:{keep}")),
        &detail,
    )
    .await?;
    Ok(moved)
}

/// Checks a custom outcome (shared by `PUT /api/v1/outcomes` and the administration page):
/// a 2–40 character code of lowercase letters, digits and `_` that is not a system outcome,
/// and a 1–80 character label. Returns them trimmed.
pub fn custom_outcome<'a>(code: &'a str, label: &'a str) -> AppResult<(&'a str, &'a str)> {
    let code = code.trim();
    let valid = (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return Err(AppError::invalid(
            "code",
            "2–40 characters: lowercase letters, digits and _",
        ));
    }
    if crate::workspace::outcome::SystemOutcome::parse(code).is_some() {
        return Err(AppError::invalid("code", "that is a system outcome"));
    }
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 80 || label.contains('\0') {
        return Err(AppError::invalid("label", "1–80 characters"));
    }
    Ok((code, label))
}

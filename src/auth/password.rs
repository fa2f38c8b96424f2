//! Password hashing with argon2 (PHC strings), always off the async threads: hashing is
//! deliberately slow and would stall a 2-core server during a burst of logins.

use anyhow::Context;

/// Hashes a password.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .context("password hashing task failed")
}

/// Checks a password against a stored hash.
pub async fn verify(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .unwrap_or(false)
}

/// A hash that never verifies, used when the login does not exist so that unknown and known
/// logins take the same time.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Xd0fXQhZ2b5R2JmZ2V0b3RoZXJ0aGluZ3M";

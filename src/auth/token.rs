//! API tokens: 256-bit random secrets shown once; the database keeps their SHA-256, and an
//! in-memory cache keeps recent hashes so a PBX's requests skip the database.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use base64::Engine;
use dashmap::DashMap;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{
    db::{self, Db, DbResult},
    domain::Role,
};

/// How long a cached token is trusted before it is checked again (bounds how long a revoked
/// token keeps working on an instance that cached it).
const CACHE_TTL: Duration = Duration::from_secs(60);

/// A verified token.
#[derive(Clone, Debug)]
pub struct TokenInfo {
    /// Token id.
    pub id: i64,
    /// Role.
    pub role: Role,
}

/// Cache of verified token hashes.
#[derive(Clone, Default)]
pub struct TokenCache {
    entries: Arc<DashMap<String, (TokenInfo, Instant)>>,
}

impl TokenCache {
    /// Resolves a presented secret to its token, from the cache or the database.
    pub async fn verify(&self, db: &Db, secret: &str) -> DbResult<Option<TokenInfo>> {
        let hash = hash_secret(secret);
        if let Some(e) = self.entries.get(&hash)
            && e.1.elapsed() < CACHE_TTL
        {
            return Ok(Some(e.0.clone()));
        }
        let Some(row) = db::tokens::find_token_by_hash(db, &hash).await? else {
            self.entries.remove(&hash);
            return Ok(None);
        };
        let Some(role) = Role::parse(&row.role) else {
            return Ok(None);
        };
        let info = TokenInfo { id: row.id, role };
        // Bounded: only valid tokens are cached, and there are few of them.
        self.entries.insert(hash, (info.clone(), Instant::now()));
        Ok(Some(info))
    }
}

/// Makes a new secret: `olt_` + 43 characters of URL-safe base64 (256 bits).
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "olt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The stored form of a secret: lowercase hex SHA-256.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a token and returns its secret (the only time it exists in clear).
pub async fn create_token(db: &Db, name: &str, role: Role) -> DbResult<String> {
    let secret = generate_secret();
    db::tokens::insert_token(db, name, role.as_str(), &hash_secret(&secret)).await?;
    Ok(secret)
}

/// Creates a token with a given secret (the demo data's well-known token).
pub async fn create_token_with_secret(
    db: &Db,
    name: &str,
    role: Role,
    secret: &str,
) -> DbResult<()> {
    db::tokens::insert_token(db, name, role.as_str(), &hash_secret(secret)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_unique_and_hash_to_hex() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 43);
        let h = hash_secret(&a);
        assert_eq!(h.len(), 64);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
    }
}

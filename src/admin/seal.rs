//! Sealing PBX source secrets for the database with ChaCha20-Poly1305 under `[secrets] key`.
//!
//! Signature checks need the secret in clear, so it cannot be hashed like a password; it is
//! encrypted instead, with a random 96-bit nonce per sealing and the source id as associated
//! data (a sealed secret copied to another source's row does not open). Stored text:
//! `v1:` + base64(nonce ‖ ciphertext ‖ tag).

use base64::{Engine, engine::general_purpose::STANDARD};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use secrecy::{ExposeSecret, SecretBox, SecretString};

/// Why a sealed secret did not open.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Not produced by [`seal`], or by another key, or for another source.
    #[error("the stored secret cannot be opened with the configured key")]
    Corrupt,
}

fn key(k: &SecretBox<[u8; 32]>) -> LessSafeKey {
    let unbound = UnboundKey::new(&CHACHA20_POLY1305, k.expose_secret())
        .expect("a 32-byte key fits ChaCha20-Poly1305");
    LessSafeKey::new(unbound)
}

/// Encrypts `secret` for the source `id`.
pub fn seal(k: &SecretBox<[u8; 32]>, id: &str, secret: &str) -> String {
    let nonce_bytes: [u8; NONCE_LEN] = rand::random();
    let mut buf = secret.as_bytes().to_vec();
    key(k)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(id.as_bytes()),
            &mut buf,
        )
        .expect("sealing a short secret cannot fail");
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&buf);
    format!("v1:{}", STANDARD.encode(out))
}

/// Decrypts what [`seal`] produced for the source `id`.
pub fn open(k: &SecretBox<[u8; 32]>, id: &str, sealed: &str) -> Result<SecretString, SealError> {
    let raw = sealed
        .strip_prefix("v1:")
        .and_then(|b| STANDARD.decode(b).ok())
        .ok_or(SealError::Corrupt)?;
    if raw.len() < NONCE_LEN {
        return Err(SealError::Corrupt);
    }
    let (nonce, rest) = raw.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Corrupt)?;
    let mut buf = rest.to_vec();
    let clear = key(k)
        .open_in_place(nonce, Aad::from(id.as_bytes()), &mut buf)
        .map_err(|_| SealError::Corrupt)?;
    let text = String::from_utf8(clear.to_vec()).map_err(|_| SealError::Corrupt)?;
    Ok(SecretString::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_source() {
        let k = SecretBox::new(Box::new([7u8; 32]));
        let other = SecretBox::new(Box::new([8u8; 32]));
        let s = seal(&k, "shop", "token-123");
        assert!(s.starts_with("v1:"));
        assert!(!s.contains("token-123"));
        assert_ne!(s, seal(&k, "shop", "token-123"), "a fresh nonce each time");
        assert_eq!(open(&k, "shop", &s).unwrap().expose_secret(), "token-123");
        assert!(open(&other, "shop", &s).is_err());
        assert!(open(&k, "office", &s).is_err());
        assert!(open(&k, "shop", "v1:AAAA").is_err());
        assert!(open(&k, "shop", "garbage").is_err());
    }
}

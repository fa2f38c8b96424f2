//! Credential checks shared by the formats: bearer tokens, URL tokens and the generic
//! format's `X-Orderline-Signature`. Every comparison runs in constant time.

use axum::http::{HeaderMap, header::AUTHORIZATION};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a signature's timestamp may be from our clock (replay window), in seconds.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// Why a request was refused (for metrics and logs; the PBX only ever sees a bare 401).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// No credential at all.
    Missing,
    /// A credential that does not match.
    Mismatch,
    /// A signature outside the replay window.
    Expired,
}

impl Rejection {
    /// Metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Missing => "missing",
            Rejection::Mismatch => "mismatch",
            Rejection::Expired => "expired",
        }
    }
}

/// Constant-time equality of two secrets.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Checks `Authorization: Bearer <token>` against the source's token.
pub fn bearer(headers: &HeaderMap, token: &secrecy::SecretString) -> Result<(), Rejection> {
    let value = headers.get(AUTHORIZATION).ok_or(Rejection::Missing)?;
    let value = value.to_str().map_err(|_| Rejection::Mismatch)?;
    let secret = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, s)| s.trim())
        .ok_or(Rejection::Mismatch)?;
    if same(secret, token.expose_secret()) {
        Ok(())
    } else {
        Err(Rejection::Mismatch)
    }
}

/// Checks `X-Orderline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(
    headers: &HeaderMap,
    body: &[u8],
    secret: &secrecy::SecretString,
    now_secs: i64,
) -> Result<(), Rejection> {
    let value = headers
        .get("x-orderline-signature")
        .ok_or(Rejection::Missing)?;
    let value = value.to_str().map_err(|_| Rejection::Mismatch)?;
    let (mut t, mut v1) = (None, None);
    for part in value.split(',') {
        match part.trim().split_once('=') {
            Some(("t", x)) => t = x.parse::<i64>().ok(),
            Some(("v1", x)) => v1 = hex::decode(x).ok(),
            _ => {}
        }
    }
    let (t, v1) = t.zip(v1).ok_or(Rejection::Mismatch)?;
    if (now_secs - t).abs() > REPLAY_WINDOW_SECS {
        return Err(Rejection::Expired);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .map_err(|_| Rejection::Mismatch)?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&v1).map_err(|_| Rejection::Mismatch)
}

/// Computes a signature header value (for clients, tests and the benchmark).
pub fn sign(body: &[u8], secret: &str, t: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
        h
    }

    #[test]
    fn a_valid_signature_within_the_window_passes_and_others_fail() {
        let secret: secrecy::SecretString = "hm-secret".into();
        let body = br#"{"call_id":"1","type":"ringing"}"#;
        let good = sign(body, "hm-secret", 1_000);
        assert_eq!(
            signature(
                &headers("x-orderline-signature", &good),
                body,
                &secret,
                1_100
            ),
            Ok(())
        );
        assert_eq!(
            signature(
                &headers("x-orderline-signature", &good),
                body,
                &secret,
                1_400
            ),
            Err(Rejection::Expired)
        );
        assert_eq!(
            signature(
                &headers("x-orderline-signature", &good),
                b"{}",
                &secret,
                1_100
            ),
            Err(Rejection::Mismatch)
        );
        let wrong_key = sign(body, "other", 1_000);
        assert_eq!(
            signature(
                &headers("x-orderline-signature", &wrong_key),
                body,
                &secret,
                1_000
            ),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            signature(&HeaderMap::new(), body, &secret, 1_000),
            Err(Rejection::Missing)
        );
        assert_eq!(
            signature(
                &headers("x-orderline-signature", "t=x,v1=zz"),
                body,
                &secret,
                1_000
            ),
            Err(Rejection::Mismatch)
        );
    }

    #[test]
    fn bearer_tokens_must_match_exactly() {
        let token: secrecy::SecretString = "tok-0123456789abcdef".into();
        assert_eq!(
            bearer(
                &headers("authorization", "Bearer tok-0123456789abcdef"),
                &token
            ),
            Ok(())
        );
        assert_eq!(
            bearer(
                &headers("authorization", "Bearer tok-0123456789abcdeX"),
                &token
            ),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            bearer(
                &headers("authorization", "Basic tok-0123456789abcdef"),
                &token
            ),
            Err(Rejection::Mismatch)
        );
        assert_eq!(bearer(&HeaderMap::new(), &token), Err(Rejection::Missing));
    }
}

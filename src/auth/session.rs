//! Login sessions: the cookie carries a random secret, the database its SHA-256 (a stolen
//! database copy does not yield live cookies). Expiry slides with activity.

use axum_extra::extract::cookie::{Cookie, SameSite};

use super::token::{generate_secret, hash_secret};
use crate::{
    config::Config,
    db::{self, Db, DbResult},
    domain::time::now_ms,
};

/// The session cookie's name.
pub const COOKIE: &str = "orderline_session";

/// Refresh the stored expiry only when less than this much of the idle window was used up,
/// so that a busy page does not write on every request.
const TOUCH_AFTER_MS: i64 = 5 * 60 * 1000;

fn idle_ms(cfg: &Config) -> i64 {
    i64::from(cfg.auth.session_idle_hours) * 3_600_000
}

/// Starts a session for a user; returns the cookie to set.
pub async fn start(db: &Db, cfg: &Config, user_id: i64) -> DbResult<Cookie<'static>> {
    let secret = generate_secret();
    let now = now_ms();
    db::sessions::insert_session(db, &hash_secret(&secret), user_id, now, now + idle_ms(cfg))
        .await?;
    Ok(cookie(secret, cfg.server.cookie_secure))
}

/// The user id of a live session, sliding its expiry forward.
pub async fn resolve(db: &Db, cfg: &Config, secret: &str) -> DbResult<Option<i64>> {
    let hash = hash_secret(secret);
    let now = now_ms();
    let Some((user_id, expires_at)) = db::sessions::find_session_user(db, &hash, now).await? else {
        return Ok(None);
    };
    let fresh_expiry = now + idle_ms(cfg);
    if fresh_expiry - expires_at > TOUCH_AFTER_MS {
        db::sessions::touch_session(db, &hash, fresh_expiry).await?;
    }
    Ok(Some(user_id))
}

/// Ends a session.
pub async fn end(db: &Db, secret: &str) -> DbResult<()> {
    db::sessions::delete_session(db, &hash_secret(secret)).await
}

/// The session cookie: HttpOnly, SameSite=Lax (a link from an e-mail still opens logged in;
/// cross-site POSTs are stopped by the CSRF layer), Secure when the public URL is https.
pub fn cookie(secret: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, secret))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// A cookie that deletes the session cookie.
pub fn removal(secure: bool) -> Cookie<'static> {
    let mut c = cookie(String::new(), secure);
    c.make_removal();
    c
}

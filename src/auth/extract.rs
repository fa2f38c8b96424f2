//! Extractors that authenticate a request. A handler that takes a [`Principal`] cannot run
//! for an anonymous request, and `principal.require(Permission::…)` is the authorisation.
//!
//! Credentials, in order: `Authorization: Bearer <token>` (a present but bad header is a 401,
//! never a fallback to the cookie), then the session cookie. [`LookupPrincipal`] also accepts
//! `?token=` because Asterisk's `CURL()` often cannot send headers.

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header::AUTHORIZATION, request::Parts},
};
use axum_extra::extract::CookieJar;

use super::session;
use crate::{
    app::AppState,
    db::{self, audit::Actor},
    domain::{Role, role::Permission},
    error::{AppError, AppResult},
};

/// The logged-in person behind a session.
#[derive(Clone, Debug)]
pub struct SessionUser {
    /// User id.
    pub id: i64,
    /// Login.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// Extension.
    pub extension: Option<String>,
    /// Preferred language.
    pub language: Option<String>,
}

/// Who is asking, and with which role.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The role that decides permissions.
    pub role: Role,
    /// For the audit log.
    pub actor: Actor,
    /// Set for session (browser) requests.
    pub user: Option<SessionUser>,
}

impl Principal {
    /// Fails with 403 unless the role may do `p`.
    pub fn require(&self, p: Permission) -> AppResult<()> {
        if self.role.can(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(secret) = bearer(&parts.headers)? {
            return from_token(state, secret).await;
        }
        let jar = CookieJar::from_headers(&parts.headers);
        match jar.get(session::COOKIE) {
            Some(c) => from_session(state, c.value()).await,
            None => Err(AppError::Unauthorized),
        }
    }
}

/// A [`Principal`] that may also present its token as `?token=` (for PBX lookups).
pub struct LookupPrincipal(pub Principal);

impl FromRequestParts<AppState> for LookupPrincipal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let query_token = parts.uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v.into_owned())
        });
        match query_token {
            Some(t) if !parts.headers.contains_key(AUTHORIZATION) => {
                Ok(LookupPrincipal(from_token(state, &t).await?))
            }
            _ => Principal::from_request_parts(parts, state)
                .await
                .map(LookupPrincipal),
        }
    }
}

/// The bearer secret, if an Authorization header is present; a malformed header is a 401.
fn bearer(headers: &HeaderMap) -> AppResult<Option<&str>> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthorized)?;
    let (scheme, secret) = value.split_once(' ').ok_or(AppError::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") || secret.trim().is_empty() {
        return Err(AppError::Unauthorized);
    }
    Ok(Some(secret.trim()))
}

async fn from_token(state: &AppState, secret: &str) -> AppResult<Principal> {
    let info = state
        .tokens
        .verify(&state.db, secret)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(Principal {
        role: info.role,
        actor: Actor::Token(info.id),
        user: None,
    })
}

async fn from_session(state: &AppState, secret: &str) -> AppResult<Principal> {
    let user_id = session::resolve(&state.db, &state.config, secret)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let u = db::users::get_user(&state.db, user_id).await?;
    Ok(Principal {
        role: u.role(),
        actor: Actor::User(u.id),
        user: Some(SessionUser {
            id: u.id,
            login: u.login,
            display_name: u.display_name,
            extension: u.extension,
            language: u.language,
        }),
    })
}

impl axum::extract::OptionalFromRequestParts<AppState> for Principal {
    type Rejection = AppError;

    /// `Option<Principal>`: `None` for anonymous requests (and for bad credentials, which a
    /// page treats as "log in again"); database failures still fail the request.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <Principal as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(p) => Ok(Some(p)),
            Err(AppError::Unauthorized | AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

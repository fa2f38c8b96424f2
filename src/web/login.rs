//! Login, logout and the landing page.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{ConnectInfo, FromRequestParts, State},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::i18n::{self, Texts};
use crate::{
    app::AppState,
    auth::{Principal, password, session},
    db,
    error::AppResult,
};

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    lang: &'static str,
    t: &'static Texts,
    login: String,
    error: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    lang: &'static str,
    t: &'static Texts,
    user_name: String,
    role: String,
    extension: Option<String>,
    clients: i64,
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
}

/// The client's address (from the connection; unspecified when served without one, as in
/// in-process tests).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

fn page(state: &AppState, login: String, error: Option<&'static str>) -> LoginPage {
    let lang = state.config.language;
    LoginPage {
        lang: i18n::code(lang),
        t: i18n::texts(lang),
        login,
        error,
    }
}

/// `GET /login`.
pub async fn login_page(State(state): State<AppState>) -> Response {
    page(&state, String::new(), None).into_response()
}

/// `POST /login`: checks the password, starts a session, redirects home.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let t = i18n::texts(state.config.language);
    let login = form.login.trim().to_owned();
    if !state.login_limiter.allowed(ip, &login) {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            page(&state, login, Some(t.too_many)),
        )
            .into_response());
    }
    let user = db::users::find_user_by_login(&state.db, &login)
        .await?
        .filter(|u| u.active);
    // Verify against a dummy hash for unknown logins so both cases take the same time.
    let hash = user.as_ref().map_or_else(
        || password::DUMMY_HASH.to_owned(),
        |u| u.password_hash.clone(),
    );
    let ok = password::verify(form.password, hash).await && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        state.login_limiter.record_failure(ip, &login);
        tracing::info!(%ip, "failed login");
        return Ok((
            StatusCode::UNAUTHORIZED,
            page(&state, login, Some(t.bad_credentials)),
        )
            .into_response());
    };
    let cookie = session::start(&state.db, &state.config, user.id).await?;
    tracing::info!(user.id = user.id, "login");
    Ok((jar.add(cookie), Redirect::to("/")).into_response())
}

/// `POST /logout`: ends the session.
pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    if let Some(c) = jar.get(session::COOKIE) {
        session::end(&state.db, c.value()).await?;
    }
    Ok((
        jar.add(session::removal(state.config.server.cookie_secure)),
        Redirect::to("/login"),
    )
        .into_response())
}

/// `GET /`: the landing page of a logged-in user; anyone else is sent to the login form.
pub async fn home(
    State(state): State<AppState>,
    principal: Option<Principal>,
) -> AppResult<Response> {
    let Some(user) = principal.as_ref().and_then(|p| p.user.clone()) else {
        return Ok(Redirect::to("/login").into_response());
    };
    // Everyone who works calls starts at the desk.
    if principal
        .as_ref()
        .is_some_and(|p| p.role.can(crate::domain::role::Permission::WorkCalls))
    {
        return Ok(Redirect::to("/desk").into_response());
    }
    let role = principal.map(|p| p.role.to_string()).unwrap_or_default();
    let lang = i18n::pick(user.language.as_deref(), state.config.language);
    Ok(HomePage {
        lang: i18n::code(lang),
        t: i18n::texts(lang),
        user_name: user.display_name,
        role,
        extension: user.extension,
        clients: db::clients::count_clients(&state.db).await?,
    }
    .into_response())
}

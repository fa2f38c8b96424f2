//! What every operator page shares: the logged-in user (or a redirect to the login form), the
//! language, the desk status and preferences the live script needs, and the top bar.

use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};

use super::i18n::{self, desk::Desk};
use crate::{
    app::AppState,
    auth::{Principal, SessionUser},
    config::Language,
    db,
    domain::role::Permission,
    error::AppError,
};

/// A logged-in person on a page. Anonymous visitors are sent to the login form instead of
/// getting the API's 401, and roles without a desk get a 403.
pub struct PageUser {
    /// Who.
    pub principal: Principal,
    /// Their user row.
    pub user: SessionUser,
    /// The language of their pages.
    pub lang: Language,
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let principal =
            <Principal as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        let Some(principal) = principal else {
            return Err(Redirect::to("/login").into_response());
        };
        let Some(user) = principal.user.clone() else {
            return Err(Redirect::to("/login").into_response());
        };
        if !principal.role.can(Permission::WorkCalls) {
            return Err(AppError::Forbidden.into_response());
        }
        let lang = i18n::pick(user.language.as_deref(), state.config.language);
        Ok(PageUser {
            principal,
            user,
            lang,
        })
    }
}

/// The top bar and the data attributes the live script reads.
pub struct Shell {
    /// `lang` attribute.
    pub lang: &'static str,
    /// Texts.
    pub t: &'static Desk,
    /// Shared texts (sign out).
    pub tc: &'static i18n::Texts,
    /// The manager pages' texts (the tabs, dashboard, call log, wallboard, audit).
    pub m: &'static i18n::manager::Manager,
    /// The client base and outbound pages' texts.
    pub b: &'static i18n::base::Base,
    /// The administration pages' texts.
    pub a: &'static i18n::admin::Admin,
    /// The user's name.
    pub user_name: String,
    /// Their extension.
    pub extension: String,
    /// ready / paused.
    pub status: &'static str,
    /// ring / answer.
    pub pop_on: String,
    /// Notifications on.
    pub notify: bool,
    /// Sound on.
    pub sound: bool,
    /// Which page (for the live script and the active tab).
    pub page: &'static str,
    /// Open tasks due (for the tab's counter).
    pub tasks_due: i64,
    /// Whether the manager pages are open to this user.
    pub manager: bool,
    /// Whether the administration pages are open to this user.
    pub admin: bool,
    /// The newest live event when the page was built: the live script resumes after it, so
    /// an event that lands between the page's queries and the stream's subscription (a call
    /// ringing while the desk reloads) is replayed instead of lost.
    pub live_from: i64,
}

impl Shell {
    /// Loads what the top bar shows.
    pub async fn load(
        state: &AppState,
        pu: &PageUser,
        page: &'static str,
    ) -> Result<Shell, AppError> {
        // Read first: everything after it reaches the page through the stream's replay, and
        // everything before it is already in what the page's own queries read.
        let live_from = db::live::id_range(&state.db)
            .await?
            .map_or(0, |(_, newest)| newest);
        let ready = db::operators::is_ready(&state.db, pu.user.id).await?;
        let prefs = db::wrapups::preferences(&state.db, pu.user.id).await?;
        let until = crate::domain::time::now_ms() + 86_400_000;
        let tasks_due = db::tasks::count_worklist(&state.db, pu.user.id, until).await?;
        Ok(Shell {
            lang: i18n::code(pu.lang),
            t: i18n::desk::texts(pu.lang),
            tc: i18n::texts(pu.lang),
            m: i18n::manager::texts(pu.lang),
            b: i18n::base::texts(pu.lang),
            a: i18n::admin::texts(pu.lang),
            user_name: pu.user.display_name.clone(),
            extension: pu.user.extension.clone().unwrap_or_default(),
            status: if ready { "ready" } else { "paused" },
            pop_on: prefs.pop_on,
            notify: prefs.notify,
            sound: prefs.sound,
            page,
            tasks_due,
            manager: pu.principal.role.can(Permission::ReadReports),
            admin: pu.principal.role.can(Permission::Administer),
            live_from,
        })
    }
}

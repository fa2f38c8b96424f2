//! Administration pages (`/admin/…`, issue 5 §5): users, custom outcomes and the block list
//! here; retention, client merges and PBX sources in `admin_more`. Administrators only, except
//! the retention page, which managers may read. A form that fails validation renders the page
//! again with the error and what was entered (422); success redirects back (303) with a notice.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    format, i18n,
    shell::{PageUser, Shell},
};
use crate::{
    admin::{
        self,
        users::{self, AccountChange, NewAccount},
    },
    app::AppState,
    db::{self, admin::UserItem, wrapups::CustomOutcome},
    domain::{phone::PhoneNumber, role::Permission, text::fill, time::now_ms},
    error::{AppError, AppPath, AppResult},
    workspace::outcome,
};

/// `?done=` — the notice after a redirect.
#[derive(Deserialize, Default)]
pub struct Notice {
    /// created / saved / password / removed / merged / ran.
    pub done: Option<String>,
}

/// The notice text of a `done` code, in the user's language.
pub fn notice_text(pu: &PageUser, done: Option<&str>) -> String {
    i18n::admin::texts(pu.lang).notice(done).to_owned()
}

/// Whether an error belongs on the form (else it is the page's error response), in the
/// user's language (`i18n::errors`).
pub fn form_error(e: &AppError, pu: &PageUser) -> Option<String> {
    match e {
        AppError::NotFound(what) => Some(fill(i18n::admin::texts(pu.lang).not_found, &[what])),
        other => i18n::errors::of_error(pu.lang, other),
    }
}

/// The shell of an administration page, after checking the permission.
pub async fn shell(state: &AppState, pu: &PageUser, p: Permission) -> AppResult<Shell> {
    pu.principal.require(p)?;
    Shell::load(state, pu, "admin").await
}

/// Renders a page with 422 when it carries a form error.
pub fn respond(page: impl IntoResponse, failed: bool) -> Response {
    if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page.into_response()
    }
}

const ROLES: [&str; 3] = ["operator", "manager", "admin"];

#[derive(Template, WebTemplate)]
#[template(path = "admin_users.html")]
struct UsersPage {
    s: Shell,
    section: &'static str,
    notice: String,
    error: String,
    users: Vec<UserItem>,
    roles: [&'static str; 3],
    form: NewAccount,
}

async fn users_page(
    state: &AppState,
    pu: &PageUser,
    notice: String,
    error: String,
    form: NewAccount,
) -> AppResult<Response> {
    let s = shell(state, pu, Permission::Administer).await?;
    let failed = !error.is_empty();
    let users = db::admin::list_users(&state.db).await?;
    let mut form = form;
    form.password.clear();
    if form.role.is_empty() {
        form.role = "operator".into();
    }
    let page = UsersPage {
        s,
        section: "users",
        notice,
        error,
        users,
        roles: ROLES,
        form,
    };
    Ok(respond(page, failed))
}

/// `GET /admin/users`.
pub async fn users(
    State(state): State<AppState>,
    pu: PageUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    users_page(
        &state,
        &pu,
        notice_text(&pu, n.done.as_deref()),
        String::new(),
        NewAccount::default(),
    )
    .await
}

/// `POST /admin/users`: adds a user.
pub async fn create_user(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<NewAccount>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    match users::create(&state.db, &pu.principal, &f).await {
        Ok(_) => Ok(Redirect::to("/admin/users?done=created").into_response()),
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => users_page(&state, &pu, String::new(), msg, f).await,
            None => Err(e),
        },
    }
}

/// The row form: every field is sent; an unchecked box is absent.
#[derive(Deserialize)]
pub struct UserRowForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    extension: String,
    active: Option<String>,
}

/// `POST /admin/users/{id}`: changes name, role, extension, active.
pub async fn change_user(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Form(f): Form<UserRowForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    let change = AccountChange {
        display_name: Some(f.display_name),
        role: Some(f.role),
        extension: Some(f.extension),
        active: Some(f.active.is_some()),
    };
    match users::change(&state.db, &pu.principal, id, &change).await {
        Ok(()) => Ok(Redirect::to("/admin/users?done=saved").into_response()),
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => users_page(&state, &pu, String::new(), msg, NewAccount::default()).await,
            None => Err(e),
        },
    }
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// `POST /admin/users/{id}/password`.
pub async fn reset_password(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    match users::reset_password(&state.db, &pu.principal, id, &f.password).await {
        Ok(()) => Ok(Redirect::to("/admin/users?done=password").into_response()),
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => users_page(&state, &pu, String::new(), msg, NewAccount::default()).await,
            None => Err(e),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_outcomes.html")]
struct OutcomesPage {
    s: Shell,
    section: &'static str,
    notice: String,
    error: String,
    system: Vec<(&'static str, &'static str)>,
    custom: Vec<CustomOutcome>,
    form_code: String,
    form_label: String,
}

async fn outcomes_page(
    state: &AppState,
    pu: &PageUser,
    notice: String,
    error: String,
    f: OutcomeForm,
) -> AppResult<Response> {
    let s = shell(state, pu, Permission::Administer).await?;
    let failed = !error.is_empty();
    let system = outcome::ALL
        .iter()
        .map(|o| (o.code(), o.label(pu.lang)))
        .collect();
    let custom = db::wrapups::custom_outcomes(&state.db).await?;
    let page = OutcomesPage {
        s,
        section: "outcomes",
        notice,
        error,
        system,
        custom,
        form_code: f.code,
        form_label: f.label,
    };
    Ok(respond(page, failed))
}

/// `GET /admin/outcomes`.
pub async fn outcomes(
    State(state): State<AppState>,
    pu: PageUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    outcomes_page(
        &state,
        &pu,
        notice_text(&pu, n.done.as_deref()),
        String::new(),
        OutcomeForm::default(),
    )
    .await
}

/// The outcome form (add, or change a label / active flag).
#[derive(Deserialize, Default)]
pub struct OutcomeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    label: String,
    active: Option<String>,
}

/// `POST /admin/outcomes`.
pub async fn save_outcome(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<OutcomeForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    let result = match admin::custom_outcome(&f.code, &f.label) {
        Ok((code, label)) => {
            db::wrapups::put_custom_outcome(&state.db, code, label, f.active.is_some(), now_ms())
                .await
                .map_err(AppError::from)
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/outcomes?done=saved").into_response()),
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => outcomes_page(&state, &pu, String::new(), msg, f).await,
            None => Err(e),
        },
    }
}

/// A blocked number, formatted.
pub struct BlockedRow {
    /// E.164.
    pub e164: String,
    /// Why.
    pub reason: Option<String>,
    /// Since when.
    pub since: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_blocked.html")]
struct BlockedPage {
    s: Shell,
    section: &'static str,
    notice: String,
    error: String,
    blocked: Vec<BlockedRow>,
    form_number: String,
    form_reason: String,
}

/// The block form.
#[derive(Deserialize, Default)]
pub struct BlockForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    reason: String,
}

async fn blocked_page(
    state: &AppState,
    pu: &PageUser,
    notice: String,
    error: String,
    f: BlockForm,
) -> AppResult<Response> {
    let s = shell(state, pu, Permission::Administer).await?;
    let failed = !error.is_empty();
    let blocked = db::blocked::list_blocked(&state.db)
        .await?
        .into_iter()
        .map(|b| BlockedRow {
            since: format::when(b.created_at, state.config.time_zone, pu.lang),
            e164: b.e164,
            reason: b.reason,
        })
        .collect();
    let page = BlockedPage {
        s,
        section: "blocked",
        notice,
        error,
        blocked,
        form_number: f.number,
        form_reason: f.reason,
    };
    Ok(respond(page, failed))
}

/// `GET /admin/blocked`.
pub async fn blocked(
    State(state): State<AppState>,
    pu: PageUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    blocked_page(
        &state,
        &pu,
        notice_text(&pu, n.done.as_deref()),
        String::new(),
        BlockForm::default(),
    )
    .await
}

/// `POST /admin/blocked`: blocks a number.
pub async fn block(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<BlockForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    let parsed = PhoneNumber::parse(&f.number, state.config.default_region)
        .map_err(|e| AppError::invalid("number", e.to_string()));
    let reason = Some(f.reason.trim()).filter(|r| !r.is_empty() && r.chars().count() <= 200);
    let result = match parsed {
        Ok(n) => db::blocked::block(&state.db, n.e164(), reason, Some(pu.user.id), now_ms())
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            state.callers.clear();
            Ok(Redirect::to("/admin/blocked?done=created").into_response())
        }
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => blocked_page(&state, &pu, String::new(), msg, f).await,
            None => Err(e),
        },
    }
}

/// `POST /admin/blocked/remove`: unblocks a number.
pub async fn unblock(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<BlockForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    db::blocked::unblock(&state.db, f.number.trim()).await?;
    state.callers.clear();
    Ok(Redirect::to("/admin/blocked?done=removed").into_response())
}

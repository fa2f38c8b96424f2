//! Server-rendered pages: login, the operator's desk, the work page (order screen) of a call,
//! task or client, the worklist, settings, and the embedded static files.

pub mod admin;
pub mod admin_more;
pub mod audit_page;
pub mod call_detail;
pub mod call_log;
pub mod client_base;
pub mod dashboard;
pub mod desk;
pub mod format;
pub mod i18n;
pub mod login;
pub mod order_form;
pub mod outbound;
pub mod shell;
pub mod views;
pub mod wallboard;
pub mod work;
pub mod work_post;
pub mod worklist;

use axum::{
    Router,
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use rust_embed::RustEmbed;

use crate::app::AppState;

/// Routes of the pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(login::home))
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", axum::routing::post(login::logout))
        .route("/static/{*path}", get(static_file))
        .route("/desk", get(desk::desk))
        .route("/desk/status", post(desk::set_status))
        .route(
            "/desk/settings",
            get(worklist::settings).post(worklist::save_settings),
        )
        .route("/operator/worklist", get(worklist::worklist))
        .route("/operator/calls/{id}", get(work::call_page))
        .route("/operator/calls/{id}/pop", get(desk::pop_fragment))
        .route("/operator/calls/{id}/wrapup", post(work_post::call_wrapup))
        .route(
            "/operator/calls/{id}/new-client",
            post(work_post::new_client),
        )
        .route("/operator/calls/{id}/choose", post(work_post::choose))
        .route("/operator/tasks/{id}", get(work::task_page))
        .route("/operator/tasks/{id}/take", post(work_post::take))
        .route("/operator/tasks/{id}/release", post(work_post::release))
        .route("/operator/tasks/{id}/wrapup", post(work_post::task_wrapup))
        .route("/operator/clients", get(worklist::clients))
        .route("/operator/clients/{id}", get(work::client_page))
        .route("/operator/orders", post(work_post::save_order))
        .route("/manager/dashboard", get(dashboard::dashboard))
        // The client base, outbound lists and the wallboard (issue 5 §2–§4).
        .route("/manager/clients", get(client_base::client_base))
        .route(
            "/manager/clients/recompute",
            post(client_base::recompute_now),
        )
        .route(
            "/manager/clients/{id}/manager",
            post(client_base::set_manager),
        )
        .route(
            "/manager/outbound",
            get(outbound::outbound_page).post(outbound::create_list),
        )
        .route("/manager/wallboard", get(wallboard::wallboard_page))
        .route("/manager/wallboard/live", get(wallboard::wallboard_live))
        .route("/manager/calls", get(call_log::call_log))
        .route("/manager/calls/{id}", get(call_detail::call_detail))
        .route("/admin/audit", get(audit_page::audit_page))
        // Administration (issue 5 §5).
        .route(
            "/admin",
            get(|| async { axum::response::Redirect::to("/admin/users") }),
        )
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}", post(admin::change_user))
        .route("/admin/users/{id}/password", post(admin::reset_password))
        .route(
            "/admin/outcomes",
            get(admin::outcomes).post(admin::save_outcome),
        )
        .route("/admin/blocked", get(admin::blocked).post(admin::block))
        .route("/admin/blocked/remove", post(admin::unblock))
        .route("/admin/retention", get(admin_more::retention))
        .route("/admin/retention/run", post(admin_more::run_retention))
        .route(
            "/admin/merge",
            get(admin_more::merge).post(admin_more::merge_post),
        )
        .route(
            "/admin/sources",
            get(admin_more::sources_list).post(admin_more::create_source),
        )
        .route(
            "/admin/sources/{id}/rotate",
            post(admin_more::rotate_source),
        )
        .route(
            "/admin/sources/{id}/enabled",
            post(admin_more::source_enabled),
        )
}

/// CSS, JS and images, embedded in release builds (read from disk in debug builds).
#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

async fn static_file(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = file.metadata.mimetype().to_owned();
            let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
            (
                [(header::CONTENT_TYPE, mime), (header::ETAG, etag)],
                file.data,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

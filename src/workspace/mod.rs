//! The operator's workspace: who may see which call, outcomes (wrap-up), the worklist of
//! callback tasks with claims, and the desk status. The pages (`web::desk`, …) and the JSON
//! API (`api::workspace`) both call into here, so the rules live in one place.

pub mod caller;
pub mod outcome;
pub mod tasks;
pub mod wrapup;

use crate::{
    app::AppState,
    auth::{Principal, SessionUser},
    db::{self, calls::CallRow},
    domain::{Role, role::Permission, time::now_ms},
    error::{AppError, AppResult},
};

/// Whether a principal may see a call: managers and admins see all; an operator sees the calls
/// that rang, were answered at or were placed from their extension, calls they answered, and
/// inbound calls that rang no extension (those pop up at every ready operator).
pub fn may_see_call(p: &Principal, call: &CallRow) -> bool {
    match (p.role, &p.user) {
        (Role::Manager | Role::Admin, _) => true,
        (Role::Operator, Some(u)) => operator_may_see(u, call),
        _ => false,
    }
}

fn operator_may_see(u: &SessionUser, call: &CallRow) -> bool {
    if call.operator_id == Some(u.id) {
        return true;
    }
    let extensions: Vec<String> = serde_json::from_str(&call.extensions).unwrap_or_default();
    if extensions.is_empty() && call.direction == "inbound" {
        return true;
    }
    u.extension.as_ref().is_some_and(|x| {
        extensions.contains(x) || call.answered_extension.as_deref() == Some(x.as_str())
    })
}

/// Loads a call the principal may work on (404 when it does not exist, 403 when it is not
/// theirs).
pub async fn call_for(state: &AppState, p: &Principal, call_id: i64) -> AppResult<CallRow> {
    p.require(Permission::WorkCalls)?;
    let call = db::calls::get_call(&state.db, call_id).await?;
    if may_see_call(p, &call) {
        Ok(call)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The logged-in user behind a page or a desk request (tokens have no desk).
pub fn desk_user(p: &Principal) -> AppResult<&SessionUser> {
    p.require(Permission::WorkCalls)?;
    p.user.as_ref().ok_or(AppError::Forbidden)
}

/// The desk statuses an operator can set (wrap-up is derived from calls awaiting an outcome).
pub const STATUSES: [&str; 2] = ["ready", "paused"];

/// Sets the operator's desk status and tells the live streams at once: this instance's hub
/// directly, the other instances' (PostgreSQL) through a notification.
pub async fn set_status(state: &AppState, user: &SessionUser, status: &str) -> AppResult<()> {
    if !STATUSES.contains(&status) {
        return Err(AppError::invalid("status", "expected ready or paused"));
    }
    let ready = status == "ready";
    db::operators::set_status(&state.db, user.id, status, now_ms()).await?;
    state.hub.set_ready(user.id, ready);
    let note = crate::realtime::pg::Announcement {
        from: state.instance.clone(),
        ids: Vec::new(),
        ready: Some(crate::realtime::pg::ReadyChange {
            user_id: user.id,
            ready,
        }),
    };
    let payload = serde_json::to_string(&note).unwrap_or_default();
    db::live::notify_all(&state.db, &payload).await?;
    Ok(())
}

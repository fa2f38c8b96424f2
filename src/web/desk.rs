//! The operator's desk: status, the calls ringing now, calls awaiting an outcome, today's
//! tasks; the pop fragment the live script asks for; the desk settings.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    format,
    i18n::desk::Desk,
    shell::{PageUser, Shell},
    views::{self, PopView},
};
use crate::{
    app::AppState,
    db::{self, tasks::Task},
    domain::time::now_ms,
    error::{AppPath, AppResult},
    workspace,
};

/// A task row on the desk and in the worklist.
pub struct TaskRow {
    /// Id.
    pub id: i64,
    /// Kind label.
    pub kind: &'static str,
    /// The client's name, or the number.
    pub who: String,
    /// The number (full, for dialling).
    pub number: String,
    /// Due.
    pub due: String,
    /// Whether it is overdue.
    pub overdue: bool,
    /// Missed calls counted in.
    pub attempts: i64,
    /// Operators' tries.
    pub operator_attempts: i64,
    /// Why.
    pub reason: String,
    /// Somebody else is on it.
    pub held_by: String,
}

/// Task rows for a user.
pub fn task_rows(
    state: &AppState,
    tasks: Vec<Task>,
    me: i64,
    t: &Desk,
    lang: crate::config::Language,
) -> Vec<TaskRow> {
    let now = now_ms();
    let stale = now - state.config.workspace.claim_ms;
    tasks
        .into_iter()
        .map(|k| TaskRow {
            id: k.id,
            kind: views::kind_label(t, &k.kind),
            who: k.client_name.clone().unwrap_or_default(),
            number: k.number_e164.clone(),
            due: format::when(k.due_at, state.config.time_zone, lang),
            // Missed calls are due at once; red means late by more than half an hour.
            overdue: k.due_at < now - 30 * 60_000,
            attempts: k.attempts,
            operator_attempts: k.operator_attempts,
            // "missed call" says nothing the kind does not.
            reason: k
                .reason
                .clone()
                .filter(|r| r != "missed call")
                .unwrap_or_default(),
            held_by: match (k.claimed_by, k.claimed_at) {
                (Some(by), Some(at)) if by != me && at >= stale => {
                    k.claimed_by_name.clone().unwrap_or_default()
                }
                _ => String::new(),
            },
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "desk.html")]
struct DeskPage {
    s: Shell,
    t: &'static Desk,
    pops: Vec<PopView>,
    awaiting: Vec<PopView>,
    tasks: Vec<TaskRow>,
}

/// `GET /desk`.
pub async fn desk(State(state): State<AppState>, pu: PageUser) -> AppResult<Response> {
    let s = Shell::load(&state, &pu, "desk").await?;
    let now = now_ms();
    let mut pops = Vec::new();
    if let Some(x) = &pu.user.extension
        && s.status == "ready"
    {
        let since = now - state.config.calls.ring_timeout_ms;
        for c in db::calls::ringing_for(&state.db, x, since).await? {
            pops.push(views::pop(&state, &c, pu.lang).await?);
        }
    }
    let mut awaiting = Vec::new();
    for c in db::calls::awaiting_outcome(&state.db, pu.user.id, now - 12 * 3_600_000).await? {
        awaiting.push(views::pop(&state, &c, pu.lang).await?);
    }
    let tasks = db::tasks::worklist(&state.db, pu.user.id, now + 86_400_000, 20).await?;
    let tasks = task_rows(&state, tasks, pu.user.id, s.t, pu.lang);
    Ok(DeskPage {
        t: s.t,
        s,
        pops,
        awaiting,
        tasks,
    }
    .into_response())
}

/// The status form.
#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

/// `POST /desk/status` (the form in the top bar; the script uses the JSON API).
pub async fn set_status(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    workspace::set_status(&state, &pu.user, f.status.trim()).await?;
    Ok(Redirect::to("/desk").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "pop_fragment.html")]
struct PopFragment {
    t: &'static Desk,
    p: PopView,
}

/// `GET /operator/calls/{id}/pop`: the pop of one call as HTML, for the live script.
pub async fn pop_fragment(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Response> {
    let call = workspace::call_for(&state, &pu.principal, id).await?;
    let p = views::pop(&state, &call, pu.lang).await?;
    Ok(PopFragment {
        t: super::i18n::desk::texts(pu.lang),
        p,
    }
    .into_response())
}

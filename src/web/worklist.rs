//! The worklist page and the desk settings page.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    desk::{TaskRow, task_rows},
    i18n::desk::Desk,
    shell::{PageUser, Shell},
};
use crate::{
    app::AppState,
    config::Language,
    db::{self, wrapups::Preferences},
    domain::time::now_ms,
    error::AppResult,
};

#[derive(Template, WebTemplate)]
#[template(path = "worklist.html")]
struct WorklistPage {
    s: Shell,
    t: &'static Desk,
    tasks: Vec<TaskRow>,
    message: String,
}

/// What the worklist says after a redirect.
#[derive(Deserialize)]
pub struct WorklistQuery {
    done: Option<i64>,
    taken: Option<i64>,
}

/// `GET /operator/worklist`: open tasks this operator may work, due first.
pub async fn worklist(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<WorklistQuery>,
) -> AppResult<Response> {
    let s = Shell::load(&state, &pu, "worklist").await?;
    let tasks = db::tasks::worklist(&state.db, pu.user.id, now_ms() + 86_400_000, 200).await?;
    let tasks = task_rows(&state, tasks, pu.user.id, s.t, pu.lang);
    let message = match (q.done, q.taken) {
        (Some(_), _) => s.t.task_done.to_owned(),
        (_, Some(_)) => format!("{} —", s.t.held_by),
        _ => String::new(),
    };
    Ok(WorklistPage {
        t: s.t,
        s,
        tasks,
        message,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "clients.html")]
struct ClientsPage {
    s: Shell,
    t: &'static Desk,
    q: String,
    found: Vec<super::work::Candidate>,
}

/// `?q=`.
#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// `GET /operator/clients`: find a client by name, company, e-mail or the digits of a number,
/// to take an order without a call (a client who wrote an e-mail).
pub async fn clients(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let s = Shell::load(&state, &pu, "clients").await?;
    let q = q.q.unwrap_or_default();
    let found = super::work::attach_search(&state, &q).await?;
    Ok(ClientsPage {
        t: s.t,
        s,
        q,
        found,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
struct SettingsPage {
    s: Shell,
    t: &'static Desk,
    saved: bool,
}

/// `?saved=1`.
#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<u8>,
}

/// `GET /desk/settings`.
pub async fn settings(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    let s = Shell::load(&state, &pu, "settings").await?;
    Ok(SettingsPage {
        t: s.t,
        s,
        saved: q.saved.is_some(),
    }
    .into_response())
}

/// The settings form (unchecked boxes are absent).
#[derive(Deserialize)]
pub struct SettingsForm {
    pop_on: String,
    notify: Option<String>,
    sound: Option<String>,
    language: String,
}

/// `POST /desk/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let prefs = Preferences {
        pop_on: if f.pop_on == "answer" {
            "answer"
        } else {
            "ring"
        }
        .to_owned(),
        notify: f.notify.is_some(),
        sound: f.sound.is_some(),
        language: Language::parse(&f.language).map(|l| super::i18n::code(l).to_owned()),
    };
    db::wrapups::set_preferences(&state.db, pu.user.id, &prefs, now_ms()).await?;
    Ok(Redirect::to("/desk/settings?saved=1").into_response())
}

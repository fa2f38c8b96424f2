//! The live wallboard for managers (`/manager/wallboard`): calls ringing now and how long they
//! have waited, operators' states, today's KPIs. The live part is a server-rendered fragment
//! (`/manager/wallboard/live`) that `static/wallboard.js` fetches again when a call event
//! arrives on the SSE stream and every few seconds; without JavaScript the page refreshes
//! nothing but still shows the board as it was when loaded. JSON: `GET /api/v1/wallboard`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    dashboard::{Tile, duration, tile},
    i18n::{self, manager::Manager},
    shell::{PageUser, Shell},
};
use crate::{
    app::AppState,
    config::Language,
    domain::{role::Permission, text::fill, time::now_ms},
    error::{AppError, AppResult},
    reports::wallboard::{self, Wallboard},
};

/// A ringing call, formatted.
pub struct RingLine {
    /// Who is calling.
    pub caller: String,
    /// inbound / outbound.
    pub direction: String,
    /// Queue and extensions.
    pub target: String,
    /// When it started ringing (ms, for the ticking clock).
    pub since_ms: i64,
    /// Waited so far, m:ss.
    pub waited: String,
}

/// An operator, formatted.
pub struct OpLine {
    /// Name.
    pub name: String,
    /// Extension.
    pub extension: String,
    /// State code (CSS).
    pub code: &'static str,
    /// State in words.
    pub label: &'static str,
    /// In this state since (ms; 0: unknown).
    pub since_ms: i64,
    /// For how long, m:ss ("" unknown).
    pub for_how_long: String,
}

#[derive(Template)]
#[template(path = "wallboard_live.html")]
struct Live {
    t: &'static Manager,
    ringing: Vec<RingLine>,
    operators: Vec<OpLine>,
    tiles: Vec<Tile>,
    states: String,
    now_ms: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "wallboard.html")]
struct WallboardPage {
    s: Shell,
    live: String,
    /// The queue shown ("" = every queue).
    queue: String,
    /// Where the script fetches the live part (with the queue).
    src: String,
}

/// `?queue=`: one queue's board (a screen per team), read as the reports read it.
#[derive(Deserialize)]
pub struct BoardQuery {
    queue: Option<String>,
}

impl BoardQuery {
    fn queue(&self) -> AppResult<Option<String>> {
        crate::reports::queue_filter(self.queue.as_deref())
    }
}

fn live_of(w: &Wallboard, currency: &str, lang: Language) -> Live {
    let (t, kt) = (i18n::manager::texts(lang), i18n::kpi::texts(lang));
    let k = &w.today.kpis;
    // "Offered today": the tile's name says the period.
    let today = |name: &str, formula, kpi| tile(&fill(t.today, &[&name]), formula, kpi, currency);
    let states = w.operators.iter().fold([0; 4], |mut acc, o| {
        let i = ["ready", "paused", "on_call", "wrap_up"]
            .iter()
            .position(|c| *c == o.state.code())
            .unwrap_or(0);
        acc[i] += 1;
        acc
    });
    Live {
        ringing: w
            .ringing
            .iter()
            .map(|r| RingLine {
                caller: r.caller.clone(),
                direction: t.direction_of(&r.direction),
                target: [r.queue.clone().unwrap_or_default(), r.extensions.join(", ")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                since_ms: r.started_ms,
                waited: duration(r.waiting_seconds as f64),
            })
            .collect(),
        operators: w
            .operators
            .iter()
            .map(|o| OpLine {
                name: o.name.clone(),
                extension: o.extension.clone().unwrap_or_default(),
                code: o.state.code(),
                label: t.operator_state(o.state.code()),
                since_ms: o
                    .since
                    .as_deref()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                    .map_or(0, |d| d.timestamp_millis()),
                for_how_long: o
                    .seconds_in_state
                    .map_or_else(String::new, |s| duration(s as f64)),
            })
            .collect(),
        tiles: vec![
            today(kt.offered, kt.offered_f, &k.offered),
            today(kt.answered, kt.answered_f, &k.answered),
            today(kt.missed, kt.missed_f, &k.missed),
            today(kt.abandon_rate, kt.abandon_rate_f, &k.abandon_rate),
            today(kt.service_level, kt.service_level_f, &k.service_level),
            today(kt.asa, kt.asa_f, &k.asa),
            today(kt.conversion, kt.conversion_f, &k.conversion),
            today(kt.revenue, kt.revenue_f, &k.revenue),
        ],
        states: fill(t.states, &[&states[0], &states[1], &states[2], &states[3]]),
        t,
        now_ms: now_ms(),
    }
}

async fn read(state: &AppState, pu: &PageUser, queue: Option<&str>) -> AppResult<String> {
    pu.principal.require(Permission::ReadReports)?;
    let full = state.config.full_numbers_roles.contains(&pu.principal.role);
    let w = wallboard::read(state, now_ms(), full, queue).await?;
    live_of(&w, &state.config.currency, pu.lang)
        .render()
        .map_err(|e| AppError::Internal(e.into()))
}

/// `GET /manager/wallboard[?queue=]`.
pub async fn wallboard_page(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    let queue = q.queue()?;
    let live = read(&state, &pu, queue.as_deref()).await?;
    let s = Shell::load(&state, &pu, "wallboard").await?;
    let src = match &queue {
        Some(queue) => format!(
            "/manager/wallboard/live?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("queue", queue)
                .finish()
        ),
        None => "/manager/wallboard/live".to_owned(),
    };
    Ok(WallboardPage {
        s,
        live,
        queue: queue.unwrap_or_default(),
        src,
    }
    .into_response())
}

/// `GET /manager/wallboard/live[?queue=]`: the fragment the script swaps in.
pub async fn wallboard_live(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    Ok(Html(read(&state, &pu, q.queue()?.as_deref()).await?).into_response())
}

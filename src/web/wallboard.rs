//! The live wallboard for managers (`/manager/wallboard`): calls ringing now and how long they
//! have waited, operators' states, today's KPIs. The live part is a server-rendered fragment
//! (`/manager/wallboard/live`) that `static/wallboard.js` fetches again when a call event
//! arrives on the SSE stream and every few seconds; without JavaScript the page refreshes
//! nothing but still shows the board as it was when loaded. JSON: `GET /api/v1/wallboard`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    response::{Html, IntoResponse, Response},
};

use super::{
    dashboard::{Tile, duration, tile},
    shell::{PageUser, Shell},
};
use crate::{
    app::AppState,
    domain::{role::Permission, time::now_ms},
    error::{AppError, AppResult},
    reports::wallboard::{self, STATE_RULE, Wallboard},
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
    ringing: Vec<RingLine>,
    operators: Vec<OpLine>,
    tiles: Vec<Tile>,
    states: String,
    rule: &'static str,
    now_ms: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "wallboard.html")]
struct WallboardPage {
    s: Shell,
    live: String,
}

fn live_of(w: &Wallboard, currency: &str) -> Live {
    let k = &w.today.kpis;
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
                direction: r.direction.clone(),
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
                label: o.state.label(),
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
            tile("Offered", &k.offered, currency),
            tile("Answered", &k.answered, currency),
            tile("Missed", &k.missed, currency),
            tile("Abandon rate", &k.abandon_rate, currency),
            tile("Service level", &k.service_level, currency),
            tile("ASA", &k.asa, currency),
            tile("Conversion", &k.conversion, currency),
            tile("Revenue", &k.revenue, currency),
        ],
        states: format!(
            "{} ready · {} paused · {} on a call · {} wrap-up",
            states[0], states[1], states[2], states[3]
        ),
        rule: STATE_RULE,
        now_ms: now_ms(),
    }
}

async fn read(state: &AppState, pu: &PageUser) -> AppResult<String> {
    pu.principal.require(Permission::ReadReports)?;
    let full = state.config.full_numbers_roles.contains(&pu.principal.role);
    let w = wallboard::read(state, now_ms(), full).await?;
    live_of(&w, &state.config.currency)
        .render()
        .map_err(|e| AppError::Internal(e.into()))
}

/// `GET /manager/wallboard`.
pub async fn wallboard_page(State(state): State<AppState>, pu: PageUser) -> AppResult<Response> {
    let live = read(&state, &pu).await?;
    let s = Shell::load(&state, &pu, "wallboard").await?;
    Ok(WallboardPage { s, live }.into_response())
}

/// `GET /manager/wallboard/live`: the fragment the script swaps in.
pub async fn wallboard_live(State(state): State<AppState>, pu: PageUser) -> AppResult<Response> {
    Ok(Html(read(&state, &pu).await?).into_response())
}

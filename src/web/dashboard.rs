//! The manager's dashboard (`/manager/dashboard`): the KPIs of a period with their formulas one
//! click away, calls by hour, wait-time buckets, load per operator, and the operator table —
//! the same numbers as `/api/v1/reports/*`, rendered on the server (charts are SVG, readable
//! without JavaScript, numbers on hover).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    format, i18n,
    shell::{PageUser, Shell},
};
use crate::{
    app::AppState,
    domain::{role::Permission, time::now_ms},
    error::{AppError, AppResult},
    reports::{
        self, charts,
        kpi::{Kpi, Num, Unit},
    },
};

/// A KPI as a tile.
pub struct Tile {
    /// Name.
    pub name: String,
    /// Value, formatted ("—" when undefined).
    pub value: String,
    /// "numerator ÷ denominator", when it is a ratio or an average.
    pub parts: String,
    /// The formula in words (the user's language).
    pub formula: &'static str,
}

/// An operator table row, formatted.
pub struct OpRow {
    /// Name.
    pub name: String,
    /// Calls handled.
    pub calls: i64,
    /// Talk time.
    pub talk: String,
    /// Wrap-up time.
    pub wrapup: String,
    /// Orders.
    pub orders: i64,
    /// Conversion.
    pub conversion: String,
    /// Callbacks done.
    pub callbacks: i64,
    /// Proactive calls done.
    pub proactive: i64,
    /// Share of the team's load.
    pub load: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    s: Shell,
    from: String,
    to: String,
    direction: String,
    /// The queue filter ("" = every queue).
    queue: String,
    /// Queues the period's calls came through, offered in the filter.
    queues: Vec<String>,
    /// What is wrong with the filter (then no figures are shown).
    error: String,
    tiles: Vec<Tile>,
    by_hour: String,
    waits: String,
    load: String,
    operators: Vec<OpRow>,
}

/// `?from=&to=&direction=&queue=` (RFC 3339; default today; every queue).
#[derive(Deserialize)]
pub struct DashQuery {
    from: Option<String>,
    to: Option<String>,
    direction: Option<String>,
    queue: Option<String>,
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |v| format!("{:.1} %", v * 100.0))
}

pub(crate) fn duration(secs: f64) -> String {
    let s = secs.round() as i64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A KPI as a tile, with its name and formula in the page's language.
pub(crate) fn tile(name: &str, formula: &'static str, k: &Kpi, currency: &str) -> Tile {
    let value = match (k.value, k.unit) {
        (None, _) => "—".to_owned(),
        (Some(Num::Count(n)), Unit::MinorUnits) => format::money(n, currency),
        (Some(Num::Real(x)), Unit::MinorUnits) => format::money(x.round() as i64, currency),
        (Some(Num::Real(x)), Unit::Ratio) => pct(Some(x)),
        (Some(Num::Real(x)), Unit::Seconds) => duration(x),
        (Some(Num::Count(n)), Unit::Seconds) => duration(n as f64),
        (Some(Num::Count(n)), _) => n.to_string(),
        (Some(Num::Real(x)), _) => format!("{x:.2}"),
    };
    // The numerator of a money figure is in minor units: show it as money, like the value.
    let parts = match (k.numerator, k.denominator, k.unit) {
        (Some(a), Some(b), Unit::MinorUnits) => format!("{} ÷ {b}", format::money(a, currency)),
        (Some(a), Some(b), _) => format!("{a} ÷ {b}"),
        _ => String::new(),
    };
    Tile {
        name: name.to_owned(),
        value,
        parts,
        formula,
    }
}

/// `GET /manager/dashboard`.
pub async fn dashboard(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    pu.principal.require(Permission::ReadReports)?;
    let s = Shell::load(&state, &pu, "dashboard").await?;
    let tz = state.config.time_zone;
    let asked = reports::Asked {
        from: q.from.as_deref(),
        to: q.to.as_deref(),
        direction: q.direction.as_deref(),
        operator_id: None,
        queue: q.queue.as_deref(),
    };
    let scope = match reports::scope(asked, tz, now_ms()) {
        Ok(scope) => scope,
        // A mistyped period is shown on the form, with what was typed, not as a JSON error.
        Err(AppError::Validation { field, message }) => {
            let typed = |v: &Option<String>| v.clone().unwrap_or_default();
            let page = DashboardPage {
                error: i18n::errors::with_field(pu.lang, field.as_deref(), &message),
                s,
                from: typed(&q.from),
                to: typed(&q.to),
                direction: typed(&q.direction),
                queue: typed(&q.queue),
                queues: Vec::new(),
                tiles: Vec::new(),
                by_hour: String::new(),
                waits: String::new(),
                load: String::new(),
                operators: Vec::new(),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e),
    };
    let (report, dist, ops) = reports::dashboard(&state.db, &state.config, &scope).await?;
    let queues = reports::queues(&state.db, &scope).await?;
    let k = &report.kpis;
    let cur = state.config.currency.as_str();
    let t = i18n::kpi::texts(pu.lang);
    let tiles = vec![
        tile(t.offered, t.offered_f, &k.offered, cur),
        tile(t.answered, t.answered_f, &k.answered, cur),
        tile(t.missed, t.missed_f, &k.missed, cur),
        tile(t.short_abandons, t.short_abandons_f, &k.short_abandons, cur),
        tile(t.abandon_rate, t.abandon_rate_f, &k.abandon_rate, cur),
        tile(t.service_level, t.service_level_f, &k.service_level, cur),
        tile(t.asa, t.asa_f, &k.asa, cur),
        tile(t.average_talk, t.average_talk_f, &k.average_talk, cur),
        tile(t.aht, t.aht_f, &k.aht, cur),
        tile(t.conversion, t.conversion_f, &k.conversion, cur),
        tile(t.revenue, t.revenue_f, &k.revenue, cur),
        tile(
            t.revenue_per_answered,
            t.revenue_per_answered_f,
            &k.revenue_per_answered,
            cur,
        ),
        tile(
            t.callbacks_20,
            t.callbacks_20_f,
            &k.callbacks_within_20_min,
            cur,
        ),
        tile(
            t.callbacks_day,
            t.callbacks_day_f,
            &k.callbacks_same_day,
            cur,
        ),
        tile(
            t.median_reach,
            t.median_reach_f,
            &k.callback_median_seconds,
            cur,
        ),
        tile(t.repeat_rate, t.repeat_rate_f, &k.repeat_call_rate, cur),
    ];
    let words = i18n::kpi::chart_words(pu.lang);
    let operators = ops
        .iter()
        .map(|o| OpRow {
            name: o.name.clone(),
            calls: o.calls_handled,
            talk: duration(o.talk_seconds as f64),
            wrapup: duration(o.wrapup_seconds as f64),
            orders: o.orders,
            conversion: pct(o.conversion),
            callbacks: o.callbacks_done,
            proactive: o.proactive_done,
            load: pct(o.load_share),
        })
        .collect();
    let rfc = |ms: i64| {
        crate::domain::time::from_ms(ms)
            .with_timezone(&tz)
            .to_rfc3339()
    };
    Ok(DashboardPage {
        s,
        from: rfc(scope.from),
        to: rfc(scope.to),
        direction: scope.direction.clone(),
        queue: scope.queue.clone().unwrap_or_default(),
        queues,
        error: String::new(),
        tiles,
        by_hour: charts::calls_by_hour(&dist, words),
        waits: charts::wait_buckets(&dist, words),
        load: charts::operator_load(&ops, words),
        operators,
    }
    .into_response())
}

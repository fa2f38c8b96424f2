//! `/api/v1/reports/…`: the KPIs, their distribution, the per-operator table and the client
//! base by value and risk, as JSON; managers and admins only (`Permission::ReadReports`).
//!
//! Every figure carries its formula (KPIs) or the rule behind it, so pages can show it one
//! click away. Handlers only parse the query, call `reports` / `segments`, and shape JSON.

use std::collections::BTreeMap;

use axum::{
    Router,
    extract::State,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::page::{PageQuery, page};
use crate::{
    app::AppState,
    auth::Principal,
    config::Language,
    db::{
        self,
        reports::Scope,
        segments::{ListedClient, RunRow, SegmentFilter},
    },
    domain::{
        role::Permission,
        text::fill,
        time::{now_ms, rfc3339},
    },
    error::{AppError, AppJson, AppQuery, AppResult},
    reports,
    segments::{abc::Abc, recompute::recompute, rfm::Segment},
    web::i18n::base,
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/kpis", get(get_kpis))
        .route("/reports/distribution", get(get_distribution))
        .route("/reports/operators", get(get_operators))
        .route("/reports/clients", get(get_clients))
        .route("/reports/segments/recompute", post(recompute_segments))
}

/// `?from=&to=&direction=&operator=&queue=` (all text: see page.rs on query strings).
#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    direction: Option<String>,
    operator: Option<String>,
    queue: Option<String>,
}

fn scope_of(state: &AppState, p: &Principal, q: &PeriodQuery) -> AppResult<Scope> {
    p.require(Permission::ReadReports)?;
    let operator = match q.operator.as_deref().filter(|o| !o.is_empty()) {
        None => None,
        Some(o) => Some(
            o.parse::<i64>()
                .map_err(|_| AppError::invalid("operator", "expected a user id"))?,
        ),
    };
    let asked = reports::Asked {
        from: q.from.as_deref(),
        to: q.to.as_deref(),
        direction: q.direction.as_deref(),
        operator_id: operator,
        queue: q.queue.as_deref(),
    };
    reports::scope(asked, state.config.time_zone, now_ms())
}

/// The period part every report answer starts with.
fn period_json(state: &AppState, s: &Scope) -> Value {
    json!({
        "from": rfc3339(s.from),
        "to": rfc3339(s.to),
        "direction": s.direction,
        "operator": s.operator_id,
        "queue": s.queue,
        "time_zone": state.config.time_zone.name(),
        "currency": state.config.currency,
    })
}

async fn get_kpis(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> AppResult<AppJson<Value>> {
    let s = scope_of(&state, &p, &q)?;
    let report = reports::kpis(&state.db, &state.config, &s).await?;
    let mut body = period_json(&state, &s);
    body["thresholds"] = json!(report.thresholds);
    body["kpis"] = json!(report.kpis);
    Ok(AppJson(body))
}

async fn get_distribution(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> AppResult<AppJson<Value>> {
    let s = scope_of(&state, &p, &q)?;
    let d = reports::distribution(&state.db, &state.config, &s).await?;
    let mut body = period_json(&state, &s);
    body["by_hour"] = json!(d.by_hour);
    body["by_weekday"] = json!(d.by_weekday);
    body["wait"] = json!(d.wait);
    Ok(AppJson(body))
}

async fn get_operators(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> AppResult<AppJson<Value>> {
    let s = scope_of(&state, &p, &q)?;
    let rows = reports::operators(&state.db, &state.config, &s).await?;
    let formulas: BTreeMap<&str, &str> = reports::operators::FORMULAS.into_iter().collect();
    let mut body = period_json(&state, &s);
    body["operators"] = json!(rows);
    body["formulas"] = json!(formulas);
    Ok(AppJson(body))
}

/// `?segment=&abc=&overdue=&cursor=&limit=`.
#[derive(Deserialize)]
pub struct ClientsQuery {
    segment: Option<String>,
    abc: Option<String>,
    overdue: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

fn segment_filter(q: &ClientsQuery) -> AppResult<SegmentFilter> {
    let segment = match q.segment.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Segment::parse(s).ok_or_else(|| {
            AppError::invalid("segment", "expected champions, loyal, potential, new, at_risk, cant_lose, hibernating or lost")
        })?),
    };
    let abc = match q.abc.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            Some(Abc::parse(s).ok_or_else(|| AppError::invalid("abc", "expected A, B or C"))?)
        }
    };
    let overdue = match q.overdue.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(AppError::invalid("overdue", "expected true or false")),
    };
    Ok(SegmentFilter {
        segment: segment.map(|s| s.code().to_owned()),
        abc: abc.map(|a| a.code().to_owned()),
        overdue,
    })
}

async fn get_clients(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<ClientsQuery>,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::ReadReports)?;
    let filter = segment_filter(&q)?;
    let limit = q.page.limit()?;
    let after = q.page.after()?.unwrap_or(0);
    let run = db::segments::latest_run(&state.db).await?;
    let counts = db::segments::segment_counts(&state.db).await?;
    let rows = db::segments::list_segments(&state.db, &filter, after, limit + 1).await?;
    let pg = page(rows, limit, |r| r.row.revenue_rank);
    let mut segments: BTreeMap<&str, Tally> = Segment::ALL
        .iter()
        .map(|s| (s.code(), Tally::default()))
        .collect();
    let mut classes: BTreeMap<&str, Tally> = ["A", "B", "C"]
        .into_iter()
        .map(|c| (c, Tally::default()))
        .collect();
    let mut overdue = 0;
    for c in &counts {
        let slots = [
            segments.get_mut(c.segment.as_str()),
            classes.get_mut(c.abc.as_str()),
        ];
        for t in slots.into_iter().flatten() {
            t.clients += c.clients;
            t.revenue_minor += c.revenue_minor;
            t.overdue += c.overdue;
        }
        overdue += c.overdue;
    }
    Ok(AppJson(json!({
        "run": run.as_ref().map(run_json),
        "pareto": run.as_ref().map(pareto_json),
        "segments": segments,
        "abc": classes,
        "overdue": overdue,
        "items": pg.items.iter().map(client_json).collect::<Vec<_>>(),
        "next_cursor": pg.next_cursor,
    })))
}

/// Clients, revenue and overdue clients of one segment or class.
#[derive(Default, Serialize)]
struct Tally {
    clients: i64,
    revenue_minor: i64,
    overdue: i64,
}

fn run_json(r: &RunRow) -> Value {
    json!({
        "computed_at": rfc3339(r.computed_at),
        "period_from": rfc3339(r.period_from),
        "period_to": rfc3339(r.period_to),
        "clients": r.clients,
        "revenue_minor": r.revenue_minor,
        "duration_ms": r.duration_ms,
    })
}

/// "N clients (P % of the base) bring 80 % of revenue", where the base is the clients with an
/// order in the scoring period.
fn pareto_json(r: &RunRow) -> Value {
    let share = reports::kpi::divide(r.pareto_clients, r.clients);
    let curve: Value = serde_json::from_str(&r.curve).unwrap_or(Value::Array(Vec::new()));
    json!({
        "clients": r.pareto_clients,
        "share_of_clients": share,
        "revenue_share": 0.8,
        "statement": share.map(|s| format!(
            "{} clients ({:.1} % of the base) bring 80 % of revenue",
            r.pareto_clients,
            s * 100.0
        )),
        "curve": curve,
    })
}

fn client_json(c: &ListedClient) -> Value {
    let r = &c.row;
    // In English, as the rest of the JSON's words; the pages word it in the user's language.
    let reason = r.median_gap_days.filter(|_| r.overdue).map(|g| {
        fill(
            base::texts(Language::En).overdue_reason,
            &[&g, &r.recency_days],
        )
    });
    json!({
        "client_id": r.client_id,
        "name": c.name,
        "segment": r.segment,
        "abc": r.abc,
        "rfm": format!("{}{}{}", r.r_score, r.f_score, r.m_score),
        "r_score": r.r_score,
        "f_score": r.f_score,
        "m_score": r.m_score,
        "orders": r.orders,
        "revenue_minor": r.revenue_minor,
        "last_order_at": rfc3339(r.last_order_at),
        "recency_days": r.recency_days,
        "revenue_rank": r.revenue_rank,
        "median_gap_days": r.median_gap_days,
        "overdue": r.overdue,
        "overdue_reason": reason,
    })
}

async fn recompute_segments(
    State(state): State<AppState>,
    p: Principal,
) -> AppResult<AppJson<Value>> {
    p.require(Permission::ReadReports)?;
    let run = recompute(&state.db, &state.config.reports, now_ms()).await?;
    let mut body = run_json(&run);
    body["pareto"] = pareto_json(&run);
    Ok(AppJson(body))
}

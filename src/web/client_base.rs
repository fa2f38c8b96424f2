//! The client base for managers (`/manager/clients`): the Pareto statement with its curve,
//! clients per RFM segment × ABC class, and the clients filtered by segment, class and overdue
//! with their scores, revenue, last order, overdue reason and personal manager — who can be
//! changed here. The rules in words are on the page (`#rules`); the numbers are those of
//! `GET /api/v1/reports/clients`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    format,
    i18n::{self, base::Base},
    shell::{PageUser, Shell},
};
use crate::{
    api::page::{PageQuery, page},
    app::AppState,
    db::{self, client_base::BaseFilter, operators::OperatorRef},
    domain::{
        role::Permission,
        text::fill,
        time::{Millis, now_ms},
    },
    error::{AppError, AppPath, AppResult},
    reports::{charts, kpi::divide},
    segments::{abc::Abc, recompute::recompute, rfm::Segment},
};

/// A row of the segment × ABC table.
pub struct MatrixRow {
    /// Segment code ("" for the totals row).
    pub code: &'static str,
    /// In words.
    pub label: &'static str,
    /// Clients in A, B, C.
    pub classes: [i64; 3],
    /// All classes.
    pub total: i64,
    /// Of them, overdue.
    pub overdue: i64,
}

/// A client of the list, formatted.
pub struct Line {
    /// Client id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Segment in words.
    pub segment: &'static str,
    /// A / B / C.
    pub abc: String,
    /// RFM code.
    pub rfm: String,
    /// Orders in the period.
    pub orders: i64,
    /// Revenue.
    pub revenue: String,
    /// Last order (local time).
    pub last_order: String,
    /// Why overdue ("" if not).
    pub overdue: String,
    /// Personal manager's user id (0: nobody).
    pub manager_id: i64,
    /// Their name.
    pub manager: String,
    /// Do-not-call.
    pub do_not_call: bool,
    /// "Personal manager of …" (the select's accessible name).
    pub pm_label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "client_base.html")]
struct ClientBasePage {
    s: Shell,
    statement: String,
    run: String,
    curve: String,
    matrix: Vec<MatrixRow>,
    segments: Vec<(&'static str, &'static str)>,
    segment: String,
    abc: String,
    overdue: String,
    lines: Vec<Line>,
    operators: Vec<OperatorRef>,
    next: String,
    back: String,
    message: String,
}

/// `?segment=&abc=&overdue=yes|no&cursor=&msg=`.
#[derive(Deserialize)]
pub struct BaseQuery {
    segment: Option<String>,
    abc: Option<String>,
    overdue: Option<String>,
    msg: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

/// The filter of the query; a bad value is dropped and named in the message.
fn filter_of(q: &BaseQuery, message: &mut String, t: &Base) -> BaseFilter {
    let mut f = BaseFilter::default();
    match q.segment.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some(s) => match Segment::parse(s) {
            Some(seg) => f.segments.push(seg.code().to_owned()),
            None => message.push_str(t.bad_segment),
        },
    }
    match q.abc.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some(a) => match Abc::parse(a) {
            Some(c) => f.abc.push(c.code().to_owned()),
            None => message.push_str(t.bad_abc),
        },
    }
    f.overdue = match q.overdue.as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    f
}

/// `GET /manager/clients`.
pub async fn client_base(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<BaseQuery>,
) -> AppResult<Response> {
    pu.principal.require(Permission::ReadReports)?;
    let s = Shell::load(&state, &pu, "client_base").await?;
    let t = s.b;
    // Only known codes: a link must not make the page say anything it likes.
    let mut message = match q.msg.as_deref() {
        Some("saved") => t.msg_saved.to_owned(),
        Some("recomputed") => t.msg_recomputed.to_owned(),
        _ => String::new(),
    };
    let filter = filter_of(&q, &mut message, t);
    let after = q.page.after().unwrap_or(None).unwrap_or(0);
    let run = db::segments::latest_run(&state.db).await?;
    let counts = db::segments::segment_counts(&state.db).await?;
    let rows = db::client_base::list(&state.db, &filter, after, 51).await?;
    let pg = page(rows, 50, |r| r.row.revenue_rank);
    let (tz, lang, cur) = (
        state.config.time_zone,
        pu.lang,
        state.config.currency.as_str(),
    );
    let now = now_ms();
    let (statement, run_text, curve) = match &run {
        Some(r) => {
            let share = divide(r.pareto_clients, r.clients);
            let points: Vec<(f64, f64)> = serde_json::from_str(&r.curve).unwrap_or_default();
            let statement = match share {
                Some(p) => fill(t.pareto, &[&r.pareto_clients, &format!("{:.1}", p * 100.0)]),
                None => t.no_orders_yet.to_owned(),
            };
            let text = fill(
                t.run,
                &[
                    &r.clients,
                    &format::when(r.period_from, tz, lang),
                    &format::when(r.period_to, tz, lang),
                    &format::money(r.revenue_minor, cur),
                    &format::when(r.computed_at, tz, lang),
                ],
            );
            let words = i18n::kpi::chart_words(lang);
            (statement, text, charts::pareto_curve(&points, share, words))
        }
        None => (t.not_segmented.to_owned(), String::new(), String::new()),
    };
    let lines = pg
        .items
        .iter()
        .map(|c| line(c, now, &state, &pu, t))
        .collect();
    let back = back_url(&q);
    let next = pg.next_cursor.map_or_else(String::new, |c| {
        let mut u = back.clone();
        u.push_str(if u.contains('?') { "&" } else { "?" });
        u.push_str("cursor=");
        u.push_str(&c);
        u
    });
    Ok(ClientBasePage {
        s,
        statement,
        run: run_text,
        curve,
        matrix: matrix(&counts, t),
        segments: Segment::ALL
            .iter()
            .map(|x| (x.code(), t.segment(x.code())))
            .collect(),
        segment: filter.segments.first().cloned().unwrap_or_default(),
        abc: filter.abc.first().cloned().unwrap_or_default(),
        overdue: q.overdue.clone().unwrap_or_default(),
        lines,
        operators: db::operators::active_operators(&state.db).await?,
        next,
        back,
        message,
    }
    .into_response())
}

fn line(
    c: &db::client_base::BaseClient,
    now: Millis,
    state: &AppState,
    pu: &PageUser,
    t: &Base,
) -> Line {
    let r = &c.row;
    Line {
        id: r.client_id,
        name: c.name.clone(),
        segment: t.segment(&r.segment),
        abc: r.abc.clone(),
        rfm: format!("{}{}{}", r.r_score, r.f_score, r.m_score),
        orders: r.orders,
        revenue: format::money(r.revenue_minor, &state.config.currency),
        last_order: format::when(r.last_order_at, state.config.time_zone, pu.lang),
        overdue: crate::outbound::select::overdue_reason(c, now, t).unwrap_or_default(),
        manager_id: c.personal_manager_id.unwrap_or(0),
        manager: c.manager_name.clone().unwrap_or_default(),
        do_not_call: c.do_not_call,
        pm_label: fill(t.pm_of, &[&c.name]),
    }
}

/// This page with the current filter (without the cursor), for links and redirects.
fn back_url(q: &BaseQuery) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("segment", &q.segment),
        ("abc", &q.abc),
        ("overdue", &q.overdue),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            params.append_pair(k, v);
        }
    }
    let qs = params.finish();
    if qs.is_empty() {
        "/manager/clients".to_owned()
    } else {
        format!("/manager/clients?{qs}")
    }
}

/// The segment × ABC table, segments in the order of `Segment::ALL`, then the totals.
fn matrix(counts: &[db::segments::SegmentCount], t: &Base) -> Vec<MatrixRow> {
    let mut rows: Vec<MatrixRow> = Segment::ALL
        .iter()
        .map(|s| MatrixRow {
            code: s.code(),
            label: t.segment(s.code()),
            classes: [0; 3],
            total: 0,
            overdue: 0,
        })
        .collect();
    let mut all = MatrixRow {
        code: "",
        label: t.all_scored,
        classes: [0; 3],
        total: 0,
        overdue: 0,
    };
    for c in counts {
        let col = ["A", "B", "C"].iter().position(|x| *x == c.abc);
        if let (Some(row), Some(col)) = (rows.iter_mut().find(|r| r.code == c.segment), col) {
            for r in [&mut *row, &mut all] {
                r.classes[col] += c.clients;
                r.total += c.clients;
                r.overdue += c.overdue;
            }
        }
    }
    rows.push(all);
    rows
}

/// The personal-manager form: an operator's id, or empty for nobody; where to go back to.
#[derive(Deserialize)]
pub struct ManagerForm {
    manager_id: String,
    back: Option<String>,
}

/// `POST /manager/clients/{id}/manager`: sets (or clears) the client's personal manager.
pub async fn set_manager(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Form(f): Form<ManagerForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::AssignWork)?;
    let manager = match f.manager_id.trim() {
        "" => None,
        t => Some(
            t.parse::<i64>()
                .map_err(|_| AppError::invalid("manager_id", "expected an operator's user id"))?,
        ),
    };
    let operators = db::operators::active_operators(&state.db).await?;
    if let Some(m) = manager
        && !operators.iter().any(|o| o.id == m)
    {
        return Err(AppError::invalid(
            "manager_id",
            "no active operator with this id",
        ));
    }
    db::client_base::set_personal_manager(&state.db, id, manager, now_ms()).await?;
    // The lookup caches who a number belongs to, with the manager: forget it.
    state.callers.clear();
    let back = f
        .back
        .filter(|b| b.starts_with("/manager/clients"))
        .unwrap_or_else(|| "/manager/clients".to_owned());
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}msg=saved")).into_response())
}

/// `POST /manager/clients/recompute`: scores the base now, then shows it.
pub async fn recompute_now(State(state): State<AppState>, pu: PageUser) -> AppResult<Response> {
    pu.principal.require(Permission::ReadReports)?;
    recompute(&state.db, &state.config.reports, now_ms()).await?;
    Ok(Redirect::to("/manager/clients?msg=recomputed").into_response())
}

//! The outbound list page for managers (`/manager/outbound`): a builder (segments, overdue,
//! ABC classes, "not talked to in the last N days", operators, daily cap), a preview of who
//! would be called, why and by whom, and the lists made so far with their results per
//! operator. Lists are made by `outbound::service` (never a do-not-call client); the tasks go
//! to the operators' worklists.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{RawForm, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use super::{
    format,
    i18n::base::Base,
    shell::{PageUser, Shell},
};
use crate::{
    api::outbound::{fate, preview_of},
    app::AppState,
    config::Language,
    db::{self, operators::OperatorRef, outbound_stats::OperatorResult},
    domain::{role::Permission, text::fill, time::now_ms},
    error::{AppError, AppResult},
    outbound::{
        select::Criteria,
        service::{self, ListInput},
    },
    segments::rfm::Segment,
};

/// The builder's fields as typed (repeated keys for the checkboxes).
#[derive(Clone, Debug, Default)]
pub struct Builder {
    segments: Vec<String>,
    overdue: bool,
    abc: Vec<String>,
    quiet_days: String,
    operators: Vec<i64>,
    cap: String,
    name: String,
}

impl Builder {
    /// From a query string or form body; `fresh`: no field was sent (the defaults are used).
    fn parse(raw: &[u8], default_cap: i64) -> (Builder, bool) {
        let mut b = Builder::default();
        let mut any = false;
        for (k, v) in form_urlencoded::parse(raw) {
            let known = [
                "segments",
                "overdue",
                "abc",
                "quiet_days",
                "operators",
                "cap",
                "name",
            ];
            any |= known.contains(&k.as_ref());
            match k.as_ref() {
                "segments" => b.segments.push(v.into_owned()),
                "overdue" => b.overdue = true,
                "abc" => b.abc.push(v.into_owned()),
                "quiet_days" => b.quiet_days = v.trim().to_owned(),
                "operators" => b.operators.extend(v.trim().parse::<i64>().ok()),
                "cap" => b.cap = v.trim().to_owned(),
                "name" => b.name = v.trim().to_owned(),
                _ => {}
            }
        }
        if !any {
            // What the issue asks for first: the valuable clients who are slipping away.
            b.segments = vec!["at_risk".into(), "cant_lose".into()];
            b.overdue = true;
            b.abc = vec!["A".into()];
            b.quiet_days = "14".into();
            b.cap = default_cap.to_string();
        }
        (b, !any)
    }

    fn has_segment(&self, code: &str) -> bool {
        self.segments.iter().any(|s| s == code)
    }

    fn has_abc(&self, class: &str) -> bool {
        self.abc.iter().any(|s| s == class)
    }

    fn has_operator(&self, id: &i64) -> bool {
        self.operators.contains(id)
    }

    fn criteria(&self) -> AppResult<Criteria> {
        let quiet_days = match self.quiet_days.as_str() {
            "" => None,
            d => Some(
                d.parse::<i64>()
                    .map_err(|_| AppError::invalid("quiet_days", "a whole number of days"))?,
            ),
        };
        Ok(Criteria {
            segments: self.segments.clone(),
            overdue: self.overdue,
            abc: self.abc.clone(),
            quiet_days,
            limit: None,
        })
    }

    fn cap(&self) -> AppResult<Option<i64>> {
        match self.cap.as_str() {
            "" => Ok(None),
            c => c
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::invalid("daily_cap", "a whole number, 1 to 500")),
        }
    }
}

/// A previewed client.
pub struct PreviewLine {
    /// Client id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Their personal manager.
    pub manager: String,
    /// Who would call them, or why nobody.
    pub goes_to: String,
    /// assigned / over_cap / …
    pub status: &'static str,
}

/// A list made earlier, with its results.
pub struct ListView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// When.
    pub created: String,
    /// Cap.
    pub cap: i64,
    /// "cap 3", in the page's language.
    pub cap_text: String,
    /// Per operator.
    pub operators: Vec<OperatorResult>,
    /// Totals: tasks, done, reached, ordered.
    pub totals: [i64; 4],
    /// Revenue, formatted, per operator row (same order) and the total last.
    pub revenue: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "outbound.html")]
struct OutboundPage {
    s: Shell,
    b: Builder,
    segments: Vec<(&'static str, &'static str)>,
    operators: Vec<OperatorRef>,
    preview: Vec<PreviewLine>,
    previewed: bool,
    summary: String,
    error: String,
    message: String,
    lists: Vec<ListView>,
}

fn name_of(ops: &[OperatorRef], id: i64, t: &Base) -> String {
    ops.iter()
        .find(|o| o.id == id)
        .map_or_else(|| fill(t.user_n, &[&id]), |o| o.name.clone())
}

/// `GET /manager/outbound`: the builder; with criteria in the query, the preview.
pub async fn outbound_page(
    State(state): State<AppState>,
    pu: PageUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    pu.principal.require(Permission::AssignWork)?;
    let raw = raw.unwrap_or_default();
    let (b, fresh) = Builder::parse(raw.as_bytes(), state.config.workspace.outbound_daily_cap);
    let created = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "created")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let t = super::i18n::base::texts(pu.lang);
    let message = created.map_or_else(String::new, |id| fill(t.list_created, &[&id]));
    render(&state, &pu, b, !fresh, message, String::new()).await
}

/// Renders the page; `previewed`: run the criteria; a failure (or `error`) shows next to the
/// form, with 422.
async fn render(
    state: &AppState,
    pu: &PageUser,
    b: Builder,
    previewed: bool,
    message: String,
    error: String,
) -> AppResult<Response> {
    let s = Shell::load(state, pu, "outbound").await?;
    let t = s.b;
    let operators = db::operators::active_operators(&state.db).await?;
    let mut page = OutboundPage {
        s,
        b,
        segments: Segment::ALL
            .iter()
            .map(|x| (x.code(), t.segment(x.code())))
            .collect(),
        operators,
        preview: Vec::new(),
        previewed,
        summary: String::new(),
        error,
        message,
        lists: lists(state, pu).await?,
    };
    let mut status = if page.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if previewed && let Err(e) = fill_preview(state, &mut page, pu.lang).await {
        page.error = format!("{} {}", page.error, error_text(e, pu.lang)?)
            .trim()
            .to_owned();
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok((status, page).into_response())
}

/// The words of a validation error in the user's language; anything else stays an error.
fn error_text(e: AppError, lang: Language) -> AppResult<String> {
    match e {
        AppError::Validation { field, message } => Ok(super::i18n::errors::with_field(
            lang,
            field.as_deref(),
            &message,
        )),
        other => Err(other),
    }
}

async fn fill_preview(state: &AppState, page: &mut OutboundPage, lang: Language) -> AppResult<()> {
    let criteria = page.b.criteria()?;
    let cap = page.b.cap()?;
    let (picked, plan) = preview_of(state, &criteria, &page.b.operators, cap, lang).await?;
    let t = page.s.b;
    let mut per_op: HashMap<i64, usize> = HashMap::new();
    for s in &picked {
        let id = s.client.row.client_id;
        let (status, op) = fate(plan.as_ref(), id);
        if let Some(op) = op {
            *per_op.entry(op).or_default() += 1;
        }
        page.preview.push(PreviewLine {
            id,
            name: s.client.name.clone(),
            reason: s.reason.clone(),
            manager: s.client.manager_name.clone().unwrap_or_default(),
            goes_to: match (status, op) {
                (_, Some(op)) => name_of(&page.operators, op, t),
                ("over_cap", _) => t.to_over_cap.into(),
                ("already_open", _) => t.to_already_open.into(),
                ("selected", _) => t.to_choose.into(),
                _ => t.to_no_number.into(),
            },
            status,
        });
    }
    let mut parts: Vec<String> = page
        .b
        .operators
        .iter()
        .map(|id| {
            format!(
                "{}: {}",
                name_of(&page.operators, *id, t),
                per_op.get(id).unwrap_or(&0)
            )
        })
        .collect();
    parts.insert(0, fill(t.clients_match, &[&picked.len()]));
    if let Some(p) = &plan {
        parts.push(fill(t.cap_day, &[&p.cap]));
    }
    page.summary = parts.join(" · ");
    Ok(())
}

async fn lists(state: &AppState, pu: &PageUser) -> AppResult<Vec<ListView>> {
    let cur = state.config.currency.as_str();
    let mut out = Vec::new();
    for l in db::outbound_stats::latest_lists(&state.db, 20).await? {
        let ops = db::outbound_stats::results_by_operator(&state.db, l.id).await?;
        let mut totals = [0; 4];
        let mut revenue_total = 0;
        let mut revenue = Vec::new();
        for o in &ops {
            for (t, v) in totals
                .iter_mut()
                .zip([o.tasks, o.done, o.reached, o.ordered])
            {
                *t += v;
            }
            revenue_total += o.revenue_minor;
            revenue.push(format::money(o.revenue_minor, cur));
        }
        revenue.push(format::money(revenue_total, cur));
        out.push(ListView {
            id: l.id,
            name: l.name,
            created: format::when(l.created_at, state.config.time_zone, pu.lang),
            cap: l.daily_cap,
            cap_text: fill(super::i18n::base::texts(pu.lang).cap_n, &[&l.daily_cap]),
            operators: ops,
            totals,
            revenue,
        });
    }
    Ok(out)
}

/// `POST /manager/outbound`: makes the list from the same criteria as the preview.
pub async fn create_list(
    State(state): State<AppState>,
    pu: PageUser,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    pu.principal.require(Permission::AssignWork)?;
    let (b, _) = Builder::parse(&body, state.config.workspace.outbound_daily_cap);
    match create_from(&state, &pu, &b).await {
        Ok(id) => Ok(Redirect::to(&format!("/manager/outbound?created={id}")).into_response()),
        Err(e) => {
            let t = super::i18n::base::texts(pu.lang);
            let why = fill(t.not_made, &[&error_text(e, pu.lang)?]);
            render(&state, &pu, b, true, String::new(), why).await
        }
    }
}

async fn create_from(state: &AppState, pu: &PageUser, b: &Builder) -> AppResult<i64> {
    let criteria = b.criteria()?;
    let picked = crate::outbound::select::select(state, &criteria, now_ms(), pu.lang).await?;
    if picked.is_empty() {
        return Err(AppError::invalid(
            "criteria",
            "no client matches: nothing to hand out",
        ));
    }
    let name = if b.name.is_empty() {
        let t = super::i18n::base::texts(pu.lang);
        fill(
            t.default_list_name,
            &[&format::when(now_ms(), state.config.time_zone, pu.lang)],
        )
    } else {
        b.name.clone()
    };
    let input = ListInput {
        name,
        client_ids: picked.iter().map(|s| s.client.row.client_id).collect(),
        operator_ids: b.operators.clone(),
        daily_cap: b.cap()?,
        criteria: Some(serde_json::to_value(&criteria).map_err(anyhow::Error::from)?),
        reason: None,
        client_reasons: picked
            .iter()
            .map(|s| (s.client.row.client_id, s.reason.clone()))
            .collect(),
    };
    let out = service::create(state, Some(pu.user.id), input).await?;
    Ok(out.list_id)
}

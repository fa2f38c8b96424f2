//! The manager's call log (`/manager/calls`): the filters of `GET /api/v1/calls` as a form,
//! newest first, one keyset page at a time, each call linking to its detail page, and a link
//! to the CSV export of the same filter. Works without JavaScript (a GET form and links).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    format,
    shell::{PageUser, Shell},
};
use crate::{
    api::{
        call_query::{LogQuery, decode_cursor, encode_cursor},
        calls::sees_numbers,
    },
    app::AppState,
    db::{
        self,
        call_log::{LogCursor, LogRow},
        wrapups::CustomOutcome,
    },
    domain::{phone::mask_digits, role::Permission},
    error::{AppError, AppResult},
    workspace::outcome::{self, ALL as OUTCOMES},
};

/// Rows per page.
const PAGE: i64 = 50;

/// The form as typed (what the page shows back in its fields).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LogForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    operator: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    queue: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    number_suffix: String,
    #[serde(default)]
    has_order: String,
    #[serde(default)]
    cursor: String,
}

/// A row of the table, formatted.
pub struct Line {
    id: i64,
    when: String,
    direction: String,
    state: String,
    number: String,
    client: String,
    client_id: i64,
    operator: String,
    wait: String,
    talk: String,
    outcome: String,
    orders: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "call_log.html")]
struct LogPage {
    s: Shell,
    f: LogForm,
    error: String,
    lines: Vec<Line>,
    next: String,
    export: String,
    operators: Vec<(i64, String)>,
    /// The system outcomes' codes (the filter's values) and labels.
    outcomes: Vec<(&'static str, &'static str)>,
}

/// A `datetime-local` value (business time zone) or an RFC 3339 instant, as RFC 3339.
fn instant_text(v: &str, tz: chrono_tz::Tz) -> String {
    use chrono::TimeZone;
    let v = v.trim();
    if v.is_empty() || chrono::DateTime::parse_from_rfc3339(v).is_ok() {
        return v.to_owned();
    }
    chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map_or_else(|| v.to_owned(), |t| t.to_rfc3339())
}

impl LogForm {
    /// The filter's query string (times as RFC 3339, empty fields left out): for the API
    /// and the export link.
    fn query(&self, tz: chrono_tz::Tz) -> Vec<(&'static str, String)> {
        let mut q = self.typed();
        for (k, v) in &mut q {
            if matches!(*k, "from" | "to") {
                *v = instant_text(v, tz);
            }
        }
        q
    }

    /// The fields as typed, empty ones left out (the next page's link repeats them).
    fn typed(&self) -> Vec<(&'static str, String)> {
        [
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("direction", self.direction.clone()),
            ("state", self.state.clone()),
            ("operator", self.operator.clone()),
            ("outcome", self.outcome.clone()),
            ("source", self.source.clone()),
            ("queue", self.queue.clone()),
            ("client", self.client.clone()),
            ("number_suffix", self.number_suffix.clone()),
            ("has_order", self.has_order.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
    }

    fn to_api(&self, tz: chrono_tz::Tz) -> LogQuery {
        let q = self.query(tz);
        let get = |k: &str| q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        LogQuery {
            from: get("from"),
            to: get("to"),
            direction: get("direction"),
            state: get("state"),
            operator: get("operator"),
            outcome: get("outcome"),
            source: get("source"),
            queue: get("queue"),
            client: get("client"),
            number_suffix: get("number_suffix"),
            has_order: get("has_order"),
            ..LogQuery::default()
        }
    }
}

fn encode(pairs: &[(&str, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn seconds(v: Option<i64>) -> String {
    v.map_or_else(String::new, |s| format!("{}:{:02}", s / 60, s % 60))
}

/// `custom`: the custom outcomes, for the outcome's label (in `lang`, like the system ones).
fn line(
    r: &LogRow,
    full: bool,
    tz: chrono_tz::Tz,
    lang: crate::config::Language,
    custom: &[CustomOutcome],
) -> Line {
    let c = &r.call;
    let number = c.caller_e164.as_deref().or(c.caller_raw.as_deref());
    Line {
        id: c.id,
        when: format::when(c.started_at, tz, lang),
        direction: c.direction.clone(),
        state: c.state.clone(),
        number: number.map_or_else(
            || "—".to_owned(),
            |n| if full { n.to_owned() } else { mask_digits(n) },
        ),
        client: r.client_name.clone().unwrap_or_default(),
        client_id: c.client_id.unwrap_or(0),
        operator: r.operator_name.clone().unwrap_or_default(),
        wait: seconds(c.wait_seconds),
        talk: seconds(c.talk_seconds),
        outcome: r
            .outcome
            .as_deref()
            .map_or_else(String::new, |o| outcome::label_of(o, lang, custom)),
        orders: r.order_count,
    }
}

/// `GET /manager/calls`.
pub async fn call_log(
    State(state): State<AppState>,
    pu: PageUser,
    Query(f): Query<LogForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::ReadReports)?;
    let s = Shell::load(&state, &pu, "calls").await?;
    let tz = state.config.time_zone;
    let query = f.query(tz);
    let operators = db::call_log::people(&state.db).await?;
    let outcomes = OUTCOMES
        .iter()
        .map(|o| (o.code(), o.label(pu.lang)))
        .collect();
    let mut page = LogPage {
        s,
        error: String::new(),
        lines: Vec::new(),
        next: String::new(),
        export: format!("/api/v1/calls/export.csv?{}", encode(&query)),
        operators,
        outcomes,
        f: f.clone(),
    };
    let parsed = f
        .to_api(tz)
        .filter(&state.config)
        .and_then(|filter| Ok((filter, decode_cursor(Some(&f.cursor))?)));
    let (filter, after) = match parsed {
        Ok(v) => v,
        Err(AppError::Validation { field, message }) => {
            page.error = super::i18n::errors::with_field(pu.lang, field.as_deref(), &message);
            return Ok(page.into_response());
        }
        Err(e) => return Err(e),
    };
    let mut rows = db::call_log::list(&state.db, &filter, after, PAGE + 1).await?;
    if rows.len() as i64 > PAGE {
        rows.truncate(PAGE as usize);
        if let Some(last) = rows.last() {
            let mut next = f.typed();
            next.push((
                "cursor",
                encode_cursor(LogCursor {
                    started_at: last.call.started_at,
                    id: last.call.id,
                }),
            ));
            page.next = format!("/manager/calls?{}", encode(&next));
        }
    }
    let full = sees_numbers(&state, &pu.principal);
    let custom = db::wrapups::custom_outcomes(&state.db).await?;
    page.lines = rows
        .iter()
        .map(|r| line(r, full, tz, pu.lang, &custom))
        .collect();
    Ok(page.into_response())
}

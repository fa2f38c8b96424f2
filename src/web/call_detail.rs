//! A call's detail page for managers (`/manager/calls/{id}`): the timeline of its events
//! (redeliveries and late events marked), who the caller matched, the outcome and note, the
//! linked orders and the recording. Admins also see each event's raw payload; managers do
//! not (the column is not even read for them).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde_json::Value;

use super::{
    format,
    shell::{PageUser, Shell},
};
use crate::{
    api::calls::sees_numbers,
    app::AppState,
    db,
    domain::{Role, phone::mask_digits, role::Permission, text::fill},
    error::{AppPath, AppResult},
    workspace::outcome,
};

/// One timeline entry, formatted.
pub struct EventView {
    kind: String,
    at: String,
    received: String,
    extension: String,
    cause: String,
    duplicates: i64,
    /// "delivered 2×", in the page's language.
    delivered: String,
    late: bool,
    raw: String,
}

/// A linked order.
pub struct OrderView {
    id: i64,
    status: String,
    total: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "call_detail.html")]
struct DetailPage {
    s: Shell,
    id: i64,
    direction: String,
    state: String,
    number: String,
    caller_kind: String,
    client_id: i64,
    client_name: String,
    candidates: String,
    /// "clients 3, 4", in the page's language.
    candidates_text: String,
    started: String,
    wait: String,
    talk: String,
    operator: String,
    cause: String,
    recording: String,
    outcome: String,
    note: String,
    orders: Vec<OrderView>,
    events: Vec<EventView>,
    admin: bool,
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// `GET /manager/calls/{id}`.
pub async fn call_detail(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Response> {
    pu.principal.require(Permission::ReadReports)?;
    let admin = pu.principal.role == Role::Admin;
    let call = db::calls::get_call(&state.db, id).await?;
    let s = Shell::load(&state, &pu, "calls").await?;
    let m = s.m;
    let (tz, lang) = (state.config.time_zone, pu.lang);
    let when = |ms: i64| {
        crate::domain::time::from_ms(ms)
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let events = db::call_log::events(&state.db, id, admin)
        .await?
        .into_iter()
        .map(|e| {
            let data: Value = serde_json::from_str(&e.data).unwrap_or(Value::Null);
            EventView {
                kind: e.kind,
                at: when(e.at),
                received: when(e.received_at),
                extension: text(data.get("extension").or(data.get("extensions"))),
                cause: text(data.get("cause")),
                duplicates: e.duplicates,
                delivered: fill(m.delivered, &[&(e.duplicates + 1)]),
                late: e.late,
                raw: e.raw.unwrap_or_default(),
            }
        })
        .collect();
    let wrapup = db::wrapups::of_call(&state.db, id).await?;
    let outcome_label = match &wrapup {
        Some(w) => {
            let custom = db::wrapups::custom_outcomes(&state.db).await?;
            outcome::label_of(&w.outcome, lang, &custom)
        }
        None => String::new(),
    };
    let currency = state.config.currency.clone();
    let orders = db::orders::of_call(&state.db, id)
        .await?
        .into_iter()
        .map(|o| OrderView {
            id: o.id,
            status: o.status,
            total: format::money(o.total_minor, &currency),
        })
        .collect();
    let client_name = match call.client_id {
        Some(c) => db::clients::get_client(&state.db, c)
            .await
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let operator = match call.operator_id {
        Some(u) => db::users::get_user(&state.db, u)
            .await
            .map(|u| u.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let full = sees_numbers(&state, &pu.principal);
    let number = call.caller_e164.as_deref().or(call.caller_raw.as_deref());
    let secs = |v: Option<i64>| v.map_or_else(String::new, |x| fill(m.seconds, &[&x]));
    let candidates = serde_json::from_str::<Vec<i64>>(&call.candidates)
        .unwrap_or_default()
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let page = DetailPage {
        s,
        id,
        direction: call.direction.clone(),
        state: call.state.clone(),
        number: number.map_or_else(
            || "—".to_owned(),
            |n| if full { n.to_owned() } else { mask_digits(n) },
        ),
        caller_kind: call.caller_kind.clone(),
        client_id: call.client_id.unwrap_or(0),
        client_name,
        candidates_text: fill(m.candidates, &[&candidates]),
        candidates,
        started: format::when(call.started_at, tz, lang),
        wait: secs(call.wait_seconds),
        talk: secs(call.talk_seconds),
        operator,
        cause: call.cause.clone().unwrap_or_default(),
        recording: call.recording_url.clone().unwrap_or_default(),
        outcome: outcome_label,
        note: wrapup.and_then(|w| w.note).unwrap_or_default(),
        orders,
        events,
        admin,
    };
    Ok(page.into_response())
}

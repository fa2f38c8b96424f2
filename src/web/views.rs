//! View models of the operator pages: the client card with its history, and the pop of a call.
//! Built here once, rendered by several templates.

use super::{
    format::{self, BadgeView},
    i18n::desk::Desk,
};
use crate::{
    app::AppState,
    config::Language,
    db::{self, calls::CallRow, clients::Client},
    domain::time::now_ms,
    error::AppResult,
    segments,
    workspace::outcome,
};

/// A phone on the card (full: operators must be able to dial it).
pub struct PhoneView {
    /// E.164 for the `tel:` link.
    pub e164: String,
    /// As entered.
    pub raw: String,
    /// Label.
    pub label: String,
}

/// One order line in the history.
pub struct LineView {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Quantity.
    pub quantity: i64,
    /// Line total.
    pub total: String,
}

/// One order in the history.
pub struct OrderView {
    /// Id.
    pub id: i64,
    /// When.
    pub date: String,
    /// new / confirmed / cancelled.
    pub status: String,
    /// Total.
    pub total: String,
    /// Lines.
    pub lines: Vec<LineView>,
}

/// One call in the history.
pub struct CallView {
    /// Id.
    pub id: i64,
    /// When.
    pub date: String,
    /// inbound / outbound.
    pub direction: String,
    /// State.
    pub state: String,
    /// Outcome label.
    pub outcome: String,
    /// Note.
    pub note: String,
}

/// An open task on the card.
pub struct TaskView {
    /// Id.
    pub id: i64,
    /// Kind label.
    pub kind: &'static str,
    /// Due.
    pub due: String,
    /// Why.
    pub reason: String,
}

/// The client card.
pub struct ClientCard {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Phones.
    pub phones: Vec<PhoneView>,
    /// Personal manager's name.
    pub manager: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Preferences.
    pub preferences: String,
    /// Notes.
    pub notes: String,
    /// What they sell.
    pub sells: String,
    /// To whom.
    pub sells_to: String,
    /// Price segment.
    pub price_segment: String,
    /// Employees.
    pub employees: String,
    /// Do not call.
    pub do_not_call: bool,
    /// Delivery address to prefill.
    pub address: String,
    /// Badge.
    pub badge: Option<BadgeView>,
    /// Latest orders.
    pub orders: Vec<OrderView>,
    /// Latest calls.
    pub calls: Vec<CallView>,
    /// Open tasks.
    pub tasks: Vec<TaskView>,
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The task kind's label.
pub fn kind_label(t: &Desk, kind: &str) -> &'static str {
    match kind {
        "missed" => t.kind_missed,
        "requested" => t.kind_requested,
        _ => t.kind_proactive,
    }
}

/// Loads everything the card shows.
pub async fn client_card(state: &AppState, c: Client, lang: Language) -> AppResult<ClientCard> {
    let t = super::i18n::desk::texts(lang);
    let (tz, cur) = (state.config.time_zone, state.config.currency.as_str());
    let badge = segments::badge_of(&state.db, c.id, now_ms())
        .await?
        .map(|b| format::badge(&b, t, lang, cur));
    let manager = match c.personal_manager_id {
        Some(id) => db::users::get_user(&state.db, id)
            .await
            .map(|u| u.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let orders = db::orders::latest_of_client(&state.db, c.id, 5)
        .await?
        .into_iter()
        .map(|(o, lines)| OrderView {
            id: o.id,
            date: format::when(o.created_at, tz, lang),
            status: o.status,
            total: format::money(o.total_minor, cur),
            lines: lines
                .into_iter()
                .map(|l| LineView {
                    sku: l.sku,
                    name: l.name,
                    quantity: l.quantity,
                    total: format::money(l.line_total_minor, cur),
                })
                .collect(),
        })
        .collect();
    let recent = db::calls::recent_of_client(&state.db, c.id, 8).await?;
    let ids: Vec<i64> = recent.iter().map(|r| r.id).collect();
    let wraps = db::wrapups::of_calls(&state.db, &ids).await?;
    let custom = db::wrapups::custom_outcomes(&state.db).await?;
    let calls = recent
        .iter()
        .map(|r| {
            let w = wraps.iter().find(|w| w.call_id == Some(r.id));
            CallView {
                id: r.id,
                date: format::when(r.started_at, tz, lang),
                direction: r.direction.clone(),
                state: r.state.clone(),
                outcome: w.map_or_else(String::new, |w| {
                    outcome::label_of(&w.outcome, lang, &custom)
                }),
                note: w.and_then(|w| w.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let tasks = db::tasks::open_of_client(&state.db, c.id)
        .await?
        .into_iter()
        .map(|k| TaskView {
            id: k.id,
            kind: kind_label(t, &k.kind),
            due: format::when(k.due_at, tz, lang),
            reason: opt(&k.reason),
        })
        .collect();
    Ok(ClientCard {
        id: c.id,
        phones: c
            .phones
            .iter()
            .map(|p| PhoneView {
                e164: p.e164.clone(),
                raw: p.raw.clone(),
                label: opt(&p.label),
            })
            .collect(),
        manager,
        tags: c.tags.clone(),
        preferences: opt(&c.preferences),
        notes: opt(&c.notes),
        sells: opt(&c.profile.sells),
        sells_to: opt(&c.profile.sells_to),
        price_segment: opt(&c.profile.price_segment),
        employees: c
            .profile
            .employees
            .map(|e| e.to_string())
            .unwrap_or_default(),
        do_not_call: c.do_not_call,
        address: c.addresses.first().cloned().unwrap_or_default(),
        name: c.name,
        company: opt(&c.company),
        badge,
        orders,
        calls,
        tasks,
    })
}

/// A ringing call as its pop shows it.
pub struct PopView {
    /// The call.
    pub call_id: i64,
    /// Caller kind (client / ambiguous / unknown / anonymous / internal).
    pub kind: String,
    /// Who: the client's name or what kind of caller it is.
    pub name: String,
    /// Company.
    pub company: String,
    /// The number as the PBX sent it (full: the operator may need to call back).
    pub number: String,
    /// Badge.
    pub badge: Option<BadgeView>,
    /// Queue.
    pub queue: String,
    /// When it started ringing.
    pub since: String,
    /// The client's personal manager ("" if none), so the operator can hand the call over.
    pub manager: String,
}

/// Builds the pop of a call.
pub async fn pop(state: &AppState, call: &CallRow, lang: Language) -> AppResult<PopView> {
    let t = super::i18n::desk::texts(lang);
    let mut view = PopView {
        call_id: call.id,
        kind: call.caller_kind.clone(),
        name: String::new(),
        company: String::new(),
        number: call
            .caller_raw
            .clone()
            .or_else(|| call.caller_e164.clone())
            .unwrap_or_default(),
        badge: None,
        queue: opt(&call.queue),
        since: format::when(call.started_at, state.config.time_zone, lang),
        manager: String::new(),
    };
    match (call.client_id, call.caller_kind.as_str()) {
        (Some(id), _) => {
            let c = db::clients::get_client(&state.db, id).await?;
            view.badge = segments::badge_of(&state.db, id, now_ms())
                .await?
                .map(|b| format::badge(&b, t, lang, &state.config.currency));
            if let Some(m) = c.personal_manager_id {
                view.manager = db::users::get_user(&state.db, m)
                    .await
                    .map(|u| u.display_name)
                    .unwrap_or_default();
            }
            view.name = c.name;
            view.company = opt(&c.company);
        }
        (None, "ambiguous") => view.name = t.ambiguous.into(),
        (None, "anonymous") => {
            view.name = t.withheld.into();
            view.number = String::new();
        }
        (None, "internal") => view.name = t.internal.into(),
        _ => view.name = t.unknown_number.into(),
    }
    Ok(view)
}

//! The work page: the order screen of a call (`/operator/calls/{id}`), of a task
//! (`/operator/tasks/{id}`) or of a client without a call (`/operator/clients/{id}`). One
//! template: the call or task header, the client card (or "who is calling?"), the order form
//! and the wrap-up.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    format,
    i18n::desk::Desk,
    order_form::OrderForm,
    shell::{PageUser, Shell},
    views::{self, ClientCard, OrderView},
};
use crate::{
    app::AppState,
    db::{self, audit::Actor, calls::CallRow, tasks::Task},
    error::{AppError, AppPath, AppResult},
    workspace::{self, outcome, wrapup::WrapupInput},
};

/// What the page is about.
#[derive(Clone, Copy)]
pub enum Subject {
    /// A call.
    Call(i64),
    /// A task.
    Task(i64),
    /// A client (an order without a call).
    Client(i64),
}

/// A candidate client on an ambiguous call (or a search result to attach a number to).
pub struct Candidate {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Chosen last time for this number.
    pub chosen: bool,
}

/// A product in the form's catalogue.
pub struct ProductOpt {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Price, formatted.
    pub price: String,
    /// Price in minor units (for the running total in the browser).
    pub price_minor: i64,
}

/// The wrap-up form's state.
#[derive(Default)]
pub struct WrapForm {
    /// (code, label, selected).
    pub outcomes: Vec<(String, String, bool)>,
    /// Note.
    pub note: String,
    /// Callback time (datetime-local).
    pub callback_at: String,
    /// The saved outcome's label, if one was saved.
    pub saved: String,
    /// Error and its field.
    pub error: Option<(String, String)>,
    /// Show the callback time (callback requested is chosen).
    pub show_when: bool,
    /// Show the spam confirmation (spam is chosen).
    pub show_spam: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "work.html")]
struct WorkPage {
    s: Shell,
    t: &'static Desk,
    call: Option<CallRow>,
    call_when: String,
    task: Option<Task>,
    task_kind: &'static str,
    card: Option<ClientCard>,
    candidates: Vec<Candidate>,
    attach_q: String,
    attach: Vec<Candidate>,
    new_client_error: String,
    form: OrderForm,
    catalogue: Vec<ProductOpt>,
    call_orders: Vec<OrderView>,
    wrap: WrapForm,
    wrap_action: String,
    order_client: i64,
    back: String,
    flash: String,
}

impl WorkPage {
    fn wrap_err(&self, field: &str) -> Option<&str> {
        self.wrap
            .error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// Query of the work page.
#[derive(Deserialize, Default)]
pub struct WorkQuery {
    /// Fill the form from this order.
    repeat: Option<i64>,
    /// An order was just saved.
    saved: Option<i64>,
    /// Search for a client to attach the number to.
    q: Option<String>,
}

/// What a re-rendered page carries over from a failed post.
#[derive(Default)]
pub struct Carry {
    /// The order form as posted, with errors.
    pub form: Option<OrderForm>,
    /// The wrap-up as posted, with its error.
    pub wrap: Option<(WrapupInput, AppError)>,
    /// The new-client error.
    pub new_client: Option<AppError>,
}

/// `GET /operator/calls/{id}`.
pub async fn call_page(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Query(q): Query<WorkQuery>,
) -> AppResult<Response> {
    render(&state, &pu, Subject::Call(id), q, Carry::default()).await
}

/// `GET /operator/tasks/{id}`.
pub async fn task_page(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Query(q): Query<WorkQuery>,
) -> AppResult<Response> {
    render(&state, &pu, Subject::Task(id), q, Carry::default()).await
}

/// `GET /operator/clients/{id}`.
pub async fn client_page(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Query(q): Query<WorkQuery>,
) -> AppResult<Response> {
    render(&state, &pu, Subject::Client(id), q, Carry::default()).await
}

/// Renders the work page (also after a failed post, with what was entered).
pub async fn render(
    state: &AppState,
    pu: &PageUser,
    subject: Subject,
    q: WorkQuery,
    carry: Carry,
) -> AppResult<Response> {
    let s = Shell::load(state, pu, "work").await?;
    let (t, lang, tz) = (s.t, pu.lang, state.config.time_zone);
    let (call, task, client_id) = match subject {
        Subject::Call(id) => {
            let c = workspace::call_for(state, &pu.principal, id).await?;
            let client = c.client_id;
            (Some(c), None, client)
        }
        Subject::Task(id) => {
            let k = db::tasks::get_task(&state.db, id).await?;
            let client = k.client_id;
            (None, Some(k), client)
        }
        Subject::Client(id) => (None, None, Some(id)),
    };
    let card = match client_id {
        Some(id) => {
            let c = db::clients::get_client(&state.db, id).await?;
            audit_card(state, pu, id, subject).await?;
            Some(views::client_card(state, c, lang).await?)
        }
        None => None,
    };
    let candidates = match &call {
        Some(c) if c.caller_kind == "ambiguous" && c.client_id.is_none() => {
            candidates(state, c).await?
        }
        _ => Vec::new(),
    };
    let attach_q = q.q.clone().unwrap_or_default();
    let attach = attach_search(state, &attach_q).await?;
    let address = card.as_ref().map(|c| c.address.clone()).unwrap_or_default();
    let mut flash = String::new();
    let form = match (carry.form, q.repeat, client_id) {
        (Some(f), _, _) => f,
        (None, Some(order), Some(client)) => {
            OrderForm::repeat(&state.db, order, client, address).await?
        }
        _ => OrderForm {
            lines: vec![Default::default()],
            delivery_address: address,
            ..OrderForm::default()
        },
    };
    if let Some(id) = q.saved {
        flash = format!("{} #{id}", t.order_saved);
    }
    let catalogue = db::products::active_catalogue(&state.db, 5000)
        .await?
        .into_iter()
        .map(|p| ProductOpt {
            price: format::money(p.price_minor, &state.config.currency),
            price_minor: p.price_minor,
            sku: p.sku,
            name: p.name,
        })
        .collect();
    let call_orders = match &call {
        Some(c) => db::orders::of_call(&state.db, c.id)
            .await?
            .into_iter()
            .map(|o| OrderView {
                id: o.id,
                date: format::when(o.created_at, tz, lang),
                status: o.status,
                total: format::money(o.total_minor, &state.config.currency),
                lines: Vec::new(),
            })
            .collect(),
        None => Vec::new(),
    };
    let wrap_failed = carry.wrap.is_some();
    let wrap = wrap_form(
        state,
        pu,
        call.as_ref(),
        !call_orders.is_empty(),
        carry.wrap,
    )
    .await?;
    let (wrap_action, back) = match subject {
        Subject::Call(id) => (
            format!("/operator/calls/{id}/wrapup"),
            format!("/operator/calls/{id}"),
        ),
        Subject::Task(id) => (
            format!("/operator/tasks/{id}/wrapup"),
            format!("/operator/tasks/{id}"),
        ),
        Subject::Client(id) => (String::new(), format!("/operator/clients/{id}")),
    };
    let status = if carry.new_client.is_some() || wrap_failed || !form.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = WorkPage {
        call_when: call
            .as_ref()
            .map(|c| format::when(c.started_at, tz, lang))
            .unwrap_or_default(),
        task_kind: task.as_ref().map_or("", |k| views::kind_label(t, &k.kind)),
        new_client_error: carry
            .new_client
            .map(|e| super::i18n::errors::of_error(lang, &e).unwrap_or_else(|| e.to_string()))
            .unwrap_or_default(),
        order_client: client_id.unwrap_or(0),
        t,
        s,
        call,
        task,
        card,
        candidates,
        attach_q,
        attach,
        form,
        catalogue,
        call_orders,
        wrap,
        wrap_action,
        back,
        flash,
    };
    Ok((status, page).into_response())
}

async fn wrap_form(
    state: &AppState,
    pu: &PageUser,
    call: Option<&CallRow>,
    has_order: bool,
    carried: Option<(WrapupInput, AppError)>,
) -> AppResult<WrapForm> {
    let custom = db::wrapups::custom_outcomes(&state.db).await?;
    let saved = match call {
        Some(c) => db::wrapups::of_call(&state.db, c.id).await?,
        None => None,
    };
    let (input, error) = match carried {
        Some((i, e)) => {
            let field = match &e {
                AppError::Validation { field, .. } => field.clone().unwrap_or_default(),
                _ => String::new(),
            };
            // Shown next to its field: the message alone, in the operator's language.
            let text = match &e {
                AppError::Validation { message, .. } => {
                    super::i18n::errors::message(pu.lang, message)
                }
                other => super::i18n::errors::of_error(pu.lang, other)
                    .unwrap_or_else(|| other.to_string()),
            };
            (Some(i), Some((field, text)))
        }
        None => (None, None),
    };
    let selected = input
        .as_ref()
        .map(|i| i.outcome.clone())
        .or_else(|| saved.as_ref().map(|w| w.outcome.clone()))
        .or_else(|| has_order.then(|| "order_placed".to_owned()))
        .unwrap_or_default();
    let mut outcomes: Vec<(String, String, bool)> = outcome::ALL
        .iter()
        .filter(|o| call.is_none_or(|c| c.direction == "outbound" || o.code() != "not_reached"))
        .map(|o| {
            (
                o.code().to_owned(),
                o.label(pu.lang).to_owned(),
                o.code() == selected,
            )
        })
        .collect();
    for c in custom.iter().filter(|c| c.active) {
        outcomes.push((c.code.clone(), c.label.clone(), c.code == selected));
    }
    // After a save (`?wrapped=1`) the page shows the saved outcome from the database.
    Ok(WrapForm {
        outcomes,
        note: input
            .as_ref()
            .and_then(|i| i.note.clone())
            .or_else(|| saved.as_ref().and_then(|w| w.note.clone()))
            .unwrap_or_default(),
        callback_at: input.and_then(|i| i.callback_at).unwrap_or_default(),
        saved: saved
            .map(|w| outcome::label_of(&w.outcome, pu.lang, &custom))
            .unwrap_or_default(),
        error,
        show_when: selected == "callback_requested",
        show_spam: selected == "spam",
    })
}

async fn candidates(state: &AppState, call: &CallRow) -> AppResult<Vec<Candidate>> {
    let ids: Vec<i64> = serde_json::from_str(&call.candidates).unwrap_or_default();
    let chosen = match &call.caller_e164 {
        Some(n) => db::wrapups::chosen_client(&state.db, n).await?,
        None => None,
    };
    let mut out = Vec::new();
    for id in ids {
        if let Ok(c) = db::clients::get_client(&state.db, id).await {
            out.push(Candidate {
                id,
                name: c.name,
                company: c.company.unwrap_or_default(),
                chosen: chosen == Some(id),
            });
        }
    }
    // The client chosen last time for this number is offered first.
    out.sort_by_key(|c| !c.chosen);
    Ok(out)
}

pub(super) async fn attach_search(state: &AppState, q: &str) -> AppResult<Vec<Candidate>> {
    let q = q.trim();
    if q.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let filter = if digits.len() >= 4 && digits.len() * 2 >= q.len() {
        db::clients::ClientFilter {
            text: None,
            phone_digits: Some(digits),
        }
    } else {
        db::clients::ClientFilter {
            text: Some(q.to_owned()),
            phone_digits: None,
        }
    };
    let found = db::clients::list_clients(&state.db, &filter, 0, 10).await?;
    Ok(found
        .into_iter()
        .map(|c| Candidate {
            id: c.id,
            name: c.name,
            company: c.company.unwrap_or_default(),
            chosen: false,
        })
        .collect())
}

/// Opening a client card is recorded in the audit log (who, when, which client, why).
async fn audit_card(
    state: &AppState,
    pu: &PageUser,
    client_id: i64,
    subject: Subject,
) -> AppResult<()> {
    let via = match subject {
        Subject::Call(id) => serde_json::json!({ "call_id": id }),
        Subject::Task(id) => serde_json::json!({ "task_id": id }),
        Subject::Client(_) => serde_json::json!({}),
    };
    db::audit::record(
        &state.db,
        Actor::User(pu.user.id),
        "client.card_opened",
        Some(&format!("client:{client_id}")),
        &via,
    )
    .await?;
    Ok(())
}

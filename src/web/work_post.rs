//! The forms of the work page and the worklist: saving an order, an outcome, a new client or
//! the choice of who is calling; taking and giving back a task. A form that fails validation
//! renders the page again with what was entered and the error next to its field (422).

use axum::{
    Form,
    body::Bytes,
    extract::State,
    response::{IntoResponse, Redirect, Response},
};

use super::{
    order_form::OrderForm,
    shell::PageUser,
    work::{self, Carry, Subject},
};
use crate::{
    app::AppState,
    db,
    error::{AppError, AppPath, AppResult},
    orders,
    workspace::{
        self,
        caller::{ChooseInput, NewCallerInput},
        wrapup::{self, WrapupInput},
    },
};

fn is_form_error(e: &AppError) -> bool {
    matches!(e, AppError::Validation { .. } | AppError::Conflict { .. })
}

/// `POST /operator/orders`: the order form of any work page.
pub async fn save_order(
    State(state): State<AppState>,
    pu: PageUser,
    body: Bytes,
) -> AppResult<Response> {
    let (mut form, hidden) = OrderForm::parse(&body);
    let field = |name: &str| {
        hidden
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let client_id: i64 = field("client_id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::invalid("client_id", "missing"))?;
    let call_id: Option<i64> = field("call_id").and_then(|v| v.parse().ok());
    let back = field("back").unwrap_or_default().to_owned();
    let subject = subject_of(&back, call_id, client_id)?;
    let call = match call_id {
        Some(id) => Some(workspace::call_for(&state, &pu.principal, id).await?),
        None => None,
    };
    let placed = match form.to_input(&state.db, client_id, call_id).await {
        Ok(input) => {
            orders::place_order(&state.db, &state.config.currency, Some(pu.user.id), input).await
        }
        Err(e) => Err(e),
    };
    match placed {
        Ok(order_id) => {
            if let Some(c) = &call {
                wrapup::order_taken_on_call(&state, &pu.user, c, order_id).await?;
            }
            Ok(Redirect::to(&format!("{back}?saved={order_id}")).into_response())
        }
        Err(AppError::Validation { field, message }) => {
            // Shown next to its field or line, in the operator's language.
            let message = super::i18n::errors::message(pu.lang, &message);
            form.errors
                .push((field.unwrap_or_else(|| "lines".into()), message));
            if form.lines.is_empty() {
                form.lines.push(Default::default());
            }
            let carry = Carry {
                form: Some(form),
                ..Carry::default()
            };
            work::render(&state, &pu, subject, Default::default(), carry).await
        }
        Err(e) => Err(e),
    }
}

/// Which work page a form came from (only our own paths, never an open redirect).
fn subject_of(back: &str, call_id: Option<i64>, client_id: i64) -> AppResult<Subject> {
    let id_after = |prefix: &str| {
        back.strip_prefix(prefix)
            .and_then(|r| r.parse::<i64>().ok())
    };
    if let Some(id) = id_after("/operator/calls/") {
        if call_id == Some(id) {
            return Ok(Subject::Call(id));
        }
    } else if let Some(id) = id_after("/operator/tasks/") {
        return Ok(Subject::Task(id));
    } else if id_after("/operator/clients/") == Some(client_id) {
        return Ok(Subject::Client(client_id));
    }
    Err(AppError::invalid("back", "not a work page"))
}

/// `POST /operator/calls/{id}/wrapup`.
pub async fn call_wrapup(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Form(input): Form<WrapupInput>,
) -> AppResult<Response> {
    let call = workspace::call_for(&state, &pu.principal, id).await?;
    match wrapup::wrap_up_call(&state, &pu.user, &call, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/operator/calls/{id}?wrapped=1")).into_response()),
        Err(e) if is_form_error(&e) => {
            let carry = Carry {
                wrap: Some((input, e)),
                ..Carry::default()
            };
            work::render(&state, &pu, Subject::Call(id), Default::default(), carry).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /operator/tasks/{id}/wrapup`: back to the worklist when done.
pub async fn task_wrapup(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Form(input): Form<WrapupInput>,
) -> AppResult<Response> {
    let task = db::tasks::get_task(&state.db, id).await?;
    match wrapup::wrap_up_task(&state, &pu.user, &task, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/operator/worklist?done={id}")).into_response()),
        Err(e) if is_form_error(&e) => {
            let carry = Carry {
                wrap: Some((input, e)),
                ..Carry::default()
            };
            work::render(&state, &pu, Subject::Task(id), Default::default(), carry).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /operator/calls/{id}/new-client`.
pub async fn new_client(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Form(input): Form<NewCallerInput>,
) -> AppResult<Response> {
    let call = workspace::call_for(&state, &pu.principal, id).await?;
    match workspace::caller::create(&state, &pu.user, &call, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/operator/calls/{id}")).into_response()),
        Err(e) if is_form_error(&e) => {
            let carry = Carry {
                new_client: Some(e),
                ..Carry::default()
            };
            work::render(&state, &pu, Subject::Call(id), Default::default(), carry).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /operator/calls/{id}/choose`: who is calling (a shared number, or attaching an
/// unknown number to a client found by search).
pub async fn choose(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
    Form(input): Form<ChooseInput>,
) -> AppResult<Response> {
    let call = workspace::call_for(&state, &pu.principal, id).await?;
    workspace::caller::choose(&state, &pu.user, &call, input.client_id).await?;
    Ok(Redirect::to(&format!("/operator/calls/{id}")).into_response())
}

/// `POST /operator/tasks/{id}/take`.
pub async fn take(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Response> {
    match workspace::tasks::claim(&state, &pu.user, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/operator/tasks/{id}")).into_response()),
        Err(AppError::Conflict { .. }) => {
            Ok(Redirect::to(&format!("/operator/worklist?taken={id}")).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /operator/tasks/{id}/release`.
pub async fn release(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Response> {
    workspace::tasks::release(&state, &pu.user, id).await?;
    Ok(Redirect::to("/operator/worklist").into_response())
}

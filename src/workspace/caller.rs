//! Saying who is calling: choosing among the clients that share a number (remembered for the
//! number, offered first next time), attaching an unknown number to an existing client, or
//! creating the client from the pop.

use serde::Deserialize;
use serde_json::json;

use crate::{
    api::{client_input::ClientInput, clients::validated},
    app::AppState,
    auth::SessionUser,
    db::{self, calls::CallRow},
    domain::time::now_ms,
    error::{AppError, AppResult},
};

/// How the operator identified the caller.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChooseInput {
    /// The client.
    pub client_id: i64,
}

/// The client created from an unknown caller's pop.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCallerInput {
    /// Name (required).
    pub name: String,
    /// Company.
    #[serde(default)]
    pub company: Option<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Says which client is calling. For a shared number the client must be one of the
/// candidates, and the choice is remembered for the number. For an unknown number the number
/// is added to that client's phones, so the next call matches at once.
pub async fn choose(
    state: &AppState,
    user: &SessionUser,
    call: &CallRow,
    client_id: i64,
) -> AppResult<()> {
    let number = call
        .caller_e164
        .as_deref()
        .ok_or_else(|| AppError::invalid("client_id", "this call has no caller number"))?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    match call.caller_kind.as_str() {
        "ambiguous" => {
            let candidates: Vec<i64> = serde_json::from_str(&call.candidates).unwrap_or_default();
            if !candidates.contains(&client_id) {
                return Err(AppError::invalid(
                    "client_id",
                    "not one of the clients that share this number",
                ));
            }
            db::wrapups::choose_client_for_number(&mut tx, number, client_id, user.id, now).await?;
        }
        "unknown" | "client" => {
            let raw = call.caller_raw.as_deref().unwrap_or(number);
            db::clients::add_phone(&mut tx, client_id, number, raw)
                .await
                .map_err(|e| match e {
                    db::DbError::NotFound(_) => AppError::invalid("client_id", "no such client"),
                    e => e.into(),
                })?;
        }
        _ => {
            return Err(AppError::invalid(
                "client_id",
                "withheld and internal callers cannot be assigned",
            ));
        }
    }
    db::wrapups::set_call_client(&mut tx, call.id, client_id, now).await?;
    tx.commit().await?;
    state.callers.clear();
    Ok(())
}

/// Creates a client with the caller's number and links the call to it; returns its id.
pub async fn create(
    state: &AppState,
    user: &SessionUser,
    call: &CallRow,
    input: NewCallerInput,
) -> AppResult<i64> {
    if call.caller_kind != "unknown" {
        return Err(AppError::Conflict {
            message: "this caller is already known".into(),
            field: None,
        });
    }
    let number = call
        .caller_e164
        .as_deref()
        .ok_or_else(|| AppError::invalid("name", "this call has no caller number"))?;
    let client: ClientInput = serde_json::from_value(json!({
        "name": input.name,
        "company": input.company.filter(|c| !c.trim().is_empty()),
        "notes": input.notes.filter(|n| !n.trim().is_empty()),
        "phones": [number],
    }))
    .map_err(|e| AppError::invalid("name", e.to_string()))?;
    let draft = validated(state, client).await?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let id = db::clients::insert_client(&mut tx, &draft).await?;
    db::wrapups::set_call_client(&mut tx, call.id, id, now).await?;
    tx.commit().await?;
    state.callers.clear();
    tracing::info!(
        call_id = call.id,
        client_id = id,
        user_id = user.id,
        "client created from a call"
    );
    Ok(id)
}

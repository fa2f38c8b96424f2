//! Logging an outcome (wrap-up) for a call or for an attempt at a task, with the side effects
//! of the system outcomes: a callback task, the block list, closing or re-scheduling a task.

use chrono::{NaiveDateTime, TimeZone};
use serde::Deserialize;

use super::outcome::{Outcome, SystemOutcome};
use crate::{
    app::AppState,
    auth::SessionUser,
    db::{
        self,
        calls::CallRow,
        tasks::{NewTask, Task},
        wrapups::{NewWrapup, Wrapup},
    },
    domain::time::{Millis, now_ms},
    error::{AppError, AppResult},
};

/// Longest note.
pub const MAX_NOTE: usize = 2000;

/// A wrap-up as entered (the form and the JSON API).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrapupInput {
    /// A system outcome code or an active custom one.
    pub outcome: String,
    /// The note.
    #[serde(default)]
    pub note: Option<String>,
    /// For "callback requested": when, as RFC 3339 or the form's local `YYYY-MM-DDTHH:MM`
    /// (in the business time zone).
    #[serde(default)]
    pub callback_at: Option<String>,
    /// For "spam": the operator confirmed that the number goes on the block list.
    #[serde(default)]
    pub confirm_spam: Option<String>,
}

impl WrapupInput {
    fn confirmed_spam(&self) -> bool {
        matches!(
            self.confirm_spam.as_deref(),
            Some("1" | "true" | "on" | "yes")
        )
    }
}

/// Checks an outcome code against the system outcomes and the active custom ones.
pub async fn parse_outcome(state: &AppState, code: &str) -> AppResult<Outcome> {
    let code = code.trim();
    if let Some(s) = SystemOutcome::parse(code) {
        return Ok(Outcome::System(s));
    }
    let custom = db::wrapups::custom_outcomes(&state.db).await?;
    if custom.iter().any(|c| c.active && c.code == code) {
        return Ok(Outcome::Custom(code.to_owned()));
    }
    Err(AppError::invalid("outcome", "choose an outcome"))
}

fn clean_note(note: Option<&str>) -> AppResult<Option<String>> {
    let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if n.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(
            "note",
            format!("at most {MAX_NOTE} characters"),
        ));
    }
    if n.contains('\0') {
        return Err(AppError::invalid(
            "note",
            "must not contain a NUL character",
        ));
    }
    Ok(Some(n.to_owned()))
}

/// Reads the callback time: RFC 3339, or a local date and time in the business time zone.
pub fn parse_when(state: &AppState, raw: Option<&str>, now: Millis) -> AppResult<Millis> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AppError::invalid("callback_at", "say when to call back"))?;
    let at = match chrono::DateTime::parse_from_rfc3339(raw) {
        Ok(t) => t.timestamp_millis(),
        Err(_) => {
            let naive = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
                .map_err(|_| AppError::invalid("callback_at", "expected a date and time"))?;
            state
                .config
                .time_zone
                .from_local_datetime(&naive)
                .earliest()
                .ok_or_else(|| AppError::invalid("callback_at", "that time does not exist here"))?
                .timestamp_millis()
        }
    };
    if at < now - 5 * 60_000 || at > now + 90 * 86_400_000 {
        return Err(AppError::invalid(
            "callback_at",
            "must be between now and 90 days ahead",
        ));
    }
    Ok(at)
}

/// Saves the outcome of a call (again: corrects it) and applies its side effects.
pub async fn wrap_up_call(
    state: &AppState,
    user: &SessionUser,
    call: &CallRow,
    input: &WrapupInput,
) -> AppResult<Wrapup> {
    let now = now_ms();
    let outcome = parse_outcome(state, &input.outcome).await?;
    let note = clean_note(input.note.as_deref())?;
    if call.state == "ringing" {
        return Err(AppError::Conflict {
            message: "the call is still ringing".into(),
            field: None,
        });
    }
    let mut tx = state.db.begin().await?;
    let order_id = db::wrapups::order_of_call(&mut tx, call.id).await?;
    let mut follow_up_id = None;
    match outcome {
        Outcome::System(SystemOutcome::OrderPlaced) if order_id.is_none() => {
            return Err(AppError::invalid(
                "outcome",
                "no order was saved on this call",
            ));
        }
        Outcome::System(SystemOutcome::NotReached) if call.direction == "inbound" => {
            return Err(AppError::invalid(
                "outcome",
                "\"not reached\" is for calls you placed",
            ));
        }
        Outcome::System(SystemOutcome::CallbackRequested) => {
            let number = number_of(call)?;
            let due_at = parse_when(state, input.callback_at.as_deref(), now)?;
            let task = NewTask {
                kind: "requested",
                number_e164: number,
                client_id: call.client_id,
                reason: note.as_deref().or(Some("callback requested")),
                due_at,
                assigned_to: Some(user.id),
                call_id: Some(call.id),
            };
            follow_up_id = Some(db::tasks::insert_task(&mut tx, &task, now).await?);
        }
        Outcome::System(SystemOutcome::Spam) if !input.confirmed_spam() => {
            return Err(AppError::invalid(
                "confirm_spam",
                "confirm that this number goes on the block list",
            ));
        }
        _ => {}
    }
    let wrapup_seconds = Some(match call.ended_at {
        Some(end) => ((now - end) / 1000).clamp(0, state.config.workspace.wrapup_cap_seconds),
        // Wrapped up while still talking: no time after the hang-up.
        None => 0,
    });
    let w = NewWrapup {
        call_id: Some(call.id),
        task_id: None,
        client_id: call.client_id,
        operator_id: user.id,
        outcome: outcome.code(),
        note: note.as_deref(),
        order_id,
        follow_up_id,
        wrapup_seconds,
    };
    let saved = db::wrapups::upsert_call_wrapup(&mut tx, &w, now).await?;
    tx.commit().await?;
    if outcome == Outcome::System(SystemOutcome::Spam) {
        block(state, user, number_of(call)?, now).await?;
    }
    Ok(saved)
}

/// Records "order placed" on the call an order was just taken on, unless an outcome was
/// already logged (the operator may still add a note).
pub async fn order_taken_on_call(
    state: &AppState,
    user: &SessionUser,
    call: &CallRow,
    order_id: i64,
) -> AppResult<()> {
    if db::wrapups::of_call(&state.db, call.id).await?.is_some() {
        return Ok(());
    }
    let now = now_ms();
    let w = NewWrapup {
        call_id: Some(call.id),
        task_id: None,
        client_id: call.client_id,
        operator_id: user.id,
        outcome: SystemOutcome::OrderPlaced.code(),
        note: None,
        order_id: Some(order_id),
        follow_up_id: None,
        wrapup_seconds: call
            .ended_at
            .map(|end| ((now - end) / 1000).clamp(0, state.config.workspace.wrapup_cap_seconds)),
    };
    let mut tx = state.db.begin().await?;
    db::wrapups::upsert_call_wrapup(&mut tx, &w, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Logs an attempt at a task: a reached client closes it, "not reached" brings it back later
/// (and closes it after the configured number of tries).
pub async fn wrap_up_task(
    state: &AppState,
    user: &SessionUser,
    task: &Task,
    input: &WrapupInput,
) -> AppResult<Wrapup> {
    let now = now_ms();
    if task.status != "open" {
        return Err(AppError::Conflict {
            message: "this task is already closed".into(),
            field: None,
        });
    }
    super::tasks::claim(state, user, task.id).await?;
    let outcome = parse_outcome(state, &input.outcome).await?;
    let note = clean_note(input.note.as_deref())?;
    let cfg = &state.config.workspace;
    let mut tx = state.db.begin().await?;
    let mut follow_up_id = None;
    let close_reason = match &outcome {
        Outcome::System(SystemOutcome::NotReached) => {
            (task.operator_attempts + 1 >= cfg.max_attempts).then_some("not_reached")
        }
        Outcome::System(SystemOutcome::CallbackRequested) => {
            let due_at = parse_when(state, input.callback_at.as_deref(), now)?;
            let follow = NewTask {
                kind: "requested",
                number_e164: &task.number_e164,
                client_id: task.client_id,
                reason: note.as_deref().or(Some("callback requested")),
                due_at,
                assigned_to: Some(user.id),
                call_id: None,
            };
            follow_up_id = Some(db::tasks::insert_task(&mut tx, &follow, now).await?);
            Some("callback_requested")
        }
        Outcome::System(SystemOutcome::Spam) if !input.confirmed_spam() => {
            return Err(AppError::invalid(
                "confirm_spam",
                "confirm that this number goes on the block list",
            ));
        }
        other => Some(other.code()),
    };
    db::tasks::record_attempt(
        &mut tx,
        task.id,
        outcome.code(),
        close_reason,
        now + cfg.retry_after_ms,
        now,
    )
    .await?;
    let w = NewWrapup {
        call_id: None,
        task_id: Some(task.id),
        client_id: task.client_id,
        operator_id: user.id,
        outcome: outcome.code(),
        note: note.as_deref(),
        order_id: None,
        follow_up_id,
        wrapup_seconds: None,
    };
    let saved = db::wrapups::insert_task_wrapup(&mut tx, &w, now).await?;
    tx.commit().await?;
    if outcome == Outcome::System(SystemOutcome::Spam) {
        block(state, user, &task.number_e164, now).await?;
    }
    Ok(saved)
}

fn number_of(call: &CallRow) -> AppResult<&str> {
    call.caller_e164.as_deref().ok_or_else(|| {
        AppError::invalid(
            "outcome",
            "the caller's number is unknown (withheld or internal)",
        )
    })
}

async fn block(state: &AppState, user: &SessionUser, number: &str, now: Millis) -> AppResult<()> {
    db::blocked::block(
        &state.db,
        number,
        Some("spam (operator)"),
        Some(user.id),
        now,
    )
    .await?;
    state.callers.clear();
    Ok(())
}

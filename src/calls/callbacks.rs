//! Missed calls become callback tasks — one open task per number, however many times they
//! tried — and every open task of a number closes when a call with that number is answered,
//! inbound or outbound.

use serde_json::json;

use super::{
    service::{Before, PendingLive},
    state::{CallState, State},
};
use crate::{
    config::CallsConfig,
    db::{DbResult, callbacks, callbacks::Callback, calls::CallHead, direct::BatchTx},
    domain::time::rfc3339,
    ingest::Direction,
};

/// The numbers of a batch that have an open task, read once per batch and kept up to date as
/// the batch opens and closes tasks: most calls have none, and then no task query runs.
pub type OpenNumbers = std::collections::HashSet<String>;

/// Creates, counts or closes tasks for what this batch changed about the call.
#[allow(clippy::too_many_arguments)]
pub async fn on_change(
    tx: &mut BatchTx<'_>,
    head: &CallHead,
    before: &Before,
    s: &CallState,
    cfg: &CallsConfig,
    now: i64,
    open: &mut OpenNumbers,
    live: &mut Vec<PendingLive>,
) -> DbResult<()> {
    // Anonymous and internal callers have no number here; blocked calls never become missed.
    let Some(number) = head.caller_e164.as_deref() else {
        return Ok(());
    };
    // "Became missed" for its number: the state changed, or the number is new (the call was
    // missed before its ring named the caller).
    let became_missed =
        s.state == State::Missed && (before.state != Some(State::Missed) || !before.had_number);
    if became_missed && s.direction == Direction::Inbound && creates_task(s, cfg) {
        let existing = match open.contains(number) {
            true => callbacks::open_missed_for_number(tx, number).await?,
            false => None,
        };
        let task = match existing {
            Some(task) => {
                callbacks::add_attempt(tx, task.id, 1, head.id, head.client_id, now).await?
            }
            None => callbacks::insert_missed(tx, number, head.client_id, head.id, now).await?,
        };
        open.insert(number.to_owned());
        let kind = if task.attempts == 1 {
            "callback.created"
        } else {
            "callback.updated"
        };
        live.push(task_event(kind, &task, &s.extensions));
    }
    if before.state == Some(State::Missed)
        && before.had_number
        && s.state != State::Missed
        && open.contains(number)
    {
        take_back_attempt(tx, number, head.id, now, &s.extensions, live).await?;
    }
    if (!before.answered || !before.had_number) && s.answered_at.is_some() && open.remove(number) {
        for task in callbacks::close_open_for_number(tx, number, head.id, "reached", now).await? {
            live.push(task_event("callback.closed", &task, &s.extensions));
        }
    }
    Ok(())
}

/// Events delivered out of order made the call look missed until the rest arrived (its answer,
/// say): the attempt it added to its number's task is taken back, and a task that it alone
/// opened is closed as not missed.
async fn take_back_attempt(
    tx: &mut BatchTx<'_>,
    number: &str,
    call_id: i64,
    now: i64,
    extensions: &[String],
    live: &mut Vec<PendingLive>,
) -> DbResult<()> {
    let Some(open) = callbacks::open_missed_for_number(tx, number).await? else {
        return Ok(());
    };
    if open.last_call_id != Some(call_id) {
        return Ok(());
    }
    let task = callbacks::add_attempt(tx, open.id, -1, call_id, None, now).await?;
    if task.attempts > 0 {
        live.push(task_event("callback.updated", &task, extensions));
    } else {
        let task = callbacks::close_callback(tx, task.id, "not_missed", now).await?;
        live.push(task_event("callback.closed", &task, extensions));
    }
    Ok(())
}

/// Whether a missed call makes a task: short abandons (the caller hung up within a few
/// seconds, maybe a mis-dial) only when the setting says so.
fn creates_task(s: &CallState, cfg: &CallsConfig) -> bool {
    let short = s
        .wait_seconds()
        .is_some_and(|w| w < cfg.short_abandon_seconds);
    !short || cfg.short_abandons_create_callbacks
}

/// A task event goes where the call that made or closed it went: to the phones that rang (and
/// to managers), or to every ready operator when it rang none. Everybody else's worklist learns
/// of it through the hub's coalesced `worklist.changed` tick: sending every missed call to
/// hundreds of desks was most of the server's work under load (docs/BENCHMARKS.md).
fn task_event(kind: &'static str, t: &Callback, extensions: &[String]) -> PendingLive {
    PendingLive {
        kind,
        call_id: t.last_call_id,
        extensions: extensions.to_vec(),
        broadcast: extensions.is_empty(),
        data: json!({
            "callback_id": t.id,
            "kind": t.kind,
            "status": t.status,
            "number": t.number_e164,
            "client_id": t.client_id,
            "attempts": t.attempts,
            "call_id": t.last_call_id,
            "due_at": rfc3339(t.due_at),
            "close_reason": t.close_reason,
            "extensions": extensions,
        }),
    }
}

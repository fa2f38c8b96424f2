//! Applying one event to its call, inside the writer's transaction: store the event (or count
//! a redelivery), recompute the call from all its events with the pure state machine, rewrite
//! the call, and turn what changed into callback work and live events.

use serde_json::{Value, json};

use super::{
    callbacks,
    state::{self, CallState, State, TimedEvent},
};
use crate::{
    config::CallsConfig,
    db::{
        DbResult, Tx,
        calls::{self, CallHead, Derived, NewCall, NewEvent},
    },
    domain::time::rfc3339,
    ingest::{CallEvent, Direction},
    matching::{CallerMatch, MatchKind},
};

/// An event ready for the database: deduplication key, effective time and caller match
/// already worked out by the webhook handler (outside the transaction).
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The event.
    pub event: CallEvent,
    /// The idempotency key.
    pub event_id: String,
    /// Effective time (the PBX's, or arrival).
    pub at: i64,
    /// Arrival time.
    pub received_at: i64,
    /// The client's number as sent.
    pub caller_raw: Option<String>,
    /// Who the client's number belongs to.
    pub caller: CallerMatch,
    /// The number is on the block list.
    pub blocked: bool,
}

/// What happened to one event.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The call it belongs to.
    pub call_id: i64,
    /// It was a redelivery: nothing changed.
    pub duplicate: bool,
    /// The call's state afterwards.
    pub state: State,
}

/// A live event to append to the outbox.
#[derive(Clone, Debug)]
pub struct PendingLive {
    /// Its kind.
    pub kind: &'static str,
    /// The call.
    pub call_id: Option<i64>,
    /// Extensions it concerns.
    pub extensions: Vec<String>,
    /// For every ready operator.
    pub broadcast: bool,
    /// The payload.
    pub data: Value,
}

/// Applies one event. `now` is the batch's clock.
pub async fn apply(
    tx: &mut Tx,
    source_id: &str,
    p: &Prepared,
    cfg: &CallsConfig,
    now: i64,
    live: &mut Vec<PendingLive>,
) -> DbResult<Outcome> {
    let (head, created) = find_or_create(tx, source_id, p, now).await?;
    let data = serde_json::to_string(&p.event).map_err(|e| anyhow::anyhow!(e))?;
    let new_event = NewEvent {
        call_id: head.id,
        source_id,
        event_id: &p.event_id,
        kind: p.event.kind.as_str(),
        at: p.at,
        received_at: p.received_at,
        data: &data,
        raw: &p.event.raw,
    };
    if calls::insert_event(tx, &new_event).await?.is_none() {
        let call_id = calls::count_duplicate(tx, source_id, &p.event_id).await?;
        metrics::counter!("call_events_duplicate_total").increment(1);
        return Ok(Outcome {
            call_id,
            duplicate: true,
            state: State::parse(&head.state).unwrap_or(State::Ringing),
        });
    }
    let (derived, rows) = recompute(tx, &head).await?;
    write_derived(tx, head.id, &derived, rows, now).await?;
    let before = Before::of(&head, created);
    callbacks::on_change(tx, &head, &before, &derived, cfg, now, live).await?;
    announce(&head, &before, &derived, source_id, p, live);
    Ok(Outcome {
        call_id: head.id,
        duplicate: false,
        state: derived.state,
    })
}

async fn find_or_create(
    tx: &mut Tx,
    source_id: &str,
    p: &Prepared,
    now: i64,
) -> DbResult<(CallHead, bool)> {
    let pbx = p.event.pbx_call_id.as_str();
    let candidates: Vec<i64> = p.caller.matches.iter().map(|m| m.client_id).collect();
    let candidates = serde_json::to_string(&candidates).unwrap_or_else(|_| "[]".into());
    let new = new_call(source_id, p, &candidates, now);
    let (head, created) = calls::upsert_call(tx, &new).await?;
    // Events may arrive in any order: the first to name the caller sets it.
    if !created && head.caller_raw.is_none() && p.caller_raw.is_some() {
        calls::fill_caller(tx, head.id, &new).await?;
        let head = calls::find_call_for_update(tx, source_id, pbx)
            .await?
            .ok_or(crate::db::DbError::NotFound("call"))?;
        return Ok((head, false));
    }
    Ok((head, created))
}

/// The call an event starts (or the caller it names, for a call started without one).
fn new_call<'a>(source_id: &'a str, p: &'a Prepared, candidates: &'a str, now: i64) -> NewCall<'a> {
    let direction = p.event.direction.unwrap_or_default();
    let did = match direction {
        Direction::Inbound => p.event.to.as_deref(),
        Direction::Outbound => p.event.from.as_deref(),
    };
    let ids = &p.caller.matches;
    NewCall {
        source_id,
        pbx_call_id: p.event.pbx_call_id.as_str(),
        direction: direction.as_str(),
        state: if p.blocked { "blocked" } else { "ringing" },
        caller_raw: p.caller_raw.as_deref(),
        caller_e164: p
            .caller
            .number
            .as_deref()
            .filter(|_| p.caller.kind != MatchKind::Internal),
        caller_kind: kind_str(p.caller.kind),
        client_id: (ids.len() == 1).then(|| ids[0].client_id),
        candidates,
        did,
        started_at: p.at,
        now,
    }
}

/// Re-derives the call from every stored event.
async fn recompute(tx: &mut Tx, head: &CallHead) -> DbResult<(CallState, Vec<(i64, bool, bool)>)> {
    let rows = calls::events_of_call(tx, head.id).await?;
    let timed: Vec<TimedEvent> = rows
        .iter()
        .filter_map(|r| {
            serde_json::from_str::<CallEvent>(&r.data)
                .ok()
                .map(|event| TimedEvent {
                    at: r.at,
                    seq: r.id,
                    event,
                })
        })
        .collect();
    let blocked = head.state == "blocked";
    let (derived, late) =
        state::derive(&timed, blocked).ok_or(crate::db::DbError::NotFound("call events"))?;
    let flags = rows
        .iter()
        .zip(late)
        .map(|(r, l)| (r.id, r.late, l))
        .collect();
    Ok((derived, flags))
}

async fn write_derived(
    tx: &mut Tx,
    call_id: i64,
    s: &CallState,
    flags: Vec<(i64, bool, bool)>,
    now: i64,
) -> DbResult<()> {
    for (id, was, is) in &flags {
        if was != is {
            calls::set_event_late(tx, *id, *is).await?;
        }
    }
    let extensions = serde_json::to_string(&s.extensions).unwrap_or_else(|_| "[]".into());
    let d = Derived {
        state: s.state.as_str(),
        direction: s.direction.as_str(),
        forwarded: s.forwarded,
        transferred: s.transferred,
        queue: s.queue.as_deref(),
        extensions: &extensions,
        answered_extension: s.answered_extension.as_deref(),
        cause: s.cause.map(|c| c.as_str()),
        recording_url: s.recording_url.as_deref(),
        forwarded_from: s.forwarded_from.as_deref(),
        started_at: s.started_at,
        answered_at: s.answered_at,
        ended_at: s.ended_at,
        wait_seconds: s.wait_seconds(),
        talk_seconds: s.talk_seconds(),
        event_count: flags.len() as i64,
        now,
    };
    calls::update_derived(tx, call_id, &d).await
}

/// What the call looked like before this event.
pub struct Before {
    /// Whether this event created the call.
    pub created: bool,
    /// The stored state.
    pub state: Option<State>,
    /// Extensions that had rung.
    pub extensions: Vec<String>,
    /// Whether it had been answered.
    pub answered: bool,
    /// Whether it had ended.
    pub ended: bool,
}

impl Before {
    fn of(head: &CallHead, created: bool) -> Self {
        Before {
            created,
            state: if created {
                None
            } else {
                State::parse(&head.state)
            },
            extensions: if created {
                Vec::new()
            } else {
                serde_json::from_str(&head.extensions).unwrap_or_default()
            },
            answered: !created && head.answered_at.is_some(),
            ended: !created && head.ended_at.is_some(),
        }
    }
}

/// Live events for what changed: a new ring (or new phones ringing), an answer (which
/// withdraws the pop from the others), an end.
fn announce(
    head: &CallHead,
    before: &Before,
    s: &CallState,
    source_id: &str,
    p: &Prepared,
    live: &mut Vec<PendingLive>,
) {
    if s.state == State::Blocked {
        return;
    }
    let new_ring = before.created || s.extensions.iter().any(|x| !before.extensions.contains(x));
    // An inbound call that rang no extension popped up at every ready operator: its answer and
    // end must reach them all too, even though the answer names an extension. An outbound call
    // concerns only the operator who placed it.
    let broadcast = s.direction == Direction::Inbound
        && (s.extensions.is_empty() || (!before.created && before.extensions.is_empty()));
    let mut push = |kind: &'static str| {
        live.push(PendingLive {
            kind,
            call_id: Some(head.id),
            extensions: s.extensions.clone(),
            broadcast,
            data: call_payload(head, source_id, s, p),
        });
    };
    if new_ring && s.answered_at.is_none() && !s.is_ended() {
        push("call.ringing");
    }
    if !before.answered && s.answered_at.is_some() && !before.ended {
        push("call.answered");
    }
    if !before.ended && s.is_ended() {
        push("call.ended");
    }
}

/// The live payload of a call. The caller comes from this event's match when it has one, else
/// from what the call stored at its first event (e.g. for the sweeper's time-out).
fn call_payload(head: &CallHead, source_id: &str, s: &CallState, p: &Prepared) -> Value {
    let (number, kind) = match &p.caller.number {
        Some(n) => (Some(n.as_str()), kind_str(p.caller.kind)),
        None => (head.caller_e164.as_deref(), head.caller_kind.as_str()),
    };
    json!({
        "call_id": head.id,
        "source": source_id,
        "pbx_call_id": p.event.pbx_call_id,
        "state": s.state,
        "direction": s.direction,
        "caller": {
            "number": number,
            "raw": p.caller_raw,
            "kind": kind,
            "client_id": head.client_id,
            "display_name": p.caller.display_name(),
            "matches": p.caller.matches,
        },
        "extensions": s.extensions,
        "extension": s.answered_extension,
        "queue": s.queue,
        "started_at": rfc3339(s.started_at),
        "answered_at": s.answered_at.map(rfc3339),
        "ended_at": s.ended_at.map(rfc3339),
        "cause": s.cause,
    })
}

/// Stored text of a match kind.
pub fn kind_str(k: MatchKind) -> &'static str {
    match k {
        MatchKind::Client => "client",
        MatchKind::Ambiguous => "ambiguous",
        MatchKind::Unknown => "unknown",
        MatchKind::Anonymous => "anonymous",
        MatchKind::Internal => "internal",
    }
}

//! Live events for what a batch changed about a call: a new ring (or new phones ringing), an
//! answer (which withdraws the pop from the other phones), an end.

use serde_json::{Value, json};

use super::{
    service::{Before, PendingLive, Prepared},
    state::{CallState, State},
};
use crate::{db::calls::CallHead, domain::time::rfc3339, ingest::Direction, matching::MatchKind};

/// Live events for what changed: a new ring (or new phones ringing), an answer (which
/// withdraws the pop from the others), a transfer of an answered call to a phone that had not
/// rung (which pops it there), an end.
pub fn announce(
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
    if new_ring && before.answered && s.transferred && !s.is_ended() {
        push("call.transferred");
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

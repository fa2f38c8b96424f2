//! The call state machine: a pure function from a call's events to its state.
//!
//! PBXs deliver events twice, late and out of order, so the state is not updated in place: it
//! is recomputed from all the call's events, ordered by their own time (`at`; the arrival time
//! when the PBX sent none), with [`CallState::apply`] folding them one by one. An `answered`
//! that arrived before its `ringing` is merged when the `ringing` arrives; an event after the
//! call's end is kept in the timeline (marked late) but never reopens the call.

use serde::Serialize;

use crate::ingest::{CallEvent, Direction, EventKind, HangupCause};

/// Where a call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Phones ring; nobody answered yet.
    Ringing,
    /// Someone answered; not ended yet.
    Answered,
    /// Ended after being answered, or forwarded away before anyone answered.
    Completed,
    /// Ended without being answered (and not forwarded).
    Missed,
    /// The caller is on the block list.
    Blocked,
}

impl State {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ringing => "ringing",
            State::Answered => "answered",
            State::Completed => "completed",
            State::Missed => "missed",
            State::Blocked => "blocked",
        }
    }

    /// Parses stored text.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ringing" => State::Ringing,
            "answered" => State::Answered,
            "completed" => State::Completed,
            "missed" => State::Missed,
            "blocked" => State::Blocked,
            _ => return None,
        })
    }
}

/// An event as stored: its effective time and its arrival order (the tie-breaker).
#[derive(Clone, Debug)]
pub struct TimedEvent {
    /// Effective time (ms).
    pub at: i64,
    /// Arrival order (the event row id).
    pub seq: i64,
    /// The event.
    pub event: CallEvent,
}

/// Everything derived about a call from its events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallState {
    /// Where the call is.
    pub state: State,
    /// Inbound or outbound (from the first event that says).
    pub direction: Direction,
    /// First ring (or the first event's time).
    pub started_at: i64,
    /// When it was answered.
    pub answered_at: Option<i64>,
    /// When it ended.
    pub ended_at: Option<i64>,
    /// Every extension that rang, in order.
    pub extensions: Vec<String>,
    /// The extension that answered (or, after a transfer, has the call now).
    pub answered_extension: Option<String>,
    /// Why it ended.
    pub cause: Option<HangupCause>,
    /// Forwarded away (not missed).
    pub forwarded: bool,
    /// Transferred to another extension.
    pub transferred: bool,
    /// The queue.
    pub queue: Option<String>,
    /// A recording link (may arrive after the end).
    pub recording_url: Option<String>,
    /// The number the call was forwarded from.
    pub forwarded_from: Option<String>,
}

impl CallState {
    /// A call that starts at `at`.
    pub fn start(at: i64, direction: Direction, blocked: bool) -> Self {
        CallState {
            state: if blocked {
                State::Blocked
            } else {
                State::Ringing
            },
            direction,
            started_at: at,
            answered_at: None,
            ended_at: None,
            extensions: Vec::new(),
            answered_extension: None,
            cause: None,
            forwarded: false,
            transferred: false,
            queue: None,
            recording_url: None,
            forwarded_from: None,
        }
    }

    /// Whether the call has ended.
    pub fn is_ended(&self) -> bool {
        self.ended_at.is_some()
    }

    /// Seconds from the first ring to the answer, or to the end of an unanswered call.
    pub fn wait_seconds(&self) -> Option<i64> {
        let until = self.answered_at.or(self.ended_at)?;
        Some(((until - self.started_at).max(0) + 500) / 1000)
    }

    /// Seconds from the answer to the end.
    pub fn talk_seconds(&self) -> Option<i64> {
        Some(((self.ended_at? - self.answered_at?).max(0) + 500) / 1000)
    }

    /// Folds one event in. Returns `false` when the event came after the end and changed
    /// nothing but what may still arrive late (a recording link).
    pub fn apply(&mut self, e: &TimedEvent) -> bool {
        let ev = &e.event;
        if ev.recording_url.is_some() {
            self.recording_url.clone_from(&ev.recording_url);
        }
        if self.is_ended() {
            return false;
        }
        self.started_at = self.started_at.min(e.at);
        if self.queue.is_none() {
            self.queue.clone_from(&ev.queue);
        }
        if self.forwarded_from.is_none() {
            self.forwarded_from.clone_from(&ev.forwarded_from);
        }
        for x in &ev.extensions {
            push_unique(&mut self.extensions, x);
        }
        match ev.kind {
            EventKind::Ringing => {}
            EventKind::Answered => self.answer(e.at, ev.extension.as_deref()),
            EventKind::Transferred => self.transfer(ev.extension.as_deref()),
            EventKind::Hangup => self.hang_up(e.at, ev.cause),
        }
        true
    }

    fn answer(&mut self, at: i64, extension: Option<&str>) {
        if self.answered_at.is_some() {
            return;
        }
        self.answered_at = Some(at);
        let ext = extension
            .map(str::to_owned)
            .or_else(|| self.extensions.first().cloned());
        if let Some(x) = &ext {
            push_unique(&mut self.extensions, x);
        }
        self.answered_extension = ext;
        if self.state != State::Blocked {
            self.state = State::Answered;
        }
    }

    fn transfer(&mut self, extension: Option<&str>) {
        self.transferred = true;
        if let Some(x) = extension {
            push_unique(&mut self.extensions, x);
            if self.answered_at.is_some() {
                self.answered_extension = Some(x.to_owned());
            }
        }
    }

    fn hang_up(&mut self, at: i64, cause: Option<HangupCause>) {
        self.ended_at = Some(at.max(self.answered_at.unwrap_or(at)));
        let cause = cause.unwrap_or(if self.answered_at.is_some() {
            HangupCause::Normal
        } else {
            HangupCause::Cancel
        });
        self.cause = Some(cause);
        self.forwarded |= cause == HangupCause::Forwarded;
        if self.state == State::Blocked {
            return;
        }
        self.state = if self.answered_at.is_some() || self.forwarded {
            State::Completed
        } else {
            State::Missed
        };
    }
}

/// The whole derivation: sorts the events by time (ties: ringing before answered before
/// transferred before hang-up, then arrival) and folds them. Returns the state and, per
/// event in the input order, whether it came after the end (late).
pub fn derive(events: &[TimedEvent], blocked: bool) -> Option<(CallState, Vec<bool>)> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| (events[i].at, rank(events[i].event.kind), events[i].seq));
    let first = events.get(*order.first()?)?;
    // The first event to arrive that states a direction decides it; later ones never flip it.
    let direction = events
        .iter()
        .filter(|e| e.event.direction.is_some())
        .min_by_key(|e| e.seq)
        .and_then(|e| e.event.direction)
        .unwrap_or_default();
    let mut state = CallState::start(first.at, direction, blocked);
    let mut late = vec![false; events.len()];
    for i in order {
        late[i] = !state.apply(&events[i]);
    }
    Some((state, late))
}

fn rank(k: EventKind) -> u8 {
    match k {
        EventKind::Ringing => 0,
        EventKind::Answered => 1,
        EventKind::Transferred => 2,
        EventKind::Hangup => 3,
    }
}

fn push_unique(v: &mut Vec<String>, x: &str) {
    if !x.is_empty() && !v.iter().any(|y| y == x) {
        v.push(x.to_owned());
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;

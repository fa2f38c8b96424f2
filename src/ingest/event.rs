//! The one internal call event every PBX format is parsed into.

use serde::{Deserialize, Serialize};

/// What happened to the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The call rings one or more phones (`extensions`).
    #[default]
    Ringing,
    /// A phone picked up (`extension`).
    Answered,
    /// The call moved to another phone (`extension`).
    Transferred,
    /// The call ended (`cause`).
    Hangup,
}

impl EventKind {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Ringing => "ringing",
            EventKind::Answered => "answered",
            EventKind::Transferred => "transferred",
            EventKind::Hangup => "hangup",
        }
    }
    /// Parses stored text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ringing" => Some(EventKind::Ringing),
            "answered" => Some(EventKind::Answered),
            "transferred" => Some(EventKind::Transferred),
            "hangup" => Some(EventKind::Hangup),
            _ => None,
        }
    }
}

/// Which way the call goes, seen from the company.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// A client calls in.
    #[default]
    Inbound,
    /// An operator calls out.
    Outbound,
}

impl Direction {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
    /// Parses stored text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "inbound" => Some(Direction::Inbound),
            "outbound" => Some(Direction::Outbound),
            _ => None,
        }
    }
}

/// Why a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HangupCause {
    /// A normal end of an answered call (or the caller hung up).
    Normal,
    /// The callee was busy.
    Busy,
    /// Nobody answered.
    NoAnswer,
    /// The caller gave up while it rang.
    Cancel,
    /// The callee refused it.
    Rejected,
    /// Network or PBX failure, number not found.
    Failed,
    /// Forwarded elsewhere (voicemail, another number): not missed.
    Forwarded,
    /// orderline closed a call whose end never arrived.
    Timeout,
}

impl HangupCause {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            HangupCause::Normal => "normal",
            HangupCause::Busy => "busy",
            HangupCause::NoAnswer => "no_answer",
            HangupCause::Cancel => "cancel",
            HangupCause::Rejected => "rejected",
            HangupCause::Failed => "failed",
            HangupCause::Forwarded => "forwarded",
            HangupCause::Timeout => "timeout",
        }
    }
    /// Parses stored text (the generic format's values).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "normal" => HangupCause::Normal,
            "busy" => HangupCause::Busy,
            "no_answer" => HangupCause::NoAnswer,
            "cancel" => HangupCause::Cancel,
            "rejected" => HangupCause::Rejected,
            "failed" => HangupCause::Failed,
            "forwarded" => HangupCause::Forwarded,
            "timeout" => HangupCause::Timeout,
            _ => return None,
        })
    }
}

/// One event about one call, as a PBX reported it, before any database work.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct CallEvent {
    /// The PBX's own event id when it sends one; otherwise derived (see `ingest::dedup_key`).
    pub event_id: Option<String>,
    /// The PBX's id of the whole call (all legs).
    pub pbx_call_id: String,
    /// What happened.
    pub kind: EventKind,
    /// When it happened, by the PBX's clock (ms since the epoch); arrival time when absent.
    pub at: Option<i64>,
    /// Inbound or outbound, when the format says.
    pub direction: Option<Direction>,
    /// Caller as sent (a client on inbound calls).
    pub from: Option<String>,
    /// Callee as sent (the DID on inbound calls, the client on outbound ones).
    pub to: Option<String>,
    /// The phones that ring.
    pub extensions: Vec<String>,
    /// The phone that answered, took the transfer, or placed the outbound call.
    pub extension: Option<String>,
    /// Agents' display names, for formats that send names instead of extensions (Zammad).
    pub agent_names: Vec<String>,
    /// Queue or ring group.
    pub queue: Option<String>,
    /// Why it ended (hang-up events).
    pub cause: Option<HangupCause>,
    /// A link to the recording.
    pub recording_url: Option<String>,
    /// The number the call was forwarded from (SIP Diversion / History-Info).
    pub forwarded_from: Option<String>,
    /// True when the caller withheld their number even if a `from` is present (SIP Privacy: id).
    pub withheld: bool,
    /// The original text of this event (one array element, one form, one SIP message), capped.
    /// Stored in its own column, not with the normalised event.
    #[serde(skip)]
    pub raw: String,
}

/// Why a request's body could not be turned into events. The message is for the PBX's
/// administrator, returned in a 400/415 answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not in the format (bad JSON, bad form, not a SIP message).
    #[error("malformed body: {0}")]
    Malformed(String),
    /// A required field is missing.
    #[error("missing field `{0}`")]
    Missing(&'static str),
    /// A field has a value we do not understand.
    #[error("invalid value of `{field}`: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The content type is not one this format accepts.
    #[error("unsupported content type {0}")]
    UnsupportedContentType(String),
}

/// The most raw text kept per event (larger payloads are truncated on a char boundary).
pub const RAW_CAP: usize = 16 * 1024;

/// Caps the raw text kept for an event.
pub fn cap_raw(s: &str) -> String {
    if s.len() <= RAW_CAP {
        return s.to_owned();
    }
    let mut end = RAW_CAP;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

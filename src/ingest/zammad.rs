//! Zammad Generic CTI (`format = "zammad"`): the sipgate.io-style push API that Zammad receives,
//! which many PBXs can already send. One request is one event: `newCall`, `answer` or `hangup`.
//!
//! The body is form-encoded (arrays as `user[]=` or a repeated `user=`) or JSON (`user` a string
//! or an array). Mapping:
//!
//! | Zammad field | [`CallEvent`] field |
//! |---|---|
//! | `event` = `newCall` / `answer` / `hangup` | `kind` = Ringing / Answered / Hangup |
//! | `callId` (required, ≤ 250 characters) | `pbx_call_id` |
//! | `direction` = `in` / `out` | `direction` = Inbound / Outbound |
//! | `from`, `to` | `from`, `to`, kept as sent (`anonymous` too; numbers are normalised later) |
//! | `user` / `user[]` | `agent_names` (display names; the service maps them to extensions) |
//! | `queue` | `queue` |
//! | `answeringNumber` | `extension` |
//! | `cause` (hang-ups only) | `cause`: `normalClearing` → Normal, `busy` → Busy, `cancel` → Cancel, `noAnswer` → NoAnswer, `congestion`/`notFound` → Failed, `forwarded` → Forwarded |
//!
//! Zammad sends neither an event id nor a time, so `event_id` and `at` stay `None` and the
//! service derives the deduplication key from `raw` (the body). On outbound calls `from` is the
//! company's side and `to` the client, as Zammad defines it; nothing is swapped here.
//!
//! Leniency, where Zammad itself would answer 422: a missing `direction` gives `None` (the
//! service assumes inbound), empty values count as absent, numbers in JSON are read as text,
//! and unknown fields (sipgate's `xcid`, `diversion`, …) are ignored. A repeated single-value
//! form field keeps its last value, as Rails (Zammad) does.

use axum::http::{HeaderMap, header::CONTENT_TYPE};
use serde_json::Value;

use super::{CallEvent, Direction, EventKind, HangupCause, ParseError, event::cap_raw};

/// Longest `callId` accepted (the limit Zammad documents).
const MAX_CALL_ID: usize = 250;

/// The fields of one request, whichever encoding it came in.
#[derive(Debug, Default)]
struct Fields {
    event: Option<String>,
    from: Option<String>,
    to: Option<String>,
    direction: Option<String>,
    call_id: Option<String>,
    users: Vec<String>,
    queue: Option<String>,
    answering_number: Option<String>,
    cause: Option<String>,
}

/// Parses one Zammad CTI request into its single event.
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Vec<CallEvent>, ParseError> {
    let text = String::from_utf8_lossy(body);
    let fields = match media_type(headers).as_str() {
        "application/x-www-form-urlencoded" => from_form(&text),
        "application/json" => from_json(body)?,
        "" => return Err(ParseError::UnsupportedContentType("(none)".into())),
        other => return Err(ParseError::UnsupportedContentType(other.to_owned())),
    };
    Ok(vec![to_event(fields, cap_raw(&text))?])
}

/// The media type of the request without parameters (`; charset=utf-8`), lower-cased.
fn media_type(headers: &HeaderMap) -> String {
    let value = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn from_form(text: &str) -> Fields {
    let mut f = Fields::default();
    // A trailing newline (a body saved to a file, `curl --data @file`) is not part of a value.
    for (key, value) in form_urlencoded::parse(text.trim().as_bytes()) {
        let value = non_empty(value.into_owned());
        match key.as_ref() {
            "user" | "user[]" => f.users.extend(value),
            key => {
                if let Some((_, slot)) = single_field(&mut f, key) {
                    *slot = value;
                }
            }
        }
    }
    f
}

fn from_json(body: &[u8]) -> Result<Fields, ParseError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::Malformed(e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(ParseError::Malformed("expected one JSON object".into()));
    };
    let mut f = Fields::default();
    for (key, value) in &map {
        if key == "user" {
            f.users = json_users(value)?;
        } else if let Some((name, slot)) = single_field(&mut f, key) {
            *slot = json_text(name, value)?;
        }
    }
    Ok(f)
}

/// The name and slot of a single-value field; `None` for fields we do not read.
fn single_field<'f>(
    f: &'f mut Fields,
    key: &str,
) -> Option<(&'static str, &'f mut Option<String>)> {
    Some(match key {
        "event" => ("event", &mut f.event),
        "from" => ("from", &mut f.from),
        "to" => ("to", &mut f.to),
        "direction" => ("direction", &mut f.direction),
        "callId" => ("callId", &mut f.call_id),
        "queue" => ("queue", &mut f.queue),
        "answeringNumber" => ("answeringNumber", &mut f.answering_number),
        "cause" => ("cause", &mut f.cause),
        _ => return None,
    })
}

fn json_text(field: &'static str, value: &Value) -> Result<Option<String>, ParseError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(non_empty(s.clone())),
        // Some PBX scripts send numbers unquoted; their text is what Zammad would store.
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(invalid(field, "expected a string")),
    }
}

fn json_users(value: &Value) -> Result<Vec<String>, ParseError> {
    let items = match value {
        Value::Array(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    let mut users = Vec::new();
    for item in items {
        users.extend(json_text("user", item)?);
    }
    Ok(users)
}

fn to_event(f: Fields, raw: String) -> Result<CallEvent, ParseError> {
    let pbx_call_id = f.call_id.ok_or(ParseError::Missing("callId"))?;
    if pbx_call_id.chars().count() > MAX_CALL_ID {
        return Err(invalid("callId", "longer than 250 characters"));
    }
    let kind = match f.event.as_deref().ok_or(ParseError::Missing("event"))? {
        "newCall" => EventKind::Ringing,
        "answer" => EventKind::Answered,
        "hangup" => EventKind::Hangup,
        _ => return Err(invalid("event", "expected newCall, answer or hangup")),
    };
    let direction = match f.direction.as_deref() {
        None => None,
        Some("in") => Some(Direction::Inbound),
        Some("out") => Some(Direction::Outbound),
        Some(_) => return Err(invalid("direction", "expected in or out")),
    };
    // Checked on every event, but kept only where it means something: the end of the call.
    let cause = f.cause.as_deref().map(cause).transpose()?;
    Ok(CallEvent {
        pbx_call_id,
        kind,
        direction,
        from: f.from,
        to: f.to,
        extension: f.answering_number,
        agent_names: f.users,
        queue: f.queue,
        cause: cause.filter(|_| kind == EventKind::Hangup),
        raw,
        ..CallEvent::default()
    })
}

fn cause(value: &str) -> Result<HangupCause, ParseError> {
    Ok(match value {
        "normalClearing" => HangupCause::Normal,
        "busy" => HangupCause::Busy,
        "cancel" => HangupCause::Cancel,
        "noAnswer" => HangupCause::NoAnswer,
        "congestion" | "notFound" => HangupCause::Failed,
        "forwarded" => HangupCause::Forwarded,
        _ => {
            return Err(invalid(
                "cause",
                "expected normalClearing, busy, cancel, noAnswer, congestion, notFound or forwarded",
            ));
        }
    })
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

fn invalid(field: &'static str, reason: &str) -> ParseError {
    ParseError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
#[path = "zammad_tests.rs"]
mod tests;

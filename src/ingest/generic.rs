//! orderline's own JSON format: one event object or an array of them (accepted or rejected
//! as a whole). Documented in `docs/webhooks.md` and `/api/openapi.json`.

use axum::http::{HeaderMap, header::CONTENT_TYPE};
use serde::Deserialize;
use serde_json::Value;

use super::{CallEvent, Direction, EventKind, HangupCause, ParseError, event::cap_raw};

/// Most events in one request.
pub const MAX_EVENTS: usize = 1_000;
/// Longest call id or event id.
const MAX_ID: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    event_id: Option<String>,
    call_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    at: Option<String>,
    direction: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    extensions: Vec<String>,
    extension: Option<String>,
    queue: Option<String>,
    cause: Option<String>,
    recording_url: Option<String>,
}

/// Parses a request body.
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Vec<CallEvent>, ParseError> {
    let ct = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct
        .trim()
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ParseError::UnsupportedContentType(if ct.is_empty() {
            "(none)".into()
        } else {
            ct.to_owned()
        }));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::Malformed(e.to_string()))?;
    let items = match value {
        Value::Array(items) if items.is_empty() => {
            return Err(ParseError::Malformed("an empty array".into()));
        }
        Value::Array(items) if items.len() > MAX_EVENTS => {
            return Err(ParseError::Malformed(format!(
                "more than {MAX_EVENTS} events in one request"
            )));
        }
        Value::Array(items) => items,
        obj @ Value::Object(_) => vec![obj],
        _ => {
            return Err(ParseError::Malformed(
                "expected an event object or an array of them".into(),
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| one(v).map_err(|e| at_index(e, i)))
        .collect()
}

fn at_index(e: ParseError, i: usize) -> ParseError {
    match e {
        ParseError::Malformed(m) => ParseError::Malformed(format!("event [{i}]: {m}")),
        other => other,
    }
}

fn one(v: Value) -> Result<CallEvent, ParseError> {
    let raw = cap_raw(&v.to_string());
    let w: Wire = serde_json::from_value(v).map_err(|e| ParseError::Malformed(e.to_string()))?;
    let pbx_call_id = w
        .call_id
        .filter(|c| !c.trim().is_empty())
        .ok_or(ParseError::Missing("call_id"))?;
    check_len("call_id", &pbx_call_id)?;
    if let Some(id) = &w.event_id {
        check_len("event_id", id)?;
    }
    let kind = w.kind.as_deref().ok_or(ParseError::Missing("type"))?;
    let kind = EventKind::parse(kind)
        .ok_or_else(|| invalid("type", "expected ringing, answered, transferred or hangup"))?;
    let at = match w.at.as_deref() {
        None => None,
        Some(t) => Some(
            chrono::DateTime::parse_from_rfc3339(t)
                .map_err(|_| {
                    invalid(
                        "at",
                        "expected an RFC 3339 time such as 2026-11-27T10:15:00+03:00",
                    )
                })?
                .timestamp_millis(),
        ),
    };
    let direction = match w.direction.as_deref() {
        None => None,
        Some(d) => Some(
            Direction::parse(d)
                .ok_or_else(|| invalid("direction", "expected inbound or outbound"))?,
        ),
    };
    let cause = match w.cause.as_deref() {
        None => None,
        Some(c) => Some(HangupCause::parse(c).ok_or_else(|| {
            invalid(
                "cause",
                "expected normal, busy, no_answer, cancel, rejected, failed, forwarded or timeout",
            )
        })?),
    };
    if kind == EventKind::Transferred && w.extension.is_none() {
        return Err(ParseError::Missing("extension"));
    }
    Ok(CallEvent {
        event_id: w.event_id,
        pbx_call_id,
        kind,
        at,
        direction,
        from: w.from,
        to: w.to,
        extensions: w.extensions,
        extension: w.extension,
        agent_names: Vec::new(),
        queue: w.queue,
        cause,
        recording_url: w.recording_url,
        forwarded_from: None,
        withheld: false,
        raw,
    })
}

fn check_len(field: &'static str, v: &str) -> Result<(), ParseError> {
    if v.len() > MAX_ID {
        Err(invalid(field, &format!("at most {MAX_ID} characters")))
    } else {
        Ok(())
    }
}

fn invalid(field: &'static str, reason: &str) -> ParseError {
    ParseError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        h
    }

    #[test]
    fn one_object_or_an_array_parse_into_events() {
        let one = parse(&json(), br#"{"call_id":"c1","type":"ringing","from":"+74951234567","extensions":["101","102"]}"#).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].extensions, vec!["101", "102"]);
        let many = parse(
            &json(),
            br#"[{"call_id":"c1","type":"answered","extension":"101","at":"2026-11-27T10:00:00Z"},
            {"call_id":"c1","type":"hangup","cause":"no_answer"}]"#,
        )
        .unwrap();
        assert_eq!(many[0].at, Some(1_795_773_600_000));
        assert_eq!(many[1].cause, Some(HangupCause::NoAnswer));
    }

    #[test]
    fn bad_input_names_what_is_wrong() {
        let cases: [(&[u8], &str); 9] = [
            (b"{", "malformed"),
            (b"[]", "empty array"),
            (b"42", "expected an event object"),
            (br#"{"type":"ringing"}"#, "call_id"),
            (br#"{"call_id":"c","type":"ring"}"#, "type"),
            (br#"{"call_id":"c","type":"hangup","cause":"zzz"}"#, "cause"),
            (br#"{"call_id":"c","type":"ringing","at":"yesterday"}"#, "at"),
            (br#"{"call_id":"c","type":"ringing","colour":"red"}"#, "colour"),
            (br#"[{"call_id":"c","type":"ringing"},{"call_id":"c","type":"ringing","direction":"up"}]"#, "direction"),
        ];
        for (body, needle) in cases {
            let err = parse(&json(), body).unwrap_err().to_string();
            assert!(
                err.contains(needle),
                "{}: {err}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn only_json_is_accepted() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(matches!(
            parse(&h, b"{}"),
            Err(ParseError::UnsupportedContentType(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn no_body_makes_the_parser_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let _ = parse(&json(), &body);
        }

        #[test]
        fn no_mutation_of_a_valid_event_makes_the_parser_panic(
            pos in 0usize..120, byte in proptest::num::u8::ANY, cut in 0usize..120,
        ) {
            let mut body = br#"[{"call_id":"c1","type":"hangup","at":"2026-11-27T10:00:00Z","cause":"busy","extensions":["101"]}]"#.to_vec();
            let pos = pos % body.len();
            body[pos] = byte;
            body.truncate(body.len() - cut.min(body.len()));
            let _ = parse(&json(), &body);
        }
    }
}

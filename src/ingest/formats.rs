//! The dispatch table of formats: which parser, which credential check and which answer a
//! source's format uses. Adding a format adds one arm to each function.

use axum::{
    Json,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{CallEvent, EventKind, ParseError, auth, auth::Rejection, generic, sip, zammad};
use crate::{
    calls::{service::Outcome, service::Prepared},
    config::{SourceConfig, SourceFormat},
};

/// Checks a request's credentials for its source. `path_token` is the token segment of
/// `/webhooks/{source}/{token}` (Zammad's scheme).
pub fn authenticate(
    source: &SourceConfig,
    headers: &HeaderMap,
    body: &[u8],
    path_token: Option<&str>,
    now_secs: i64,
) -> Result<(), Rejection> {
    use secrecy::ExposeSecret;
    match (source.format, path_token) {
        (SourceFormat::Zammad, Some(t)) => {
            if auth::same(t, source.token.expose_secret()) {
                Ok(())
            } else {
                Err(Rejection::Mismatch)
            }
        }
        (SourceFormat::Zammad, None) => Err(Rejection::Missing),
        (_, Some(_)) => Err(Rejection::Mismatch),
        (SourceFormat::Generic, None) => {
            match (auth::bearer(headers, &source.token), &source.hmac_secret) {
                (Ok(()), _) => Ok(()),
                (Err(_), Some(secret)) if headers.contains_key("x-orderline-signature") => {
                    auth::signature(headers, body, secret, now_secs)
                }
                (Err(e), _) => Err(e),
            }
        }
        (SourceFormat::Sip, None) => auth::bearer(headers, &source.token),
    }
}

/// Parses a body in the source's format.
pub fn parse(
    format: SourceFormat,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<CallEvent>, ParseError> {
    match format {
        SourceFormat::Generic => generic::parse(headers, body),
        SourceFormat::Zammad => zammad::parse(headers, body),
        SourceFormat::Sip => sip::parse(headers, body),
    }
}

/// The answer the source's PBX expects.
pub fn respond(format: SourceFormat, prepared: &[Prepared], outcomes: &[Outcome]) -> Response {
    match format {
        SourceFormat::Generic => generic_answer(prepared, outcomes),
        SourceFormat::Zammad => zammad_answer(prepared),
        SourceFormat::Sip => Json(json!({
            "accepted": outcomes.iter().filter(|o| !o.duplicate).count(),
            "duplicates": outcomes.iter().filter(|o| o.duplicate).count(),
        }))
        .into_response(),
    }
}

/// `{ accepted, duplicates, events: [...], caller? }`; `caller` (with a display name for the
/// phone) answers the first ringing event of the request.
fn generic_answer(prepared: &[Prepared], outcomes: &[Outcome]) -> Response {
    let events: Vec<_> = outcomes
        .iter()
        .map(|o| json!({ "call_id": o.call_id, "state": o.state, "duplicate": o.duplicate }))
        .collect();
    let caller = prepared
        .iter()
        .find(|p| p.event.kind == EventKind::Ringing)
        .map(|p| {
            json!({
                "number": p.caller.number,
                "kind": p.caller.kind,
                "display_name": p.caller.display_name(),
                "matches": p.caller.matches,
                "blocked": p.blocked,
            })
        });
    let mut body = json!({
        "accepted": outcomes.iter().filter(|o| !o.duplicate).count(),
        "duplicates": outcomes.iter().filter(|o| o.duplicate).count(),
        "events": events,
    });
    if let Some(c) = caller {
        body["caller"] = c;
    }
    Json(body).into_response()
}

/// Zammad answers `{}`, or `{"action":"reject","reason":"busy"}` to an inbound newCall from a
/// blocked number.
fn zammad_answer(prepared: &[Prepared]) -> Response {
    let reject = prepared
        .iter()
        .any(|p| p.blocked && p.event.kind == EventKind::Ringing);
    if reject {
        Json(json!({"action": "reject", "reason": "busy"})).into_response()
    } else {
        Json(json!({})).into_response()
    }
}

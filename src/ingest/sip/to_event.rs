//! A [`SipMessage`] → call events. The mapping rules are listed in the `sip` module's docs; the
//! reasons for the less obvious ones are next to the code here.

use super::address::{self, is_extension};
use super::message::{Method, SipMessage, StartLine};
use super::{checked_call_id, dialog_info, identity};
use crate::ingest::{CallEvent, Direction, EventKind, HangupCause, ParseError, event::cap_raw};

/// An optional header with the whole call's id, for forwarders that can correlate the legs of
/// a B2BUA (see the module docs of `sip`); it must then be on every message of the leg.
pub const CORRELATION_HEADER: &str = "X-Orderline-Call-ID";

/// The events a message stands for; `raw` is its original text.
pub fn events(msg: &SipMessage, raw: &str) -> Result<Vec<CallEvent>, ParseError> {
    match &msg.start {
        StartLine::Request { method, uri } => match method {
            Method::Invite => invite(msg, uri, raw),
            Method::Cancel => cancel(msg, raw),
            Method::Bye => hangup(msg, raw, HangupCause::Normal),
            Method::Refer => refer(msg, raw),
            Method::Notify => notify(msg),
            Method::Other(_) => Ok(Vec::new()),
        },
        StartLine::Response { code } if msg.cseq_method == Method::Invite => {
            response(msg, *code, raw)
        }
        StartLine::Response { .. } => Ok(Vec::new()),
    }
}

/// An event with the call id, kind and raw text set.
fn base(msg: &SipMessage, kind: EventKind, raw: &str) -> Result<CallEvent, ParseError> {
    let id = msg
        .header(CORRELATION_HEADER)
        .filter(|v| !v.is_empty())
        .unwrap_or(&msg.call_id);
    let pbx_call_id = checked_call_id(id, "Call-ID")?;
    Ok(CallEvent {
        pbx_call_id,
        kind,
        raw: cap_raw(raw),
        ..CallEvent::default()
    })
}

fn invite(msg: &SipMessage, uri: &str, raw: &str) -> Result<Vec<CallEvent>, ParseError> {
    let to = msg.header("To").and_then(address::address);
    // A To tag means an existing dialog: a re-INVITE (hold, session refresh), not a new call.
    // An INVITE with Replaces takes over a dialog (attended transfer), already reported by the
    // REFER on the original call.
    if to.is_some_and(|a| a.param("tag").is_some()) || msg.header("Replaces").is_some() {
        return Ok(Vec::new());
    }
    let caller = identity::caller(msg);
    let callee = to.and_then(|a| a.user()).or_else(|| address::uri_user(uri));
    // An extension calling a number that is not one is a phone calling out; everything else,
    // internal calls included, is read as inbound.
    let outbound = caller.user.as_deref().is_some_and(is_extension)
        && !callee.as_deref().is_some_and(is_extension);
    let ringing = address::uri_user(uri).filter(|u| is_extension(u) && !outbound);
    Ok(vec![CallEvent {
        direction: Some(if outbound {
            Direction::Outbound
        } else {
            Direction::Inbound
        }),
        extension: caller.user.clone().filter(|_| outbound),
        extensions: ringing.into_iter().collect(),
        from: caller.user,
        to: callee,
        withheld: caller.withheld,
        forwarded_from: identity::forwarded_from(msg),
        ..base(msg, EventKind::Ringing, raw)?
    }])
}

fn cancel(msg: &SipMessage, raw: &str) -> Result<Vec<CallEvent>, ParseError> {
    // A forking proxy cancels the other phones once one answers, with RFC 3326
    // `Reason: SIP;cause=200;text="Call completed elsewhere"`: the call goes on.
    if completed_elsewhere(msg) {
        return Ok(Vec::new());
    }
    hangup(msg, raw, HangupCause::Cancel)
}

fn completed_elsewhere(msg: &SipMessage) -> bool {
    msg.headers("Reason")
        .flat_map(|v| v.split(','))
        .any(|reason| {
            let mut parts = reason.split(';').map(str::trim);
            parts.next().is_some_and(|p| p.eq_ignore_ascii_case("SIP"))
                && parts.any(|p| {
                    p.split_once('=').is_some_and(|(k, v)| {
                        k.trim().eq_ignore_ascii_case("cause") && v.trim() == "200"
                    })
                })
        })
}

fn hangup(msg: &SipMessage, raw: &str, cause: HangupCause) -> Result<Vec<CallEvent>, ParseError> {
    Ok(vec![CallEvent {
        cause: Some(cause),
        ..base(msg, EventKind::Hangup, raw)?
    }])
}

/// What a response to an INVITE means for the call.
fn response(msg: &SipMessage, code: u16, raw: &str) -> Result<Vec<CallEvent>, ParseError> {
    let cause = match code {
        200..=299 => {
            let extension = answering_extension(msg);
            return Ok(vec![CallEvent {
                extension,
                ..base(msg, EventKind::Answered, raw)?
            }]);
        }
        // Provisional (the INVITE already said it rings); redirects, auth challenges (401/407),
        // 422 and 491 are retried by the caller with the same Call-ID; 487 answers a CANCEL,
        // sent to the losing branches of a forked call as well.
        100..=199 | 300..=399 | 401 | 407 | 422 | 487 | 491 => return Ok(Vec::new()),
        486 | 600 => HangupCause::Busy,
        408 | 480 => HangupCause::NoAnswer,
        603 => HangupCause::Rejected,
        _ => HangupCause::Failed,
    };
    hangup(msg, raw, cause)
}

/// The phone that answered: the To user, else the Contact user, when it is an extension.
fn answering_extension(msg: &SipMessage) -> Option<String> {
    ["To", "Contact"]
        .into_iter()
        .filter_map(|h| {
            msg.header(h)
                .and_then(address::address)
                .and_then(|a| a.user())
        })
        .find(|u| is_extension(u))
}

/// A transfer within the call's dialog, when its target is one of our extensions (attended
/// transfers too: the Refer-To then carries `?Replaces=`, its user is still the target).
fn refer(msg: &SipMessage, raw: &str) -> Result<Vec<CallEvent>, ParseError> {
    let target = msg
        .header("Refer-To")
        .and_then(address::address)
        .and_then(|a| a.user());
    match target.filter(|u| is_extension(u)) {
        Some(extension) => Ok(vec![CallEvent {
            extension: Some(extension),
            ..base(msg, EventKind::Transferred, raw)?
        }]),
        None => Ok(Vec::new()),
    }
}

/// Dialog-package notifications; other NOTIFYs (message-summary, presence, refer) carry no call.
fn notify(msg: &SipMessage) -> Result<Vec<CallEvent>, ParseError> {
    let package = msg
        .header("Event")
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    let media = msg
        .header("Content-Type")
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    let is_dialog = package.is_some_and(|p| p.eq_ignore_ascii_case("dialog"))
        && media.is_some_and(|m| m.eq_ignore_ascii_case("application/dialog-info+xml"));
    if !is_dialog || msg.body.trim_ascii().is_empty() {
        return Ok(Vec::new());
    }
    dialog_info::events(&msg.body)
}

#[cfg(test)]
#[path = "to_event_tests.rs"]
mod tests;

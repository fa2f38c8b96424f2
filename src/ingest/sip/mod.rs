//! Raw SIP (`format = "sip"`, `Content-Type: message/sip`): one SIP message per request, as a
//! SIP proxy (Kamailio, OpenSIPS) or a PBX forwards copies of the traffic it handles.
//!
//! # Layout
//!
//! * `message.rs`: bytes → `SipMessage`, the only file that touches rsip; `message/prepass.rs`
//!   first makes real PBX messages readable to it (bare LF, folding, compact names, `tel:`).
//! * `address.rs`: name-addr values and URI user parts (`sip:`, `sips:`, `tel:`).
//! * `identity.rs`: caller, privacy and forwarding number of an INVITE.
//! * `to_event.rs`: a message → [`CallEvent`]s.
//! * `dialog_info.rs` (with `xml.rs`): RFC 4235 dialog-info bodies of NOTIFYs.
//!
//! # Mapping
//!
//! | Message | Event |
//! |---|---|
//! | INVITE (no To tag, no Replaces) | Ringing: caller from PAI → Remote-Party-ID → From; `to` = To user (else Request-URI user); `extensions` = [Request-URI user] when it is an extension (2–6 digits); `forwarded_from` from Diversion / History-Info; `withheld` from Privacy and anonymous identities (see `identity.rs`) |
//! | re-INVITE (To has a tag), INVITE with Replaces | nothing |
//! | 2xx to INVITE | Answered; `extension` = To user, else Contact user, when it is an extension |
//! | 486 / 600 to INVITE | Hangup Busy |
//! | 408 / 480 to INVITE | Hangup NoAnswer |
//! | 603 to INVITE | Hangup Rejected |
//! | other 4xx–6xx to INVITE (404, 5xx, …) | Hangup Failed |
//! | 1xx, 3xx, 401, 407, 422, 487, 491 to INVITE; any response to another method | nothing |
//! | CANCEL | Hangup Cancel; nothing with `Reason: SIP;cause=200` (a fork's other branch) |
//! | BYE | Hangup Normal |
//! | REFER whose Refer-To user is an extension | Transferred to it |
//! | NOTIFY, `Event: dialog`, `application/dialog-info+xml` | one event per `<dialog>` (see `dialog_info.rs`) |
//! | OPTIONS, REGISTER, SUBSCRIBE, MESSAGE, INFO, ACK, PRACK, UPDATE, PUBLISH, other NOTIFYs, unknown methods | nothing (acknowledged, ignored) |
//!
//! Decisions:
//!
//! * Direction: Outbound when the caller is an extension and the callee is not (a phone
//!   calling out; `extension` is then that phone), Inbound otherwise, internal calls included.
//! * Only the INVITE (and dialog-info) carries the parties. Responses and CANCEL repeat the
//!   INVITE's From/To, which are less reliable than its PAI, and a BYE's From is whoever hung up.
//! * `at` is always `None`. A `Date` header is optional, has one-second resolution and is the
//!   sender's clock; and with `at` set the service's deduplication key becomes (call, kind,
//!   time, extension), which would merge two INVITEs forked in the same second. Without `at` it
//!   hashes `raw`, the message text, so only true retransmissions are duplicates.
//! * The forwarder should copy the responses a proxy relays to the caller, not every branch's:
//!   a 486 from one phone of a ring group whose other phones still ring would read as a hang-up.
//!
//! # B2BUA legs
//!
//! A PBX that bridges calls (Asterisk, FreeSWITCH, 3CX) gives each leg its own Call-ID: the
//! trunk's INVITE and the INVITE to phone 101 are two calls to this parser, as are their
//! dialog-info notifications. No standard header links them: P-Asserted-Identity names a party,
//! not a call; `Replaces` and `Referred-By` appear only in transfers. What is done: when every
//! message of a leg carries `X-Orderline-Call-ID`, that value is the call id; otherwise each leg
//! is its own call. A forwarder that keeps dialog state can add it (Kamailio with `$dlg_var`);
//! a PBX dialplan alone cannot, as it sets headers on the INVITE only. Forwarding only the
//! trunk leg avoids the split, at the cost of not seeing which phone rang or answered.
//!
//! # Not supported
//!
//! Stream framing (one message per HTTP request; see `message.rs` for the rest of the
//! pre-pass), multipart bodies, S/MIME, RFC 4235 `version` ordering, a caller's display name
//! (CallEvent has no field for it), the `Reason` header as a hang-up cause, and telling a failed
//! re-INVITE (e.g. 488 to a hold) from a failed call, which needs dialog state.

mod address;
mod dialog_info;
mod identity;
mod message;
mod to_event;
mod xml;

use axum::http::{HeaderMap, header::CONTENT_TYPE};

use super::{CallEvent, ParseError};

/// Parses one SIP message (`Content-Type: message/sip`) into the call events it stands for;
/// messages that carry no call state give no events.
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Vec<CallEvent>, ParseError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "message/sip" {
        let shown = if media.is_empty() {
            "(none)".to_owned()
        } else {
            media
        };
        return Err(ParseError::UnsupportedContentType(shown));
    }
    // The HTTP layer caps bodies too, but this parser must stay safe on its own.
    if body.len() > message::MAX_MESSAGE {
        return Err(ParseError::Malformed(
            "the message is larger than 64 KiB".into(),
        ));
    }
    let msg = message::parse(body)?;
    to_event::events(&msg, &String::from_utf8_lossy(body))
}

/// Longest call id accepted (as for Zammad).
const MAX_CALL_ID: usize = 250;

/// A call id that is present and not absurdly long; `field` names it in the error.
fn checked_call_id(id: &str, field: &'static str) -> Result<String, ParseError> {
    if id.trim().is_empty() {
        return Err(ParseError::Missing(field));
    }
    if id.chars().count() > MAX_CALL_ID {
        let reason = format!("longer than {MAX_CALL_ID} characters");
        return Err(ParseError::Invalid { field, reason });
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests;

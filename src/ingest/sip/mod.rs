//! Raw SIP (`format = "sip"`, `Content-Type: message/sip`): one SIP message per request, as a
//! SIP proxy (Kamailio, OpenSIPS) or a PBX forwards copies of the traffic it handles.
//!
//! `message.rs` reads the bytes (through rsip), `address.rs` and `identity.rs` read who calls,
//! `dialog_info.rs` (with `xml.rs`) reads RFC 4235 bodies; the mapping of messages comes next.

mod address;
mod dialog_info;
mod identity;
mod message;
mod xml;

use axum::http::{HeaderMap, header::CONTENT_TYPE};

use super::{CallEvent, ParseError};

/// Parses one SIP message (`Content-Type: message/sip`); no events yet.
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
    message::parse(body)?;
    Ok(Vec::new())
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

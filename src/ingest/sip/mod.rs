//! Raw SIP (`format = "sip"`, `Content-Type: message/sip`): one SIP message per request, as a
//! SIP proxy (Kamailio, OpenSIPS) or a PBX forwards copies of the traffic it handles.
//!
//! `message.rs` reads the bytes (through rsip), `address.rs` and `identity.rs` read who calls;
//! the mapping to call events comes next.

mod address;
mod identity;
mod message;

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

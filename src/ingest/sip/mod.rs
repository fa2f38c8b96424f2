//! Raw SIP through rsip (being written on another branch).

use axum::http::HeaderMap;

use super::{CallEvent, ParseError};

/// Parses one SIP message (placeholder until the parser lands).
pub fn parse(_headers: &HeaderMap, _body: &[u8]) -> Result<Vec<CallEvent>, ParseError> {
    Err(ParseError::Malformed(
        "the sip format is not available yet".into(),
    ))
}

//! Zammad Generic CTI (being written on another branch).

use axum::http::HeaderMap;

use super::{CallEvent, ParseError};

/// Parses a Zammad CTI request (placeholder until the parser lands).
pub fn parse(_headers: &HeaderMap, _body: &[u8]) -> Result<Vec<CallEvent>, ParseError> {
    Err(ParseError::Malformed(
        "the zammad format is not available yet".into(),
    ))
}

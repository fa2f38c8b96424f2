//! The text pre-pass: what real PBX messages look like → the form rsip reads. No rsip here.

use crate::ingest::ParseError;

/// The start line as written.
#[derive(Debug, PartialEq, Eq)]
pub enum RawStart<'a> {
    /// `METHOD uri SIP/2.0`.
    Request {
        /// The method token.
        method: &'a str,
        /// The Request-URI.
        uri: &'a str,
    },
    /// `SIP/2.0 code reason`.
    Response {
        /// The status code, 100–699.
        code: u16,
        /// The reason phrase, possibly empty.
        reason: &'a str,
    },
}

/// Skips leading empty lines, then splits at the first empty line (CRLF or bare LF).
pub fn split_head(bytes: &[u8]) -> (&[u8], &[u8]) {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    let mut line_start = 0;
    while let Some(n) = bytes[line_start..].iter().position(|&b| b == b'\n') {
        let line = &bytes[line_start..line_start + n];
        if line.is_empty() || line == b"\r" {
            return (&bytes[..line_start], &bytes[line_start + n + 1..]);
        }
        line_start += n + 1;
    }
    (bytes, &[])
}

/// Reads a start line. Runs of spaces between its parts are tolerated.
pub fn start_line(line: &str) -> Result<RawStart<'_>, ParseError> {
    let (first, rest) = word(line);
    if first.eq_ignore_ascii_case("SIP/2.0") {
        let (code, reason) = word(rest);
        let code = code.parse().ok().filter(|c| (100..700).contains(c));
        let code = code.ok_or_else(|| malformed("bad status code"))?;
        return Ok(RawStart::Response {
            code,
            reason: reason.trim(),
        });
    }
    let (uri, rest) = word(rest);
    let (version, rest) = word(rest);
    let is_request = is_token(first)
        && uri.contains(':')
        && version.eq_ignore_ascii_case("SIP/2.0")
        && rest.trim().is_empty();
    if !is_request {
        return Err(malformed(
            "the first line is not a SIP request or status line",
        ));
    }
    Ok(RawStart::Request { method: first, uri })
}

/// The first whitespace-separated word and the rest.
fn word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    s.split_once(char::is_whitespace).unwrap_or((s, ""))
}

/// Unfolds continuation lines, drops spaces around the colon, expands compact names.
pub fn header_lines<'a>(
    lines: impl Iterator<Item = &'a str>,
) -> Result<Vec<(String, String)>, ParseError> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            let last = headers
                .last_mut()
                .ok_or_else(|| malformed("a folded line before any header"))?;
            last.1.push(' ');
            last.1.push_str(line.trim());
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed("a header line without a colon"))?;
        let name = name.trim_end();
        if !is_token(name) {
            return Err(malformed("a header name that is not a token"));
        }
        headers.push((full_name(name).to_owned(), value.trim().to_owned()));
    }
    Ok(headers)
}

/// Compact header names (RFC 3261 §7.3.3; RFC 3265, 3515, 3841, 3892, 4028, 4474).
const COMPACT: &[(&str, &str)] = &[
    ("i", "Call-ID"),
    ("f", "From"),
    ("t", "To"),
    ("m", "Contact"),
    ("v", "Via"),
    ("l", "Content-Length"),
    ("c", "Content-Type"),
    ("e", "Content-Encoding"),
    ("k", "Supported"),
    ("s", "Subject"),
    ("o", "Event"),
    ("u", "Allow-Events"),
    ("r", "Refer-To"),
    ("b", "Referred-By"),
    ("x", "Session-Expires"),
    ("a", "Accept-Contact"),
    ("j", "Reject-Contact"),
    ("d", "Request-Disposition"),
    ("y", "Identity"),
    ("n", "Identity-Info"),
];

fn full_name(name: &str) -> &str {
    COMPACT
        .iter()
        .find(|(short, _)| short.eq_ignore_ascii_case(name))
        .map_or(name, |(_, full)| full)
}

/// RFC 3261 `token` characters (the same set rsip checks).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
}

/// A parse error with a reason that names no caller data.
pub fn malformed(reason: &str) -> ParseError {
    ParseError::Malformed(reason.to_owned())
}

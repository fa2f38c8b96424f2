//! Bytes → [`SipMessage`]: the only file that touches rsip.
//!
//! rsip 0.4.0 splits the header block and gives typed access to the core headers, but it
//! refuses or misreads much of what PBXs and tools really send (reference §8.3). So the bytes
//! first go through a text pre-pass (`message/prepass.rs`) into the form rsip reads, and rsip's
//! own URI parsing is never trusted:
//!
//! * Leading empty lines (keep-alives) are skipped; the header block ends at the first empty
//!   line, whether lines end in CRLF or a bare LF (common from scripts and capture tools). The
//!   body is kept byte for byte, cut at `Content-Length` when that is shorter (trailing octets of
//!   a datagram are not part of the message); a longer `Content-Length` is tolerated, because
//!   orderline only observes a message that a proxy already accepted.
//! * Folded header lines are unfolded, spaces before the colon (`Via :`) dropped, and compact
//!   names (`i:`, `f:`, `t:`, `m:`, `v:`, `l:`, `c:`, …, RFC 3261 §7.3.3 and later RFCs)
//!   expanded, because rsip knows none of these.
//! * The start line is read by the pre-pass. rsip gets a fixed Request-URI, because it reads `tel:+7495…`
//!   as host `tel` with port 7495 and rejects IPv6 hosts and user parameters; the real URI is
//!   kept as text. A method rsip does not know (its `Method` is a closed enum) is handed to it as
//!   `OPTIONS` and kept here as [`Method::Other`], so the message is still checked and then
//!   ignored instead of rejected. A status line without a reason phrase gets an empty one.
//!
//! Header bytes that are not UTF-8 are replaced (U+FFFD) rather than refused: a Latin-1 display
//! name should not cost the call. Anything that still fails is [`ParseError::Malformed`] with a
//! reason that names no caller data.

mod prepass;

use rsip::prelude::{HasHeaders, HeadersExt, UntypedHeader};

use self::prepass::{RawStart, malformed};
use crate::ingest::ParseError;

/// The largest message accepted, whatever the HTTP layer allows.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// The SIP methods orderline reads; all others are [`Method::Other`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// Starts a call (or, in a dialog, re-negotiates it).
    Invite,
    /// The caller gives up before an answer.
    Cancel,
    /// Either side ends an answered call.
    Bye,
    /// Subscription notifications (the RFC 4235 dialog package among them).
    Notify,
    /// Call transfer.
    Refer,
    /// Any other method, by name.
    Other(String),
}

impl Method {
    fn from_rsip(method: rsip::Method) -> Self {
        match method {
            rsip::Method::Invite => Method::Invite,
            rsip::Method::Cancel => Method::Cancel,
            rsip::Method::Bye => Method::Bye,
            rsip::Method::Notify => Method::Notify,
            rsip::Method::Refer => Method::Refer,
            other => Method::Other(other.to_string()),
        }
    }

    fn from_token(token: &str) -> Self {
        token
            .parse()
            .map_or_else(|_| Method::Other(token.to_owned()), Method::from_rsip)
    }
}

/// The first line: what a request asks or what a response answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartLine {
    /// A request with its Request-URI as sent.
    Request {
        /// The method.
        method: Method,
        /// The Request-URI, unparsed.
        uri: String,
    },
    /// A response with its status code (100–699).
    Response {
        /// The status code.
        code: u16,
    },
}

/// One SIP message, reduced to what orderline reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SipMessage {
    /// The start line.
    pub start: StartLine,
    /// The Call-ID header.
    pub call_id: String,
    /// The method named in the CSeq header (for a response: what it answers).
    pub cseq_method: Method,
    /// Every header in order, with full names (compact forms expanded).
    headers: Vec<(String, String)>,
    /// The body, cut at Content-Length.
    pub body: Vec<u8>,
}

impl SipMessage {
    /// The first value of a header (name compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers(name).next()
    }

    /// Every value of a header, in order.
    pub fn headers<'s, 'n>(&'s self, name: &'n str) -> impl Iterator<Item = &'s str> + use<'s, 'n> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses one SIP message.
pub fn parse(bytes: &[u8]) -> Result<SipMessage, ParseError> {
    if bytes.len() > MAX_MESSAGE {
        return Err(malformed("the message is larger than 64 KiB"));
    }
    let (head, body) = prepass::split_head(bytes);
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().filter(|l| !l.trim().is_empty());
    let (start, rsip_start) = start_line(first.ok_or_else(|| malformed("empty message"))?)?;
    let headers = prepass::header_lines(lines)?;
    let msg = rsip_check(&rsip_start, &headers)?;
    let call_id = msg
        .call_id_header()
        .map_err(|_| ParseError::Missing("Call-ID"))?;
    let cseq = msg
        .cseq_header()
        .map_err(|_| ParseError::Missing("CSeq"))?
        .value();
    let cseq_method = cseq.split_whitespace().nth(1).map(Method::from_token);
    let cseq_method = cseq_method.ok_or_else(|| malformed("bad CSeq"))?;
    msg.from_header().map_err(|_| ParseError::Missing("From"))?;
    msg.to_header().map_err(|_| ParseError::Missing("To"))?;
    let headers: Vec<(String, String)> = msg.headers().iter().map(name_value).collect();
    let body = cut_at_content_length(&headers, body)?;
    let call_id = call_id.value().trim().to_owned();
    Ok(SipMessage {
        start,
        call_id,
        cseq_method,
        headers,
        body,
    })
}

/// The start line, and the line rsip is given in its place: a fixed Request-URI, and
/// `OPTIONS` for a method rsip does not know.
fn start_line(line: &str) -> Result<(StartLine, String), ParseError> {
    match prepass::start_line(line)? {
        RawStart::Response { code, reason } => Ok((
            StartLine::Response { code },
            format!("SIP/2.0 {code} {reason}"),
        )),
        RawStart::Request { method, uri } => {
            let known = method.parse::<rsip::Method>().is_ok();
            let rsip_line = format!(
                "{} sip:request-uri.invalid SIP/2.0",
                if known { method } else { "OPTIONS" }
            );
            let start = StartLine::Request {
                method: Method::from_token(method),
                uri: uri.to_owned(),
            };
            Ok((start, rsip_line))
        }
    }
}

/// Has rsip tokenize the normalised start line and headers (the body is kept here).
fn rsip_check(start: &str, headers: &[(String, String)]) -> Result<rsip::SipMessage, ParseError> {
    let mut text = format!("{start}\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    rsip::SipMessage::try_from(text.as_str())
        .map_err(|_| malformed("rsip could not read the start line or headers"))
}

/// A header as rsip holds it, back to name and value (rsip prints every header `Name: value`).
fn name_value(header: &rsip::Header) -> (String, String) {
    let text = header.to_string();
    let (name, value) = text.split_once(':').unwrap_or((&text, ""));
    (name.trim().to_owned(), value.trim().to_owned())
}

fn cut_at_content_length(headers: &[(String, String)], body: &[u8]) -> Result<Vec<u8>, ParseError> {
    let Some((_, value)) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
    else {
        return Ok(body.to_vec());
    };
    let length: usize = value.parse().map_err(|_| malformed("bad Content-Length"))?;
    Ok(body[..length.min(body.len())].to_vec())
}

#[cfg(test)]
mod tests;

//! RFC 4235 dialog-info bodies (`application/dialog-info+xml`, in a NOTIFY for `Event: dialog`):
//! one event per `<dialog>` (reference §7.1).
//!
//! * Call id: the dialog's `call-id` attribute, never the NOTIFY's own Call-ID (that one
//!   belongs to the subscription); the dialog `id` when `call-id` is absent (it is optional).
//! * `<state>`: `trying`, `proceeding`, `early` → Ringing; `confirmed` → Answered;
//!   `terminated` → Hangup, with the cause from the state's `event` attribute: `cancelled` →
//!   Cancel, `rejected` → Rejected (Busy for `code="486"`/`600`, NoAnswer for `408`/`480`),
//!   `replaced`, `local-bye`, `remote-bye` → Normal, `timeout`/`no-answer` → NoAnswer, `error` →
//!   Failed, none → Normal.
//! * The monitored phone is `<local>` (or the document's `entity`); `direction="recipient"`
//!   means it is called (Inbound: `from` is `<remote>`, `to` is `<local>`), `initiator` that it
//!   calls (Outbound: the other way round). Without `direction` the remote party is taken as the
//!   caller and the direction is left open. The local user, when it is an extension, rang
//!   (`extensions` on Ringing), answered (`extension` on Answered) or placed the outbound call.
//! * A remote identity that is anonymous sets `withheld`; an absent one (PBXs omit it for
//!   privacy) leaves `from` empty and `withheld` false.
//! * `raw` is the `<dialog>…</dialog>` element, not the whole NOTIFY: the service deduplicates
//!   events without an id by their raw text, and one NOTIFY can carry several dialogs; a dialog
//!   repeated unchanged in a later full-state NOTIFY is then rightly a duplicate.
//!
//! Not supported: ordering by the document `version` (an out-of-order NOTIFY is applied as it
//! comes), partial-state bookkeeping, `<replaces>`/`<referred-by>`, shared appearances (RFC 7463).

use std::borrow::Cow;

use super::address::{self, is_extension};
use super::checked_call_id;
use super::xml::{self, Token, attribute};
use crate::ingest::{CallEvent, Direction, EventKind, HangupCause, ParseError, event::cap_raw};

/// One `<dialog>` element, as read.
#[derive(Debug, Default)]
struct Dialog<'a> {
    id: Option<String>,
    call_id: Option<String>,
    direction: Option<String>,
    state: String,
    event: Option<String>,
    code: Option<String>,
    local: Option<String>,
    remote: Option<String>,
    raw: &'a str,
}

/// The events of a dialog-info document.
pub fn events(body: &[u8]) -> Result<Vec<CallEvent>, ParseError> {
    let src = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
    let mut walker = Walker {
        src,
        ..Walker::default()
    };
    for token in xml::tokens(src) {
        let (token, start, end) = token.map_err(malformed)?;
        walker.token(token, start, end).map_err(malformed)?;
    }
    if !walker.stack.is_empty() || !walker.root_seen {
        return Err(malformed("not a complete dialog-info document"));
    }
    walker
        .dialogs
        .iter()
        .map(|d| to_event(d, walker.entity.as_deref()))
        .collect()
}

/// Walks the tokens, keeping the path of open elements.
#[derive(Default)]
struct Walker<'a> {
    src: &'a str,
    stack: Vec<&'a str>,
    root_seen: bool,
    entity: Option<String>,
    dialog: Option<Dialog<'a>>,
    dialog_start: usize,
    text: String,
    dialogs: Vec<Dialog<'a>>,
}

impl<'a> Walker<'a> {
    fn token(&mut self, token: Token<'a>, start: usize, end: usize) -> Result<(), &'static str> {
        match token {
            Token::Start { name, attrs, empty } => {
                self.open(name, attrs, start)?;
                if empty {
                    return self.close(name, end);
                }
                self.stack.push(name);
                Ok(())
            }
            Token::End { name } => match self.stack.pop() {
                Some(open) if open == name => self.close(name, end),
                _ => Err("an end tag that does not match its start tag"),
            },
            Token::Text(text) => {
                self.text.push_str(&text);
                Ok(())
            }
        }
    }

    fn open(&mut self, name: &str, attrs: &str, start: usize) -> Result<(), &'static str> {
        let attr = |n: &str| attribute(attrs, n).map(Cow::into_owned);
        self.text.clear();
        match (self.stack.len(), name) {
            (0, "dialog-info") if !self.root_seen => {
                self.root_seen = true;
                self.entity = attr("entity");
            }
            (0, _) => return Err("the root element is not a single <dialog-info>"),
            (1, "dialog") => {
                self.dialog_start = start;
                let d = Dialog {
                    id: attr("id"),
                    call_id: attr("call-id"),
                    direction: attr("direction"),
                    ..Dialog::default()
                };
                self.dialog = Some(d);
            }
            (2, "state") => {
                if let Some(d) = self.dialog.as_mut() {
                    (d.event, d.code) = (attr("event"), attr("code"));
                }
            }
            // `<target uri>` stands in for a missing `<identity>`.
            (3, "target") => self.set_party(attr("uri"), false),
            _ => {}
        }
        Ok(())
    }

    /// Called with the element already off the stack.
    fn close(&mut self, name: &str, end: usize) -> Result<(), &'static str> {
        let text = std::mem::take(&mut self.text).trim().to_owned();
        let src = self.src;
        match (self.stack.len(), name) {
            (1, "dialog") => {
                if let Some(mut d) = self.dialog.take() {
                    d.raw = &src[self.dialog_start..end];
                    self.dialogs.push(d);
                }
            }
            (2, "state") => {
                if let Some(d) = self.dialog.as_mut() {
                    d.state = text;
                }
            }
            (3, "identity") => self.set_party(Some(text), true),
            _ => {}
        }
        Ok(())
    }

    /// Sets the URI of the party whose element (`<local>`/`<remote>`) is open.
    fn set_party(&mut self, uri: Option<String>, replace: bool) {
        let side = self.stack.last().copied();
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let slot = match side.unwrap_or("") {
            "local" => &mut d.local,
            "remote" => &mut d.remote,
            _ => return,
        };
        if replace || slot.is_none() {
            *slot = uri.filter(|u| !u.is_empty()).or(slot.take());
        }
    }
}

fn to_event(d: &Dialog, entity: Option<&str>) -> Result<CallEvent, ParseError> {
    let kind = match d.state.to_ascii_lowercase().as_str() {
        "trying" | "proceeding" | "early" => EventKind::Ringing,
        "confirmed" => EventKind::Answered,
        "terminated" => EventKind::Hangup,
        _ => {
            return Err(ParseError::Invalid {
                field: "state",
                reason: "expected trying, proceeding, early, confirmed or terminated".into(),
            });
        }
    };
    let id = d.call_id.as_deref().or(d.id.as_deref()).unwrap_or("");
    let pbx_call_id = checked_call_id(id, "dialog id")?;
    let local = d.local.as_deref().or(entity).and_then(address::address);
    let remote = d.remote.as_deref().and_then(address::address);
    let (local_user, remote_user) = (local.and_then(|a| a.user()), remote.and_then(|a| a.user()));
    let direction = match d.direction.as_deref() {
        Some(dir) if dir.eq_ignore_ascii_case("initiator") => Some(Direction::Outbound),
        Some(dir) if dir.eq_ignore_ascii_case("recipient") => Some(Direction::Inbound),
        _ => None,
    };
    let outbound = direction == Some(Direction::Outbound);
    let phone = local_user.clone().filter(|u| is_extension(u));
    let (from, to) = if outbound {
        (local_user, remote_user)
    } else {
        (remote_user, local_user)
    };
    let rings_here = kind == EventKind::Ringing && !outbound;
    let acts_here = kind == EventKind::Answered || (kind == EventKind::Ringing && outbound);
    Ok(CallEvent {
        pbx_call_id,
        kind,
        direction,
        from,
        to,
        extensions: phone.clone().filter(|_| rings_here).into_iter().collect(),
        extension: phone.filter(|_| acts_here),
        cause: (kind == EventKind::Hangup).then(|| cause(d.event.as_deref(), d.code.as_deref())),
        withheld: !outbound && remote.is_some_and(|r| r.is_anonymous()),
        raw: cap_raw(d.raw),
        ..CallEvent::default()
    })
}

fn cause(event: Option<&str>, code: Option<&str>) -> HangupCause {
    match event.unwrap_or("").to_ascii_lowercase().as_str() {
        "cancelled" => HangupCause::Cancel,
        "rejected" => match code.map(str::trim) {
            Some("486" | "600") => HangupCause::Busy,
            Some("408" | "480") => HangupCause::NoAnswer,
            _ => HangupCause::Rejected,
        },
        "timeout" | "no-answer" => HangupCause::NoAnswer,
        "error" => HangupCause::Failed,
        _ => HangupCause::Normal,
    }
}

fn malformed(reason: &str) -> ParseError {
    ParseError::Malformed(format!("dialog-info: {reason}"))
}

#[cfg(test)]
#[path = "dialog_info_tests.rs"]
mod tests;

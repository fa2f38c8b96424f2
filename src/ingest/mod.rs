//! Call events in: PBX webhooks and raw SIP, each format a pure parser into [`CallEvent`].
//!
//! Each format module provides `authenticate` (its credential scheme), `parse` (pure: headers
//! and body in, events out, no IO) and `respond` (the answer its PBX expects). Adding a format
//! touches only its own module and the dispatch table in `formats.rs`.

pub mod event;
pub mod sip;
pub mod zammad;

pub use event::{CallEvent, Direction, EventKind, HangupCause, ParseError};

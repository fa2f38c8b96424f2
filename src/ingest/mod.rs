//! Call events in: PBX webhooks and raw SIP, each format a pure parser into [`CallEvent`].
//!
//! Each format module provides `parse` (pure: headers and body in, events out, no IO);
//! `formats.rs` is the dispatch table that also holds each format's credential check and the
//! answer its PBX expects. Adding a format touches its own module and that table.

pub mod auth;
pub mod event;
pub mod formats;
pub mod generic;
pub mod handlers;
pub mod prepare;
pub mod sip;
pub mod zammad;

pub use event::{CallEvent, Direction, EventKind, HangupCause, ParseError};

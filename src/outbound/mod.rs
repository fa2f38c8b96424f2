//! Outbound coordination: managers hand out lists of clients to call (proactive tasks) to
//! operators, fairly and within a daily cap. [`assign`] is the pure rule.

pub mod assign;
pub mod service;

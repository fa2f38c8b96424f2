//! Outbound coordination: managers hand out lists of clients to call (proactive tasks) to
//! operators, fairly and within a daily cap. [`assign`] is the pure rule, [`select`] picks the
//! clients from the segmentation with the reason for each, [`service`] plans and writes a list.

pub mod assign;
pub mod select;
pub mod service;

//! Calls: the pure state machine, the ingest service that applies events in one
//! transaction, the group-commit writer, and the sweeper that closes calls whose end never came.

pub mod announce;
pub mod callbacks;
pub mod service;
pub mod state;
pub mod sweeper;
pub mod writer;

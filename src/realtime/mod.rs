//! Live events to browsers: the [`Hub`] routes each event to the subscribers it concerns
//! (never a broadcast that wakes every connection), the SSE endpoint streams them, and on
//! PostgreSQL a listener brings in the events other instances committed.

pub mod event;
pub mod hub;
pub mod pg;
pub mod sse;

pub use event::LiveEvent;
pub use hub::Hub;

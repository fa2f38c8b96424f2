//! Authentication: passwords, login sessions, API tokens, and the extractors that turn a
//! request into a [`Principal`] with a role.

pub mod extract;
pub mod limiter;
pub mod password;
pub mod session;
pub mod token;

pub use extract::{LookupPrincipal, Principal, SessionUser};

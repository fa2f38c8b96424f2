//! Domain types parsed once at the boundary and trusted everywhere after.

pub mod client;
pub mod phone;
pub mod role;
pub mod text;
pub mod time;

pub use phone::{CallerNumber, PhoneError, PhoneNumber, PhoneRegion};
pub use role::Role;

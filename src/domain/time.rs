//! Instants are stored as `i64` milliseconds since the Unix epoch (UTC) on both backends.
//!
//! Why not native timestamp columns: SQLite has none (sqlx writes text whose precision differs
//! from PostgreSQL's microseconds), and the reports bucket by hour in the business time zone in
//! Rust anyway. One integer type compares, indexes and round-trips identically everywhere.

use chrono::{DateTime, TimeZone, Utc};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// The current instant in milliseconds.
pub fn now_ms() -> Millis {
    Utc::now().timestamp_millis()
}

/// Converts stored milliseconds back to a UTC instant (clamped to the epoch if out of range).
pub fn from_ms(ms: Millis) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Serialises stored milliseconds as RFC 3339 for the JSON API.
pub fn rfc3339(ms: Millis) -> String {
    from_ms(ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_trip_to_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}

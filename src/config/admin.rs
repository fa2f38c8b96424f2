//! `[aggregates]`, `[retention]` and `[secrets]`: the report aggregates job, how long call
//! details are kept, and the key that seals PBX source secrets stored in the database.

use anyhow::bail;
use serde::Deserialize;

/// `[aggregates]`, validated.
#[derive(Clone, Debug)]
pub struct AggregatesConfig {
    /// How often the job sums the slots whose calls changed (seconds; 0: never, for tests).
    pub refresh_seconds: u64,
}

/// `[retention]`, validated. An age of 0 keeps that detail forever.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionConfig {
    /// Call events (the timeline) older than this many days are deleted.
    pub events_days: i64,
    /// Raw PBX payloads older than this many days are emptied.
    pub raw_payload_days: i64,
    /// Recording links of calls older than this many days are removed.
    pub recording_days: i64,
    /// Caller numbers of calls older than this many days are replaced by a keyed hash.
    pub caller_numbers_days: i64,
    /// Audit log entries older than this many days are deleted.
    pub audit_days: i64,
    /// How often the job runs (minutes).
    pub run_every_minutes: u64,
}

/// `[secrets]`, validated.
#[derive(Clone, Debug)]
pub struct SecretsConfig {
    /// 32 bytes that seal PBX source secrets created at run time (None: such sources cannot
    /// be created).
    pub key: Option<std::sync::Arc<secrecy::SecretBox<[u8; 32]>>>,
}

/// `[aggregates]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAggregates {
    refresh_seconds: u64,
}

impl RawAggregates {
    pub(super) fn validate(&self) -> anyhow::Result<AggregatesConfig> {
        if self.refresh_seconds > 3600 {
            bail!(
                "invalid setting aggregates.refresh_seconds = {}: 0 to 3600",
                self.refresh_seconds
            );
        }
        Ok(AggregatesConfig {
            refresh_seconds: self.refresh_seconds,
        })
    }
}

/// `[retention]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRetention {
    events_days: i64,
    raw_payload_days: i64,
    recording_days: i64,
    caller_numbers_days: i64,
    audit_days: i64,
    run_every_minutes: u64,
}

impl RawRetention {
    pub(super) fn validate(&self) -> anyhow::Result<RetentionConfig> {
        let ages = [
            ("events_days", self.events_days),
            ("raw_payload_days", self.raw_payload_days),
            ("recording_days", self.recording_days),
            ("caller_numbers_days", self.caller_numbers_days),
            ("audit_days", self.audit_days),
        ];
        for (name, value) in ages {
            if !(0..=36_500).contains(&value) {
                bail!("invalid setting retention.{name} = {value}: 0 (keep) to 36500 days");
            }
        }
        if !(1..=10_080).contains(&self.run_every_minutes) {
            bail!(
                "invalid setting retention.run_every_minutes = {}: 1 to 10080",
                self.run_every_minutes
            );
        }
        Ok(RetentionConfig {
            events_days: self.events_days,
            raw_payload_days: self.raw_payload_days,
            recording_days: self.recording_days,
            caller_numbers_days: self.caller_numbers_days,
            audit_days: self.audit_days,
            run_every_minutes: self.run_every_minutes,
        })
    }
}

/// `[secrets]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSecrets {
    key: String,
}

impl RawSecrets {
    pub(super) fn validate(&self) -> anyhow::Result<SecretsConfig> {
        if self.key.is_empty() {
            return Ok(SecretsConfig { key: None });
        }
        let Some(bytes) = hex32(&self.key) else {
            bail!("invalid setting secrets.key: expected 64 hexadecimal digits (32 bytes)");
        };
        Ok(SecretsConfig {
            key: Some(std::sync::Arc::new(secrecy::SecretBox::new(Box::new(
                bytes,
            )))),
        })
    }
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_64_hex_digits() {
        assert!(hex32(&"ab".repeat(32)).is_some());
        assert!(hex32(&"ab".repeat(31)).is_none());
        assert!(hex32(&"zz".repeat(32)).is_none());
        let bad = RawSecrets {
            key: "short".into(),
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn ages_are_checked() {
        let r = RawRetention {
            events_days: -1,
            raw_payload_days: 0,
            recording_days: 0,
            caller_numbers_days: 0,
            audit_days: 0,
            run_every_minutes: 60,
        };
        assert!(r.validate().is_err());
    }
}

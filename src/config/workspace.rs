//! `[workspace]` settings: the operator's wrap-up and worklist.

use anyhow::bail;
use serde::Deserialize;

/// `[workspace]` settings, validated.
#[derive(Clone, Debug)]
pub struct WorkspaceConfig {
    /// Wrap-up time (hang-up → outcome saved) is counted up to this many seconds.
    pub wrapup_cap_seconds: i64,
    /// A task whose client was not reached comes back after this long (ms).
    pub retry_after_ms: i64,
    /// After this many unanswered tries a task closes as "not reached".
    pub max_attempts: i64,
    /// A claim on a task lapses after this long without activity (ms).
    pub claim_ms: i64,
    /// Proactive calls an operator is given per day at most (the default of an outbound list).
    pub outbound_daily_cap: i64,
}

/// `[workspace]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorkspace {
    wrapup_cap_seconds: i64,
    retry_after_minutes: i64,
    max_attempts: i64,
    claim_minutes: i64,
    outbound_daily_cap: i64,
}

impl RawWorkspace {
    pub(super) fn validate(&self) -> anyhow::Result<WorkspaceConfig> {
        let checks = [
            ("wrapup_cap_seconds", self.wrapup_cap_seconds, 10, 3600),
            ("retry_after_minutes", self.retry_after_minutes, 1, 10_080),
            ("max_attempts", self.max_attempts, 1, 20),
            ("claim_minutes", self.claim_minutes, 1, 480),
            ("outbound_daily_cap", self.outbound_daily_cap, 1, 500),
        ];
        for (name, value, lo, hi) in checks {
            if !(lo..=hi).contains(&value) {
                bail!("invalid setting workspace.{name} = {value}: {lo} to {hi}");
            }
        }
        Ok(WorkspaceConfig {
            wrapup_cap_seconds: self.wrapup_cap_seconds,
            retry_after_ms: self.retry_after_minutes * 60_000,
            max_attempts: self.max_attempts,
            claim_ms: self.claim_minutes * 60_000,
            outbound_daily_cap: self.outbound_daily_cap,
        })
    }
}

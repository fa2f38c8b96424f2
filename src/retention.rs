//! Retention (issue 5 §5): a background job removes call details older than the ages of
//! `[retention]` — call events, raw PBX payloads, recording links, caller numbers — while the
//! calls themselves and the report aggregates stay, so the KPIs of past periods are unchanged.
//!
//! Caller numbers are replaced by `#` and 16 hex digits of HMAC-SHA256 under a key drawn at
//! random for the run and dropped (zeroised) when the run ends. An unkeyed hash of a phone
//! number is reversed by hashing every possible number; a keyed one cannot be without the key,
//! and the key no longer exists. Within one run the same number gets the same pseudonym, so a
//! batch of old calls can still be grouped by caller; across runs it cannot be linked. The
//! events of those calls are deleted with them, since their normalised data holds the number.
//! Closed callback tasks created in the window lose their numbers the same way; open ones keep
//! them (someone still has to call).
//!
//! The audit log has its own age (`audit_days`): entries older than it are deleted, a few
//! thousand per transaction, through its time index.
//!
//! Each kind of detail has a watermark (`retention_state`): a run walks, one day per
//! transaction, only the calls that started between it and the cutoff.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

use crate::{
    config::admin::RetentionConfig,
    db::{
        Db, DbResult,
        retention::{self as q, Mark},
    },
    domain::time::Millis,
};

const DAY: i64 = 86_400_000;

/// What one run removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetentionRun {
    /// Call events deleted.
    pub events: u64,
    /// Raw payloads emptied.
    pub raw_payloads: u64,
    /// Recording links removed.
    pub recordings: u64,
    /// Caller numbers replaced (calls and closed tasks).
    pub caller_numbers: u64,
    /// Audit log entries deleted.
    pub audit_entries: u64,
}

impl RetentionRun {
    /// Rows changed in all.
    pub fn total(&self) -> u64 {
        self.events + self.raw_payloads + self.recordings + self.caller_numbers + self.audit_entries
    }
}

/// The pseudonym of a number under a run's key.
fn pseudonym(key: &SecretBox<[u8; 32]>, number: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose_secret())
        .expect("HMAC takes keys of any length");
    mac.update(number.as_bytes());
    let digest = mac.finalize().into_bytes();
    format!("#{}", &hex::encode(digest)[..16])
}

/// One run at `now`; records it in `retention_state`.
pub async fn run_once(db: &Db, cfg: &RetentionConfig, now: Millis) -> DbResult<RetentionRun> {
    let started = std::time::Instant::now();
    let result = run(db, cfg, now).await;
    let ms = started.elapsed().as_millis() as i64;
    match &result {
        Ok(r) => q::finish(db, now, ms, r.total() as i64, None).await?,
        Err(e) => q::finish(db, now, ms, 0, Some(&e.to_string())).await?,
    }
    result
}

async fn run(db: &Db, cfg: &RetentionConfig, now: Millis) -> DbResult<RetentionRun> {
    let mut out = RetentionRun::default();
    if cfg.audit_days > 0 {
        out.audit_entries = q::delete_audit(db, now - cfg.audit_days * DAY).await?;
    }
    let Some(first) = q::first_call(db).await? else {
        return Ok(out);
    };
    let st = q::state(db).await?;
    let steps = [
        (Mark::Numbers, cfg.caller_numbers_days, st.numbers_until),
        (Mark::Events, cfg.events_days, st.events_until),
        (Mark::Raw, cfg.raw_payload_days, st.raw_until),
        (Mark::Recordings, cfg.recording_days, st.recordings_until),
    ];
    for (mark, days, until) in steps {
        if days == 0 {
            continue;
        }
        let cutoff = now - days * DAY;
        // Drawn per run and per step, dropped (zeroised) at the end of the step.
        let key = SecretBox::new(Box::new(rand::random::<[u8; 32]>()));
        let mut a = until.max(first);
        while a < cutoff {
            let b = (a + DAY).min(cutoff);
            let mut tx = db.begin().await?;
            match mark {
                Mark::Events => out.events += q::delete_events(&mut tx, a, b).await?,
                Mark::Raw => out.raw_payloads += q::empty_raw(&mut tx, a, b).await?,
                Mark::Recordings => out.recordings += q::remove_recordings(&mut tx, a, b).await?,
                Mark::Numbers => {
                    for (id, number) in q::numbers_of_calls(&mut tx, a, b).await? {
                        q::replace_call_number(&mut tx, id, &pseudonym(&key, &number)).await?;
                        out.caller_numbers += 1;
                    }
                    for (id, number) in q::numbers_of_tasks(&mut tx, a, b).await? {
                        q::replace_task_number(&mut tx, id, &pseudonym(&key, &number)).await?;
                        out.caller_numbers += 1;
                    }
                    out.events += q::delete_events(&mut tx, a, b).await?;
                }
            }
            q::advance(&mut tx, mark, b).await?;
            tx.commit().await?;
            a = b;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_depend_on_the_key() {
        let k1 = SecretBox::new(Box::new([1u8; 32]));
        let k2 = SecretBox::new(Box::new([2u8; 32]));
        let a = pseudonym(&k1, "+79161234567");
        assert_eq!(a.len(), 17);
        assert!(a.starts_with('#'));
        assert_eq!(a, pseudonym(&k1, "+79161234567"));
        assert_ne!(a, pseudonym(&k2, "+79161234567"));
        assert_ne!(a, pseudonym(&k1, "+79161234568"));
    }
}

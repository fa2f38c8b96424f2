//! From parsed events to events ready for the writer: the deduplication key, the effective
//! time, the caller match and the block-list check — the reads done outside the writer's
//! transaction so that the writer only writes.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use dashmap::DashMap;
use sha2::{Digest, Sha256};

use super::{CallEvent, Direction};
use crate::{
    app::AppState,
    calls::service::Prepared,
    db,
    error::AppResult,
    matching::{self, CallerMatch, MatchKind},
};

/// The idempotency key of an event: the PBX's own id; else the call id, type, time and
/// extension when the PBX gave a time (plus a digest of the phones rung and of a recording
/// link); else a SHA-256 of the event's raw text (a redelivery is byte-identical).
///
/// A PBX may send several *new* events of one kind in the same second: a ringing event per
/// phone, or the hang-up again once its recording is ready. What tells them apart is part of
/// the key, or all but the first would be dropped as redeliveries.
pub fn dedup_key(e: &CallEvent) -> String {
    let key = if let Some(id) = &e.event_id {
        format!("id:{id}")
    } else if let Some(at) = e.at {
        let mut key = format!(
            "k:{}:{}:{at}:{}",
            e.pbx_call_id,
            e.kind.as_str(),
            e.extension.as_deref().unwrap_or("")
        );
        if !e.extensions.is_empty() || e.recording_url.is_some() {
            // A digest keeps the key short however many phones or however long the link.
            let extra = format!("{:?}{:?}", e.extensions, e.recording_url);
            key.push(':');
            key.push_str(&hex::encode(&Sha256::digest(extra.as_bytes())[..8]));
        }
        key
    } else {
        return format!("h:{}", hex::encode(Sha256::digest(e.raw.as_bytes())));
    };
    // Keys are indexed: a PBX's very long ids are replaced by their digest.
    if key.len() > 240 {
        format!("d:{}", hex::encode(Sha256::digest(key.as_bytes())))
    } else {
        key
    }
}

/// How long a caller match is reused. A call's ringing, answer and hang-up all name the same
/// number within seconds; matching it once saves two queries per later event. Client and
/// block-list writes on this instance clear the cache; another instance's writes are seen
/// here within this time.
const CALLER_TTL: Duration = Duration::from_secs(3);
/// Entries kept before expired ones are swept.
const CALLER_CACHE_MAX: usize = 20_000;

/// Recent caller matches by the number as sent.
#[derive(Clone, Default)]
pub struct CallerCache {
    entries: Arc<DashMap<String, (CallerMatch, bool, Instant)>>,
}

impl CallerCache {
    /// Forgets everything (after a client or block-list change).
    pub fn clear(&self) {
        self.entries.clear();
    }

    async fn lookup(&self, state: &AppState, raw: &str) -> AppResult<(CallerMatch, bool)> {
        if let Some(e) = self.entries.get(raw)
            && e.2.elapsed() < CALLER_TTL
        {
            return Ok((e.0.clone(), e.1));
        }
        let (caller, blocked) =
            matching::match_and_block(&state.db, state.config.default_region, raw).await?;
        if self.entries.len() >= CALLER_CACHE_MAX {
            self.entries.retain(|_, e| e.2.elapsed() < CALLER_TTL);
        }
        self.entries
            .insert(raw.to_owned(), (caller.clone(), blocked, Instant::now()));
        Ok((caller, blocked))
    }
}

/// Prepares a request's events.
pub async fn prepare(
    state: &AppState,
    events: Vec<CallEvent>,
    now: i64,
) -> AppResult<Vec<Prepared>> {
    let mut out = Vec::with_capacity(events.len());
    for mut e in events {
        if e.extensions.is_empty() && !e.agent_names.is_empty() {
            e.extensions = db::users::extensions_of_names(&state.db, &e.agent_names).await?;
        }
        let caller_raw = match e.direction.unwrap_or_default() {
            Direction::Inbound => e.from.clone(),
            Direction::Outbound => e.to.clone(),
        };
        let (caller, blocked) = match (&caller_raw, e.withheld) {
            (Some(raw), false) => state.callers.lookup(state, raw).await?,
            _ => (
                CallerMatch {
                    number: None,
                    matches: Vec::new(),
                    kind: MatchKind::Anonymous,
                },
                false,
            ),
        };
        out.push(Prepared {
            event_id: dedup_key(&e),
            at: e.at.unwrap_or(now),
            received_at: now,
            caller_raw,
            caller,
            blocked,
            event: e,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::EventKind;

    #[test]
    fn the_key_prefers_the_pbx_id_then_the_time_then_the_raw_text() {
        let base = CallEvent {
            pbx_call_id: "c1".into(),
            kind: EventKind::Answered,
            raw: "{..}".into(),
            ..CallEvent::default()
        };
        let with_id = CallEvent {
            event_id: Some("e-9".into()),
            ..base.clone()
        };
        assert_eq!(dedup_key(&with_id), "id:e-9");
        let with_at = CallEvent {
            at: Some(5),
            extension: Some("101".into()),
            ..base.clone()
        };
        assert_eq!(dedup_key(&with_at), "k:c1:answered:5:101");
        let hashed = dedup_key(&base);
        assert!(hashed.starts_with("h:") && hashed.len() == 66);
        let redelivered = CallEvent {
            raw: "{..}".into(),
            ..base
        };
        assert_eq!(
            hashed,
            dedup_key(&redelivered),
            "a redelivery hashes the same"
        );
    }
}

//! From parsed events to events ready for the writer: the deduplication key, the effective
//! time, the caller match and the block-list check — the reads done outside the writer's
//! transaction so that the writer only writes.

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
/// extension when the PBX gave a time; else a SHA-256 of the event's raw text (a redelivery
/// is byte-identical).
pub fn dedup_key(e: &CallEvent) -> String {
    if let Some(id) = &e.event_id {
        return format!("id:{id}");
    }
    if let Some(at) = e.at {
        return format!(
            "k:{}:{}:{at}:{}",
            e.pbx_call_id,
            e.kind.as_str(),
            e.extension.as_deref().unwrap_or("")
        );
    }
    format!("h:{}", hex::encode(Sha256::digest(e.raw.as_bytes())))
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
        let caller = match (&caller_raw, e.withheld) {
            (Some(raw), false) => {
                matching::match_caller(&state.db, state.config.default_region, raw).await?
            }
            _ => CallerMatch {
                number: None,
                matches: Vec::new(),
                kind: MatchKind::Anonymous,
            },
        };
        let blocked = match (&caller.number, caller.kind) {
            (Some(n), MatchKind::Client | MatchKind::Ambiguous | MatchKind::Unknown) => {
                db::blocked::is_blocked(&state.db, n).await?
            }
            _ => false,
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

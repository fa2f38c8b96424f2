//! Closes calls whose end never arrived (a lost hang-up) with cause `timeout`, through the
//! same writer as every other event, and prunes the live-event outbox.

use std::sync::Arc;

use crate::{
    app::AppState,
    db,
    domain::time::now_ms,
    ingest::{CallEvent, EventKind, HangupCause},
    matching::{CallerMatch, MatchKind},
};

use super::service::Prepared;

/// How long live events are kept for reconnecting browsers.
const OUTBOX_KEEP_MS: i64 = 60 * 60 * 1000;

/// One pass: closes stale calls, prunes the outbox. Returns how many calls it closed.
pub async fn sweep_once(state: &AppState) -> anyhow::Result<usize> {
    let now = now_ms();
    let cfg = &state.config.calls;
    let mut closed = 0;
    for (answered, limit) in [
        (false, cfg.ring_timeout_ms),
        (true, cfg.answered_timeout_ms),
    ] {
        for (source, pbx_call_id, last_at) in
            db::calls::stale_open_calls(&state.db, answered, now - limit, 500).await?
        {
            // Never before the call's last event, even when the PBX's clock runs ahead of ours:
            // a hang-up ordered before the answer would make an answered call a missed one.
            let at = last_at.map_or(now, |t| t.max(now));
            let event = CallEvent {
                event_id: None,
                pbx_call_id: pbx_call_id.clone(),
                kind: EventKind::Hangup,
                at: Some(at),
                cause: Some(HangupCause::Timeout),
                raw: "orderline: no hang-up received in time".into(),
                ..CallEvent::default()
            };
            let p = Prepared {
                event_id: format!("orderline-timeout:{pbx_call_id}"),
                at,
                received_at: now,
                caller_raw: None,
                caller: CallerMatch {
                    number: None,
                    matches: Vec::new(),
                    kind: MatchKind::Unknown,
                },
                blocked: false,
                event,
            };
            state
                .writer
                .submit(Arc::from(source.as_str()), vec![p])
                .await?;
            closed += 1;
        }
    }
    db::live::prune(&state.db, now - OUTBOX_KEEP_MS).await?;
    if closed > 0 {
        tracing::info!(closed, "closed calls whose end never arrived");
    }
    Ok(closed)
}

//! `GET /api/v1/events`: the live-event stream (server-sent events).
//!
//! The subscriber registers with the hub first and only then reads what it missed from the
//! outbox, so nothing falls between the two; live events already replayed are skipped by id.
//! Ids come from the database outbox, so `Last-Event-ID` resumes on any instance; an id the
//! outbox no longer holds (or a subscriber that fell behind) gets a `resync` event.

use std::{convert::Infallible, sync::atomic::Ordering, time::Duration};

use axum::{
    extract::State,
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::{Stream, StreamExt, stream};
use serde::Deserialize;

use super::{
    LiveEvent,
    hub::{Interest, Subscription},
};
use crate::{
    app::AppState,
    auth::Principal,
    db,
    domain::Role,
    error::{AppError, AppQuery, AppResult},
};

/// The most events replayed on reconnect; more than that means "reload".
const REPLAY_LIMIT: i64 = 500;

#[derive(Deserialize)]
pub struct EventsQuery {
    /// For clients that cannot set `Last-Event-ID` (it is also accepted as a header).
    last_event_id: Option<String>,
}

/// The SSE handler.
pub async fn events(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    AppQuery(q): AppQuery<EventsQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let interest = interest_of(&state, &principal).await?;
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(q.last_event_id)
        .and_then(|v| v.trim().parse::<i64>().ok());
    let everything = interest.everything;
    if matches!(state.db, db::Db::Postgres(_)) {
        // Subscribing before this instance hears the others would lose their events.
        state.hub.listening().await;
    }
    let sub = state.hub.subscribe(interest.clone());
    let (replay, resync) = match last {
        Some(last) => replay_after(&state, last, &interest).await?,
        None => (Vec::new(), false),
    };
    // After a resync nothing was replayed: skip nothing (the id may be one we never issued).
    let replayed_up_to = if resync {
        0
    } else {
        replay.last().map_or(last.unwrap_or(0), |e| e.id)
    };
    let first: Vec<Event> = resync
        .then(resync_event)
        .into_iter()
        .chain(replay.iter().map(|e| render(e, sub.full_numbers)))
        .collect();
    let live = live_stream(sub, replayed_up_to);
    let stream = stream::iter(first)
        .chain(live)
        .map(Ok)
        .take_until(state.shutdown.clone().cancelled_owned());
    tracing::debug!(everything, "sse subscriber connected");
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Who may subscribe to what: managers and admins to everything, operators to their own
/// extension and broadcasts, PBX tokens to nothing.
async fn interest_of(state: &AppState, p: &Principal) -> AppResult<Interest> {
    let full_numbers = state.config.full_numbers_roles.contains(&p.role);
    match (p.role, &p.user) {
        (Role::Pbx, _) => Err(AppError::Forbidden),
        (Role::Manager | Role::Admin, _) => Ok(Interest {
            everything: true,
            extension: None,
            user_id: p.user.as_ref().map(|u| u.id),
            full_numbers,
            ready: true,
        }),
        (Role::Operator, Some(u)) => {
            let ready = db::operators::is_ready(&state.db, u.id).await?;
            // Operators always see the full numbers of their own calls: they must dial them.
            Ok(Interest {
                everything: false,
                extension: u.extension.clone(),
                user_id: Some(u.id),
                full_numbers: true,
                ready,
            })
        }
        (Role::Operator, None) => Err(AppError::Forbidden),
    }
}

/// The events after `last` this subscriber should see, and whether it must resync instead
/// (the outbox no longer reaches back that far or never reached that id, or too much was
/// missed).
async fn replay_after(
    state: &AppState,
    last: i64,
    interest: &Interest,
) -> AppResult<(Vec<std::sync::Arc<LiveEvent>>, bool)> {
    // An id we never issued (the database was restored from an older backup, say) is as
    // unknown as one pruned away.
    let gap = match db::live::id_range(&state.db).await? {
        Some((oldest, newest)) => last < oldest - 1 || last > newest,
        None => last > 0,
    };
    if gap {
        return Ok((Vec::new(), true));
    }
    let rows = db::live::after(&state.db, last, REPLAY_LIMIT).await?;
    if rows.len() as i64 == REPLAY_LIMIT {
        return Ok((Vec::new(), true));
    }
    let events = rows
        .iter()
        .map(LiveEvent::from_row)
        .filter(|e| concerns(e, interest))
        .collect();
    Ok((events, false))
}

/// The same routing rule as the hub's, for replayed events.
fn concerns(e: &LiveEvent, i: &Interest) -> bool {
    i.everything
        || i.extension
            .as_ref()
            .is_some_and(|x| e.extensions.contains(x))
        || (e.broadcast && i.ready)
}

/// Live events, skipping those the replay already sent (ids up to `after`). Only the replay
/// boundary is skipped, not every id below the last one sent: another instance's events reach
/// the hub after this instance's own, so ids may arrive out of order.
fn live_stream(sub: Subscription, after: i64) -> impl Stream<Item = Event> {
    stream::unfold((sub, after), |(mut sub, after)| async move {
        loop {
            if sub.lagged.swap(false, Ordering::Relaxed) {
                while sub.rx.try_recv().is_ok() {}
                return Some((resync_event(), (sub, after)));
            }
            let e = sub.rx.recv().await?;
            // Id 0 is the hub's own worklist tick: not from the outbox, never replayed.
            if e.id > after || e.id == 0 {
                let ev = render(&e, sub.full_numbers);
                return Some((ev, (sub, after)));
            }
        }
    })
}

fn render(e: &LiveEvent, full_numbers: bool) -> Event {
    let data = if full_numbers { &e.full } else { &e.masked };
    let event = Event::default().event(&e.kind).data(data);
    // An event without an id leaves the browser's Last-Event-ID where it was.
    match e.id {
        0 => event,
        id => event.id(id.to_string()),
    }
}

fn resync_event() -> Event {
    Event::default().event("resync").data("{}")
}

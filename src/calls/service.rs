//! Applying a batch of events inside the writer's transaction: store each event (or count a
//! redelivery), recompute each call from all its events with the pure state machine, rewrite
//! it, and turn what changed into callback work and live events.

use serde_json::Value;

pub use super::announce::kind_str;
use super::{
    announce::announce,
    callbacks,
    state::{self, CallState, State, TimedEvent},
};
use crate::{
    config::CallsConfig,
    db::{
        DbResult, call_batch as batch, call_load,
        calls::{CallHead, Derived, EventRow, NewCall, NewEvent},
        direct::BatchTx,
    },
    ingest::{CallEvent, Direction},
    matching::{CallerMatch, MatchKind},
};

/// An event ready for the database: deduplication key, effective time and caller match
/// already worked out by the webhook handler (outside the transaction).
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The event.
    pub event: CallEvent,
    /// The idempotency key.
    pub event_id: String,
    /// Effective time (the PBX's, or arrival).
    pub at: i64,
    /// Arrival time.
    pub received_at: i64,
    /// The client's number as sent.
    pub caller_raw: Option<String>,
    /// Who the client's number belongs to.
    pub caller: CallerMatch,
    /// The number is on the block list.
    pub blocked: bool,
}

/// What happened to one event.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The call it belongs to.
    pub call_id: i64,
    /// It was a redelivery: nothing changed.
    pub duplicate: bool,
    /// The call's state afterwards.
    pub state: State,
}

/// A live event to append to the outbox.
#[derive(Clone, Debug)]
pub struct PendingLive {
    /// Its kind.
    pub kind: &'static str,
    /// The call.
    pub call_id: Option<i64>,
    /// Extensions it concerns.
    pub extensions: Vec<String>,
    /// For every ready operator.
    pub broadcast: bool,
    /// The payload.
    pub data: Value,
}

/// One event of a batch and the source it came from.
pub struct Item<'a> {
    /// The source.
    pub source_id: &'a str,
    /// The event.
    pub p: &'a Prepared,
}

/// The events of one call within a batch.
struct CallWork {
    key: (String, String),
    /// Indexes into the batch, in arrival order.
    items: Vec<usize>,
}

/// Applies a batch of events (in arrival order) inside the writer's transaction, with a few
/// multi-row statements: find or create every call, store every event, load the calls'
/// events, then re-derive and rewrite each call once. `now` is the batch's clock.
pub async fn apply_batch(
    tx: &mut BatchTx<'_>,
    items: &[Item<'_>],
    cfg: &CallsConfig,
    now: i64,
    live: &mut Vec<PendingLive>,
) -> DbResult<Vec<Outcome>> {
    let work = group_by_call(items);
    let (mut heads, named) = find_or_create(tx, items, &work, now).await?;
    // Every call's events and its number's open tasks are loaded with the insert (one round
    // trip on PostgreSQL, `call_load`); a call whose events were all redeliveries ignores them.
    let ids: Vec<i64> = heads.values().map(|(h, _)| h.id).collect();
    let numbers: Vec<&str> = heads
        .values()
        .filter_map(|(h, _)| h.caller_e164.as_deref())
        .collect();
    let (inserted, mut events, mut open) = store_events(tx, items, &heads, &ids, &numbers).await?;
    let mut outcomes: Vec<Option<Outcome>> = vec![None; items.len()];
    let changed: Vec<&CallWork> = work
        .iter()
        .filter(|w| w.items.iter().any(|&i| inserted[i]))
        .collect();
    let mut rewrites = Vec::with_capacity(changed.len());
    for w in &changed {
        let Some((head, created)) = heads.remove(&w.key) else {
            continue;
        };
        let rows = events.remove(&head.id).unwrap_or_default();
        let (derived, flags) = recompute(&head, rows)?;
        rewrites.push(derived_row(tx, head.id, &derived, flags, now).await?);
        let before = Before::of(&head, created, named.contains(&w.key));
        callbacks::on_change(tx, &head, &before, &derived, cfg, now, &mut open, live).await?;
        let last = w
            .items
            .iter()
            .rev()
            .map(|&i| &items[i])
            .find(|it| it.p.caller.number.is_some());
        let last = last.unwrap_or(&items[w.items[w.items.len() - 1]]);
        announce(&head, &before, &derived, last.source_id, last.p, live);
        for &i in &w.items {
            outcomes[i] = Some(Outcome {
                call_id: head.id,
                duplicate: !inserted[i],
                state: derived.state,
            });
        }
    }
    batch::update_calls(tx, &rewrites).await?;
    // Calls whose every event of this batch was a redelivery: nothing changed.
    for w in &work {
        if let Some((head, _)) = heads.get(&w.key) {
            for &i in &w.items {
                let state = State::parse(&head.state).unwrap_or(State::Ringing);
                outcomes[i] = Some(Outcome {
                    call_id: head.id,
                    duplicate: true,
                    state,
                });
            }
        }
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every item belongs to one call"))
        .collect())
}

/// Groups the batch by call, sorted by key (a stable lock order across instances).
fn group_by_call(items: &[Item<'_>]) -> Vec<CallWork> {
    let mut by_key: std::collections::BTreeMap<(String, String), Vec<usize>> = Default::default();
    for (i, it) in items.iter().enumerate() {
        by_key
            .entry((it.source_id.to_owned(), it.p.event.pbx_call_id.clone()))
            .or_default()
            .push(i);
    }
    by_key
        .into_iter()
        .map(|(key, items)| CallWork { key, items })
        .collect()
}

type Heads = std::collections::HashMap<(String, String), (CallHead, bool)>;

/// Finds or creates every call of the batch; a call started by an event that did not name the
/// caller gets it from the first event that does. Also returns the calls whose caller this
/// batch named that way.
async fn find_or_create(
    tx: &mut BatchTx<'_>,
    items: &[Item<'_>],
    work: &[CallWork],
    now: i64,
) -> DbResult<(Heads, std::collections::HashSet<(String, String)>)> {
    let mut named = std::collections::HashSet::new();
    // A call is created from the batch's event that best names the caller (so a hang-up that
    // arrives in the same batch before its ring does not create a call with no caller).
    let creators: Vec<&Item<'_>> = work.iter().map(|w| creator(items, w)).collect();
    let candidates: Vec<String> = creators
        .iter()
        .map(|it| {
            let ids: Vec<i64> = it.p.caller.matches.iter().map(|m| m.client_id).collect();
            serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())
        })
        .collect();
    let news: Vec<NewCall<'_>> = creators
        .iter()
        .zip(&candidates)
        .map(|(it, c)| new_call(it.source_id, it.p, c, now))
        .collect();
    let mut heads = batch::upsert_calls(tx, &news).await?;
    for w in work {
        let Some((head, created)) = heads.get(&w.key) else {
            continue;
        };
        let mut its = w.items.iter().map(|&i| &items[i]);
        let namer = its.clone().find(|it| it.p.caller_raw.is_some());
        // A first event without a direction is taken as inbound, so an outbound call whose
        // ring arrives after its answer would keep the extension (`from`) as its caller: the
        // first event that says "outbound" names the client (`to`) instead.
        let corrector = its.find(|it| {
            it.p.event.direction == Some(Direction::Outbound) && it.p.caller_raw.is_some()
        });
        let fill = match (&head.caller_raw, namer, corrector) {
            (None, Some(it), _) if !*created => Some((it, false)),
            (Some(raw), _, Some(it))
                if head.direction == "inbound"
                    && head.caller_kind == "internal"
                    && it.p.caller_raw.as_deref() != Some(raw) =>
            {
                Some((it, true))
            }
            _ => None,
        };
        if let Some((it, replace)) = fill {
            let ids: Vec<i64> = it.p.caller.matches.iter().map(|m| m.client_id).collect();
            let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
            let call = new_call(it.source_id, it.p, &ids, now);
            batch::fill_caller(tx, head.id, &call, replace).await?;
            let fresh = batch::find_call_for_update(tx, &w.key.0, &w.key.1)
                .await?
                .ok_or(crate::db::DbError::NotFound("call"))?;
            heads.insert(w.key.clone(), (fresh, false));
            named.insert(w.key.clone());
        }
    }
    Ok((heads, named))
}

/// The event of a call's group that creates the call: the first that says "outbound" and
/// names the caller (the client is then `to`), else the first that names one, else the first.
fn creator<'i, 'a>(items: &'i [Item<'a>], w: &CallWork) -> &'i Item<'a> {
    let mut its = w.items.iter().map(|&i| &items[i]);
    let outbound = its
        .clone()
        .find(|it| it.p.event.direction == Some(Direction::Outbound) && it.p.caller_raw.is_some());
    outbound
        .or_else(|| its.find(|it| it.p.caller_raw.is_some()))
        .unwrap_or(&items[w.items[0]])
}

/// Stores the batch's events and loads the calls' events and open-task numbers; returns, per
/// item, whether it was new (not a redelivery), then what was loaded.
async fn store_events(
    tx: &mut BatchTx<'_>,
    items: &[Item<'_>],
    heads: &Heads,
    call_ids: &[i64],
    numbers: &[&str],
) -> DbResult<(Vec<bool>, EventsByCall, callbacks::OpenNumbers)> {
    let data: Vec<String> = items
        .iter()
        .map(|it| serde_json::to_string(&it.p.event))
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut rows = Vec::with_capacity(items.len());
    for (it, data) in items.iter().zip(&data) {
        let key = (it.source_id.to_owned(), it.p.event.pbx_call_id.clone());
        let call_id = heads
            .get(&key)
            .map(|(h, _)| h.id)
            .ok_or(crate::db::DbError::NotFound("call"))?;
        rows.push(NewEvent {
            call_id,
            source_id: it.source_id,
            event_id: &it.p.event_id,
            kind: it.p.event.kind.as_str(),
            at: it.p.at,
            received_at: it.p.received_at,
            data,
            raw: &it.p.event.raw,
        });
    }
    let loaded = call_load::store_and_load(tx, &rows, call_ids, numbers).await?;
    let mut stored = loaded.stored;
    let mut fresh = Vec::with_capacity(items.len());
    let mut dups: Vec<(&str, &str, i64)> = Vec::new();
    for it in items {
        // The first item with a newly stored key is new; any later one with the same key,
        // and every item whose key was stored before, is a redelivery.
        let new = stored.remove(&(it.source_id.to_owned(), it.p.event_id.clone()));
        if !new {
            match dups
                .iter_mut()
                .find(|(s, e, _)| *s == it.source_id && *e == it.p.event_id)
            {
                Some(d) => d.2 += 1,
                None => dups.push((it.source_id, &it.p.event_id, 1)),
            }
            metrics::counter!("call_events_duplicate_total").increment(1);
        }
        fresh.push(new);
    }
    // One statement for all of them (a round trip each on PostgreSQL otherwise).
    batch::count_duplicates(tx, &dups).await?;
    Ok((fresh, loaded.events, loaded.open))
}

/// Every stored event of some calls, by call id.
type EventsByCall = std::collections::HashMap<i64, Vec<EventRow>>;

/// The call an event starts (or the caller it names, for a call started without one).
fn new_call<'a>(source_id: &'a str, p: &'a Prepared, candidates: &'a str, now: i64) -> NewCall<'a> {
    let direction = p.event.direction.unwrap_or_default();
    let did = match direction {
        Direction::Inbound => p.event.to.as_deref(),
        Direction::Outbound => p.event.from.as_deref(),
    };
    let ids = &p.caller.matches;
    NewCall {
        source_id,
        pbx_call_id: p.event.pbx_call_id.as_str(),
        direction: direction.as_str(),
        state: if p.blocked { "blocked" } else { "ringing" },
        caller_raw: p.caller_raw.as_deref(),
        caller_e164: p
            .caller
            .number
            .as_deref()
            .filter(|_| p.caller.kind != MatchKind::Internal),
        caller_kind: kind_str(p.caller.kind),
        client_id: (ids.len() == 1).then(|| ids[0].client_id),
        candidates,
        did,
        started_at: p.at,
        now,
    }
}

/// An event row id, its stored late flag and its late flag now.
type LateFlag = (i64, bool, bool);

/// Re-derives the call from every stored event.
fn recompute(head: &CallHead, rows: Vec<EventRow>) -> DbResult<(CallState, Vec<LateFlag>)> {
    let timed: Vec<TimedEvent> = rows
        .iter()
        .filter_map(|r| {
            serde_json::from_str::<CallEvent>(&r.data)
                .ok()
                .map(|event| TimedEvent {
                    at: r.at,
                    seq: r.id,
                    event,
                })
        })
        .collect();
    let blocked = head.state == "blocked";
    let (derived, late) =
        state::derive(&timed, blocked).ok_or(crate::db::DbError::NotFound("call events"))?;
    let flags = rows
        .iter()
        .zip(late)
        .map(|(r, l)| (r.id, r.late, l))
        .collect();
    Ok((derived, flags))
}

/// Stores changed late flags and returns the call's derived columns.
async fn derived_row(
    tx: &mut BatchTx<'_>,
    call_id: i64,
    s: &CallState,
    flags: Vec<LateFlag>,
    now: i64,
) -> DbResult<Derived> {
    for (id, was, is) in &flags {
        if was != is {
            batch::set_event_late(tx, *id, *is).await?;
        }
    }
    Ok(Derived {
        call_id,
        state: s.state.as_str(),
        direction: s.direction.as_str(),
        forwarded: s.forwarded,
        transferred: s.transferred,
        queue: s.queue.clone(),
        extensions: serde_json::to_string(&s.extensions).unwrap_or_else(|_| "[]".into()),
        answered_extension: s.answered_extension.clone(),
        cause: s.cause.map(|c| c.as_str()),
        recording_url: s.recording_url.clone(),
        forwarded_from: s.forwarded_from.clone(),
        started_at: s.started_at,
        answered_at: s.answered_at,
        ended_at: s.ended_at,
        wait_seconds: s.wait_seconds(),
        talk_seconds: s.talk_seconds(),
        event_count: flags.len() as i64,
        now,
    })
}

/// What the call looked like before this event.
pub struct Before {
    /// Whether this event created the call.
    pub created: bool,
    /// The stored state.
    pub state: Option<State>,
    /// Extensions that had rung.
    pub extensions: Vec<String>,
    /// Whether it had been answered.
    pub answered: bool,
    /// Whether it had ended.
    pub ended: bool,
    /// Whether its caller's number was known: a call whose hang-up arrived before its ring
    /// was missed before anyone knew who had called, so no task could be opened then.
    pub had_number: bool,
}

impl Before {
    fn of(head: &CallHead, created: bool, named_now: bool) -> Self {
        Before {
            created,
            state: if created {
                None
            } else {
                State::parse(&head.state)
            },
            extensions: if created {
                Vec::new()
            } else {
                serde_json::from_str(&head.extensions).unwrap_or_default()
            },
            answered: !created && head.answered_at.is_some(),
            ended: !created && head.ended_at.is_some(),
            had_number: !created && !named_now,
        }
    }
}

//! The hub: who is listening, and for what.
//!
//! Publishing looks up only the subscribers an event concerns — by extension, plus those who
//! asked for everything (managers), plus ready operators for broadcast events — so an event
//! wakes a handful of connections, not all of them. Each subscriber has a bounded queue; one
//! that falls behind is flagged and its stream sends `resync` instead of losing events silently.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use tokio::sync::{mpsc, watch};

use super::LiveEvent;

/// How many events a subscriber may have queued before it must resync.
const QUEUE: usize = 256;

/// How often, at most, ready operators are told that the shared worklist changed.
pub const WORKLIST_TICK: std::time::Duration = std::time::Duration::from_secs(2);

/// The kind of the coalesced tick; it has no outbox id (id 0), so it is never replayed.
pub const WORKLIST_CHANGED: &str = "worklist.changed";
/// An operator set ready or paused; sent to managers only (see [`Hub::set_ready`]).
pub const DESK_STATUS: &str = "desk.status";

/// What a subscriber wants.
#[derive(Clone, Debug)]
pub struct Interest {
    /// Everything (managers, admin tokens).
    pub everything: bool,
    /// The operator's extension.
    pub extension: Option<String>,
    /// The operator's user id (for ready/paused).
    pub user_id: Option<i64>,
    /// Whether the subscriber may see full numbers.
    pub full_numbers: bool,
    /// Whether the operator takes broadcast events (ready, not paused).
    pub ready: bool,
}

struct Entry {
    tx: mpsc::Sender<Arc<LiveEvent>>,
    interest: Interest,
    lagged: Arc<AtomicBool>,
}

#[derive(Default)]
struct Subs {
    entries: HashMap<u64, Entry>,
    by_extension: HashMap<String, Vec<u64>>,
    everything: Vec<u64>,
    operators: Vec<u64>,
}

/// The routing table of live events. Cheap to clone.
#[derive(Clone, Default)]
pub struct Hub {
    subs: Arc<Mutex<Subs>>,
    next: Arc<AtomicU64>,
    /// Whether other instances' events reach this hub (PostgreSQL LISTEN is active).
    listening: Arc<watch::Sender<bool>>,
    /// A task was created, updated or closed since the last worklist tick.
    worklist_dirty: Arc<AtomicBool>,
}

/// A subscription: the receiving end and a guard that unsubscribes on drop.
pub struct Subscription {
    /// Events for this subscriber.
    pub rx: mpsc::Receiver<Arc<LiveEvent>>,
    /// Set when the queue overflowed; the stream must resync.
    pub lagged: Arc<AtomicBool>,
    /// Whether this subscriber sees full numbers.
    pub full_numbers: bool,
    _guard: Guard,
}

struct Guard {
    hub: Hub,
    id: u64,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.id);
    }
}

impl Hub {
    /// Registers a subscriber.
    pub fn subscribe(&self, interest: Interest) -> Subscription {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let lagged = Arc::new(AtomicBool::new(false));
        let full_numbers = interest.full_numbers;
        let mut subs = self.lock();
        if interest.everything {
            subs.everything.push(id);
        } else {
            subs.operators.push(id);
            if let Some(x) = &interest.extension {
                subs.by_extension.entry(x.clone()).or_default().push(id);
            }
        }
        subs.entries.insert(
            id,
            Entry {
                tx,
                interest,
                lagged: lagged.clone(),
            },
        );
        drop(subs);
        metrics::gauge!("sse_subscribers").increment(1.0);
        Subscription {
            rx,
            lagged,
            full_numbers,
            _guard: Guard {
                hub: self.clone(),
                id,
            },
        }
    }

    fn unsubscribe(&self, id: u64) {
        let mut subs = self.lock();
        if let Some(e) = subs.entries.remove(&id) {
            subs.everything.retain(|x| *x != id);
            subs.operators.retain(|x| *x != id);
            if let Some(x) = e.interest.extension
                && let Some(list) = subs.by_extension.get_mut(&x)
            {
                list.retain(|y| *y != id);
                if list.is_empty() {
                    subs.by_extension.remove(&x);
                }
            }
            metrics::gauge!("sse_subscribers").decrement(1.0);
        }
    }

    /// Delivers an event to the subscribers it concerns.
    pub fn publish(&self, event: &Arc<LiveEvent>) {
        if event.kind.starts_with("callback.") {
            self.worklist_dirty.store(true, Ordering::Relaxed);
        }
        let subs = self.lock();
        let mut targets: Vec<u64> = subs.everything.clone();
        for x in &event.extensions {
            if let Some(list) = subs.by_extension.get(x) {
                targets.extend(list);
            }
        }
        if event.broadcast {
            targets.extend(
                subs.operators
                    .iter()
                    .filter(|id| subs.entries.get(id).is_some_and(|e| e.interest.ready)),
            );
        }
        targets.sort_unstable();
        targets.dedup();
        for id in targets {
            let Some(entry) = subs.entries.get(&id) else {
                continue;
            };
            if entry.tx.try_send(event.clone()).is_err() {
                entry.lagged.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Tells every ready operator, at most once per [`WORKLIST_TICK`], that tasks changed, so
    /// that worklists stay current without each task event waking every desk. Runs until the
    /// task is aborted.
    pub async fn run_worklist_ticks(self) {
        let mut tick = tokio::time::interval(WORKLIST_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            self.tick_worklist();
        }
    }

    /// Sends one `worklist.changed` to ready operators and managers if tasks changed.
    fn tick_worklist(&self) {
        if !self.worklist_dirty.swap(false, Ordering::Relaxed) {
            return;
        }
        let tick = Arc::new(LiveEvent {
            id: 0,
            kind: WORKLIST_CHANGED.into(),
            extensions: Vec::new(),
            broadcast: true,
            full: "{}".into(),
            masked: "{}".into(),
        });
        self.publish(&tick);
    }

    /// Marks every subscriber for resync (e.g. the PostgreSQL listener lost its connection).
    pub fn resync_all(&self) {
        for e in self.lock().entries.values() {
            e.lagged.store(true, Ordering::Relaxed);
        }
    }

    /// Sets whether an operator takes broadcast events (ready) or not (paused), and tells the
    /// managers' streams (`desk.status`, no id, never replayed: the wallboard reloads its
    /// operator states on it instead of waiting for its next refresh). Runs on every instance
    /// for a change made on any (the PostgreSQL listener calls it too).
    pub fn set_ready(&self, user_id: i64, ready: bool) {
        for e in self.lock().entries.values_mut() {
            if e.interest.user_id == Some(user_id) {
                e.interest.ready = ready;
            }
        }
        let status = if ready { "ready" } else { "paused" };
        let data = serde_json::json!({ "user_id": user_id, "status": status }).to_string();
        self.publish(&Arc::new(LiveEvent {
            id: 0,
            kind: DESK_STATUS.into(),
            extensions: Vec::new(),
            broadcast: false,
            full: data.clone(),
            masked: data,
        }));
    }

    /// Records that other instances' events now reach this hub (the PostgreSQL listener is
    /// listening).
    pub fn set_listening(&self) {
        self.listening.send_replace(true);
    }

    /// Waits until other instances' events reach this hub. A subscriber that registered
    /// before would silently miss the events other instances commit meanwhile.
    pub async fn listening(&self) {
        let mut rx = self.listening.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = rx.wait_for(|ready| *ready).await;
    }

    /// How many subscribers are connected.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether nobody is connected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Subs> {
        // A panic while holding this lock cannot leave the maps half-updated in a way that
        // matters (they are rebuilt per call), so a poisoned lock is recovered.
        self.subs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(extensions: &[&str], broadcast: bool) -> Arc<LiveEvent> {
        Arc::new(LiveEvent {
            id: 1,
            kind: "call.ringing".into(),
            extensions: extensions.iter().map(|s| s.to_string()).collect(),
            broadcast,
            full: "{}".into(),
            masked: "{}".into(),
        })
    }

    fn operator(ext: &str, ready: bool) -> Interest {
        Interest {
            everything: false,
            extension: Some(ext.into()),
            user_id: None,
            full_numbers: true,
            ready,
        }
    }

    #[test]
    fn an_event_reaches_its_extension_and_managers_but_not_other_operators() {
        let hub = Hub::default();
        let mut a = hub.subscribe(operator("101", true));
        let mut b = hub.subscribe(operator("102", true));
        let mut m = hub.subscribe(Interest {
            everything: true,
            extension: None,
            user_id: None,
            full_numbers: true,
            ready: true,
        });
        hub.publish(&event(&["101"], false));
        assert!(a.rx.try_recv().is_ok());
        assert!(b.rx.try_recv().is_err());
        assert!(m.rx.try_recv().is_ok());
    }

    #[test]
    fn a_broadcast_reaches_ready_operators_only() {
        let hub = Hub::default();
        let mut ready = hub.subscribe(operator("101", true));
        let mut paused = hub.subscribe(operator("102", false));
        hub.publish(&event(&[], true));
        assert!(ready.rx.try_recv().is_ok());
        assert!(paused.rx.try_recv().is_err());
    }

    #[test]
    fn a_subscriber_that_falls_behind_is_flagged_not_silently_dropped() {
        let hub = Hub::default();
        let s = hub.subscribe(operator("101", true));
        for _ in 0..QUEUE + 1 {
            hub.publish(&event(&["101"], false));
        }
        assert!(s.lagged.load(Ordering::Relaxed));
    }

    #[test]
    fn task_events_are_coalesced_into_one_worklist_tick_for_ready_operators() {
        let hub = Hub::default();
        let mut ready = hub.subscribe(operator("101", true));
        let mut paused = hub.subscribe(operator("102", false));
        let task = |ext: &str| {
            let mut e = Arc::into_inner(event(&[ext], false)).expect("one owner");
            e.kind = "callback.created".into();
            Arc::new(e)
        };
        hub.tick_worklist();
        assert!(ready.rx.try_recv().is_err(), "no task changed yet: no tick");
        hub.publish(&task("103"));
        hub.publish(&task("103"));
        hub.tick_worklist();
        let tick = ready.rx.try_recv().expect("one tick");
        assert_eq!((tick.kind.as_str(), tick.id), (WORKLIST_CHANGED, 0));
        assert!(ready.rx.try_recv().is_err(), "two task events, one tick");
        assert!(paused.rx.try_recv().is_err());
        hub.tick_worklist();
        assert!(ready.rx.try_recv().is_err(), "nothing changed since");
    }

    #[test]
    fn dropping_a_subscription_unsubscribes() {
        let hub = Hub::default();
        let s = hub.subscribe(operator("101", true));
        assert_eq!(hub.len(), 1);
        drop(s);
        assert!(hub.is_empty());
    }
}

//! Callback tasks for the seeded calls, as the writer (`calls::callbacks`) would have made
//! them: a missed inbound call of a known client opens a task for its number or counts one
//! more attempt on the open one (one open task per number), and the next answered call with
//! that number, inbound or outbound, closes it as reached. So the dashboard's callback speed
//! and the operators' tasks done are measured on a realistic number of tasks.
//!
//! Calls arrive in time order; open tasks wait in memory (at most one per client) and each
//! task is written once, when it closes or, still open, at the end of the seed.

use std::collections::HashMap;

use super::{DbResult, bulk::Bulk, direct::Arg, seed_calls::Call};
use crate::domain::time::Millis;

/// One task.
pub(super) struct Task {
    id: i64,
    number: String,
    client: i64,
    attempts: i64,
    first_call: i64,
    last_call: i64,
    created: Millis,
    updated: Millis,
    /// When and by which call it was closed.
    closed: Option<(Millis, i64)>,
}

/// The tasks so far.
#[derive(Default)]
pub(super) struct Tasks {
    open: HashMap<i64, Task>,
    closed: Vec<Task>,
    last_id: i64,
}

impl Tasks {
    /// What the call does to its client's task.
    pub(super) fn on_call(&mut self, c: &Call) {
        let Some(client) = c.client else { return };
        if c.state == "missed" && c.inbound {
            let at = c.ended_at();
            match self.open.get_mut(&client) {
                Some(t) => {
                    t.attempts += 1;
                    t.last_call = c.id;
                    t.updated = at;
                }
                None => {
                    self.last_id += 1;
                    let task = Task {
                        id: self.last_id,
                        number: c.number.clone(),
                        client,
                        attempts: 1,
                        first_call: c.id,
                        last_call: c.id,
                        created: at,
                        updated: at,
                        closed: None,
                    };
                    self.open.insert(client, task);
                }
            }
        } else if let Some(answered) = c.answered_at()
            && let Some(mut t) = self.open.remove(&client)
        {
            t.closed = Some((answered, c.id));
            t.updated = answered;
            self.closed.push(t);
        }
    }

    /// The tasks closed since the last call, to be written.
    pub(super) fn take_closed(&mut self) -> Vec<Task> {
        std::mem::take(&mut self.closed)
    }

    /// The tasks still open, to be written at the end.
    pub(super) fn take_open(&mut self) -> Vec<Task> {
        let mut open: Vec<Task> = self.open.drain().map(|(_, t)| t).collect();
        open.sort_by_key(|t| t.id);
        open
    }
}

/// Writes tasks (their calls are already in).
pub(super) async fn insert_tasks(bulk: &mut Bulk, tasks: &[Task]) -> DbResult<()> {
    const COLUMNS: [&str; 15] = [
        "id",
        "kind",
        "status",
        "number_e164",
        "client_id",
        "attempts",
        "first_call_id",
        "last_call_id",
        "reason",
        "due_at",
        "created_at",
        "updated_at",
        "closed_at",
        "closed_by_call_id",
        "close_reason",
    ];
    let mut v = Vec::with_capacity(tasks.len() * COLUMNS.len());
    for t in tasks {
        v.extend([
            Arg::from(t.id),
            Arg::from("missed"),
            Arg::from(if t.closed.is_some() { "closed" } else { "open" }),
            Arg::from(t.number.as_str()),
            Arg::from(t.client),
            Arg::from(t.attempts),
            Arg::from(t.first_call),
            Arg::from(t.last_call),
            Arg::from("missed call"),
            Arg::from(t.created),
            Arg::from(t.created),
            Arg::from(t.updated),
            Arg::from(t.closed.map(|c| c.0)),
            Arg::from(t.closed.map(|c| c.1)),
            Arg::from(t.closed.map(|_| "reached")),
        ]);
    }
    bulk.insert("callbacks", &COLUMNS, &v).await
}

//! Storing a batch's events and loading what the writer needs next — every event of the
//! batch's calls and which of their numbers have an open task — in one round trip on
//! PostgreSQL, three statements elsewhere.
//!
//! The three depend only on the calls found or created just before, so PostgreSQL runs them as
//! one statement: the insert is a data-modifying CTE, the old events are read from the
//! statement's snapshot (which does not see the rows the CTE inserts) and the new ones come
//! from its `RETURNING`, so old + new is every event exactly once. At 1,000 events/s a batch
//! holds two or three events and its transaction was a chain of round trips; this takes two of
//! them out (docs/BENCHMARKS.md). SQLite's writer runs in-process, where a statement costs no
//! round trip, and keeps the plain statements.

use std::collections::{HashMap, HashSet};

use sqlx::FromRow;

use super::{
    DbResult, Tx, call_batch,
    callbacks::{self, open_task_probe},
    calls::{EventRow, NewEvent},
    direct::BatchTx,
};

/// What the writer learns from storing a batch's events.
pub struct Loaded {
    /// The (source, event id) keys actually inserted; the others were redeliveries.
    pub stored: HashSet<(String, String)>,
    /// Every event of the calls asked for, by call, in arrival (id) order.
    pub events: HashMap<i64, Vec<EventRow>>,
    /// The numbers asked for that have an open task (of any kind).
    pub open: HashSet<String>,
}

/// Above this many events, calls or numbers the batch takes the three statements (the arrays
/// of one statement stay small, as the other multi-row statements' chunks do).
const ONE_STATEMENT_MAX: usize = 100;

/// Stores `events` (of two equal keys the first wins) and loads the events of `call_ids` and
/// the open-task numbers among `numbers`.
pub async fn store_and_load(
    tx: &mut BatchTx<'_>,
    events: &[NewEvent<'_>],
    call_ids: &[i64],
    numbers: &[&str],
) -> DbResult<Loaded> {
    let small = events.len().max(call_ids.len()).max(numbers.len()) <= ONE_STATEMENT_MAX;
    if let (BatchTx::Pool(Tx::Postgres(t)), true) = (&mut *tx, small) {
        return one_statement(t, events, call_ids, numbers).await;
    }
    let stored = call_batch::insert_events(tx, events).await?;
    let events = call_batch::events_of_calls(tx, call_ids).await?;
    let open = callbacks::open_numbers(tx, numbers).await?;
    Ok(Loaded {
        stored,
        events,
        open,
    })
}

/// A row of the PostgreSQL statement: an inserted event (`new`), a stored one (`old`) or a
/// number with an open task (`open`, the number in `data`).
#[derive(FromRow)]
struct Row {
    what: String,
    call_id: Option<i64>,
    id: Option<i64>,
    at: Option<i64>,
    data: Option<String>,
    late: Option<bool>,
    source_id: Option<String>,
    event_id: Option<String>,
}

/// The open-task probe is `callbacks::open_task_probe`.
const SQL: &str = concat!(
    "WITH n (call_id, source_id, event_id, kind, at, received_at, data, raw) AS (\
    SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int8[], \
    $7::text[], $8::text[])), \
    ins AS (INSERT INTO call_events (call_id, source_id, event_id, kind, at, received_at, data, raw) \
    SELECT * FROM n ON CONFLICT (source_id, event_id) DO NOTHING \
    RETURNING call_id, id, at, data, late, source_id, event_id) \
    SELECT 'new' AS what, call_id, id, at, data, late, source_id, event_id FROM ins \
    UNION ALL SELECT 'old', e.call_id, e.id, e.at, e.data, e.late, NULL, NULL \
    FROM call_events e WHERE e.call_id = ANY($9) \
    UNION ALL SELECT 'open', NULL, NULL, NULL, num.x, NULL, NULL, NULL ",
    open_task_probe!("$10")
);

async fn one_statement(
    t: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    events: &[NewEvent<'_>],
    call_ids: &[i64],
    numbers: &[&str],
) -> DbResult<Loaded> {
    let col = |f: fn(&NewEvent<'_>) -> i64| events.iter().map(f).collect::<Vec<i64>>();
    let text =
        |f: for<'e> fn(&'e NewEvent<'e>) -> &'e str| events.iter().map(f).collect::<Vec<&str>>();
    let rows: Vec<Row> = sqlx::query_as(SQL)
        .bind(col(|e| e.call_id))
        .bind(text(|e| e.source_id))
        .bind(text(|e| e.event_id))
        .bind(text(|e| e.kind))
        .bind(col(|e| e.at))
        .bind(col(|e| e.received_at))
        .bind(text(|e| e.data))
        .bind(text(|e| e.raw))
        .bind(call_ids)
        .bind(numbers)
        .fetch_all(&mut **t)
        .await?;
    let mut loaded = Loaded {
        stored: HashSet::new(),
        events: HashMap::new(),
        open: HashSet::new(),
    };
    for r in rows {
        if r.what == "open" {
            loaded.open.extend(r.data);
            continue;
        }
        if let (Some(s), Some(e)) = (r.source_id, r.event_id) {
            loaded.stored.insert((s, e));
        }
        if let (Some(call_id), Some(id), Some(at), Some(data), Some(late)) =
            (r.call_id, r.id, r.at, r.data, r.late)
        {
            loaded
                .events
                .entry(call_id)
                .or_default()
                .push(EventRow { id, at, data, late });
        }
    }
    for list in loaded.events.values_mut() {
        list.sort_by_key(|e| e.id);
    }
    Ok(loaded)
}

//! The writer's multi-row statements: a batch of events costs a handful of statements, not a
//! handful per event. Every statement returns the natural keys of its rows, so nothing relies
//! on the order in which a database returns the rows of a multi-row insert.
//!
//! Each statement runs either through sqlx (PostgreSQL, or an in-memory SQLite database) or on
//! the SQLite writer's dedicated connection (`direct`), with the same bound values (`Arg`s);
//! `multi_row` gives each backend the statement text it plans once.

use std::collections::{HashMap, HashSet};

use rusqlite::Row;
use sqlx::FromRow;

use super::{
    DbResult, Tx,
    calls::{self, CallHead, Derived, EventRow, NewCall, NewEvent},
    direct::{Arg, BatchTx},
    live::LiveRow,
    multi_row::{self, Col::*, Stmt},
};

/// Rows per multi-row statement (14 parameters a call, 8 an event: far under both backends'
/// limits).
const CHUNK: usize = 100;

#[derive(FromRow)]
struct UpsertedRow {
    #[sqlx(flatten)]
    head: CallHead,
    source_id: String,
    pbx_call_id: String,
    event_count: i64,
}

/// Finds or creates every call of a batch in one statement per chunk; on PostgreSQL the no-op
/// `DO UPDATE` also locks each row for the transaction. Pass the calls sorted by key, so that
/// writers on several instances lock rows in the same order. Returns, per (source, PBX call
/// id), the call and whether this statement created it (a call has events once it exists).
pub async fn upsert_calls(
    tx: &mut BatchTx<'_>,
    calls: &[NewCall<'_>],
) -> DbResult<HashMap<(String, String), (CallHead, bool)>> {
    let mut out = HashMap::with_capacity(calls.len());
    let tail = format!(
        " ON CONFLICT (source_id, pbx_call_id) DO UPDATE SET updated_at = calls.updated_at \
         RETURNING {}, source_id, pbx_call_id, event_count",
        super::calls::HEAD
    );
    let stmt = Stmt {
        head: "INSERT INTO calls (source_id, pbx_call_id, direction, state, caller_raw, caller_e164, caller_kind, \
               client_id, candidates, did, started_at, created_at, updated_at, caller_rev) ",
        tail: &tail,
        cols: &[
            Text, Text, Text, Text, Text, Text, Text, Int, Text, Text, Int, Int, Int, Text,
        ],
        extra: None,
    };
    for chunk in calls.chunks(CHUNK) {
        // The reversed digits the call log searches number endings by (migration 0007).
        let revs: Vec<Option<String>> = chunk
            .iter()
            .map(|c| c.caller_e164.map(super::call_log::reversed_digits))
            .collect();
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(chunk.len() * 14);
        for (c, rev) in chunk.iter().zip(&revs) {
            args.extend([
                Arg::from(c.source_id),
                c.pbx_call_id.into(),
                c.direction.into(),
                c.state.into(),
                c.caller_raw.into(),
                c.caller_e164.into(),
                c.caller_kind.into(),
                c.client_id.into(),
                c.candidates.into(),
                c.did.into(),
                c.started_at.into(),
                c.now.into(),
                c.now.into(),
                rev.as_deref().into(),
            ]);
        }
        let rows: Vec<UpsertedRow> = multi_row::fetch(tx, &stmt, &args, |r| {
            Ok(UpsertedRow {
                head: head_of(r)?,
                source_id: r.get(10)?,
                pbx_call_id: r.get(11)?,
                event_count: r.get(12)?,
            })
        })
        .await?;
        for r in rows {
            out.insert((r.source_id, r.pbx_call_id), (r.head, r.event_count == 0));
        }
    }
    Ok(out)
}

/// A `CallHead` from the first columns of a row (`calls::HEAD`, in that order).
fn head_of(r: &Row<'_>) -> rusqlite::Result<CallHead> {
    Ok(CallHead {
        id: r.get(0)?,
        state: r.get(1)?,
        direction: r.get(2)?,
        caller_raw: r.get(3)?,
        caller_e164: r.get(4)?,
        caller_kind: r.get(5)?,
        client_id: r.get(6)?,
        extensions: r.get(7)?,
        answered_at: r.get(8)?,
        ended_at: r.get(9)?,
    })
}

#[derive(FromRow)]
struct InsertedRow {
    source_id: String,
    event_id: String,
}

/// Stores the events of a batch; returns the (source, event id) keys actually inserted — the
/// others were already stored (redeliveries). Of two equal keys in one batch the first wins.
pub async fn insert_events(
    tx: &mut BatchTx<'_>,
    events: &[NewEvent<'_>],
) -> DbResult<HashSet<(String, String)>> {
    let mut out = HashSet::with_capacity(events.len());
    let stmt = Stmt {
        head: "INSERT INTO call_events (call_id, source_id, event_id, kind, at, received_at, data, raw) ",
        tail: " ON CONFLICT (source_id, event_id) DO NOTHING RETURNING source_id, event_id",
        cols: &[Int, Text, Text, Text, Int, Int, Text, Text],
        extra: None,
    };
    for chunk in events.chunks(CHUNK) {
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(chunk.len() * 8);
        for e in chunk {
            args.extend([
                Arg::from(e.call_id),
                e.source_id.into(),
                e.event_id.into(),
                e.kind.into(),
                e.at.into(),
                e.received_at.into(),
                e.data.into(),
                e.raw.into(),
            ]);
        }
        let rows: Vec<InsertedRow> = multi_row::fetch(tx, &stmt, &args, |r| {
            Ok(InsertedRow {
                source_id: r.get(0)?,
                event_id: r.get(1)?,
            })
        })
        .await?;
        out.extend(rows.into_iter().map(|r| (r.source_id, r.event_id)));
    }
    Ok(out)
}

#[derive(FromRow)]
struct CallEventRow {
    call_id: i64,
    #[sqlx(flatten)]
    row: EventRow,
}

/// All events of these calls, grouped by call, each group in arrival order.
pub async fn events_of_calls(
    tx: &mut BatchTx<'_>,
    call_ids: &[i64],
) -> DbResult<HashMap<i64, Vec<EventRow>>> {
    let mut out: HashMap<i64, Vec<EventRow>> = HashMap::new();
    for chunk in call_ids.chunks(CHUNK * 5) {
        let rows: Vec<CallEventRow> =
            match tx {
                // One text whatever the number of calls: prepared once per connection.
                BatchTx::Pool(Tx::Postgres(t)) => sqlx::query_as(
                    "SELECT call_id, id, at, data, late FROM call_events WHERE call_id = ANY($1) \
                     ORDER BY call_id, id",
                )
                .bind(chunk)
                .fetch_all(&mut **t)
                .await?,
                BatchTx::Pool(Tx::Sqlite(t)) => {
                    sqlx::query_as(&events_of_calls_sql(chunk))
                        .fetch_all(&mut **t)
                        .await?
                }
                // Not through the statement cache: the id list makes every text different.
                BatchTx::Direct(t) => t.query_once(&events_of_calls_sql(chunk), |r| {
                    Ok(CallEventRow {
                        call_id: r.get(0)?,
                        row: EventRow {
                            id: r.get(1)?,
                            at: r.get(2)?,
                            data: r.get(3)?,
                            late: r.get(4)?,
                        },
                    })
                })?,
            };
        for r in rows {
            out.entry(r.call_id).or_default().push(r.row);
        }
    }
    Ok(out)
}

/// The SQLite form of the events query: integer ids we produced, safe to inline (SQLite has
/// no array binds).
fn events_of_calls_sql(ids: &[i64]) -> String {
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    format!(
        "SELECT call_id, id, at, data, late FROM call_events WHERE call_id IN ({list}) ORDER BY call_id, id"
    )
}

/// Rewrites the derived columns of several calls in one statement per chunk (a VALUES list
/// joined by id; the operator is the active user with the answering extension).
pub async fn update_calls(tx: &mut BatchTx<'_>, rows: &[Derived]) -> DbResult<()> {
    let stmt = Stmt {
        head: "WITH v (id, state, direction, forwarded, transferred, queue, extensions, answered_extension, cause, \
               recording_url, forwarded_from, started_at, answered_at, ended_at, wait_seconds, talk_seconds, \
               event_count, updated_at) AS (",
        // `UPDATE … FROM v` (both backends): a join by id, planned in a fraction of the time
        // of the row-subquery form this had (`SET (…) = (SELECT … FROM v WHERE v.id =
        // calls.id)`, which also scanned v once per call).
        tail: ") UPDATE calls SET state = v.state, direction = v.direction, forwarded = v.forwarded, \
               transferred = v.transferred, queue = v.queue, extensions = v.extensions, \
               answered_extension = v.answered_extension, \
               operator_id = (SELECT u.id FROM users u WHERE u.extension = v.answered_extension AND u.active), \
               cause = v.cause, recording_url = v.recording_url, forwarded_from = v.forwarded_from, \
               started_at = v.started_at, answered_at = v.answered_at, ended_at = v.ended_at, \
               wait_seconds = v.wait_seconds, talk_seconds = v.talk_seconds, event_count = v.event_count, \
               updated_at = v.updated_at FROM v WHERE calls.id = v.id",
        cols: &[
            Int, Text, Text, Bool, Bool, Text, Text, Text, Text, Text, Text, Int, Int, Int, Int,
            Int, Int, Int,
        ],
        extra: None,
    };
    for chunk in rows.chunks(CHUNK) {
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(chunk.len() * 18);
        for d in chunk {
            args.extend([
                Arg::from(d.call_id),
                d.state.into(),
                d.direction.into(),
                d.forwarded.into(),
                d.transferred.into(),
                d.queue.as_deref().into(),
                d.extensions.as_str().into(),
                d.answered_extension.as_deref().into(),
                d.cause.into(),
                d.recording_url.as_deref().into(),
                d.forwarded_from.as_deref().into(),
                d.started_at.into(),
                d.answered_at.into(),
                d.ended_at.into(),
                d.wait_seconds.into(),
                d.talk_seconds.into(),
                d.event_count.into(),
                d.now.into(),
            ]);
        }
        multi_row::execute(tx, &stmt, &args).await?;
    }
    Ok(())
}

/// A live event to append.
pub struct NewLive {
    /// `call.ringing`, …
    pub kind: &'static str,
    /// The call.
    pub call_id: Option<i64>,
    /// Extensions (JSON).
    pub extensions: String,
    /// For every ready operator.
    pub broadcast: bool,
    /// Payload (JSON).
    pub data: String,
}

#[derive(FromRow)]
struct LiveId {
    id: i64,
    kind: String,
    data: String,
}

/// PostgreSQL: the outbox lock (`live::lock_outbox`), the insert and the announcement to the
/// other instances (`live::notify`) in one statement — three round trips of every batch
/// became one. The lock is taken before the first row gets its id: the rows come out of the
/// join with `l`. `$7` is the announcing instance.
const INSERT_LIVE_PG_HEAD: &str = "WITH l AS (SELECT pg_advisory_xact_lock(7231001)), \
     ins AS (INSERT INTO live_events (at, kind, call_id, extensions, broadcast, data) SELECT u.* FROM (";
const INSERT_LIVE_PG_TAIL: &str = ") AS u, l RETURNING id, kind, data) \
     SELECT ins.id, ins.kind, ins.data FROM ins, (SELECT pg_notify('orderline_live', \
     json_build_object('from', $7::text, 'ids', (SELECT json_agg(id ORDER BY id) FROM ins))::text)) AS n";

/// Appends live events in one statement per chunk and returns them as stored, in id order;
/// on PostgreSQL it also takes the outbox lock and announces the ids as `instance`.
/// Rows are matched back by kind and payload (each payload names its call or callback, so no
/// two events of a batch are equal), never by the order the database returns them in.
pub async fn insert_live(
    tx: &mut BatchTx<'_>,
    at: i64,
    events: Vec<NewLive>,
    instance: &str,
) -> DbResult<Vec<LiveRow>> {
    let mut out = Vec::with_capacity(events.len());
    let mut pending: HashMap<(String, String), NewLive> = HashMap::new();
    let stmt = match tx {
        BatchTx::Pool(Tx::Postgres(_)) => Stmt {
            head: INSERT_LIVE_PG_HEAD,
            tail: INSERT_LIVE_PG_TAIL,
            cols: &[Int, Text, Int, Text, Bool, Text],
            extra: Some(instance),
        },
        _ => Stmt {
            head: "INSERT INTO live_events (at, kind, call_id, extensions, broadcast, data) ",
            tail: " RETURNING id, kind, data",
            cols: &[Int, Text, Int, Text, Bool, Text],
            extra: None,
        },
    };
    for chunk in events.chunks(CHUNK) {
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(chunk.len() * 6);
        for e in chunk {
            args.extend([
                Arg::from(at),
                e.kind.into(),
                e.call_id.into(),
                e.extensions.as_str().into(),
                e.broadcast.into(),
                e.data.as_str().into(),
            ]);
        }
        let ids: Vec<LiveId> = multi_row::fetch(tx, &stmt, &args, |r| {
            Ok(LiveId {
                id: r.get(0)?,
                kind: r.get(1)?,
                data: r.get(2)?,
            })
        })
        .await?;
        out.extend(ids);
    }
    for e in events {
        pending.insert((e.kind.to_owned(), e.data.clone()), e);
    }
    let mut rows: Vec<LiveRow> = out
        .into_iter()
        .filter_map(|r| {
            let e = pending.remove(&(r.kind, r.data))?;
            Some(LiveRow {
                id: r.id,
                kind: e.kind.to_owned(),
                extensions: e.extensions,
                broadcast: e.broadcast,
                data: e.data,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// `calls::find_call_for_update` in the writer's transaction.
pub async fn find_call_for_update(
    tx: &mut BatchTx<'_>,
    source_id: &str,
    pbx_call_id: &str,
) -> DbResult<Option<CallHead>> {
    match tx {
        BatchTx::Pool(t) => calls::find_call_for_update(t, source_id, pbx_call_id).await,
        // The writer holds the database's write lock already: no row lock to take.
        BatchTx::Direct(t) => {
            let sql = format!(
                "SELECT {} FROM calls WHERE source_id = $1 AND pbx_call_id = $2",
                calls::HEAD
            );
            let rows = t.query(&sql, &[Arg::from(source_id), pbx_call_id.into()], head_of)?;
            Ok(rows.into_iter().next())
        }
    }
}

/// `calls::fill_caller` in the writer's transaction.
pub async fn fill_caller(
    tx: &mut BatchTx<'_>,
    call_id: i64,
    c: &NewCall<'_>,
    replace: bool,
) -> DbResult<()> {
    match tx {
        BatchTx::Pool(t) => calls::fill_caller(t, call_id, c, replace).await,
        BatchTx::Direct(t) => {
            let rev = c.caller_e164.map(super::call_log::reversed_digits);
            t.execute(
                calls::FILL_CALLER,
                &[
                    Arg::from(call_id),
                    c.caller_raw.into(),
                    c.caller_e164.into(),
                    c.caller_kind.into(),
                    c.client_id.into(),
                    c.candidates.into(),
                    c.did.into(),
                    c.state.into(),
                    rev.as_deref().into(),
                    replace.into(),
                ],
            )?;
            Ok(())
        }
    }
}

/// Counts redeliveries on the stored events, one statement per chunk: `(source, event id,
/// how many times this batch redelivered it)`.
pub async fn count_duplicates(tx: &mut BatchTx<'_>, dups: &[(&str, &str, i64)]) -> DbResult<()> {
    let stmt = Stmt {
        head: "WITH v (source_id, event_id, n) AS (",
        tail: ") UPDATE call_events SET duplicates = duplicates + (SELECT v.n FROM v \
               WHERE v.source_id = call_events.source_id AND v.event_id = call_events.event_id) \
               WHERE (source_id, event_id) IN (SELECT source_id, event_id FROM v)",
        cols: &[Text, Text, Int],
        extra: None,
    };
    for chunk in dups.chunks(CHUNK) {
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(chunk.len() * 3);
        for (source, event, n) in chunk {
            args.extend([Arg::from(*source), (*event).into(), (*n).into()]);
        }
        multi_row::execute(tx, &stmt, &args).await?;
    }
    Ok(())
}

/// `calls::set_event_late` in the writer's transaction.
pub async fn set_event_late(tx: &mut BatchTx<'_>, id: i64, late: bool) -> DbResult<()> {
    match tx {
        BatchTx::Pool(t) => calls::set_event_late(t, id, late).await,
        BatchTx::Direct(t) => {
            t.execute(calls::SET_EVENT_LATE, &[Arg::from(id), late.into()])?;
            Ok(())
        }
    }
}

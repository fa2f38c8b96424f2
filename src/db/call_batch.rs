//! The writer's multi-row statements: a batch of events costs a handful of statements, not a
//! handful per event. Every statement returns the natural keys of its rows, so nothing relies
//! on the order in which a database returns the rows of a multi-row insert.

use std::collections::{HashMap, HashSet};

use sqlx::FromRow;

use super::{
    DbResult, Tx,
    calls::{CallHead, Derived, EventRow, NewCall, NewEvent},
    live::LiveRow,
    with_tx,
};

/// Rows per multi-row statement (13 parameters a call, 8 an event: far under both backends'
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
    tx: &mut Tx,
    calls: &[NewCall<'_>],
) -> DbResult<HashMap<(String, String), (CallHead, bool)>> {
    let mut out = HashMap::with_capacity(calls.len());
    for chunk in calls.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO calls (source_id, pbx_call_id, direction, state, caller_raw, caller_e164, caller_kind, \
             client_id, candidates, did, started_at, created_at, updated_at) VALUES ",
        );
        push_rows(&mut sql, chunk.len(), 13);
        sql.push_str(&format!(
            " ON CONFLICT (source_id, pbx_call_id) DO UPDATE SET updated_at = calls.updated_at \
             RETURNING {}, source_id, pbx_call_id, event_count",
            super::calls::HEAD
        ));
        let rows: Vec<UpsertedRow> = with_tx!(tx, |x| {
            let mut q = sqlx::query_as(&sql);
            for c in chunk {
                q = q
                    .bind(c.source_id)
                    .bind(c.pbx_call_id)
                    .bind(c.direction)
                    .bind(c.state)
                    .bind(c.caller_raw)
                    .bind(c.caller_e164)
                    .bind(c.caller_kind)
                    .bind(c.client_id)
                    .bind(c.candidates)
                    .bind(c.did)
                    .bind(c.started_at)
                    .bind(c.now)
                    .bind(c.now);
            }
            q.fetch_all(x).await
        })?;
        for r in rows {
            out.insert((r.source_id, r.pbx_call_id), (r.head, r.event_count == 0));
        }
    }
    Ok(out)
}

#[derive(FromRow)]
struct InsertedRow {
    source_id: String,
    event_id: String,
}

/// Stores the events of a batch; returns the (source, event id) keys actually inserted — the
/// others were already stored (redeliveries). Of two equal keys in one batch the first wins.
pub async fn insert_events(
    tx: &mut Tx,
    events: &[NewEvent<'_>],
) -> DbResult<HashSet<(String, String)>> {
    let mut out = HashSet::with_capacity(events.len());
    for chunk in events.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO call_events (call_id, source_id, event_id, kind, at, received_at, data, raw) VALUES ",
        );
        push_rows(&mut sql, chunk.len(), 8);
        sql.push_str(" ON CONFLICT (source_id, event_id) DO NOTHING RETURNING source_id, event_id");
        let rows: Vec<InsertedRow> = with_tx!(tx, |x| {
            let mut q = sqlx::query_as(&sql);
            for e in chunk {
                q = q
                    .bind(e.call_id)
                    .bind(e.source_id)
                    .bind(e.event_id)
                    .bind(e.kind)
                    .bind(e.at)
                    .bind(e.received_at)
                    .bind(e.data)
                    .bind(e.raw);
            }
            q.fetch_all(x).await
        })?;
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
    tx: &mut Tx,
    call_ids: &[i64],
) -> DbResult<HashMap<i64, Vec<EventRow>>> {
    let mut out: HashMap<i64, Vec<EventRow>> = HashMap::new();
    for chunk in call_ids.chunks(CHUNK * 5) {
        // Integer ids we produced: safe to inline, and SQLite has no array binds.
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT call_id, id, at, data, late FROM call_events WHERE call_id IN ({list}) ORDER BY call_id, id"
        );
        let rows: Vec<CallEventRow> = with_tx!(tx, |x| sqlx::query_as(&sql).fetch_all(x).await)?;
        for r in rows {
            out.entry(r.call_id).or_default().push(r.row);
        }
    }
    Ok(out)
}

/// Rewrites the derived columns of several calls in one statement per chunk (a VALUES list
/// joined by id; the operator is the active user with the answering extension).
pub async fn update_calls(tx: &mut Tx, rows: &[Derived]) -> DbResult<()> {
    for chunk in rows.chunks(CHUNK) {
        let mut sql = String::from(
            "WITH v (id, state, direction, forwarded, transferred, queue, extensions, answered_extension, cause, \
             recording_url, forwarded_from, started_at, answered_at, ended_at, wait_seconds, talk_seconds, \
             event_count, updated_at) AS (VALUES ",
        );
        push_rows(&mut sql, chunk.len(), 18);
        sql.push_str(
            ") UPDATE calls SET (state, direction, forwarded, transferred, queue, extensions, answered_extension, \
             operator_id, cause, recording_url, forwarded_from, started_at, answered_at, ended_at, wait_seconds, \
             talk_seconds, event_count, updated_at) = (SELECT v.state, v.direction, v.forwarded, v.transferred, \
             v.queue, v.extensions, v.answered_extension, \
             (SELECT u.id FROM users u WHERE u.extension = v.answered_extension AND u.active), v.cause, \
             v.recording_url, v.forwarded_from, v.started_at, v.answered_at, v.ended_at, v.wait_seconds, \
             v.talk_seconds, v.event_count, v.updated_at FROM v WHERE v.id = calls.id) \
             WHERE calls.id IN (SELECT id FROM v)",
        );
        with_tx!(tx, |x| {
            let mut q = sqlx::query(&sql);
            for d in chunk {
                q = q
                    .bind(d.call_id)
                    .bind(d.state)
                    .bind(d.direction)
                    .bind(d.forwarded)
                    .bind(d.transferred)
                    .bind(&d.queue)
                    .bind(&d.extensions)
                    .bind(&d.answered_extension)
                    .bind(d.cause)
                    .bind(&d.recording_url)
                    .bind(&d.forwarded_from)
                    .bind(d.started_at)
                    .bind(d.answered_at)
                    .bind(d.ended_at)
                    .bind(d.wait_seconds)
                    .bind(d.talk_seconds)
                    .bind(d.event_count)
                    .bind(d.now);
            }
            q.execute(x).await.map(|r| r.rows_affected())
        })?;
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

/// Appends live events in one statement per chunk and returns them as stored, in id order.
/// Rows are matched back by kind and payload (each payload names its call or callback, so no
/// two events of a batch are equal), never by the order the database returns them in.
pub async fn insert_live(tx: &mut Tx, at: i64, events: Vec<NewLive>) -> DbResult<Vec<LiveRow>> {
    let mut out = Vec::with_capacity(events.len());
    let mut pending: HashMap<(String, String), NewLive> = HashMap::new();
    for chunk in events.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO live_events (at, kind, call_id, extensions, broadcast, data) VALUES ",
        );
        push_rows(&mut sql, chunk.len(), 6);
        sql.push_str(" RETURNING id, kind, data");
        let ids: Vec<LiveId> = with_tx!(tx, |x| {
            let mut q = sqlx::query_as(&sql);
            for e in chunk {
                q = q
                    .bind(at)
                    .bind(e.kind)
                    .bind(e.call_id)
                    .bind(&e.extensions)
                    .bind(e.broadcast)
                    .bind(&e.data);
            }
            q.fetch_all(x).await
        })?;
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

/// Appends `n` rows of `per_row` numbered placeholders: `($1, $2, …), ($k+1, …), …`.
fn push_rows(sql: &mut String, n: usize, per_row: usize) {
    for i in 0..n {
        if i > 0 {
            sql.push(',');
        }
        let cells: Vec<String> = (1..=per_row)
            .map(|k| format!("${}", i * per_row + k))
            .collect();
        sql.push('(');
        sql.push_str(&cells.join(", "));
        sql.push(')');
    }
}

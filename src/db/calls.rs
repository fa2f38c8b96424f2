//! Calls and their events: the write side used by the ingest service (inside its
//! transaction) and the read side of the API.

use sqlx::FromRow;

use super::{Db, DbError, DbResult, Tx, with_pool, with_tx};

/// The stored columns the ingest service needs before it recomputes a call.
#[derive(Clone, Debug, FromRow)]
pub struct CallHead {
    /// Id.
    pub id: i64,
    /// Stored state.
    pub state: String,
    /// inbound / outbound.
    pub direction: String,
    /// The client's number as sent (`None`: no event has carried one yet).
    pub caller_raw: Option<String>,
    /// Normalised client number.
    pub caller_e164: Option<String>,
    /// Match kind.
    pub caller_kind: String,
    /// Matched client.
    pub client_id: Option<i64>,
    /// Extensions rung (JSON).
    pub extensions: String,
    /// When answered.
    pub answered_at: Option<i64>,
    /// When ended.
    pub ended_at: Option<i64>,
}

/// A call to create at its first event.
pub struct NewCall<'a> {
    /// Source.
    pub source_id: &'a str,
    /// PBX call id.
    pub pbx_call_id: &'a str,
    /// inbound / outbound.
    pub direction: &'a str,
    /// Initial state (ringing or blocked).
    pub state: &'a str,
    /// Caller as sent.
    pub caller_raw: Option<&'a str>,
    /// Caller normalised.
    pub caller_e164: Option<&'a str>,
    /// Match kind.
    pub caller_kind: &'a str,
    /// The one matching client.
    pub client_id: Option<i64>,
    /// Candidate client ids (JSON).
    pub candidates: &'a str,
    /// The number dialled.
    pub did: Option<&'a str>,
    /// First event time.
    pub started_at: i64,
    /// Now.
    pub now: i64,
}

pub(crate) const HEAD: &str = "id, state, direction, caller_raw, caller_e164, caller_kind, client_id, extensions, \
    answered_at, ended_at";

/// The call of a source and PBX call id, locked for this transaction on PostgreSQL (on SQLite
/// the writer already holds the database's write lock).
pub async fn find_call_for_update(
    tx: &mut Tx,
    source_id: &str,
    pbx_call_id: &str,
) -> DbResult<Option<CallHead>> {
    let sql = match tx {
        Tx::Sqlite(_) => {
            format!("SELECT {HEAD} FROM calls WHERE source_id = $1 AND pbx_call_id = $2")
        }
        Tx::Postgres(_) => {
            format!("SELECT {HEAD} FROM calls WHERE source_id = $1 AND pbx_call_id = $2 FOR UPDATE")
        }
    };
    Ok(with_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(source_id)
        .bind(pbx_call_id)
        .fetch_optional(c)
        .await)?)
}

/// `fill_caller`'s statement (also run by the SQLite writer's own connection, `call_batch`).
pub(crate) const FILL_CALLER: &str = "UPDATE calls SET caller_raw = $2, caller_e164 = $3, caller_kind = $4, \
    client_id = $5, candidates = $6, did = COALESCE(did, $7), caller_rev = $9, \
    state = CASE WHEN $8 = 'blocked' THEN $8 ELSE state END WHERE id = $1 AND (caller_raw IS NULL OR $10)";

/// Sets the caller of a call that was started by an event that did not name one, or
/// (`replace`) that named the wrong party (see `calls::service::find_or_create`).
pub async fn fill_caller(
    tx: &mut Tx,
    call_id: i64,
    c: &NewCall<'_>,
    replace: bool,
) -> DbResult<()> {
    with_tx!(tx, |x| sqlx::query(FILL_CALLER)
        .bind(call_id)
        .bind(c.caller_raw)
        .bind(c.caller_e164)
        .bind(c.caller_kind)
        .bind(c.client_id)
        .bind(c.candidates)
        .bind(c.did)
        .bind(c.state)
        .bind(c.caller_e164.map(super::call_log::reversed_digits))
        .bind(replace)
        .execute(x)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// An event row to store.
pub struct NewEvent<'a> {
    /// The call.
    pub call_id: i64,
    /// Source.
    pub source_id: &'a str,
    /// Idempotency key.
    pub event_id: &'a str,
    /// ringing / answered / transferred / hangup.
    pub kind: &'a str,
    /// Effective time.
    pub at: i64,
    /// Arrival time.
    pub received_at: i64,
    /// The normalised event (JSON).
    pub data: &'a str,
    /// The raw payload (capped).
    pub raw: &'a str,
}

/// Counts a redelivery on the stored event; returns its call.
pub async fn count_duplicate(tx: &mut Tx, source_id: &str, event_id: &str) -> DbResult<i64> {
    const SQL: &str = "UPDATE call_events SET duplicates = duplicates + 1 WHERE source_id = $1 AND event_id = $2 \
        RETURNING call_id";
    let id: Option<i64> = with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(source_id)
        .bind(event_id)
        .fetch_optional(c)
        .await)?;
    id.ok_or(DbError::NotFound("event"))
}

/// A stored event as the state machine needs it.
#[derive(Clone, Debug, FromRow)]
pub struct EventRow {
    /// Row id (arrival order).
    pub id: i64,
    /// Effective time.
    pub at: i64,
    /// Normalised event JSON.
    pub data: String,
    /// Stored late flag.
    pub late: bool,
}

/// `set_event_late`'s statement (also run by the SQLite writer's own connection).
pub(crate) const SET_EVENT_LATE: &str = "UPDATE call_events SET late = $2 WHERE id = $1";

/// Updates an event's late flag.
pub async fn set_event_late(tx: &mut Tx, id: i64, late: bool) -> DbResult<()> {
    with_tx!(tx, |c| sqlx::query(SET_EVENT_LATE)
        .bind(id)
        .bind(late)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The derived columns of a call, rewritten when its events change (see
/// `call_batch::update_calls`).
pub struct Derived {
    /// The call.
    pub call_id: i64,
    /// State.
    pub state: &'static str,
    /// Direction.
    pub direction: &'static str,
    /// Flags.
    pub forwarded: bool,
    /// Flags.
    pub transferred: bool,
    /// Queue.
    pub queue: Option<String>,
    /// Extensions (JSON).
    pub extensions: String,
    /// Answering extension (the operator is the active user with this extension).
    pub answered_extension: Option<String>,
    /// Cause.
    pub cause: Option<&'static str>,
    /// Recording.
    pub recording_url: Option<String>,
    /// Diversion.
    pub forwarded_from: Option<String>,
    /// Times.
    pub started_at: i64,
    /// Times.
    pub answered_at: Option<i64>,
    /// Times.
    pub ended_at: Option<i64>,
    /// Seconds.
    pub wait_seconds: Option<i64>,
    /// Seconds.
    pub talk_seconds: Option<i64>,
    /// How many events.
    pub event_count: i64,
    /// Now.
    pub now: i64,
}

/// Calls whose end never arrived and that have had no news since `before`: unanswered ones
/// (ringing or blocked) when `answered` is false, answered ones when true. For the sweeper,
/// with the time of each call's latest event (by the PBX's clock), which its hang-up must follow.
pub async fn stale_open_calls(
    db: &Db,
    answered: bool,
    before: i64,
    limit: i64,
) -> DbResult<Vec<(String, String, Option<i64>)>> {
    let sql = stale_sql(answered);
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(before)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// The query plan of `stale_open_calls`, one line per node (for the test that shows it reads
/// the `calls_unended` index, not the whole table).
pub async fn stale_open_calls_plan(db: &Db, answered: bool) -> DbResult<Vec<String>> {
    super::explain(db, &stale_sql(answered), &[0.into(), 500.into()]).await
}

/// The unended calls (migration 0012 indexes exactly `ended_at IS NULL`) with no news since
/// `$1`, oldest news first.
fn stale_sql(answered: bool) -> String {
    format!(
        "SELECT source_id, pbx_call_id, (SELECT MAX(e.at) FROM call_events e WHERE e.call_id = calls.id) \
         FROM calls WHERE ended_at IS NULL AND answered_at IS {} NULL \
         AND updated_at <= $1 ORDER BY updated_at LIMIT $2",
        if answered { "NOT" } else { "" }
    )
}

/// A stored call as the API shows it.
#[derive(Clone, Debug, FromRow)]
pub struct CallRow {
    /// Id.
    pub id: i64,
    /// Source.
    pub source_id: String,
    /// PBX call id.
    pub pbx_call_id: String,
    /// inbound / outbound.
    pub direction: String,
    /// State.
    pub state: String,
    /// Flag.
    pub forwarded: bool,
    /// Flag.
    pub transferred: bool,
    /// Caller as sent.
    pub caller_raw: Option<String>,
    /// Caller normalised.
    pub caller_e164: Option<String>,
    /// Match kind.
    pub caller_kind: String,
    /// Matched client.
    pub client_id: Option<i64>,
    /// Candidates (JSON).
    pub candidates: String,
    /// Number dialled.
    pub did: Option<String>,
    /// Queue.
    pub queue: Option<String>,
    /// Extensions rung (JSON).
    pub extensions: String,
    /// Answering extension.
    pub answered_extension: Option<String>,
    /// Answering operator.
    pub operator_id: Option<i64>,
    /// Cause.
    pub cause: Option<String>,
    /// Recording.
    pub recording_url: Option<String>,
    /// Diversion.
    pub forwarded_from: Option<String>,
    /// Times.
    pub started_at: i64,
    /// Times.
    pub answered_at: Option<i64>,
    /// Times.
    pub ended_at: Option<i64>,
    /// Seconds.
    pub wait_seconds: Option<i64>,
    /// Seconds.
    pub talk_seconds: Option<i64>,
}

const CALL_COLUMNS: &str = "id, source_id, pbx_call_id, direction, state, forwarded, transferred, caller_raw, \
    caller_e164, caller_kind, client_id, candidates, did, queue, extensions, answered_extension, operator_id, cause, \
    recording_url, forwarded_from, started_at, answered_at, ended_at, wait_seconds, talk_seconds";

/// One call.
pub async fn get_call(db: &Db, id: i64) -> DbResult<CallRow> {
    let sql = format!("SELECT {CALL_COLUMNS} FROM calls WHERE id = $1");
    let row: Option<CallRow> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(DbError::NotFound("call"))
}

/// One entry of a call's timeline.
#[derive(Clone, Debug, FromRow)]
pub struct TimelineRow {
    /// Event kind.
    pub kind: String,
    /// Effective time.
    pub at: i64,
    /// Arrival.
    pub received_at: i64,
    /// Normalised event (JSON).
    pub data: String,
    /// Redeliveries.
    pub duplicates: i64,
    /// After the end.
    pub late: bool,
}

/// A call's events in time order.
pub async fn timeline(db: &Db, call_id: i64) -> DbResult<Vec<TimelineRow>> {
    const SQL: &str = "SELECT kind, at, received_at, data, duplicates, late FROM call_events WHERE call_id = $1 \
        ORDER BY at, id";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(call_id)
        .fetch_all(p)
        .await)?)
}

/// A client's latest calls, newest first.
pub async fn recent_of_client(db: &Db, client_id: i64, limit: i64) -> DbResult<Vec<CallRow>> {
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls WHERE client_id = $1 ORDER BY started_at DESC LIMIT $2"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(client_id)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// Calls ringing now at an extension (or at nobody in particular, which pops at every ready
/// operator), newest first: what a desk that was just opened must show.
pub async fn ringing_for(db: &Db, extension: &str, since: i64) -> DbResult<Vec<CallRow>> {
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls WHERE state = 'ringing' AND started_at > $1 \
         AND (extensions LIKE $2 ESCAPE '\\' OR (extensions = '[]' AND direction = 'inbound')) \
         ORDER BY started_at DESC LIMIT 20"
    );
    let pattern = format!("%\"{}\"%", super::like_escape(extension));
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(since)
        .bind(&pattern)
        .fetch_all(p)
        .await)?)
}

/// An operator's answered calls that ended after `since` and still have no outcome.
pub async fn awaiting_outcome(db: &Db, operator_id: i64, since: i64) -> DbResult<Vec<CallRow>> {
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls c WHERE operator_id = $1 AND answered_at IS NOT NULL \
         AND ended_at > $2 AND NOT EXISTS (SELECT 1 FROM wrapups w WHERE w.call_id = c.id) \
         ORDER BY ended_at DESC LIMIT 20"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(operator_id)
        .bind(since)
        .fetch_all(p)
        .await)?)
}

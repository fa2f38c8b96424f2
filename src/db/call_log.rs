//! The manager's call log: calls filtered and paged newest first by the keyset
//! (started_at, id), with the client, operator, outcome and orders of each row. The same query
//! feeds the page, `GET /api/v1/calls` and the CSV export (which reads it in keyset chunks).
//!
//! "The number ends with 4567" is answered by `calls.caller_rev` (the caller's digits
//! reversed, migration 0007) as a prefix range, which the index `calls_rev` serves on both
//! backends; [`explain`] shows the plan so that a test can prove it.

use sqlx::FromRow;

use super::{
    Db, DbResult,
    calls::CallRow,
    direct::{Arg, bind_args},
    where_sql::Where,
    with_pool,
};

/// The digits of a number, reversed: what `calls.caller_rev` holds for `caller_e164`.
pub fn reversed_digits(number: &str) -> String {
    number.chars().rev().filter(char::is_ascii_digit).collect()
}

/// The `[low, high)` range of `caller_rev` values of numbers ending with `digits` (digits
/// only, as typed): low is the reversed fragment, high the same with its last digit
/// incremented (carrying over nines); `None` when every digit is 9 (no upper bound).
pub fn suffix_range(digits: &str) -> (String, Option<String>) {
    let low = reversed_digits(digits);
    let mut high: Vec<u8> = low.clone().into_bytes();
    while let Some(last) = high.pop() {
        if last < b'9' {
            high.push(last + 1);
            return (low, Some(String::from_utf8(high).unwrap_or_default()));
        }
    }
    (low, None)
}

/// Which calls to list. Every field narrows; `None` means any.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct LogFilter {
    /// Started at or after (ms).
    pub from: Option<i64>,
    /// Started before (ms).
    pub to: Option<i64>,
    /// inbound / outbound.
    pub direction: Option<String>,
    /// A stored state; `answered` also takes completed calls that had been answered.
    pub state: Option<String>,
    /// Answered by this operator.
    pub operator_id: Option<i64>,
    /// The outcome code logged for the call.
    pub outcome: Option<String>,
    /// Source id.
    pub source_id: Option<String>,
    /// The PBX queue the call came through.
    pub queue: Option<String>,
    /// The PBX's call id.
    pub pbx_call_id: Option<String>,
    /// The matched client.
    pub client_id: Option<i64>,
    /// Exact E.164 of the caller.
    pub number: Option<String>,
    /// The caller's number ends with these digits.
    pub number_suffix: Option<String>,
    /// With (true) or without (false) a linked order.
    pub has_order: Option<bool>,
}

/// The keyset position: the last row of the previous page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogCursor {
    /// Its start.
    pub started_at: i64,
    /// Its id.
    pub id: i64,
}

/// A call as the log shows it.
#[derive(Clone, Debug, FromRow)]
pub struct LogRow {
    /// The call.
    #[sqlx(flatten)]
    pub call: CallRow,
    /// The matched client's name.
    pub client_name: Option<String>,
    /// The answering operator's name.
    pub operator_name: Option<String>,
    /// The outcome logged.
    pub outcome: Option<String>,
    /// The note logged with it.
    pub note: Option<String>,
    /// Orders linked to the call.
    pub order_count: i64,
}

const LOG_COLUMNS: &str = "id, source_id, pbx_call_id, direction, state, forwarded, transferred, caller_raw, \
    caller_e164, caller_kind, client_id, candidates, did, queue, extensions, answered_extension, operator_id, cause, \
    recording_url, forwarded_from, started_at, answered_at, ended_at, wait_seconds, talk_seconds, \
    (SELECT name FROM clients cl WHERE cl.id = calls.client_id) AS client_name, \
    (SELECT display_name FROM users u WHERE u.id = calls.operator_id) AS operator_name, \
    (SELECT outcome FROM wrapups w WHERE w.call_id = calls.id) AS outcome, \
    (SELECT note FROM wrapups w WHERE w.call_id = calls.id) AS note, \
    (SELECT COUNT(*) FROM orders o WHERE o.call_id = calls.id) AS order_count";

/// The SQL of one page and its arguments.
fn page_sql<'a>(
    f: &'a LogFilter,
    suffix: &'a Option<(String, Option<String>)>,
    after: Option<LogCursor>,
    limit: i64,
) -> (String, Vec<Arg<'a>>) {
    let mut w = Where::new(format!("SELECT {LOG_COLUMNS} FROM calls WHERE 1 = 1"));
    if let Some(c) = after {
        // `started_at <= ?` bounds the index range on both backends; the OR only sorts out
        // the ties at the boundary (an OR alone would be a filter over every newer row).
        w.and(
            "started_at <= ? AND (started_at < ? OR id < ?)",
            &[c.started_at.into(), c.started_at.into(), c.id.into()],
        );
    }
    let text = |v: &'a Option<String>| v.as_deref().map(Arg::from);
    w.and_if("started_at >= ?", f.from.map(Arg::from));
    w.and_if("started_at < ?", f.to.map(Arg::from));
    w.and_if("direction = ?", text(&f.direction));
    w.and_if("operator_id = ?", f.operator_id.map(Arg::from));
    w.and_if("source_id = ?", text(&f.source_id));
    w.and_if("queue = ?", text(&f.queue));
    w.and_if("pbx_call_id = ?", text(&f.pbx_call_id));
    w.and_if("client_id = ?", f.client_id.map(Arg::from));
    w.and_if("caller_e164 = ?", text(&f.number));
    w.and_if(
        "EXISTS (SELECT 1 FROM wrapups w WHERE w.call_id = calls.id AND w.outcome = ?)",
        text(&f.outcome),
    );
    match f.state.as_deref() {
        // An answered call is `answered` while it lasts and `completed` afterwards (as is a
        // forwarded one, which was never answered here).
        Some("answered") => w.and(
            "state IN ('answered', 'completed') AND answered_at IS NOT NULL",
            &[],
        ),
        s => w.and_if("state = ?", s.map(Arg::from)),
    }
    if let Some((low, high)) = suffix {
        w.and("caller_rev >= ?", &[low.as_str().into()]);
        w.and_if("caller_rev < ?", high.as_deref().map(Arg::from));
    }
    match f.has_order {
        Some(true) => w.and(
            "EXISTS (SELECT 1 FROM orders o WHERE o.call_id = calls.id)",
            &[],
        ),
        Some(false) => w.and(
            "NOT EXISTS (SELECT 1 FROM orders o WHERE o.call_id = calls.id)",
            &[],
        ),
        None => {}
    }
    w.finish("started_at DESC, id DESC", limit)
}

/// One page of the log, newest first, after `after` (`None`: the first page).
pub async fn list(
    db: &Db,
    f: &LogFilter,
    after: Option<LogCursor>,
    limit: i64,
) -> DbResult<Vec<LogRow>> {
    let suffix = f.number_suffix.as_deref().map(suffix_range);
    let (sql, args) = page_sql(f, &suffix, after, limit);
    Ok(with_pool!(db, |p| bind_args!(sqlx::query_as(&sql), &args)
        .fetch_all(p)
        .await)?)
}

/// The query plan of a page's query (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on
/// PostgreSQL), one line per plan node: for tests and benchmarks that must show which index a
/// filter uses.
pub async fn explain(db: &Db, f: &LogFilter) -> DbResult<Vec<String>> {
    let suffix = f.number_suffix.as_deref().map(suffix_range);
    let (sql, args) = page_sql(f, &suffix, None, 50);
    super::explain(db, &sql, &args).await
}

/// The people calls can be filtered by (operators, and managers who take calls), by name.
pub async fn people(db: &Db) -> DbResult<Vec<(i64, String)>> {
    const SQL: &str = "SELECT id, display_name FROM users WHERE active ORDER BY display_name, id";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL).fetch_all(p).await)?)
}

/// One event of a call's detail page, with the payload as the PBX sent it.
#[derive(Clone, Debug, FromRow)]
pub struct DetailEvent {
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
    /// The original payload (capped; emptied by retention).
    pub raw: Option<String>,
}

/// A call's events in time order, with their raw payloads when `with_raw` (admins only; the
/// column is not even read otherwise).
pub async fn events(db: &Db, call_id: i64, with_raw: bool) -> DbResult<Vec<DetailEvent>> {
    let sql = format!(
        "SELECT kind, at, received_at, data, duplicates, late, {} AS raw FROM call_events \
         WHERE call_id = $1 ORDER BY at, id",
        if with_raw {
            "raw"
        } else {
            "CAST(NULL AS TEXT)"
        }
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(call_id)
        .fetch_all(p)
        .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_reversed_without_the_plus() {
        assert_eq!(reversed_digits("+74951234567"), "76543215947");
        assert_eq!(reversed_digits(""), "");
    }

    #[test]
    fn a_suffix_becomes_a_prefix_range() {
        assert_eq!(suffix_range("4567"), ("7654".into(), Some("7655".into())));
        // Ends with 9967 → reversed 7699…: the nines carry, so the range ends before 77.
        assert_eq!(suffix_range("9967"), ("7699".into(), Some("77".into())));
        assert_eq!(suffix_range("1239"), ("9321".into(), Some("9322".into())));
        assert_eq!(suffix_range("8999"), ("9998".into(), Some("9999".into())));
        assert_eq!(suffix_range("9999"), ("9999".into(), None));
        assert_eq!(suffix_range("0"), ("0".into(), Some("1".into())));
    }
}

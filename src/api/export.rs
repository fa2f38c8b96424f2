//! CSV exports of the call log and of orders: `GET /api/v1/calls/export.csv` and
//! `GET /api/v1/orders/export.csv`, with the same filters as the lists.
//!
//! The file is streamed: a task reads the rows in keyset chunks and sends each chunk as soon as
//! it is written, so a month of calls is never in memory at once. UTF-8 with a BOM and `;`
//! for Excel (as the client export, src/import/csv_write.rs). Phone numbers are masked to all
//! but the last four digits unless the role is in `[privacy] export_full_numbers_roles`.
//! When the last chunk has been handed over, one audit entry records who exported what filter
//! and how many rows — before the stream ends, so a finished download is always audited.

use std::{collections::BTreeMap, io};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use futures_util::future::BoxFuture;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::{
    call_query::{LogQuery, given, instant},
    export_rows::{CALL_HEADER, ORDER_HEADER, call_record, order_record},
};
use crate::{
    app::AppState,
    auth::Principal,
    db::{self, DbResult, call_log::LogCursor, order_export::OrderFilter},
    domain::{Role, role::Permission},
    error::{AppError, AppQuery, AppResult},
};

/// Rows read from the database per query (and sent per chunk).
const CHUNK: i64 = 1_000;

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calls/export.csv", get(export_calls))
        .route("/orders/export.csv", get(export_orders))
}

/// Whether this role's exports carry full numbers.
pub fn exports_full_numbers(state: &AppState, role: Role) -> bool {
    state.config.export_full_numbers_roles.contains(&role)
}

async fn export_calls(
    State(state): State<AppState>,
    p: Principal,
    RawQuery(raw): RawQuery,
    AppQuery(q): AppQuery<LogQuery>,
) -> AppResult<Response> {
    p.require(Permission::ReadReports)?;
    let filter = q.filter(&state.config)?;
    let full = exports_full_numbers(&state, p.role);
    let tz = state.config.time_zone;
    let db = state.db.clone();
    let fetch = move |after: Option<LogCursor>| -> BoxFuture<'static, DbResult<Vec<_>>> {
        let (db, filter) = (db.clone(), filter.clone());
        Box::pin(async move { db::call_log::list(&db, &filter, after, CHUNK).await })
    };
    let key = |r: &db::call_log::LogRow| LogCursor {
        started_at: r.call.started_at,
        id: r.call.id,
    };
    let record = move |r: &db::call_log::LogRow| call_record(r, full, tz);
    let audit = Audit::new(&p, "calls.exported", raw, full);
    Ok(stream(
        state,
        "calls",
        &CALL_HEADER,
        fetch,
        key,
        record,
        audit,
    ))
}

/// `?from=&to=&status=&client=` of the orders export.
#[derive(serde::Deserialize)]
pub struct OrdersQuery {
    from: Option<String>,
    to: Option<String>,
    status: Option<String>,
    client: Option<String>,
}

impl OrdersQuery {
    fn filter(&self) -> AppResult<OrderFilter> {
        let status = given(&self.status).map(str::to_owned);
        if status
            .as_deref()
            .is_some_and(|s| !matches!(s, "new" | "confirmed" | "cancelled"))
        {
            return Err(AppError::invalid(
                "status",
                "expected new, confirmed or cancelled",
            ));
        }
        let client_id = given(&self.client)
            .map(|c| match c.parse::<i64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(AppError::invalid("client", "expected a client id")),
            })
            .transpose()?;
        let (from, to) = (
            instant(given(&self.from), "from")?,
            instant(given(&self.to), "to")?,
        );
        if let (Some(a), Some(b)) = (from, to)
            && a >= b
        {
            return Err(AppError::invalid("to", "must be after from"));
        }
        Ok(OrderFilter {
            from,
            to,
            status,
            client_id,
        })
    }
}

async fn export_orders(
    State(state): State<AppState>,
    p: Principal,
    RawQuery(raw): RawQuery,
    AppQuery(q): AppQuery<OrdersQuery>,
) -> AppResult<Response> {
    p.require(Permission::ReadReports)?;
    let filter = q.filter()?;
    let full = exports_full_numbers(&state, p.role);
    let tz = state.config.time_zone;
    let db = state.db.clone();
    let fetch = move |after: Option<(i64, i64)>| -> BoxFuture<'static, DbResult<Vec<_>>> {
        let (db, filter) = (db.clone(), filter.clone());
        Box::pin(async move { db::order_export::list(&db, &filter, after, CHUNK).await })
    };
    let key = |r: &db::order_export::OrderLine| (r.created_at, r.id);
    let record = move |r: &db::order_export::OrderLine| order_record(r, full, tz);
    let audit = Audit::new(&p, "orders.exported", raw, full);
    Ok(stream(
        state,
        "orders",
        &ORDER_HEADER,
        fetch,
        key,
        record,
        audit,
    ))
}

/// What the audit entry of an export says, but the row count.
struct Audit {
    actor: db::audit::Actor,
    action: &'static str,
    filter: BTreeMap<String, String>,
    full_numbers: bool,
}

impl Audit {
    /// The filter as asked (the query string without empty fields).
    fn new(p: &Principal, action: &'static str, raw: Option<String>, full: bool) -> Audit {
        let filter = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Audit {
            actor: p.actor,
            action,
            filter,
            full_numbers: full,
        }
    }
}

/// Starts the task that writes the file and answers with its stream.
fn stream<R, K, F, G, W>(
    state: AppState,
    name: &str,
    header: &'static [&'static str],
    fetch: F,
    key: G,
    record: W,
    audit: Audit,
) -> Response
where
    R: Send + 'static,
    K: Copy + Send + 'static,
    F: Fn(Option<K>) -> BoxFuture<'static, DbResult<Vec<R>>> + Send + 'static,
    G: Fn(&R) -> K + Send + 'static,
    W: Fn(&R) -> Vec<String> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(2);
    tokio::spawn(async move {
        let mut sink = Sink::new(tx, header);
        let mut after = None;
        let (mut rows, mut complete) = (0u64, true);
        loop {
            let chunk = match fetch(after).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, action = audit.action, "export failed");
                    let _ = sink.tx.send(Err(io::Error::other("export failed"))).await;
                    complete = false;
                    break;
                }
            };
            sink.write(chunk.iter().map(&record));
            rows += chunk.len() as u64;
            after = chunk.last().map(&key);
            if !sink.flush().await {
                complete = false; // the client went away
                break;
            }
            if (chunk.len() as i64) < CHUNK {
                break;
            }
        }
        let detail = json!({
            "filter": audit.filter,
            "rows": rows,
            "complete": complete,
            "full_numbers": audit.full_numbers,
        });
        if let Err(e) = db::audit::record(&state.db, audit.actor, audit.action, None, &detail).await
        {
            tracing::error!(error = %e, "could not audit an export");
        }
        drop(sink); // ends the response after the audit entry exists
    });
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-{stamp}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(ReceiverStream::new(rx)),
    )
        .into_response()
}

/// What is written but not yet sent, and where to send it.
struct Sink {
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    buf: Vec<u8>,
}

/// Excel's dialect: `;` and CRLF (the `csv` crate quotes cells with `;`, quotes or newlines).
fn csv_writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf)
}

impl Sink {
    /// The BOM (without it Excel reads UTF-8 as the ANSI code page) and the header row.
    fn new(tx: mpsc::Sender<Result<Bytes, io::Error>>, header: &[&str]) -> Sink {
        let mut sink = Sink {
            tx,
            buf: "\u{FEFF}".as_bytes().to_vec(),
        };
        sink.write(std::iter::once(
            header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(),
        ));
        sink
    }

    /// Appends rows to the buffer (one CSV writer per chunk, not per row).
    fn write(&mut self, records: impl Iterator<Item = Vec<String>>) {
        let mut w = csv_writer(std::mem::take(&mut self.buf));
        for r in records {
            // Writing into a Vec cannot fail.
            let _ = w.write_record(&r);
        }
        self.buf = w.into_inner().unwrap_or_default();
    }

    /// Sends what was written; false when the receiver is gone.
    async fn flush(&mut self) -> bool {
        let bytes = std::mem::take(&mut self.buf);
        self.tx.send(Ok(Bytes::from(bytes))).await.is_ok()
    }
}

//! Two weeks of calls for the demo, so that a manager who starts `serve --demo` finds a call
//! log, a dashboard and a wallboard with something in them.
//!
//! The calls go through the real ingest — generic-format events, parsed, matched and applied
//! by the writer, as a PBX would send them — so the demo shows what the service makes of calls
//! (caller matches, missed-call tasks, tasks closed by a call back, report aggregates), not
//! rows written to look that way. Office hours 09:00–19:00 in the business time zone, fewer
//! calls at weekends; callers mostly known clients (the regular buyers most), some unknown,
//! a few withheld; queues `sales` and `support`; most missed calls called back by an operator
//! within the hour. What the operators did is then written as they would have: an outcome
//! for most answered calls, and an order on a third of the answered calls from clients.
//! A fixed seed, so every demo database is the same.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};
use chrono::{Datelike, TimeZone, Weekday};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

use crate::{
    app::AppState,
    db::{
        self,
        orders::{LineRow, NewOrder},
        wrapups::NewWrapup,
    },
    domain::time::{from_ms, now_ms, rfc3339},
    ingest::{generic, prepare::prepare},
};

/// Days of history.
const DAYS: i64 = 14;
/// The demo PBX source (`demo::add_source`).
const SOURCE: &str = "demo";
const EXTENSIONS: [&str; 3] = ["101", "102", "103"];
const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;

/// One call to send: its events and, if answered by an operator, what they did after it.
struct DemoCall {
    start: i64,
    events: Vec<Value>,
    answered_by: Option<&'static str>,
    end: i64,
    client: Option<i64>,
}

/// Sends the calls through the writer and writes the operators' outcomes and orders; returns
/// how many calls were stored.
pub async fn load(state: &AppState) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(20_261_128);
    let numbers = db::clients::first_numbers(&state.db, 600).await?;
    if numbers.is_empty() {
        return Ok(0);
    }
    let now = now_ms();
    let mut calls = plan(&mut rng, state, &numbers, now);
    calls.sort_by_key(|c| c.start);
    let products = db::products::list_products(&state.db, None, true, 0, 100).await?;
    let users = db::operators::active_operators(&state.db).await?;
    let source: Arc<str> = Arc::from(SOURCE);
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (n, call) in calls.iter().enumerate() {
        let body = serde_json::to_vec(&Value::Array(call.events.clone()))?;
        let events = generic::parse(&headers, &body).map_err(|e| anyhow::anyhow!("{e}"))?;
        let prepared = prepare(state, events, now).await?;
        let outcomes = state.writer.submit(source.clone(), prepared).await?;
        let (Some(ext), Some(first)) = (call.answered_by, outcomes.first()) else {
            continue;
        };
        let Some(operator) = users.iter().find(|u| u.extension.as_deref() == Some(ext)) else {
            continue;
        };
        // What the operator did: most answered calls get an outcome within a minute; a third
        // of the clients' calls an order.
        if n % 7 == 0 {
            continue;
        }
        let order = match (call.client, products.is_empty()) {
            (Some(client), false) if rng.random_bool(0.35) => {
                let p = &products[rng.random_range(0..products.len())];
                let q = rng.random_range(1..8);
                Some(NewOrder {
                    client_id: client,
                    call_id: Some(first.call_id),
                    delivery_address: None,
                    delivery_date: None,
                    comment: None,
                    created_by: Some(operator.id),
                    total_minor: q * p.price_minor,
                    lines: vec![LineRow::priced(p, q, q * p.price_minor)],
                    currency: state.config.currency.clone(),
                    created_at: call.end - 30 * SECOND,
                })
            }
            _ => None,
        };
        let wrapup_seconds = rng.random_range(5..90);
        let mut tx = state.db.begin().await?;
        let order_id = match &order {
            Some(o) => Some(db::orders::insert_order(&mut tx, o).await?),
            None => None,
        };
        let outcome = match (order_id, rng.random_range(0..10)) {
            (Some(_), _) => "order_placed",
            (None, 0..6) => "information",
            (None, 6..8) => "callback_requested",
            (None, 8) => "complaint",
            _ => "other",
        };
        let w = NewWrapup {
            call_id: Some(first.call_id),
            task_id: None,
            client_id: call.client,
            operator_id: operator.id,
            outcome,
            note: None,
            order_id,
            follow_up_id: None,
            wrapup_seconds: Some(wrapup_seconds),
        };
        db::wrapups::upsert_call_wrapup(&mut tx, &w, call.end + wrapup_seconds * SECOND).await?;
        tx.commit().await?;
    }
    Ok(calls.len())
}

/// The calls of the last [`DAYS`] days up to a few minutes ago.
fn plan(rng: &mut StdRng, state: &AppState, numbers: &[(i64, String)], now: i64) -> Vec<DemoCall> {
    let tz = state.config.time_zone;
    let today = from_ms(now).with_timezone(&tz).date_naive();
    let mut calls = Vec::new();
    let mut serial = 0;
    for back in (0..DAYS).rev() {
        let Some(day) = today.checked_sub_days(chrono::Days::new(back as u64)) else {
            continue;
        };
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let Some(open) = day
            .and_hms_opt(9, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
        else {
            continue;
        };
        let open = open.timestamp_millis();
        let count = if weekend {
            rng.random_range(12..25)
        } else {
            rng.random_range(60..95)
        };
        for _ in 0..count {
            let start = open + rng.random_range(0..10 * 60 * MINUTE);
            if start > now - 10 * MINUTE {
                continue;
            }
            serial += 1;
            calls.extend(call(rng, serial, start, numbers));
        }
    }
    calls
}

/// One call (and, for a missed one, the operator's call back).
fn call(rng: &mut StdRng, serial: usize, start: i64, numbers: &[(i64, String)]) -> Vec<DemoCall> {
    let id = format!("demo-{serial}");
    let roll = rng.random_range(0..100);
    // The regular buyers (the first clients) call most: pick with a bias to the front.
    let known = {
        let x: f64 = rng.random();
        &numbers[((x * x) * numbers.len() as f64) as usize % numbers.len()]
    };
    let ext = EXTENSIONS[rng.random_range(0..EXTENSIONS.len())];
    if roll < 10 {
        // An outbound call to a client.
        let answered = rng.random_bool(0.7);
        return vec![outbound(
            rng,
            &id,
            start,
            ext,
            &known.1,
            Some(known.0),
            answered,
        )];
    }
    let (from, client) = match roll {
        10..15 => ("anonymous".to_owned(), None),
        15..40 => (
            format!(
                "+7 9{}{:07}",
                rng.random_range(10..40),
                rng.random_range(0..10_000_000)
            ),
            None,
        ),
        _ => (known.1.clone(), Some(known.0)),
    };
    let queue = if rng.random_bool(0.65) {
        "sales"
    } else {
        "support"
    };
    let ring = json!({"call_id": id, "event_id": format!("{id}-r"), "type": "ringing", "at": rfc3339(start),
        "from": from, "to": "+74951230000", "extensions": EXTENSIONS, "queue": queue});
    if rng.random_bool(0.82) {
        // Most answered within 20 s, a few after a long wait.
        let x: f64 = rng.random();
        let wait = (2.0 + x * x * 50.0) as i64 * SECOND;
        let end = start + wait + rng.random_range(40..420) * SECOND;
        let events = vec![
            ring,
            json!({"call_id": id, "event_id": format!("{id}-a"), "type": "answered", "at": rfc3339(start + wait), "extension": ext, "queue": queue}),
            json!({"call_id": id, "event_id": format!("{id}-h"), "type": "hangup", "at": rfc3339(end), "cause": "normal"}),
        ];
        return vec![DemoCall {
            start,
            events,
            answered_by: Some(ext),
            end,
            client,
        }];
    }
    let end = start + rng.random_range(4..70) * SECOND;
    let missed = DemoCall {
        start,
        events: vec![
            ring,
            json!({"call_id": id, "event_id": format!("{id}-h"), "type": "hangup", "at": rfc3339(end), "cause": "cancel"}),
        ],
        answered_by: None,
        end,
        client,
    };
    let mut out = vec![missed];
    // Most missed callers with a number are called back within the hour.
    if from != "anonymous" && rng.random_bool(0.8) {
        let back = end + rng.random_range(3..60) * MINUTE;
        let answered = rng.random_bool(0.85);
        out.push(outbound(
            rng,
            &format!("{id}-cb"),
            back,
            ext,
            &from,
            client,
            answered,
        ));
    }
    out
}

/// An operator's outbound call to `to`.
fn outbound(
    rng: &mut StdRng,
    id: &str,
    start: i64,
    ext: &'static str,
    to: &str,
    client: Option<i64>,
    answered: bool,
) -> DemoCall {
    let ring = json!({"call_id": id, "event_id": format!("{id}-r"), "type": "ringing", "direction": "outbound",
        "at": rfc3339(start), "from": ext, "to": to, "extension": ext});
    let wait = rng.random_range(5..25) * SECOND;
    let (events, end, answered_by) = if answered {
        let end = start + wait + rng.random_range(30..300) * SECOND;
        (
            vec![
                ring,
                json!({"call_id": id, "event_id": format!("{id}-a"), "type": "answered", "direction": "outbound", "at": rfc3339(start + wait), "extension": ext}),
                json!({"call_id": id, "event_id": format!("{id}-h"), "type": "hangup", "direction": "outbound", "at": rfc3339(end), "cause": "normal"}),
            ],
            end,
            Some(ext),
        )
    } else {
        let end = start + wait + 20 * SECOND;
        (
            vec![
                ring,
                json!({"call_id": id, "event_id": format!("{id}-h"), "type": "hangup", "direction": "outbound", "at": rfc3339(end), "cause": "no_answer"}),
            ],
            end,
            None,
        )
    };
    DemoCall {
        start,
        events,
        answered_by,
        end,
        client,
    }
}

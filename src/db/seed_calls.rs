//! Bulk seeding of calls, wrap-ups and orders for the report benchmarks (issue 5 §6), written
//! with multi-row inserts into a database whose clients were seeded by `seed::seed_clients`.
//!
//! The data is deterministic (a hash of the call number decides everything) and shaped like a
//! busy order line: calls evenly spread over the span, 90 % inbound; of those 80 % answered,
//! 15 % missed, 3 % forwarded, 2 % blocked; 70 % from known clients; 70 % of answered calls
//! have a wrap-up; orders hang off answered calls at the rate that yields the asked total.
//! Call ids are given explicitly (1…calls), so the database must hold no calls yet.

use super::{DbResult, Tx, with_tx};
use crate::{db::seed::synthetic_e164, domain::time::Millis};

/// Calls per transaction (18 parameters a row: 18,000, under SQLite's 32,766).
const CHUNK: u64 = 1_000;

/// What to seed.
#[derive(Clone, Debug)]
pub struct CallSeed {
    /// Clients already seeded (client ids 1…clients, numbers `synthetic_e164(0…)`).
    pub clients: u64,
    /// Calls to write.
    pub calls: u64,
    /// Orders to aim for (at most one per answered call).
    pub orders: u64,
    /// Operator user ids to spread answered calls over.
    pub operators: Vec<i64>,
    /// The calls start evenly over [end − span, end).
    pub end: Millis,
    /// Span in milliseconds.
    pub span: Millis,
}

fn mix(i: u64, salt: u64) -> u64 {
    // SplitMix64: cheap, deterministic, well spread.
    let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(salt);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One synthetic call.
struct Call {
    id: i64,
    inbound: bool,
    state: &'static str,
    forwarded: bool,
    client: Option<i64>,
    number: String,
    operator: Option<i64>,
    started: Millis,
    wait: i64,
    talk: Option<i64>,
}

fn call(s: &CallSeed, i: u64) -> Call {
    let h = mix(i, 1);
    let roll = h % 100;
    let (state, forwarded) = match roll {
        0..80 => ("completed", false),
        80..95 => ("missed", false),
        95..98 => ("completed", true),
        _ => ("blocked", false),
    };
    let answered = roll < 80;
    let known = (h >> 8) % 10 < 7 && s.clients > 0;
    let client_ix = (h >> 16) % s.clients.max(1);
    let started = s.end - s.span + (i as i64) * (s.span / s.calls.max(1) as i64);
    Call {
        id: i as i64 + 1,
        inbound: !(h >> 24).is_multiple_of(10),
        state,
        forwarded,
        client: known.then_some(client_ix as i64 + 1),
        number: synthetic_e164(if known { client_ix } else { 900_000_000 + i }),
        operator: answered.then(|| s.operators[((h >> 32) as usize) % s.operators.len().max(1)]),
        started,
        wait: ((h >> 40) % 120) as i64,
        talk: answered.then_some(30 + ((h >> 48) % 570) as i64),
    }
}

/// Writes the calls, their wrap-ups and orders in transactions of [`CHUNK`] calls.
pub async fn seed_calls(db: &super::Db, s: &CallSeed) -> DbResult<()> {
    let answered = (s.calls * 8 / 10).max(1);
    let order_per_mille = (s.orders * 1000 / answered).min(1000);
    let mut first = 0;
    while first < s.calls {
        let calls: Vec<Call> = (first..(first + CHUNK).min(s.calls))
            .map(|i| call(s, i))
            .collect();
        let mut tx = db.begin().await?;
        insert_calls(&mut tx, &calls).await?;
        let answered: Vec<&Call> = calls.iter().filter(|c| c.talk.is_some()).collect();
        let wrapped: Vec<&&Call> = answered
            .iter()
            .filter(|c| mix(c.id as u64, 2) % 10 < 7)
            .collect();
        let ordered: Vec<&&Call> = answered
            .iter()
            .filter(|c| mix(c.id as u64, 3) % 1000 < order_per_mille)
            .collect();
        insert_wrapups(&mut tx, &wrapped).await?;
        insert_orders(&mut tx, &ordered, s.clients).await?;
        tx.commit().await?;
        first += CHUNK;
    }
    Ok(())
}

fn placeholders(sql: &mut String, rows: usize, per_row: usize) {
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ",(" });
        let cells: Vec<String> = (1..=per_row)
            .map(|k| format!("${}", r * per_row + k))
            .collect();
        sql.push_str(&cells.join(", "));
        sql.push(')');
    }
}

async fn insert_calls(tx: &mut Tx, calls: &[Call]) -> DbResult<()> {
    let mut sql = String::from(
        "INSERT INTO calls (id, source_id, pbx_call_id, direction, state, forwarded, caller_e164, caller_kind, \
         client_id, operator_id, started_at, answered_at, ended_at, wait_seconds, talk_seconds, created_at, \
         updated_at, caller_rev) VALUES ",
    );
    placeholders(&mut sql, calls.len(), 18);
    with_tx!(tx, |c| {
        let mut q = sqlx::query(&sql);
        for k in calls {
            let answered = k.talk.map(|_| k.started + k.wait * 1000);
            let ended = k.started + (k.wait + k.talk.unwrap_or(0)) * 1000;
            q = q
                .bind(k.id)
                .bind("bench")
                .bind(k.id.to_string())
                .bind(if k.inbound { "inbound" } else { "outbound" })
                .bind(k.state)
                .bind(k.forwarded)
                .bind(&k.number)
                .bind(if k.client.is_some() {
                    "client"
                } else {
                    "unknown"
                })
                .bind(k.client)
                .bind(k.operator)
                .bind(k.started)
                .bind(answered)
                .bind(ended)
                .bind(k.wait)
                .bind(k.talk)
                .bind(ended)
                .bind(ended)
                .bind(super::call_log::reversed_digits(&k.number));
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_wrapups(tx: &mut Tx, calls: &[&&Call]) -> DbResult<()> {
    if calls.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO wrapups (call_id, client_id, operator_id, outcome, wrapup_seconds, created_at, updated_at) VALUES ",
    );
    for r in 0..calls.len() {
        let b = r * 5;
        let sep = if r == 0 { "" } else { "," };
        sql.push_str(&format!(
            "{sep}(${}, ${}, ${}, 'order_placed', ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 5
        ));
    }
    with_tx!(tx, |c| {
        let mut q = sqlx::query(&sql);
        for k in calls {
            q = q
                .bind(k.id)
                .bind(k.client)
                .bind(k.operator)
                .bind((mix(k.id as u64, 4) % 90) as i64)
                .bind(k.started);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_orders(tx: &mut Tx, calls: &[&&Call], clients: u64) -> DbResult<()> {
    if calls.is_empty() || clients == 0 {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO orders (client_id, call_id, status, total_minor, currency, created_at, updated_at) VALUES ",
    );
    for r in 0..calls.len() {
        let b = r * 4;
        let sep = if r == 0 { "" } else { "," };
        sql.push_str(&format!(
            "{sep}(${}, ${}, 'confirmed', ${}, 'RUB', ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 4
        ));
    }
    with_tx!(tx, |c| {
        let mut q = sqlx::query(&sql);
        for k in calls {
            let client = k
                .client
                .unwrap_or((mix(k.id as u64, 5) % clients) as i64 + 1);
            q = q
                .bind(client)
                .bind(k.id)
                .bind(1_000 + (mix(k.id as u64, 6) % 99_000) as i64)
                .bind(k.started + 60_000);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

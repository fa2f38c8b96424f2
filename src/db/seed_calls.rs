//! Bulk seeding of calls, wrap-ups, orders and callback tasks for the report benchmarks
//! (issue 5 §6), loaded through `db::bulk` into a database whose clients were seeded by
//! `seed::seed_clients`.
//!
//! The data is deterministic (a hash of the call number decides everything) and shaped like a
//! busy order line: calls evenly spread over the span, 90 % inbound; of those 80 % answered,
//! 15 % missed, 3 % forwarded, 2 % blocked; 70 % from known clients; 70 % of answered calls
//! have a wrap-up; orders hang off answered calls at the rate that yields the asked total;
//! two calls in five come through the queue `sales`, two through `support`, one through none;
//! missed inbound calls of known clients open callback tasks as the writer would
//! (`seed_tasks`). Call ids are given explicitly (1…calls), so the database must hold no
//! calls yet.

use super::{
    DbResult,
    bulk::Bulk,
    direct::Arg,
    seed_tasks::{Tasks, insert_tasks},
};
use crate::{db::seed::synthetic_e164, domain::time::Millis};

/// Calls per transaction.
const CHUNK: u64 = 20_000;

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
pub(super) struct Call {
    pub(super) id: i64,
    pub(super) inbound: bool,
    pub(super) state: &'static str,
    forwarded: bool,
    pub(super) client: Option<i64>,
    pub(super) number: String,
    rev: String,
    pbx_id: String,
    operator: Option<i64>,
    queue: Option<&'static str>,
    pub(super) started: Millis,
    wait: i64,
    talk: Option<i64>,
}

impl Call {
    /// When it was answered, if it was.
    pub(super) fn answered_at(&self) -> Option<Millis> {
        self.talk.map(|_| self.started + self.wait * 1000)
    }

    /// When it ended.
    pub(super) fn ended_at(&self) -> Millis {
        self.started + (self.wait + self.talk.unwrap_or(0)) * 1000
    }
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
    let number = synthetic_e164(if known { client_ix } else { 900_000_000 + i });
    Call {
        id: i as i64 + 1,
        inbound: !(h >> 24).is_multiple_of(10),
        state,
        forwarded,
        client: known.then_some(client_ix as i64 + 1),
        rev: super::call_log::reversed_digits(&number),
        number,
        pbx_id: (i + 1).to_string(),
        operator: answered.then(|| s.operators[((h >> 32) as usize) % s.operators.len().max(1)]),
        queue: match mix(i, 4) % 5 {
            0 | 1 => Some("sales"),
            2 | 3 => Some("support"),
            _ => None,
        },
        started,
        wait: ((h >> 40) % 120) as i64,
        talk: answered.then_some(30 + ((h >> 48) % 570) as i64),
    }
}

/// Writes the calls, their wrap-ups, orders and callback tasks in transactions of [`CHUNK`]
/// calls.
pub async fn seed_calls(db: &super::Db, s: &CallSeed) -> DbResult<()> {
    let answered = (s.calls * 8 / 10).max(1);
    let order_per_mille = (s.orders * 1000 / answered).min(1000);
    let mut bulk = Bulk::open(db).await?;
    let mut tasks = Tasks::default();
    let mut first = 0;
    while first < s.calls {
        let calls: Vec<Call> = (first..(first + CHUNK).min(s.calls))
            .map(|i| call(s, i))
            .collect();
        calls.iter().for_each(|c| tasks.on_call(c));
        let answered: Vec<&Call> = calls.iter().filter(|c| c.talk.is_some()).collect();
        let wrapped: Vec<&Call> = answered
            .iter()
            .copied()
            .filter(|c| mix(c.id as u64, 2) % 10 < 7)
            .collect();
        let ordered: Vec<&Call> = answered
            .iter()
            .copied()
            .filter(|c| mix(c.id as u64, 3) % 1000 < order_per_mille)
            .collect();
        bulk.begin().await?;
        insert_calls(&mut bulk, &calls).await?;
        insert_wrapups(&mut bulk, &wrapped).await?;
        insert_orders(&mut bulk, &ordered, s.clients).await?;
        insert_tasks(&mut bulk, &tasks.take_closed()).await?;
        bulk.commit().await?;
        first += CHUNK;
    }
    bulk.begin().await?;
    insert_tasks(&mut bulk, &tasks.take_open()).await?;
    bulk.commit().await?;
    bulk.sync_id_sequence("calls").await?;
    bulk.sync_id_sequence("callbacks").await?;
    Ok(())
}

async fn insert_calls(bulk: &mut Bulk, calls: &[Call]) -> DbResult<()> {
    const COLUMNS: [&str; 19] = [
        "id",
        "source_id",
        "pbx_call_id",
        "direction",
        "state",
        "forwarded",
        "caller_e164",
        "caller_kind",
        "client_id",
        "operator_id",
        "started_at",
        "answered_at",
        "ended_at",
        "wait_seconds",
        "talk_seconds",
        "created_at",
        "updated_at",
        "caller_rev",
        "queue",
    ];
    let mut v = Vec::with_capacity(calls.len() * COLUMNS.len());
    for k in calls {
        let ended = k.ended_at();
        v.extend([
            Arg::from(k.id),
            Arg::from("bench"),
            Arg::from(k.pbx_id.as_str()),
            Arg::from(if k.inbound { "inbound" } else { "outbound" }),
            Arg::from(k.state),
            Arg::from(k.forwarded),
            Arg::from(k.number.as_str()),
            Arg::from(if k.client.is_some() {
                "client"
            } else {
                "unknown"
            }),
            Arg::from(k.client),
            Arg::from(k.operator),
            Arg::from(k.started),
            Arg::from(k.answered_at()),
            Arg::from(ended),
            Arg::from(k.wait),
            Arg::from(k.talk),
            Arg::from(ended),
            Arg::from(ended),
            Arg::from(k.rev.as_str()),
            Arg::from(k.queue),
        ]);
    }
    bulk.insert("calls", &COLUMNS, &v).await
}

async fn insert_wrapups(bulk: &mut Bulk, calls: &[&Call]) -> DbResult<()> {
    const COLUMNS: [&str; 7] = [
        "call_id",
        "client_id",
        "operator_id",
        "outcome",
        "wrapup_seconds",
        "created_at",
        "updated_at",
    ];
    let mut v = Vec::with_capacity(calls.len() * COLUMNS.len());
    for k in calls {
        v.extend([
            Arg::from(k.id),
            Arg::from(k.client),
            Arg::from(k.operator),
            Arg::from("order_placed"),
            Arg::from((mix(k.id as u64, 4) % 90) as i64),
            Arg::from(k.started),
            Arg::from(k.started),
        ]);
    }
    bulk.insert("wrapups", &COLUMNS, &v).await
}

async fn insert_orders(bulk: &mut Bulk, calls: &[&Call], clients: u64) -> DbResult<()> {
    if clients == 0 {
        return Ok(());
    }
    const COLUMNS: [&str; 7] = [
        "client_id",
        "call_id",
        "status",
        "total_minor",
        "currency",
        "created_at",
        "updated_at",
    ];
    let mut v = Vec::with_capacity(calls.len() * COLUMNS.len());
    for k in calls {
        let client = k
            .client
            .unwrap_or((mix(k.id as u64, 5) % clients) as i64 + 1);
        let at = k.started + 60_000;
        v.extend([
            Arg::from(client),
            Arg::from(k.id),
            Arg::from("confirmed"),
            Arg::from(1_000 + (mix(k.id as u64, 6) % 99_000) as i64),
            Arg::from("RUB"),
            Arg::from(at),
            Arg::from(at),
        ]);
    }
    bulk.insert("orders", &COLUMNS, &v).await
}

//! Load generator for the call-event path: webhook → durable store → screen pop.
//!
//! Starts orderline in-process on a fresh database (SQLite by default, PostgreSQL with
//! `BENCH_DATABASE_URL`), connects N operator SSE streams (each a real logged-in session with
//! its own extension), fires realistic call sequences over HTTP — ringing (1–3 extensions) →
//! answered → hang-up, 20 % missed, 5 % redelivered duplicates — and reports events/s
//! accepted, webhook latency, pop latency and errors.
//!
//!     cargo bench --bench ingest                                   # 1,000 events/s, 500 operators, 10 s
//!     BENCH_RATE=0 BENCH_CONCURRENCY=64 cargo bench --bench ingest # as fast as possible
//!     BENCH_DATABASE_URL=postgres://… cargo bench --bench ingest   # on PostgreSQL
//!     BENCH_SYNC=full cargo bench --bench ingest                   # SQLite synchronous=FULL
//!     BENCH_CLIENT=reqwest cargo bench --bench ingest              # post with reqwest
//!     BENCH_WARMUP=0 cargo bench --bench ingest                    # no uncounted warm-up (default 2 s)
//!     BENCH_ANALYZE=0 cargo bench --bench ingest                   # no ANALYZE after the warm-up
//!
//! Webhooks are posted by a minimal keep-alive HTTP/1.1 client (`support/http.rs`) unless
//! `BENCH_CLIENT=reqwest`: the generator shares the server's two cores, and reqwest's cost per
//! request was a large part of the total (see docs/BENCHMARKS.md).
//!
//! Pop latency is measured from the moment the webhook's 200 arrived to the moment the
//! operator's stream delivered the `call.ringing` event (an event that arrived first counts 0).
//! Results are recorded in docs/BENCHMARKS.md.

#[path = "support/http.rs"]
mod http;
#[path = "support/mod.rs"]
mod support;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use orderline::{
    app::App,
    auth::session,
    config::{Config, SourceConfig, SourceFormat},
    db::{self, Db, users::NewUser},
    domain::Role,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;

// The same allocator as the `orderline` binary (src/main.rs), so that the server measured here
// is the one that runs.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TOKEN: &str = "bench-source-token-0123456789";

struct Params {
    rate: u64,
    seconds: u64,
    operators: usize,
    concurrency: usize,
}

/// How webhooks are posted.
#[derive(Clone)]
enum Poster {
    /// The minimal client.
    Raw(Arc<http::Client>),
    /// reqwest, with its connection pool.
    Reqwest(reqwest::Client, String),
}

impl Poster {
    fn new(addr: std::net::SocketAddr) -> Poster {
        if std::env::var("BENCH_CLIENT").is_ok_and(|v| v == "reqwest") {
            Poster::Reqwest(
                reqwest::Client::new(),
                format!("http://{addr}/webhooks/pbx"),
            )
        } else {
            Poster::Raw(Arc::new(http::Client::new(addr, "/webhooks/pbx", TOKEN)))
        }
    }

    /// Posts one event; whether it was accepted (2xx).
    async fn post(&self, event: &serde_json::Value) -> bool {
        match self {
            Poster::Raw(c) => {
                let body = serde_json::to_vec(event).unwrap_or_default();
                matches!(c.post(&body).await, Ok(s) if (200..300).contains(&s))
            }
            Poster::Reqwest(c, url) => {
                let r = c.post(url).bearer_auth(TOKEN).json(event).send().await;
                matches!(&r, Ok(r) if r.status().is_success())
            }
        }
    }
}

#[derive(Default)]
struct Stats {
    webhook: Mutex<Vec<Duration>>,
    /// When each request over 10 ms was sent (seconds into the run), to see whether the tail
    /// is spread out or comes in bursts (a stall, another process).
    slow_at: Mutex<Vec<u64>>,
    started: std::sync::OnceLock<Instant>,
    accepted_at: dashmap::DashMap<String, Instant>,
    popped_at: dashmap::DashMap<String, Vec<Instant>>,
    accepted: AtomicU64,
    errors: AtomicU64,
    /// `resync` events received: a stream fell behind its queue and was told to reload.
    resyncs: AtomicU64,
}

fn main() -> anyhow::Result<()> {
    let p = Params {
        rate: support::env("BENCH_RATE", 1_000),
        seconds: support::env("BENCH_SECONDS", 10),
        operators: support::env("BENCH_OPERATORS", 500) as usize,
        concurrency: support::env("BENCH_CONCURRENCY", 64) as usize,
    };
    // The server's log, when asked for (`RUST_LOG=warn`): what an error answer was.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(p))
}

async fn run(p: Params) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = Config::defaults();
    config.server.listen = "127.0.0.1:0".parse()?;
    config.database.url = support::bench_database(dir.path()).await?.0;
    config.database.sqlite_synchronous_full =
        std::env::var("BENCH_SYNC").is_ok_and(|v| v == "full");
    config.sources.push(SourceConfig {
        id: "pbx".into(),
        format: SourceFormat::Generic,
        token: TOKEN.into(),
        hmac_secret: None,
        enabled: true,
    });
    let db = Db::connect(&config.database).await?;
    let backend = db.backend();
    let cookies = operators(&db, &config, p.operators).await?;
    let app = App::build_with_db(config.clone(), db.clone()).await?;
    let addr = app.local_addr();
    let base = format!("http://{addr}");
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let stats = Arc::new(Stats::default());
    for (ext, cookie) in &cookies {
        tokio::spawn(listen(
            base.clone(),
            cookie.clone(),
            ext.clone(),
            stats.clone(),
        ));
    }
    // Let every stream connect before the load starts.
    tokio::time::sleep(Duration::from_millis(500 + p.operators as u64 * 2)).await;

    let poster = Poster::new(addr);
    warm_up(&poster, p.concurrency).await;
    // Then the run's own mix for BENCH_WARMUP seconds (default 2), not counted: a service that
    // has been taking calls has its database connections open, their statements prepared and
    // the server processes' caches filled. Without it the first second of a PostgreSQL run
    // held most of the webhooks over 10 ms (docs/BENCHMARKS.md).
    let warm = Params {
        seconds: support::env("BENCH_WARMUP", 2),
        ..p
    };
    if warm.seconds > 0 {
        let discard = Arc::new(Stats::default());
        match p.rate {
            0 => flat_out(&poster, &warm, "warm", discard).await,
            _ => paced(&poster, &warm, "warm", discard).await,
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Statistics, as autovacuum would have gathered them on any database that has taken
    // calls for a minute: without them PostgreSQL scanned the growing events and calls
    // tables for each batch (docs/BENCHMARKS.md, seventh session).
    if support::env("BENCH_ANALYZE", 1) != 0 {
        db.analyze().await?;
    }
    let before = metrics(&base).await;
    let started = Instant::now();
    let _ = stats.started.set(started);
    if p.rate == 0 {
        flat_out(&poster, &p, "bench", stats.clone()).await;
    } else {
        paced(&poster, &p, "bench", stats.clone()).await;
    }
    let elapsed = started.elapsed();
    drain(&stats).await;
    report(
        backend,
        &p,
        &stats,
        elapsed,
        config.database.sqlite_synchronous_full,
    );
    batch_sizes(&base, elapsed, &before).await;
    Ok(())
}

/// Waits until the streams have delivered what they still had queued: the pop count stops
/// growing for a second (at most 15 s). Under overload the streams lag behind, and counting
/// right away would report events still in flight as lost.
async fn drain(stats: &Stats) {
    let count = || {
        stats
            .popped_at
            .iter()
            .map(|e| e.value().len())
            .sum::<usize>()
            + stats.resyncs.load(Ordering::Relaxed) as usize
    };
    let (mut last, mut quiet) = (count(), 0);
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = count();
        quiet = if now == last { quiet + 1 } else { 0 };
        last = now;
        if quiet >= 4 {
            break;
        }
    }
}

/// The server's metrics as name (with labels) → value.
type Metrics = std::collections::BTreeMap<String, f64>;

async fn metrics(base: &str) -> Metrics {
    let Ok(r) = reqwest::get(format!("{base}/metrics")).await else {
        return Metrics::new();
    };
    let text = r.text().await.unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (name, v) = l.rsplit_once(' ')?;
            Some((name.to_owned(), v.parse().ok()?))
        })
        .collect()
}

/// The writer's batches and where slow webhooks spent their time, from the server's own
/// metrics: what they gained since `before` (taken when the clock started, after the warm-up).
async fn batch_sizes(base: &str, elapsed: Duration, before: &Metrics) {
    let after = metrics(base).await;
    let value = |name: &str| {
        after
            .get(name)
            .map(|v| v - before.get(name).copied().unwrap_or(0.0))
    };
    // The slowest transactions: the histogram's upper buckets, to tell a stalled writer (one
    // long transaction) from requests waiting for a core.
    let mut keys: Vec<(f64, &String)> = after
        .keys()
        .filter(|k| k.starts_with("ingest_batch_seconds_bucket"))
        .map(|k| {
            let le = k.split('"').nth(1).and_then(|v| v.parse().ok());
            (le.unwrap_or(f64::INFINITY), k)
        })
        .collect();
    keys.sort_by(|a, b| a.0.total_cmp(&b.0));
    let buckets: Vec<String> = keys
        .iter()
        .map(|(_, k)| format!("{k} {}", value(k).unwrap_or(0.0)))
        .collect();
    if !buckets.is_empty() {
        println!("writer transaction time histogram: {}", buckets.join(" | "));
    }
    for phase in ["webhook_prepare_seconds", "webhook_store_seconds"] {
        let count = |le: &str| value(&format!("{phase}_bucket{{le=\"{le}\"}}"));
        if let (Some(fast), Some(all)) = (count("0.01"), count("+Inf")) {
            println!("{phase}: {} of {all} over 10 ms", all - fast);
        }
    }
    if let (Some(sum), Some(count)) = (
        value("ingest_batch_events_sum"),
        value("ingest_batch_events_count"),
    ) {
        println!(
            "writer: {count} transactions, {:.1} events per transaction on average",
            sum / count.max(1.0)
        );
    }
    if let (Some(sum), Some(count)) = (
        value("ingest_batch_seconds_sum"),
        value("ingest_batch_seconds_count"),
    ) {
        println!(
            "writer: {:.2} ms per transaction on average (begin to answers), busy {:.0} % of the run",
            sum / count.max(1.0) * 1000.0,
            sum / elapsed.as_secs_f64() * 100.0
        );
    }
}

/// Creates the operators (one shared password hash: hashing 500 passwords would take longer
/// than the benchmark) and logs each in by starting a session directly.
async fn operators(db: &Db, config: &Config, n: usize) -> anyhow::Result<Vec<(String, String)>> {
    let hash = orderline::auth::password::hash("bench-password".into()).await?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let ext = format!("{}", 1000 + i);
        let login = format!("op{ext}");
        let new = NewUser {
            login: &login,
            display_name: &login,
            role: Role::Operator,
            extension: Some(&ext),
            password_hash: &hash,
        };
        let id = db::users::insert_user(db, &new).await?;
        let cookie = session::start(db, config, id).await?;
        out.push((ext, format!("{}={}", cookie.name(), cookie.value())));
    }
    Ok(out)
}

async fn listen(base: String, cookie: String, ext: String, stats: Arc<Stats>) {
    let client = reqwest::Client::new();
    let Ok(mut r) = client
        .get(format!("{base}/api/v1/events"))
        .header("Cookie", cookie)
        .send()
        .await
    else {
        stats.errors.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let mut buf = String::new();
    while let Ok(Some(chunk)) = r.chunk().await {
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(pos) = buf.find("\n\n") {
            let block: String = buf.drain(..pos + 2).collect();
            if block.contains("event: resync") {
                stats.resyncs.fetch_add(1, Ordering::Relaxed);
            }
            if block.contains("event: call.ringing") {
                let now = Instant::now();
                if let Some(id) = pbx_call_id(&block) {
                    stats
                        .popped_at
                        .entry(format!("{id}/{ext}"))
                        .or_default()
                        .push(now);
                }
            }
        }
    }
}

fn pbx_call_id(block: &str) -> Option<String> {
    let data = block.lines().find_map(|l| l.strip_prefix("data:"))?;
    let v: serde_json::Value = serde_json::from_str(data.trim()).ok()?;
    v["pbx_call_id"].as_str().map(str::to_owned)
}

/// The counted run draws the same calls as ever (salt 0); the warm-up others, so that it does
/// not leave the run's own numbers with open tasks.
fn salt(prefix: &str) -> u64 {
    if prefix == "bench" { 0 } else { 1_000_000 }
}

/// The events of one call, and the extensions that ring.
fn scenario(
    rng: &mut StdRng,
    prefix: &str,
    n: u64,
    operators: usize,
) -> (Vec<serde_json::Value>, Vec<String>) {
    let id = format!("{prefix}-{n}");
    let exts: Vec<String> = (0..rng.random_range(1..=3))
        .map(|_| format!("{}", 1000 + rng.random_range(0..operators)))
        .collect();
    let t0 = chrono::Utc::now();
    let at = |s: i64| (t0 + chrono::Duration::seconds(s)).to_rfc3339();
    let from = format!("+7916{:07}", rng.random_range(0..10_000_000));
    let mut events = vec![
        json!({"call_id": id, "type": "ringing", "from": from, "extensions": exts, "at": at(0)}),
    ];
    if rng.random_bool(0.2) {
        events.push(json!({"call_id": id, "type": "hangup", "cause": "cancel", "at": at(20)}));
    } else {
        events.push(json!({"call_id": id, "type": "answered", "extension": exts[0], "at": at(5)}));
        events.push(json!({"call_id": id, "type": "hangup", "cause": "normal", "at": at(95)}));
    }
    if rng.random_bool(0.05) {
        let dup = events[events.len() - 1].clone();
        events.push(dup);
    }
    (events, exts)
}

async fn post(poster: &Poster, event: &serde_json::Value, exts: &[String], stats: &Stats) {
    let t = Instant::now();
    let ok = poster.post(event).await;
    let done = Instant::now();
    if !ok {
        stats.errors.fetch_add(1, Ordering::Relaxed);
        return;
    }
    stats.accepted.fetch_add(1, Ordering::Relaxed);
    stats.webhook.lock().unwrap().push(done - t);
    if done - t > Duration::from_millis(10)
        && let Some(start) = stats.started.get()
    {
        let second = t.saturating_duration_since(*start).as_secs();
        stats.slow_at.lock().unwrap().push(second);
    }
    if event["type"] == "ringing" {
        let id = event["call_id"].as_str().unwrap_or_default();
        for x in exts {
            stats.accepted_at.insert(format!("{id}/{x}"), done);
        }
    }
}

/// Opens the generator's keep-alive connections before the clock starts, as a PBX that has
/// been running holds its connections: `n` concurrent missed calls to an extension no
/// operator has (no pops), not counted. Without it the first second of every run measured
/// ~30–60 requests over 10 ms, spent connecting.
async fn warm_up(poster: &Poster, n: usize) {
    let posts = (0..n).map(|i| async move {
        let id = format!("warm-up-{i}");
        for kind in ["ringing", "hangup"] {
            let event = json!({"call_id": id, "type": kind, "from": format!("+7999{i:07}"),
                "extensions": ["99999"], "cause": "cancel"});
            poster.post(&event).await;
        }
    });
    futures_util::future::join_all(posts).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// A fixed rate, one event per tick, each its own request. A call's later events are sent
/// about 0.2 s and 0.5 s after its ring (as a PBX would), so that its events do not overtake
/// each other in flight.
async fn paced(poster: &Poster, p: &Params, prefix: &str, stats: Arc<Stats>) {
    let total = p.rate * p.seconds;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / p.rate as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut rng = StdRng::seed_from_u64(salt(prefix) + 1);
    let mut later: std::collections::BTreeMap<(u64, u64), (serde_json::Value, Vec<String>)> =
        Default::default();
    let (mut calls, mut seq) = (0, 0);
    for t in 0..total {
        tick.tick().await;
        let due = later.first_key_value().is_some_and(|((at, _), _)| *at <= t);
        let (event, exts) = if due {
            later.pop_first().map(|(_, v)| v).unwrap_or_default()
        } else {
            let (events, exts) = scenario(&mut rng, prefix, calls, p.operators);
            calls += 1;
            let mut it = events.into_iter();
            let first = it.next().unwrap_or_default();
            for (i, e) in it.enumerate() {
                seq += 1;
                later.insert(
                    (t + p.rate / 5 + (i as u64) * p.rate * 3 / 10, seq),
                    (e, exts.clone()),
                );
            }
            (first, exts)
        };
        let (poster, stats) = (poster.clone(), stats.clone());
        tokio::spawn(async move { post(&poster, &event, &exts, &stats).await });
    }
}

/// As fast as possible with `concurrency` workers, each posting its calls in order.
async fn flat_out(poster: &Poster, p: &Params, prefix: &str, stats: Arc<Stats>) {
    let deadline = Instant::now() + Duration::from_secs(p.seconds);
    let counter = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for w in 0..p.concurrency {
        let (poster, stats, counter) = (poster.clone(), stats.clone(), counter.clone());
        let operators = p.operators;
        let prefix = prefix.to_owned();
        workers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(salt(&prefix) + w as u64);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let (events, exts) = scenario(&mut rng, &prefix, n, operators);
                for e in events {
                    post(&poster, &e, &exts, &stats).await;
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
}

fn report(backend: &str, p: &Params, s: &Stats, elapsed: Duration, full: bool) {
    let accepted = s.accepted.load(Ordering::Relaxed);
    let mut pops: Vec<Duration> = Vec::new();
    for entry in s.accepted_at.iter() {
        if let Some(times) = s.popped_at.get(entry.key()) {
            pops.push(times[0].saturating_duration_since(*entry.value()));
        }
    }
    let expected_pops = s.accepted_at.len();
    let sync = if backend == "sqlite" {
        if full {
            " synchronous=FULL"
        } else {
            " synchronous=NORMAL"
        }
    } else {
        ""
    };
    let mode = if p.rate == 0 {
        format!("flat out, {} workers", p.concurrency)
    } else {
        format!("{} events/s offered", p.rate)
    };
    println!(
        "backend {backend}{sync}: {mode}, {} operators connected, {:.1} s",
        p.operators,
        elapsed.as_secs_f64()
    );
    println!(
        "accepted {accepted} events = {:.0} events/s; errors {}",
        accepted as f64 / elapsed.as_secs_f64(),
        s.errors.load(Ordering::Relaxed)
    );
    print_latency("webhook latency", &mut s.webhook.lock().unwrap());
    let mut slow = std::collections::BTreeMap::<u64, u64>::new();
    for second in s.slow_at.lock().unwrap().iter() {
        *slow.entry(*second).or_default() += 1;
    }
    let slow: Vec<String> = slow.iter().map(|(s, n)| format!("{s}s:{n}")).collect();
    println!(
        "webhooks over 10 ms by second of the run: {}",
        slow.join(" ")
    );
    println!(
        "pops delivered {}/{} (operator × ringing call); resyncs {}",
        pops.len(),
        expected_pops,
        s.resyncs.load(Ordering::Relaxed)
    );
    print_latency("pop latency (200 received → SSE event received)", &mut pops);
}

fn print_latency(what: &str, v: &mut [Duration]) {
    if v.is_empty() {
        println!("{what}: no samples");
        return;
    }
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "{what}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        v.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

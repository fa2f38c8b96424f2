//! Report benchmarks (issue 5 §6): the KPI dashboard (KPIs + distribution + operator table)
//! over the last month and the last year, and the client segmentation recompute, on a seeded
//! base of clients, calls, wrap-ups, orders and callback tasks.
//!
//!     cargo bench --bench reports                              # SQLite, 1M clients, 5M calls, 3M orders
//!     BENCH_CLIENTS=100000 BENCH_CALLS=500000 BENCH_ORDERS=300000 cargo bench --bench reports
//!     BENCH_DATABASE_URL=postgres://… cargo bench --bench reports   # PostgreSQL (a fresh database)
//!     BENCH_SEEDED=1 BENCH_SQLITE_PATH=/path/bench.db cargo bench --bench reports   # seeded before
//!
//! With `BENCH_SEEDED=1` the database was seeded by `orderline seed-bench` (see
//! `support/seeded.rs`); `BENCH_SKIP_RAW=1` skips the timing from raw calls (minutes at 5M
//! calls); `BENCH_SEGMENT_RUNS` sets how many segmentation recomputes are timed (3);
//! `BENCH_QUEUE=sales` times one queue's dashboard (the seeded calls come through `sales`,
//! `support` or no queue).
//! The calls span the 365 days before the seed. Each figure is the median of 5 runs after
//! one warm-up run. Results are recorded in docs/BENCHMARKS.md (section "Reports").

#[path = "support/seeded.rs"]
mod seeded;
#[path = "support/mod.rs"]
mod support;

use std::time::Instant;

use orderline::{
    config::Config, db::Db, domain::time::now_ms, reports, segments::recompute::recompute,
};

const DAY: i64 = 86_400_000;

fn main() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (config, db, backend) = seeded::database(dir.path()).await?;
    let now = now_ms();
    // First as the database is (right after a seed here: from the calls alone, the aggregates
    // are not built yet), then after the job ran (whole hours from the aggregates; the partial
    // edges and hours changed since the job ran from calls).
    if std::env::var("BENCH_SKIP_RAW").is_ok_and(|v| v == "1") {
        println!("backend {backend}: dashboard from raw calls skipped (BENCH_SKIP_RAW=1)");
    } else {
        time_dashboards(&db, &config, backend, now).await?;
    }
    let t = Instant::now();
    let r = reports::aggregate::refresh(&db, &config, now_ms()).await?;
    println!(
        "backend {backend}: aggregate job: {} slots (rebuilt: {}) in {:.0} s",
        r.slots,
        r.rebuilt,
        t.elapsed().as_secs_f64()
    );
    time_dashboards(&db, &config, backend, now).await?;
    for _ in 0..support::env("BENCH_SEGMENT_RUNS", 3) {
        let t = Instant::now();
        let run = recompute(&db, &config.reports, now_ms()).await?;
        println!(
            "backend {backend}: segmentation of {} clients in {:.0} ms (load {})",
            run.clients,
            t.elapsed().as_secs_f64() * 1000.0,
            seeded::load_average()
        );
    }
    Ok(())
}

/// Times the dashboard over the last month and year; says where its sums came from.
async fn time_dashboards(db: &Db, config: &Config, backend: &str, now: i64) -> anyhow::Result<()> {
    for (label, days) in [("month", 30), ("year", 365)] {
        let from = now - days * DAY;
        let plan = reports::aggregate::plan(db, config, from, now).await?;
        let source = if plan.aggregated.is_empty() {
            "raw calls".to_owned()
        } else {
            format!("aggregates ({} raw pieces)", plan.raw.len())
        };
        let ms = support::median_ms(|| dashboard(db, config, from, now)).await?;
        let queue = scope(from, now)
            .queue
            .map(|q| format!(" of queue {q}"))
            .unwrap_or_default();
        println!(
            "backend {backend}: dashboard{queue} over a {label}, {source}: {ms:.0} ms (median of 5, load {})",
            seeded::load_average()
        );
        println!(
            "backend {backend}:   its parts (one run each): {}",
            parts(db, config, from, now).await?
        );
    }
    Ok(())
}

/// Where a dashboard's time goes: each query it makes, timed once (after the runs above).
async fn parts(db: &Db, config: &Config, from: i64, to: i64) -> anyhow::Result<String> {
    use orderline::{db::reports as q, reports::aggregate as agg};
    let s = scope(from, to);
    let mut out = Vec::new();
    let t = Instant::now();
    agg::bucket_sums(db, config, &s).await?;
    out.push(format!("bucket sums {:.0} ms", ms(t)));
    let t = Instant::now();
    agg::wait_buckets(db, config, &s).await?;
    out.push(format!("wait buckets {:.0} ms", ms(t)));
    let t = Instant::now();
    agg::operator_sums(db, config, &s).await?;
    out.push(format!("operator sums {:.0} ms", ms(t)));
    let t = Instant::now();
    let offsets = reports::speed::offsets(config.time_zone, from, to);
    let sums = q::callback_sums(db, &s, &offsets).await?;
    out.push(format!(
        "callback sums {:.0} ms ({} tasks)",
        ms(t),
        sums.tasks
    ));
    let t = Instant::now();
    q::callback_median(db, &s, sums.reached).await?;
    out.push(format!("callback median {:.0} ms", ms(t)));
    let t = Instant::now();
    q::tasks_done(db, from, to, s.queue.as_deref()).await?;
    out.push(format!("tasks done {:.0} ms", ms(t)));
    Ok(out.join(", "))
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn scope(from: i64, to: i64) -> orderline::db::reports::Scope {
    orderline::db::reports::Scope {
        from,
        to,
        direction: "inbound".into(),
        operator_id: None,
        queue: std::env::var("BENCH_QUEUE").ok().filter(|q| !q.is_empty()),
    }
}

/// The three queries a dashboard page makes.
async fn dashboard(db: &Db, config: &Config, from: i64, to: i64) -> anyhow::Result<()> {
    let scope = scope(from, to);
    reports::dashboard(db, config, &scope).await?;
    Ok(())
}

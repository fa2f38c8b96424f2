//! Report benchmarks (issue 5 §6): the KPI dashboard (KPIs + distribution + operator table)
//! over the last month and the last year, and the client segmentation recompute, on a seeded
//! base of clients, calls, wrap-ups and orders.
//!
//!     cargo bench --bench reports                              # SQLite, 1M clients, 5M calls, 3M orders
//!     BENCH_CLIENTS=100000 BENCH_CALLS=500000 BENCH_ORDERS=300000 cargo bench --bench reports
//!     BENCH_DATABASE_URL=postgres://… cargo bench --bench reports   # PostgreSQL (a fresh database)
//!
//! The calls span the 365 days before now. Each figure is the median of 5 runs after one
//! warm-up run. Results are recorded in docs/BENCHMARKS.md (section "Reports").

#[path = "support/mod.rs"]
mod support;

use std::time::Instant;

use orderline::{
    cli::seed_bench, config::Config, db::Db, domain::time::now_ms, reports,
    segments::recompute::recompute,
};

const DAY: i64 = 86_400_000;

fn main() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(
        support::env("BENCH_CLIENTS", 1_000_000),
        support::env("BENCH_CALLS", 5_000_000),
        support::env("BENCH_ORDERS", 3_000_000),
    ))
}

async fn run(clients: u64, calls: u64, orders: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (url, backend) = support::bench_database(dir.path()).await?;
    let mut config = Config::defaults();
    config.database.url = url;
    let db = Db::connect(&config.database).await?;
    let t = Instant::now();
    let now = now_ms();
    seed_bench::seed(&db, clients, calls, orders, now).await?;
    println!(
        "backend {backend}: seeded {clients} clients, {calls} calls, ~{orders} orders in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    // First from the calls alone (the aggregates are not built yet), then from the aggregates
    // (whole hours; the partial edges and hours changed since the job ran from calls).
    for (label, days) in [("month", 30), ("year", 365)] {
        let ms = median_ms(|| dashboard(&db, &config, now - days * DAY, now)).await?;
        println!(
            "backend {backend}: dashboard over a {label}, raw calls: {ms:.0} ms (median of 5)"
        );
    }
    let t = Instant::now();
    let r = reports::aggregate::refresh(&db, &config, now_ms()).await?;
    println!(
        "backend {backend}: aggregates built ({} slots) in {:.0} s",
        r.slots,
        t.elapsed().as_secs_f64()
    );
    for (label, days) in [("month", 30), ("year", 365)] {
        let ms = median_ms(|| dashboard(&db, &config, now - days * DAY, now)).await?;
        println!(
            "backend {backend}: dashboard over a {label}, aggregates: {ms:.0} ms (median of 5)"
        );
    }
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let run = recompute(&db, &config.reports, now_ms()).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        println!(
            "backend {backend}: segmentation of {} clients in {:.0} ms",
            run.clients,
            times[times.len() - 1]
        );
    }
    Ok(())
}

/// The three queries a dashboard page makes.
async fn dashboard(db: &Db, config: &Config, from: i64, to: i64) -> anyhow::Result<()> {
    let scope = orderline::db::reports::Scope {
        from,
        to,
        direction: "inbound".into(),
        operator_id: None,
    };
    reports::kpis(db, config, &scope).await?;
    reports::distribution(db, config, &scope).await?;
    reports::operators(db, config, &scope).await?;
    Ok(())
}

async fn median_ms<F, Fut>(mut f: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    f().await?;
    let mut samples = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        f().await?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    Ok(samples[2])
}

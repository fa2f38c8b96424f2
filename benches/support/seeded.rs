//! The database the report and call-log benches read (both include this file).
//!
//! By default a fresh one, seeded here (`cli::seed_bench::seed`) with `BENCH_CLIENTS`,
//! `BENCH_CALLS` and `BENCH_ORDERS`. With `BENCH_SEEDED=1`, one seeded before by
//! `orderline seed-bench` (which also built the aggregates), so that one seed of the full data
//! set serves both benches: `BENCH_DATABASE_URL` is then the PostgreSQL database itself (not
//! a server to create one on), or `BENCH_SQLITE_PATH` the SQLite file.

use std::time::Instant;

use anyhow::Context;
use orderline::{cli::seed_bench, config::Config, db::Db, domain::time::now_ms};

/// A connected database with the data set, its configuration, and the backend's name.
pub async fn database(dir: &std::path::Path) -> anyhow::Result<(Config, Db, &'static str)> {
    let mut config = Config::defaults();
    let seeded = std::env::var("BENCH_SEEDED").is_ok_and(|v| v == "1");
    let backend = if seeded {
        let (url, backend) = match std::env::var("BENCH_DATABASE_URL") {
            Ok(url) if url.starts_with("postgres") => (url, "postgres"),
            _ => {
                let path = std::env::var("BENCH_SQLITE_PATH")
                    .context("BENCH_SEEDED=1 needs BENCH_DATABASE_URL or BENCH_SQLITE_PATH")?;
                anyhow::ensure!(
                    std::path::Path::new(&path).is_file(),
                    "{path}: no such file"
                );
                (format!("sqlite://{path}"), "sqlite")
            }
        };
        config.database.url = url;
        backend
    } else {
        let (url, backend) = crate::support::bench_database(dir).await?;
        config.database.url = url;
        backend
    };
    let db = Db::connect(&config.database).await?;
    if seeded {
        println!("backend {backend}: the database seeded before (BENCH_SEEDED=1)");
        return Ok((config, db, backend));
    }
    let (clients, calls, orders) = (
        crate::support::env("BENCH_CLIENTS", 1_000_000),
        crate::support::env("BENCH_CALLS", 5_000_000),
        crate::support::env("BENCH_ORDERS", 3_000_000),
    );
    let t = Instant::now();
    seed_bench::seed(&db, clients, calls, orders, now_ms()).await?;
    println!(
        "backend {backend}: seeded {clients} clients, {calls} calls, ~{orders} orders in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    Ok((config, db, backend))
}

/// The load average (1, 5, 15 minutes), printed with the figures: the machine is shared.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

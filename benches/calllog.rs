//! Call-log benchmarks (issue 5 §6): the first page, a filtered page, a page deep in the log,
//! a search by the last digits of a number (with its query plan), and the CSV export of a
//! month, on the same seeded data set as `benches/reports.rs`.
//!
//!     cargo bench --bench calllog                              # SQLite, 1M clients, 5M calls, 3M orders
//!     BENCH_CLIENTS=100000 BENCH_CALLS=500000 BENCH_ORDERS=300000 cargo bench --bench calllog
//!     BENCH_DATABASE_URL=postgres://… cargo bench --bench calllog   # PostgreSQL (a fresh database)
//!     BENCH_SEEDED=1 BENCH_SQLITE_PATH=/path/bench.db cargo bench --bench calllog   # seeded before
//!
//! With `BENCH_SEEDED=1` the database was seeded by `orderline seed-bench` (see
//! `support/seeded.rs`).
//!
//! Each page figure is the median of 5 runs after one warm-up run; the export is timed once
//! (after one warm-up), reading keyset chunks of 1,000 rows and writing the CSV to a sink, as
//! the export route does. Results are recorded in docs/BENCHMARKS.md (section "Call log").

#[path = "support/seeded.rs"]
mod seeded;
#[path = "support/mod.rs"]
mod support;

use std::time::Instant;

use orderline::{
    api::export_rows::{CALL_HEADER, call_record},
    config::Config,
    db::{
        self, Db,
        call_log::{LogCursor, LogFilter},
    },
    domain::time::now_ms,
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
    db.analyze().await?;
    let now = now_ms();
    let month = LogFilter {
        from: Some(now - 30 * DAY),
        to: Some(now),
        ..LogFilter::default()
    };
    let cases = [
        ("first page", LogFilter::default(), None),
        (
            "missed inbound calls, first page",
            LogFilter {
                state: Some("missed".into()),
                direction: Some("inbound".into()),
                ..LogFilter::default()
            },
            None,
        ),
        (
            "answered with an order, last month",
            LogFilter {
                state: Some("answered".into()),
                has_order: Some(true),
                ..month.clone()
            },
            None,
        ),
        (
            "a page half a year back (keyset)",
            LogFilter::default(),
            Some(LogCursor {
                started_at: now - 182 * DAY,
                id: i64::MAX,
            }),
        ),
        (
            "number ends with 4567",
            LogFilter {
                number_suffix: Some("4567".into()),
                ..LogFilter::default()
            },
            None,
        ),
        (
            "number ends with 1234567",
            LogFilter {
                number_suffix: Some("1234567".into()),
                ..LogFilter::default()
            },
            None,
        ),
    ];
    for (label, filter, after) in &cases {
        let rows = std::cell::Cell::new(0);
        let ms = support::median_ms(|| async {
            rows.set(db::call_log::list(&db, filter, *after, 51).await?.len());
            Ok(())
        })
        .await?;
        let rows = rows.get();
        println!(
            "backend {backend}: {label}: {ms:.1} ms (median of 5, {rows} rows, load {})",
            seeded::load_average()
        );
    }
    let plan = db::call_log::explain(&db, &cases[4].1).await?;
    println!(
        "backend {backend}: plan of the suffix search: {}",
        plan.join(" | ")
    );
    export(&db, &config, &month).await?; // warm-up
    let t = Instant::now();
    let (rows, bytes) = export(&db, &config, &month).await?;
    println!(
        "backend {backend}: CSV export of a month: {rows} rows, {:.1} MB in {:.0} ms (load {})",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1000.0,
        seeded::load_average()
    );
    Ok(())
}

/// What the export route does, into a counting sink: keyset chunks of 1,000, CSV rows.
async fn export(db: &Db, config: &Config, f: &LogFilter) -> anyhow::Result<(u64, usize)> {
    let (mut after, mut rows, mut bytes) = (None, 0u64, 0usize);
    loop {
        let chunk = db::call_log::list(db, f, after, 1_000).await?;
        let mut csv = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        if after.is_none() {
            csv.write_record(CALL_HEADER)?;
        }
        for r in &chunk {
            csv.write_record(call_record(r, false, config.time_zone))?;
        }
        bytes += csv.into_inner()?.len();
        rows += chunk.len() as u64;
        after = chunk.last().map(|r| LogCursor {
            started_at: r.call.started_at,
            id: r.call.id,
        });
        if chunk.len() < 1_000 {
            return Ok((rows, bytes));
        }
    }
}

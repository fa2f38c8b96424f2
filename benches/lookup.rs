//! Caller-lookup benchmark: p50/p99 of `match_caller` in-process and of
//! `GET /api/v1/lookup` over HTTP on loopback, against a base of N clients.
//!
//!     cargo bench --bench lookup                          # SQLite, 1,000,000 clients
//!     BENCH_CLIENTS=100000 cargo bench --bench lookup     # a smaller base
//!     BENCH_DATABASE_URL=postgres://… cargo bench --bench lookup   # PostgreSQL (a fresh database is created)
//!
//! Results and the machine they were measured on are recorded in docs/BENCHMARKS.md.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use orderline::{
    app::App,
    auth::token,
    config::Config,
    db::{Db, seed},
    domain::Role,
    matching,
};
use rand::{Rng, SeedableRng, rngs::StdRng};

const SAMPLES: usize = 20_000;

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; no other arguments are used.
    let clients = support::env("BENCH_CLIENTS", 1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(clients))
}

async fn run(clients: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (url, backend) = support::bench_database(dir.path()).await?;
    let mut config = Config::defaults();
    config.server.listen = "127.0.0.1:0".parse()?;
    config.database.url = url;
    let db = Db::connect(&config.database).await?;
    let t = Instant::now();
    seed::seed_clients(&db, 0, clients).await?;
    println!(
        "backend {backend}: seeded {clients} clients in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut rng = StdRng::seed_from_u64(7);
    let pick = |rng: &mut StdRng| seed::synthetic_e164(rng.random_range(0..clients));

    let mut in_process = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let n = pick(&mut rng);
        let t = Instant::now();
        let m = matching::match_caller(&db, config.default_region, &n).await?;
        in_process.push(t.elapsed());
        assert_eq!(
            m.matches.len(),
            1,
            "every synthetic number belongs to one client"
        );
    }
    report("in-process match_caller", &mut in_process);

    let app = App::build_with_db(config.clone(), db.clone()).await?;
    let addr = app.local_addr();
    let secret = token::create_token(&db, "bench", Role::Pbx).await?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/v1/lookup");
    for _ in 0..500 {
        client
            .get(&url)
            .query(&[("number", pick(&mut rng))])
            .bearer_auth(&secret)
            .send()
            .await?;
    }
    let mut http = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let n = pick(&mut rng);
        let t = Instant::now();
        let r = client
            .get(&url)
            .query(&[("number", n)])
            .bearer_auth(&secret)
            .send()
            .await?;
        let body = r.bytes().await?;
        http.push(t.elapsed());
        assert!(body.starts_with(b"{\"number\""), "unexpected answer");
    }
    report(
        "HTTP GET /api/v1/lookup (sequential, keep-alive)",
        &mut http,
    );
    Ok(())
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: n={} p50={:.3} ms p90={:.3} ms p99={:.3} ms max={:.3} ms",
        samples.len(),
        ms(at(0.50)),
        ms(at(0.90)),
        ms(at(0.99)),
        ms(samples[samples.len() - 1])
    );
}

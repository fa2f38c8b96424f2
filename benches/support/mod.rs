//! What the benchmarks share.

/// A fresh, empty PostgreSQL database named after this process, on the server of `admin`
/// (a URL whose role may create databases); returns its URL.
pub async fn fresh_pg_database(admin: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    let name = format!("orderline_bench_{}", std::process::id());
    let mut c = sqlx::PgConnection::connect(admin).await?;
    // A bench does not drop its database at the end (its pools are still open then): the next
    // run drops those of benches that are no longer running (named by their process id).
    let all: Vec<(String,)> = sqlx::query_as(
        "SELECT datname::TEXT FROM pg_database WHERE datname LIKE 'orderline\\_bench\\_%'",
    )
    .fetch_all(&mut c)
    .await?;
    for (old,) in all {
        let pid = old.trim_start_matches("orderline_bench_");
        if old == name || !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            sqlx::query(&format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"))
                .execute(&mut c)
                .await?;
        }
    }
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut c)
        .await?;
    // Keeps the query (`?host=/var/run/postgresql` for a Unix socket).
    let (head, query) = admin
        .split_once('?')
        .map_or((admin, None), |(h, q)| (h, Some(q)));
    let head = head.rsplit_once('/').map_or(head, |(h, _)| h);
    Ok(match query {
        Some(q) => format!("{head}/{name}?{q}"),
        None => format!("{head}/{name}"),
    })
}

/// A number from the environment (`BENCH_CLIENTS=100000`), or `default`.
pub fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Where a bench runs: a fresh PostgreSQL database when `BENCH_DATABASE_URL` names a server,
/// else an SQLite file in `dir`. Returns the URL and the backend's name.
pub async fn bench_database(dir: &std::path::Path) -> anyhow::Result<(String, &'static str)> {
    match std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin) => Ok((fresh_pg_database(&admin).await?, "postgres")),
        None => Ok((
            format!("sqlite://{}", dir.join("bench.db").display()),
            "sqlite",
        )),
    }
}

/// Runs `f` once to warm up, then five times; the median in milliseconds.
// Each bench compiles this module on its own; the ingest and lookup benches time otherwise.
#[allow(dead_code)]
pub async fn median_ms<F, Fut>(mut f: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    f().await?;
    let mut samples = Vec::new();
    for _ in 0..5 {
        let t = std::time::Instant::now();
        f().await?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    Ok(samples[2])
}

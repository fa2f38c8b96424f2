//! What the benchmarks share.

/// A fresh, empty PostgreSQL database named after this process, on the server of `admin`
/// (a URL whose role may create databases); returns its URL.
pub async fn fresh_pg_database(admin: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    let name = format!("orderline_bench_{}", std::process::id());
    let mut c = sqlx::PgConnection::connect(admin).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut c)
        .await?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut c)
        .await?;
    let head = admin.split('?').next().unwrap_or(admin);
    let head = head.rsplit_once('/').map_or(head, |(h, _)| h);
    Ok(format!("{head}/{name}"))
}

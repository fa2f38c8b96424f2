//! `orderline backup FILE`: a consistent copy of the SQLite database, taken while the service
//! runs (`VACUUM INTO` reads one snapshot). For PostgreSQL use `pg_dump`.

use std::path::Path;

use anyhow::{Context, bail};

use crate::{config::Config, db::Db};

/// Writes the backup.
pub async fn run(config: &Config, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} already exists; choose a new file name", file.display());
    }
    let db = Db::connect(&config.database).await?;
    let Db::Sqlite(pool) = &db else {
        db.close().await;
        bail!(
            "backup copies the embedded SQLite database; for PostgreSQL use pg_dump (see the README)"
        );
    };
    let target = file
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await
        .context("the backup failed")?;
    db.close().await;
    eprintln!("backup written to {}", file.display());
    Ok(())
}

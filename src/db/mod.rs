//! The database: one `Db` handle over SQLite or PostgreSQL, and the only place SQL lives.
//!
//! Queries are runtime queries written once with `$N` placeholders (which SQLite binds by
//! number too); where the dialects differ, a function matches on the backend. Each aggregate has
//! its own file. See `docs/ARCHITECTURE.md` for why not `sqlx::Any` or compile-time macros.

pub mod admin;
pub mod aggregates;
pub mod audit;
pub mod blocked;
pub mod bulk;
pub mod call_batch;
pub mod call_load;
pub mod call_log;
pub mod callbacks;
pub mod calls;
pub mod client_base;
pub mod clients;
pub mod direct;
pub mod live;
pub mod lookup;
pub mod multi_row;
pub mod operators;
pub mod order_export;
pub mod orders;
pub mod outbound;
pub mod outbound_stats;
pub mod pbx_sources;
pub mod products;
pub mod reports;
pub mod retention;
pub mod seed;
pub mod seed_calls;
mod seed_tasks;
pub mod segments;
pub mod sessions;
pub mod tasks;
pub mod tokens;
pub mod users;
pub mod wallboard;
pub mod where_sql;
pub mod wrapups;

use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    PgPool, Postgres, Sqlite, SqlitePool, Transaction,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::config::DatabaseConfig;

/// SQLite migrations, embedded.
pub static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
/// PostgreSQL migrations, embedded.
pub static PG_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// A pool on one of the two backends. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// Embedded SQLite (the default).
    Sqlite(SqlitePool),
    /// PostgreSQL (several instances may share it).
    Postgres(PgPool),
}

/// An open writing transaction on either backend.
pub enum Tx {
    /// SQLite, begun with `BEGIN IMMEDIATE`.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same query-building expression on whichever pool is active.
macro_rules! with_pool {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($p) => $body,
            $crate::db::Db::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Runs the same query-building expression on whichever transaction is open; `$c` is the
/// connection (`&mut *tx`).
macro_rules! with_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use with_tx;

/// Storage errors the callers branch on; everything else is `Other`.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique constraint or a state check refused the write.
    #[error("{message}")]
    Conflict {
        /// For people.
        message: String,
        /// The column that conflicts.
        field: Option<String>,
    },
    /// The database cannot be reached (pool timeout, connection refused).
    #[error("database unavailable")]
    Unavailable,
    /// Anything else: a bug or an unexpected failure.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => DbError::NotFound("row"),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                DbError::Unavailable
            }
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                unique_conflict(unique_violation_column(d.as_ref()))
            }
            _ => DbError::Other(anyhow::Error::new(e)),
        }
    }
}

/// The conflict error of a unique violation on `field` (when known).
fn unique_conflict(field: Option<String>) -> DbError {
    let message = match &field {
        Some(f) => format!("a record with this {f} already exists"),
        None => "a record with these values already exists".to_owned(),
    };
    DbError::Conflict { message, field }
}

/// Which column a unique violation is about: SQLite says `UNIQUE constraint failed: t.col`,
/// PostgreSQL names the constraint (`t_col_key`).
fn unique_violation_column(d: &dyn sqlx::error::DatabaseError) -> Option<String> {
    if let Some(col) = sqlite_unique_column(d.message()) {
        return Some(col);
    }
    let constraint = d.constraint()?;
    let body = constraint.strip_suffix("_key").unwrap_or(constraint);
    let table = d.table().unwrap_or("");
    Some(
        body.strip_prefix(table)
            .unwrap_or(body)
            .trim_start_matches('_')
            .to_owned(),
    )
}

/// The first column of SQLite's `UNIQUE constraint failed: t.col, …` message.
fn sqlite_unique_column(message: &str) -> Option<String> {
    let rest = message.strip_prefix("UNIQUE constraint failed: ")?;
    let first = rest.split(',').next()?.trim();
    first.split('.').nth(1).map(str::to_owned)
}

/// Shorthand for storage results.
pub type DbResult<T> = Result<T, DbError>;

impl Db {
    /// Opens the pool for `cfg.url` (creating an SQLite file and its folder if missing) and
    /// applies pending migrations. Safe when several instances start at once on PostgreSQL:
    /// the migrator holds an advisory lock.
    pub async fn connect(cfg: &DatabaseConfig) -> anyhow::Result<Db> {
        let db = if cfg.url.starts_with("sqlite:") {
            Db::Sqlite(open_sqlite(cfg).await?)
        } else {
            let opts =
                PgConnectOptions::from_str(&cfg.url).context("invalid setting database.url")?;
            let pool = PgPoolOptions::new()
                .max_connections(cfg.max_connections)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await
                .context("cannot connect to PostgreSQL")?;
            Db::Postgres(pool)
        };
        db.migrate().await?;
        Ok(db)
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATOR.run(p).await,
            Db::Postgres(p) => PG_MIGRATOR.run(p).await,
        }
        .context("applying database migrations failed")
    }

    /// Begins a transaction that may write: `BEGIN IMMEDIATE` on SQLite, so that a read followed
    /// by a write never fails with SQLITE_BUSY_SNAPSHOT.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        with_pool!(self, |p| sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// Pool size and idle connections, for `/metrics`.
    pub fn pool_stats(&self) -> (u32, usize) {
        with_pool!(self, |p| (p.size(), p.num_idle()))
    }

    /// Copies the SQLite write-ahead log into the database file without blocking writers
    /// (`PRAGMA wal_checkpoint(PASSIVE)`); nothing on PostgreSQL.
    pub async fn checkpoint(&self) {
        if let Db::Sqlite(p) = self
            && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(p)
                .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }

    /// Refreshes the planner's statistics. Run after bulk writes (seeding, a large import):
    /// before autovacuum gets to it, PostgreSQL would plan with the row counts of an empty
    /// table and scan `clients` instead of using the phone index (measured: 5 ms instead of
    /// 0.2 ms a lookup at 1,000,000 clients).
    pub async fn analyze(&self) -> DbResult<()> {
        let sql = match self {
            Db::Sqlite(_) => "PRAGMA optimize",
            Db::Postgres(_) => "ANALYZE",
        };
        with_pool!(self, |p| sqlx::query(sql)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Which backend this is ("sqlite" / "postgres").
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool (checkpoints the SQLite WAL).
    pub async fn close(&self) {
        with_pool!(self, |p| p.close().await)
    }
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

async fn open_sqlite(cfg: &DatabaseConfig) -> anyhow::Result<SqlitePool> {
    let opts = SqliteConnectOptions::from_str(&cfg.url).context("invalid setting database.url")?;
    if let Some(dir) = Path::new(opts.get_filename())
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the database folder {}", dir.display()))?;
    }
    let sync = if cfg.sqlite_synchronous_full {
        SqliteSynchronous::Full
    } else {
        SqliteSynchronous::Normal
    };
    let opts = opts
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(sync)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        .pragma("temp_store", "memory")
        // Checkpoints run in the background every second (`Db::checkpoint`), so that no commit
        // pays for one; this larger automatic threshold is only a safety net.
        .pragma("wal_autocheckpoint", "10000")
        .optimize_on_close(true, None);
    SqlitePoolOptions::new()
        .max_connections(cfg.max_connections)
        // Opened at start rather than by the first requests: opening one (file, pragmas, a
        // worker thread) cost the first second of a load test ~30 webhooks over 10 ms.
        .min_connections(WARM_CONNECTIONS.min(cfg.max_connections))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .with_context(|| format!("cannot open the SQLite database {}", cfg.url))
}

/// SQLite connections kept open even when idle.
const WARM_CONNECTIONS: u32 = 4;

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The query plan of `sql` with its arguments, one line per plan node (`EXPLAIN QUERY PLAN` on
/// SQLite, `EXPLAIN` on PostgreSQL): for tests and benchmarks that must show which index a
/// query reads.
pub async fn explain(db: &Db, sql: &str, args: &[direct::Arg<'_>]) -> DbResult<Vec<String>> {
    Ok(match db {
        Db::Sqlite(p) => {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let rows: Vec<(i64, i64, i64, String)> =
                direct::bind_args!(sqlx::query_as(&explain), args)
                    .fetch_all(p)
                    .await?;
            rows.into_iter().map(|r| r.3).collect()
        }
        Db::Postgres(p) => {
            let explain = format!("EXPLAIN {sql}");
            let rows: Vec<(String,)> = direct::bind_args!(sqlx::query_as(&explain), args)
                .fetch_all(p)
                .await?;
            rows.into_iter().map(|r| r.0).collect()
        }
    })
}

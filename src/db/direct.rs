//! The SQLite writer's own connection, and the transaction type the writer's statements take.
//!
//! Through sqlx every SQLite statement is a hand-off to the connection's worker thread and
//! back; under load that costs 0.3–0.5 ms of wall time per statement (futex wake-ups and
//! context switches), and a batch is about ten statements. The writer therefore keeps one
//! plain `rusqlite` connection on a thread of its own and runs the whole batch transaction
//! there as ordinary function calls: one hand-off per batch instead of one per statement.
//! It opens the same file with the same settings as the pool (read back from a pool
//! connection, so `open_sqlite` stays the one place they are chosen), and readers on the pool
//! see its commits as they see any other connection's (WAL).
//!
//! The SQL text is the one the PostgreSQL and sqlx paths run: `$N` placeholders become `?N`,
//! which SQLite binds by number.

use std::{borrow::Cow, path::Path, time::Duration};

use rusqlite::{
    Connection, OpenFlags, Row,
    types::{ToSql, ToSqlOutput, ValueRef},
};
use sqlx::SqlitePool;

use super::{DbError, DbResult, Tx};

/// Distinct statements kept prepared: the multi-row statements have one text per row count.
const STATEMENT_CACHE: usize = 512;

/// The writer's dedicated SQLite connection.
pub struct DirectConn(Connection);

impl DirectConn {
    /// Opens the pool's database file with the pool's settings; `None` when the database is
    /// not a file another connection can open (an in-memory database): the writer then keeps
    /// using the pool.
    pub async fn open(pool: &SqlitePool) -> anyhow::Result<Option<DirectConn>> {
        let file = pool.connect_options().get_filename().to_owned();
        if !Path::new(&file).is_file() {
            return Ok(None);
        }
        // What the pool's connections were opened with (see `open_sqlite`).
        let mut pc = pool.acquire().await?;
        let mut setting = async |name: &str| -> anyhow::Result<i64> {
            Ok(sqlx::query_scalar(&format!("PRAGMA {name}"))
                .fetch_one(&mut *pc)
                .await?)
        };
        let sync = setting("synchronous").await?;
        let busy = setting("busy_timeout").await?;
        let fk = setting("foreign_keys").await?;
        // The background job checkpoints every second off the writer's path; an automatic
        // checkpoint here would run inside a webhook's transaction (its fsync took seconds on
        // a machine busy with other IO). Ten times the pool's threshold is only a backstop,
        // should the job fall behind under sustained load.
        let autockpt = setting("wal_autocheckpoint").await?.saturating_mul(10);
        let temp = setting("temp_store").await?;
        drop(pc);
        let c = Connection::open_with_flags(
            &file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(Duration::from_millis(busy.max(0) as u64))?;
        c.pragma_update(None, "journal_mode", "wal")?;
        c.pragma_update(None, "synchronous", sync)?;
        c.pragma_update(None, "foreign_keys", fk)?;
        c.pragma_update(None, "wal_autocheckpoint", autockpt)?;
        c.pragma_update(None, "temp_store", temp)?;
        c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Some(DirectConn(c)))
    }

    /// The connection itself, for the bulk loader (`db::bulk`).
    pub(crate) fn raw(&mut self) -> &mut Connection {
        &mut self.0
    }

    /// `BEGIN IMMEDIATE` (as `Db::begin`): the transaction holds the write lock from the start.
    pub fn begin(&mut self) -> DbResult<BatchTx<'_>> {
        self.0.execute_batch("BEGIN IMMEDIATE")?;
        Ok(BatchTx::Direct(DirectTx {
            conn: &mut self.0,
            open: true,
        }))
    }
}

/// The writer's transaction: a pool transaction (PostgreSQL, or an in-memory SQLite
/// database) or one on the dedicated connection. It holds `&mut Connection`, which is `Send`,
/// so the writer's futures stay `Send` on the PostgreSQL path.
pub enum BatchTx<'c> {
    /// Through sqlx.
    Pool(Tx),
    /// On the writer's own SQLite connection.
    Direct(DirectTx<'c>),
}

impl BatchTx<'_> {
    /// Commits.
    pub async fn commit(self) -> DbResult<()> {
        match self {
            BatchTx::Pool(t) => t.commit().await,
            BatchTx::Direct(mut t) => {
                t.conn.execute_batch("COMMIT")?;
                t.open = false;
                Ok(())
            }
        }
    }
}

/// An open transaction on the dedicated connection; rolled back if dropped uncommitted.
pub struct DirectTx<'c> {
    conn: &'c mut Connection,
    open: bool,
}

impl Drop for DirectTx<'_> {
    fn drop(&mut self) {
        if self.open && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl DirectTx<'_> {
    /// Runs a statement; returns the rows it changed.
    pub fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> DbResult<usize> {
        let mut st = self.conn.prepare_cached(&numbered(sql))?;
        Ok(st.execute(rusqlite::params_from_iter(args))?)
    }

    /// Runs a query; maps each row.
    pub fn query<T>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        mut map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> DbResult<Vec<T>> {
        let mut st = self.conn.prepare_cached(&numbered(sql))?;
        let rows = st.query_map(rusqlite::params_from_iter(args), |r| map(r))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Runs a query whose text will not recur (it is not kept prepared); maps each row.
    pub fn query_once<T>(
        &mut self,
        sql: &str,
        mut map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> DbResult<Vec<T>> {
        let mut st = self.conn.prepare(&numbered(sql))?;
        let rows = st.query_map([], |r| map(r))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// `$N` → `?N`. SQLite would accept `$1` as a *named* parameter, numbered in order of first
/// appearance — wrong for statements that use `$2` before `$1`; `?N` is bound by number.
fn numbered(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    Cow::Owned(
        sql.char_indices()
            .map(|(i, c)| match c {
                '$' if sql[i + 1..].starts_with(|d: char| d.is_ascii_digit()) => '?',
                c => c,
            })
            .collect(),
    )
}

/// A bound value, written once for both the sqlx binds and the dedicated connection.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// An integer (or NULL).
    Int(Option<i64>),
    /// Text (or NULL).
    Text(Option<&'a str>),
    /// A boolean (stored as 0/1 on SQLite, as sqlx does).
    Bool(bool),
}

impl ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Arg::Int(Some(v)) => ValueRef::Integer(v),
            Arg::Text(Some(s)) => ValueRef::Text(s.as_bytes()),
            Arg::Int(None) | Arg::Text(None) => ValueRef::Null,
            Arg::Bool(b) => ValueRef::Integer(i64::from(b)),
        }))
    }
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(v))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v)
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

/// Binds a slice of [`Arg`]s to an sqlx query, in order (expands inside `with_tx!`, where the
/// backend is known).
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match *a {
                $crate::db::direct::Arg::Int(v) => q.bind(v),
                $crate::db::direct::Arg::Text(v) => q.bind(v),
                $crate::db::direct::Arg::Bool(v) => q.bind(v),
            };
        }
        q
    }};
}
pub(crate) use bind_args;

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::QueryReturnedNoRows => DbError::NotFound("row"),
            rusqlite::Error::SqliteFailure(f, Some(msg))
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                super::unique_conflict(super::sqlite_unique_column(msg))
            }
            _ => DbError::Other(anyhow::Error::new(e)),
        }
    }
}

/// Whether the dedicated connection found the database busy or locked (another connection
/// held the write lock past the busy timeout): worth another try, as for the pool.
pub fn is_busy(e: &anyhow::Error) -> bool {
    e.downcast_ref::<rusqlite::Error>()
        .and_then(rusqlite::Error::sqlite_error_code)
        .is_some_and(|c| {
            matches!(
                c,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        })
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_become_numbered_ones() {
        assert_eq!(
            numbered("UPDATE t SET a = $2 WHERE id = $1 AND b = '$'"),
            "UPDATE t SET a = ?2 WHERE id = ?1 AND b = '$'"
        );
        assert_eq!(numbered("SELECT 1"), "SELECT 1");
    }
}

//! Bulk loading for the benchmark seed (`seed-bench`, issue 5 §6): millions of rows into an
//! empty database in minutes, and the report triggers suspended while they go in.
//!
//! Through sqlx, a multi-row INSERT of 1,000 rows binds 18,000 values one by one and hands the
//! statement to the connection's worker thread; measured at ~0.5 ms a call in release. Here
//! SQLite gets one prepared single-row statement per table, run as plain function calls on
//! its own `rusqlite` connection ([`DirectConn`], the writer's), and PostgreSQL gets `COPY …
//! FROM STDIN` — one round trip per table and chunk instead of one per statement, and no
//! statement text per row count.
//!
//! The calls, orders and wrap-ups triggers of migration 0009 mark a dirty bucket per inserted
//! row; for a load into an empty database that is millions of pointless marks, since the
//! aggregates are then built from scratch anyway. [`suspend_report_triggers`] takes them out
//! (SQLite: dropped, their text saved from `sqlite_master`, which holds the migration's own
//! statement; PostgreSQL: disabled, nothing to re-create) and [`restore_report_triggers`]
//! puts them back and marks the aggregates for a full rebuild.

use sqlx::{Postgres, pool::PoolConnection};

use super::{
    Db, DbResult,
    direct::{Arg, DirectConn},
    with_pool,
};

/// A connection for bulk writes.
pub enum Bulk {
    /// SQLite: the rusqlite connection, with a large page cache (random index inserts).
    Sqlite(DirectConn),
    /// PostgreSQL: a pool connection that loads with COPY.
    Postgres(PoolConnection<Postgres>),
}

/// SQLite page cache of the bulk connection, in KiB (negative = KiB for `cache_size`): the
/// indexes on numbers and clients are written in random order; with the default 2 MB cache
/// each insert would read their pages back from the OS.
const SQLITE_CACHE_KIB: i64 = 512 * 1024;

impl Bulk {
    /// A bulk connection to `db`. SQLite must be a file (another connection opens it).
    pub async fn open(db: &Db) -> anyhow::Result<Bulk> {
        Ok(match db {
            Db::Sqlite(p) => {
                let mut c = DirectConn::open(p)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("bulk loading needs an SQLite file"))?;
                c.raw()
                    .pragma_update(None, "cache_size", -SQLITE_CACHE_KIB)?;
                Bulk::Sqlite(c)
            }
            Db::Postgres(p) => Bulk::Postgres(p.acquire().await?),
        })
    }

    /// Starts a transaction.
    pub async fn begin(&mut self) -> DbResult<()> {
        self.batch("BEGIN").await
    }

    /// Commits it.
    pub async fn commit(&mut self) -> DbResult<()> {
        self.batch("COMMIT").await
    }

    async fn batch(&mut self, sql: &str) -> DbResult<()> {
        match self {
            Bulk::Sqlite(c) => c.raw().execute_batch(sql)?,
            Bulk::Postgres(c) => {
                sqlx::raw_sql(sql).execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    /// Inserts rows of `columns.len()` values each (`values` row after row) into `table`.
    pub async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        values: &[Arg<'_>],
    ) -> DbResult<()> {
        let cols = columns.join(", ");
        match self {
            Bulk::Sqlite(c) => {
                let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!("INSERT INTO {table} ({cols}) VALUES ({})", marks.join(", "));
                let mut st = c.raw().prepare_cached(&sql)?;
                for row in values.chunks(columns.len()) {
                    st.execute(rusqlite::params_from_iter(row))?;
                }
            }
            Bulk::Postgres(c) => {
                let mut copy = c
                    .copy_in_raw(&format!("COPY {table} ({cols}) FROM STDIN"))
                    .await?;
                copy.send(copy_text(values, columns.len())).await?;
                copy.finish().await?;
            }
        }
        Ok(())
    }

    /// After rows with explicit ids went into `table`: PostgreSQL's identity sequence moves
    /// past the largest id, so that the next ordinary insert does not collide (SQLite takes
    /// the largest rowid + 1 by itself).
    pub async fn sync_id_sequence(&mut self, table: &str) -> DbResult<()> {
        if let Bulk::Postgres(c) = self {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} HAVING MAX(id) IS NOT NULL"
            );
            sqlx::query(&sql).execute(&mut **c).await?;
        }
        Ok(())
    }
}

/// Rows in COPY's text format: tab-separated, `\N` for NULL, backslash escapes in text.
fn copy_text(values: &[Arg<'_>], width: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * 12);
    for (i, v) in values.iter().enumerate() {
        match *v {
            Arg::Int(Some(n)) => out.extend_from_slice(n.to_string().as_bytes()),
            Arg::Int(None) | Arg::Text(None) => out.extend_from_slice(b"\\N"),
            Arg::Bool(b) => out.push(if b { b't' } else { b'f' }),
            Arg::Text(Some(s)) => {
                for b in s.bytes() {
                    match b {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b => out.push(b),
                    }
                }
            }
        }
        out.push(if (i + 1) % width == 0 { b'\n' } else { b'\t' });
    }
    out
}

/// The report triggers while a bulk load runs without them.
#[must_use = "the triggers must be restored"]
pub struct SuspendedTriggers(Vec<(String, String)>);

/// Takes out the triggers that mark dirty report buckets (`report_dirty_*`): SQLite drops them
/// and keeps their `CREATE TRIGGER` text from `sqlite_master`; PostgreSQL disables them
/// (name and table kept).
pub async fn suspend_report_triggers(db: &Db) -> DbResult<SuspendedTriggers> {
    let saved: Vec<(String, String)> = match db {
        Db::Sqlite(p) => {
            let t = sqlx::query_as(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report\\_dirty\\_%' ESCAPE '\\' ORDER BY name",
            )
            .fetch_all(p)
            .await?;
            for (name, _) in &t {
                sqlx::query(&format!("DROP TRIGGER {name}"))
                    .execute(p)
                    .await?;
            }
            t
        }
        Db::Postgres(p) => {
            let t = sqlx::query_as(
                "SELECT t.tgname::TEXT, c.relname::TEXT FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
                 WHERE NOT t.tgisinternal AND t.tgname LIKE 'report\\_dirty\\_%' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1",
            )
            .fetch_all(p)
            .await?;
            for (name, table) in &t {
                sqlx::query(&format!("ALTER TABLE {table} DISABLE TRIGGER {name}"))
                    .execute(p)
                    .await?;
            }
            t
        }
    };
    Ok(SuspendedTriggers(saved))
}

/// Puts the triggers back and marks the aggregates for a full rebuild: what was loaded without
/// them was never marked dirty, so only a rebuild (`reports::aggregate::refresh`) sums it.
pub async fn restore_report_triggers(db: &Db, saved: SuspendedTriggers) -> DbResult<()> {
    for (name, text) in &saved.0 {
        let sql = match db {
            Db::Sqlite(_) => text.clone(),
            Db::Postgres(_) => format!("ALTER TABLE {text} ENABLE TRIGGER {name}"),
        };
        with_pool!(db, |p| sqlx::query(&sql)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
    }
    with_pool!(db, |p| sqlx::query(
        "UPDATE report_slot_state SET ready = FALSE WHERE id = 1"
    )
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The names of the report triggers in place and enabled (for tests of the above).
pub async fn report_triggers(db: &Db) -> DbResult<Vec<String>> {
    const SQLITE: &str = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report\\_dirty\\_%' ESCAPE '\\' ORDER BY name";
    const PG: &str = "SELECT t.tgname::TEXT FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
        WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgname LIKE 'report\\_dirty\\_%' \
        AND c.relnamespace = current_schema()::regnamespace ORDER BY 1";
    Ok(match db {
        Db::Sqlite(p) => sqlx::query_scalar(SQLITE).fetch_all(p).await?,
        Db::Postgres(p) => sqlx::query_scalar(PG).fetch_all(p).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_text_and_marks_nulls() {
        let v = [
            Arg::from(7),
            Arg::Text(Some("a\tb\\c\nd")),
            Arg::Int(None),
            Arg::from(true),
            Arg::from(-1),
            Arg::Text(None),
            Arg::from("x"),
            Arg::from(false),
        ];
        assert_eq!(
            String::from_utf8(copy_text(&v, 4)).unwrap(),
            "7\ta\\tb\\\\c\\nd\t\\N\tt\n-1\t\\N\tx\tf\n"
        );
    }
}

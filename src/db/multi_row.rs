//! Multi-row statements for the writer, in the form each backend plans best.
//!
//! SQLite gets `VALUES ($1, …), ($k+1, …), …`. PostgreSQL gets `SELECT * FROM UNNEST($1::int8[],
//! $2::text[], …)` with one array per column: the statement text then no longer depends on the
//! number of rows, so each statement is prepared and planned once per connection. With a
//! `VALUES` list every batch size was a new text — up to a hundred per statement, far more
//! than sqlx's statement cache holds — and a batch paid a Parse round trip and a fresh plan of
//! a statement with up to 1,800 parameters for most of its statements.
//!
//! Each statement runs through sqlx (PostgreSQL, or an in-memory SQLite database) or on the
//! SQLite writer's own connection (`direct`); the bound values (`Arg`s, row after row) are the
//! same for all three.

use rusqlite::Row;
use sqlx::{FromRow, postgres::PgRow, sqlite::SqliteRow};

use super::{
    DbResult, Tx,
    direct::{Arg, BatchTx, bind_args},
};

/// Binds `args` (rows one after another) as one PostgreSQL array per column.
macro_rules! bind_columns {
    ($q:expr, $cols:expr, $args:expr) => {{
        let mut q = $q;
        let width = $cols.len();
        for (i, col) in $cols.iter().enumerate() {
            let column = $args.iter().skip(i).step_by(width);
            q = match col {
                Col::Int => q.bind(column.map(Arg::as_int).collect::<Vec<Option<i64>>>()),
                Col::Text => q.bind(column.map(Arg::as_text).collect::<Vec<Option<&str>>>()),
                Col::Bool => q.bind(column.map(Arg::as_bool).collect::<Vec<Option<bool>>>()),
            };
        }
        q
    }};
}

/// The type of a column, for PostgreSQL's arrays.
#[derive(Clone, Copy, Debug)]
pub enum Col {
    /// BIGINT.
    Int,
    /// TEXT.
    Text,
    /// BOOLEAN.
    Bool,
}

/// A multi-row statement: `head` + the rows + `tail`, e.g. `INSERT INTO t (a, b) ` +
/// rows + ` RETURNING id`, or `WITH v (a, b) AS (` + rows + `) UPDATE …`.
pub struct Stmt<'s> {
    /// Text before the rows.
    pub head: &'s str,
    /// Text after the rows.
    pub tail: &'s str,
    /// The columns of a row.
    pub cols: &'s [Col],
    /// PostgreSQL only: one text value bound after the column arrays (`$<columns + 1>`).
    pub extra: Option<&'s str>,
}

impl Stmt<'_> {
    /// The statement's text for `rows` rows on PostgreSQL (`pg`) or SQLite.
    fn sql(&self, pg: bool, rows: usize) -> String {
        let mut sql = String::with_capacity(self.head.len() + self.tail.len() + rows * 8);
        sql.push_str(self.head);
        if pg {
            sql.push_str("SELECT * FROM UNNEST(");
            for (i, c) in self.cols.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let ty = match c {
                    Col::Int => "int8",
                    Col::Text => "text",
                    Col::Bool => "bool",
                };
                sql.push_str(&format!("${}::{ty}[]", i + 1));
            }
            sql.push(')');
        } else {
            sql.push_str("VALUES ");
            push_rows(&mut sql, rows, self.cols.len());
        }
        sql.push_str(self.tail);
        sql
    }
}

/// Runs a statement that returns rows; `args` holds the rows' values one row after another.
pub async fn fetch<T>(
    tx: &mut BatchTx<'_>,
    stmt: &Stmt<'_>,
    args: &[Arg<'_>],
    direct: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> DbResult<Vec<T>>
where
    T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
{
    let rows = args.len() / stmt.cols.len();
    Ok(match tx {
        BatchTx::Pool(Tx::Postgres(t)) => {
            let sql = stmt.sql(true, rows);
            let q = bind_columns!(sqlx::query_as(&sql), stmt.cols, args);
            let q = match stmt.extra {
                Some(v) => q.bind(v),
                None => q,
            };
            q.fetch_all(&mut **t).await?
        }
        BatchTx::Pool(Tx::Sqlite(t)) => {
            let sql = stmt.sql(false, rows);
            bind_args!(sqlx::query_as(&sql), args)
                .fetch_all(&mut **t)
                .await?
        }
        BatchTx::Direct(t) => t.query(&stmt.sql(false, rows), args, direct)?,
    })
}

/// Runs a statement that returns nothing.
pub async fn execute(tx: &mut BatchTx<'_>, stmt: &Stmt<'_>, args: &[Arg<'_>]) -> DbResult<()> {
    let rows = args.len() / stmt.cols.len();
    match tx {
        BatchTx::Pool(Tx::Postgres(t)) => {
            let sql = stmt.sql(true, rows);
            let q = bind_columns!(sqlx::query(&sql), stmt.cols, args);
            q.execute(&mut **t).await?;
        }
        BatchTx::Pool(Tx::Sqlite(t)) => {
            let sql = stmt.sql(false, rows);
            bind_args!(sqlx::query(&sql), args)
                .execute(&mut **t)
                .await?;
        }
        BatchTx::Direct(t) => {
            t.execute(&stmt.sql(false, rows), args)?;
        }
    }
    Ok(())
}

// A value of another type than its column's is a mistake in a statement's `cols`; it would
// be bound as NULL, so tests (debug builds) stop on it.
impl<'a> Arg<'a> {
    fn as_int(&self) -> Option<i64> {
        match *self {
            Arg::Int(v) => v,
            Arg::Bool(b) => Some(i64::from(b)),
            Arg::Text(_) => {
                debug_assert!(false, "an integer column got {self:?}");
                None
            }
        }
    }

    fn as_text(&self) -> Option<&'a str> {
        match *self {
            Arg::Text(v) => v,
            _ => {
                debug_assert!(false, "a text column got {self:?}");
                None
            }
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match *self {
            Arg::Bool(b) => Some(b),
            Arg::Int(v) => v.map(|v| v != 0),
            Arg::Text(_) => {
                debug_assert!(false, "a boolean column got {self:?}");
                None
            }
        }
    }
}

/// Appends `n` rows of `per_row` numbered placeholders: `($1, $2, …), ($k+1, …), …`.
fn push_rows(sql: &mut String, n: usize, per_row: usize) {
    for i in 0..n {
        if i > 0 {
            sql.push(',');
        }
        let cells: Vec<String> = (1..=per_row)
            .map(|k| format!("${}", i * per_row + k))
            .collect();
        sql.push('(');
        sql.push_str(&cells.join(", "));
        sql.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STMT: Stmt<'static> = Stmt {
        head: "INSERT INTO t (a, b, c) ",
        tail: " RETURNING a",
        cols: &[Col::Int, Col::Text, Col::Bool],
        extra: None,
    };

    #[test]
    fn sqlite_gets_one_placeholder_per_value() {
        assert_eq!(
            STMT.sql(false, 2),
            "INSERT INTO t (a, b, c) VALUES ($1, $2, $3),($4, $5, $6) RETURNING a"
        );
    }

    #[test]
    fn postgres_text_does_not_depend_on_the_row_count() {
        let one = STMT.sql(true, 1);
        assert_eq!(
            one,
            "INSERT INTO t (a, b, c) SELECT * FROM UNNEST($1::int8[], $2::text[], $3::bool[]) RETURNING a"
        );
        assert_eq!(one, STMT.sql(true, 100));
    }

    #[test]
    fn a_column_is_every_width_th_value() {
        let args = [
            Arg::from(1),
            Arg::from("x"),
            Arg::Bool(true),
            Arg::Int(None),
            Arg::Text(None),
            Arg::Bool(false),
        ];
        let ints: Vec<Option<i64>> = args.iter().step_by(3).map(Arg::as_int).collect();
        let texts: Vec<Option<&str>> = args.iter().skip(1).step_by(3).map(Arg::as_text).collect();
        let bools: Vec<Option<bool>> = args.iter().skip(2).step_by(3).map(Arg::as_bool).collect();
        assert_eq!(ints, [Some(1), None]);
        assert_eq!(texts, [Some("x"), None]);
        assert_eq!(bools, [Some(true), Some(false)]);
    }
}

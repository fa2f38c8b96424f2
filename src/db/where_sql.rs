//! A WHERE clause built from optional filters, its `$N` placeholders numbered in the order
//! the values are added (so that PostgreSQL gets exactly the parameters the text uses).

use super::direct::Arg;

/// SQL text and its arguments, in order.
pub struct Where<'a> {
    /// The statement so far.
    pub sql: String,
    /// Its arguments.
    pub args: Vec<Arg<'a>>,
}

impl<'a> Where<'a> {
    /// Starts a statement that already ends with `WHERE 1 = 1`.
    pub fn new(sql: String) -> Where<'a> {
        Where {
            sql,
            args: Vec::new(),
        }
    }

    /// Appends ` AND clause`, each `?` in it becoming the next `$N` bound to the next value.
    pub fn and(&mut self, clause: &str, values: &[Arg<'a>]) {
        self.sql.push_str(" AND ");
        let mut values = values.iter();
        for ch in clause.chars() {
            match (ch, if ch == '?' { values.next() } else { None }) {
                ('?', Some(v)) => {
                    self.args.push(*v);
                    self.sql.push_str(&format!("${}", self.args.len()));
                }
                (c, _) => self.sql.push(c),
            }
        }
    }

    /// Appends ` AND clause` when `value` is given.
    pub fn and_if(&mut self, clause: &str, value: Option<Arg<'a>>) {
        if let Some(v) = value {
            self.and(clause, &[v]);
        }
    }

    /// Appends the order and a `LIMIT` bound to `limit`; returns the statement and arguments.
    pub fn finish(mut self, order_by: &str, limit: i64) -> (String, Vec<Arg<'a>>) {
        self.args.push(limit.into());
        self.sql
            .push_str(&format!(" ORDER BY {order_by} LIMIT ${}", self.args.len()));
        (self.sql, self.args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut w = Where::new("SELECT 1 FROM t WHERE 1 = 1".into());
        w.and(
            "(a < ? OR (a = ? AND id < ?))",
            &[1.into(), 1.into(), 2.into()],
        );
        w.and_if("b = ?", None);
        w.and_if("c = ?", Some("x".into()));
        let (sql, args) = w.finish("a DESC", 10);
        assert_eq!(
            sql,
            "SELECT 1 FROM t WHERE 1 = 1 AND (a < $1 OR (a = $2 AND id < $3)) AND c = $4 ORDER BY a DESC LIMIT $5"
        );
        assert_eq!(args.len(), 5);
    }
}

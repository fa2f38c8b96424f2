//! The per-operator table: calls handled, talk time, wrap-up time, orders, conversion,
//! callbacks done, proactive calls done, share of the team's load.
//!
//! Decided here (issue 5 names the columns, not their rules):
//! - "calls handled" are the calls of the period (direction as asked) the operator answered;
//! - a task is "done" by the operator whose answered call closed it (that call started in the
//!   period, any direction), or, closed without a call, by whoever claimed it (else the one it
//!   was assigned to) — `db::reports::tasks_done`;
//! - "load" is handle time, talk + wrap-up seconds; the share is the operator's load ÷ the
//!   load of every operator in the table.

use serde::Serialize;

use super::kpi::divide;
use crate::db::reports::{OperatorSums, TasksDone};

/// One operator's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OperatorRow {
    /// User id.
    pub operator_id: i64,
    /// Display name.
    pub name: String,
    /// Answered calls.
    pub calls_handled: i64,
    /// Σ talk seconds.
    pub talk_seconds: i64,
    /// Σ wrap-up seconds.
    pub wrapup_seconds: i64,
    /// Orders (not cancelled) taken on those calls.
    pub orders: i64,
    /// Calls with an order ÷ calls handled.
    pub conversion: Option<f64>,
    /// Missed-call and requested callbacks completed.
    pub callbacks_done: i64,
    /// Proactive calls completed.
    pub proactive_done: i64,
    /// (talk + wrap-up) ÷ the team's (talk + wrap-up).
    pub load_share: Option<f64>,
}

/// The formulas of the columns, for the pages.
pub const FORMULAS: [(&str, &str); 5] = [
    ("calls_handled", "calls of the period the operator answered"),
    (
        "conversion",
        "calls handled with an order linked (not cancelled) ÷ calls handled",
    ),
    (
        "callbacks_done",
        "missed-call and requested callback tasks closed by a call the operator answered (or closed from their worklist) in the period",
    ),
    (
        "proactive_done",
        "proactive call tasks closed by a call the operator answered (or closed from their worklist) in the period",
    ),
    (
        "load_share",
        "operator's (talk + wrap-up) seconds ÷ all operators' (talk + wrap-up) seconds",
    ),
];

/// Joins the call sums and the tasks done into one row per operator, ordered by id.
pub fn operator_rows(calls: &[OperatorSums], tasks: &[TasksDone]) -> Vec<OperatorRow> {
    let mut rows: Vec<OperatorRow> = calls
        .iter()
        .map(|c| OperatorRow {
            operator_id: c.operator_id,
            name: c.name.clone(),
            calls_handled: c.handled,
            talk_seconds: c.talk_seconds,
            wrapup_seconds: c.wrapup_seconds,
            orders: c.orders,
            conversion: divide(c.converted, c.handled),
            callbacks_done: 0,
            proactive_done: 0,
            load_share: None,
        })
        .collect();
    for t in tasks {
        let i = match rows.iter().position(|r| r.operator_id == t.operator_id) {
            Some(i) => i,
            None => {
                rows.push(idle_row(t));
                rows.len() - 1
            }
        };
        rows[i].callbacks_done = t.callbacks;
        rows[i].proactive_done = t.proactive;
    }
    let team: i64 = rows.iter().map(|r| r.talk_seconds + r.wrapup_seconds).sum();
    for r in &mut rows {
        r.load_share = divide(r.talk_seconds + r.wrapup_seconds, team);
    }
    rows.sort_by_key(|r| r.operator_id);
    rows
}

/// A row for an operator who did tasks but answered no call of the period.
fn idle_row(t: &TasksDone) -> OperatorRow {
    OperatorRow {
        operator_id: t.operator_id,
        name: t.name.clone(),
        calls_handled: 0,
        talk_seconds: 0,
        wrapup_seconds: 0,
        orders: 0,
        conversion: None,
        callbacks_done: 0,
        proactive_done: 0,
        load_share: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_and_tasks_merge_and_load_shares_add_up() {
        let calls = [OperatorSums {
            operator_id: 2,
            name: "olga".into(),
            handled: 4,
            talk_seconds: 250,
            wrapup_seconds: 50,
            orders: 2,
            converted: 1,
        }];
        let tasks = [
            TasksDone {
                operator_id: 2,
                name: "olga".into(),
                callbacks: 3,
                proactive: 1,
            },
            TasksDone {
                operator_id: 1,
                name: "ivan".into(),
                callbacks: 0,
                proactive: 2,
            },
        ];
        let rows = operator_rows(&calls, &tasks);
        assert_eq!(rows[0].name, "ivan");
        assert_eq!(rows[0].load_share, Some(0.0));
        assert_eq!(rows[1].conversion, Some(0.25));
        assert_eq!((rows[1].callbacks_done, rows[1].proactive_done), (3, 1));
        assert_eq!(rows[1].load_share, Some(1.0));
    }
}

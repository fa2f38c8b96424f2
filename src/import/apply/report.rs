//! The import report: counts, and the problems kept for printing.

use crate::import::Problem;

/// How many rejected rows, and how many warnings, the report keeps; the rest are only counted,
/// so that a file of a million bad rows cannot fill the memory.
pub const MAX_KEPT_PROBLEMS: usize = 10_000;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Default)]
pub struct ImportReport {
    /// New clients.
    pub created: u64,
    /// Clients the rows changed.
    pub updated: u64,
    /// Rows that matched a client and changed nothing.
    pub unchanged: u64,
    /// Rows not imported: refused by the reader or by the database.
    pub rejected: ProblemLog,
    /// Values left out of (or replaced in) rows that were imported.
    pub warnings: ProblemLog,
    /// Ignored header columns.
    pub header_warnings: Vec<String>,
    /// Records read (imported or rejected; blank lines are not counted).
    pub rows_read: u64,
    /// `false` when reading stopped before the end of the file.
    pub complete: bool,
    /// Why reading stopped early (also the last rejection, but that may be beyond the kept ones).
    pub read_failure: Option<Problem>,
}

/// Problems in file order: the first [`MAX_KEPT_PROBLEMS`], and how many there were in all.
#[derive(Debug, Default)]
pub struct ProblemLog {
    /// The problems kept for the report.
    pub kept: Vec<Problem>,
    /// How many there were, kept or not.
    pub total: u64,
}

impl ProblemLog {
    pub(super) fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.kept.len() < MAX_KEPT_PROBLEMS {
            self.kept.push(problem);
        }
    }

    /// How many problems were counted but not kept.
    pub fn omitted(&self) -> u64 {
        self.total - self.kept.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_log_keeps_the_first_problems_and_counts_all() {
        let mut log = ProblemLog::default();
        for line in 0..(MAX_KEPT_PROBLEMS as u64 + 3) {
            log.push(Problem {
                line,
                column: None,
                value: None,
                reason: "x".into(),
            });
        }
        assert_eq!(
            (log.kept.len(), log.total, log.omitted()),
            (MAX_KEPT_PROBLEMS, 10_003, 3)
        );
        assert_eq!(log.kept.last().unwrap().line, MAX_KEPT_PROBLEMS as u64 - 1);
    }
}

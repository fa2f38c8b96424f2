//! Writing imported rows to the database.
//!
//! A row with an external id updates the live client with that id, or creates one. A row
//! without one updates its import twin (`db::clients::find_import_twin`), or creates a client.
//! Updating merges the row onto the stored client and never takes anything away: phones and
//! tags are the union of both (see `merge`). When the merge changes nothing the row is
//! `unchanged` and nothing is written, which is what makes a second import of the same file a
//! no-op.
//!
//! Rows are written in batches of [`BATCH_ROWS`], one transaction each, and every row inside a
//! savepoint, so a row the database refuses is reported and the batch goes on.
//!
//! A dry run runs the very same code and rolls each batch back instead of committing it, so its
//! counts are the real import's, with one exception: a row without an external id that repeats
//! a client created by an earlier row of the file, in an earlier batch, counts as created (that
//! batch was rolled back) where the real import updates the client. One transaction over the
//! whole dry run would avoid it, but on SQLite it would hold the write lock, and keep the
//! running service from saving anything, for as long as the dry run takes.

mod merge;
mod report;

use std::io::Read;

use anyhow::Context;
use tokio::sync::mpsc;

pub use report::{ImportReport, MAX_KEPT_PROBLEMS, ProblemLog};

use super::{ClientCsvReader, ClientRow, Problem, RowOutcome};
use crate::db::{
    Db, DbError, Tx,
    clients::{self, RowSavepoint},
};
use merge::{merge, new_client, stored_draft};

/// Rows per transaction (and per chunk handed from the reading thread to the writer).
pub const BATCH_ROWS: usize = 500;

/// Reads every row of `reader` on a blocking thread and writes them to `db` in batches;
/// `progress` gets the number of records read so far after each batch.
///
/// # Errors
/// When the database fails as a whole (cannot begin or commit, becomes unavailable). A row the
/// database refuses is a rejection in the report instead.
pub async fn import_clients<R: Read + Send + 'static>(
    db: &Db,
    reader: ClientCsvReader<R>,
    dry_run: bool,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport {
        header_warnings: reader.header_warnings().to_vec(),
        ..ImportReport::default()
    };
    // Two chunks in flight: the reader stays a little ahead of the writer, memory stays flat.
    let (sender, mut batches) = mpsc::channel(2);
    let producer = tokio::task::spawn_blocking(move || read_batches(reader, &sender));
    while let Some(batch) = batches.recv().await {
        apply_batch(db, batch, dry_run, &mut report).await?;
        progress(report.rows_read);
    }
    producer.await.context("the CSV reading thread failed")?;
    report.complete = report.read_failure.is_none();
    Ok(report)
}

/// Sends the outcomes in chunks of [`BATCH_ROWS`]. Ends quietly when the writer has gone (it
/// failed and returns its error).
fn read_batches<R: Read>(reader: ClientCsvReader<R>, sender: &mpsc::Sender<Vec<RowOutcome>>) {
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    for outcome in reader {
        batch.push(outcome);
        if batch.len() == BATCH_ROWS {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            if sender.blocking_send(full).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender.blocking_send(batch);
    }
}

/// The reader ends after an I/O error or a runaway record with a rejection that says "reading
/// stopped" (`records::failure`); it has no other way to tell. A test below pins the wording.
fn is_read_failure(problem: &Problem) -> bool {
    problem.column.is_none() && problem.reason.contains("reading stopped")
}

/// One transaction for the batch, begun at its first row to write; committed, or for a dry run
/// dropped, which rolls it back.
async fn apply_batch(
    db: &Db,
    batch: Vec<RowOutcome>,
    dry_run: bool,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let mut tx: Option<Tx> = None;
    for outcome in batch {
        report.rows_read += 1;
        let (row, warnings) = match outcome {
            RowOutcome::Rejected(problem) => {
                if is_read_failure(&problem) {
                    report.read_failure = Some(problem.clone());
                }
                report.rejected.push(problem);
                continue;
            }
            RowOutcome::Row { row, warnings } => (row, warnings),
        };
        warnings.into_iter().for_each(|w| report.warnings.push(w));
        if let Some(problem) = unstorable(&row) {
            report.rejected.push(problem);
            continue;
        }
        let tx = match &mut tx {
            Some(tx) => tx,
            None => tx.insert(db.begin().await.context("cannot begin a transaction")?),
        };
        match apply_in_savepoint(tx, &row).await? {
            Ok(Change::Created) => report.created += 1,
            Ok(Change::Updated) => report.updated += 1,
            Ok(Change::Unchanged) => report.unchanged += 1,
            Err(error) => report.rejected.push(not_saved(&row, &error)),
        }
    }
    match tx {
        Some(tx) if !dry_run => tx.commit().await.context("cannot commit a batch of rows"),
        _ => Ok(()),
    }
}

/// What a row did to the database.
enum Change {
    Created,
    Updated,
    Unchanged,
}

/// Applies one row inside a savepoint: when the database refuses it, only the row is undone.
/// The outer error is for failures that end the import (the savepoint itself, or a database
/// that went away); the inner one is the row's.
async fn apply_in_savepoint(
    tx: &mut Tx,
    row: &ClientRow,
) -> anyhow::Result<Result<Change, DbError>> {
    clients::row_savepoint(tx, RowSavepoint::Set).await?;
    let result = apply_row(tx, row).await;
    if let Err(DbError::Unavailable) = result {
        anyhow::bail!("the database became unavailable at line {}", row.line);
    }
    let step = match result {
        Ok(_) => RowSavepoint::Release,
        Err(_) => RowSavepoint::RollBack,
    };
    clients::row_savepoint(tx, step).await?;
    Ok(result)
}

async fn apply_row(tx: &mut Tx, row: &ClientRow) -> Result<Change, DbError> {
    let draft = new_client(row);
    let existing = match &row.external_id {
        Some(id) => clients::find_by_external_id(tx, id).await?,
        None => clients::find_import_twin(tx, &draft).await?,
    };
    let Some(id) = existing else {
        clients::insert_client(tx, &draft).await?;
        return Ok(Change::Created);
    };
    let stored = stored_draft(&clients::get_client_tx(tx, id).await?);
    let merged = merge(stored.clone(), row);
    if merged == stored {
        return Ok(Change::Unchanged);
    }
    clients::update_client(tx, id, &merged).await?;
    Ok(Change::Updated)
}

/// PostgreSQL cannot store U+0000 in text; refusing it here keeps both backends alike.
fn unstorable(row: &ClientRow) -> Option<Problem> {
    let optional = [
        &row.external_id,
        &row.company,
        &row.email,
        &row.address,
        &row.notes,
    ];
    let has_nul = row.name.contains('\0')
        || optional.into_iter().flatten().any(|s| s.contains('\0'))
        || row.tags.iter().any(|t| t.contains('\0'))
        || row.phones.iter().any(|p| p.raw.contains('\0'));
    has_nul.then(|| Problem {
        line: row.line,
        column: None,
        value: None,
        reason: "contains a NUL character, which cannot be stored".to_owned(),
    })
}

/// The rejection for a row the database refused.
fn not_saved(row: &ClientRow, error: &DbError) -> Problem {
    let reason = match error {
        // The id was not found among live clients, so a deleted one holds it.
        DbError::Conflict { field, .. } if field.as_deref() == Some("external_id") => {
            let id = row.external_id.as_deref().unwrap_or_default();
            format!("not saved: a deleted client has the external id `{id}`")
        }
        other => format!("not saved: {other}"),
    };
    Problem {
        line: row.line,
        column: None,
        value: None,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PhoneRegion;
    use crate::import::open;

    #[test]
    fn a_read_error_is_recognised_as_reading_stopped_early() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk gone"))
            }
        }
        // Longer than the sniffed start, so that `open` succeeds and the error comes from a row.
        let data = "name\n".to_owned() + &"Иван\n".repeat(10_000);
        let ru = PhoneRegion::parse("RU").unwrap();
        let last = open(data.as_bytes().chain(Broken), ru).unwrap().last();
        let Some(RowOutcome::Rejected(problem)) = last else {
            panic!("{last:?}")
        };
        assert!(is_read_failure(&problem), "{problem:?}");
        assert!(!is_read_failure(&Problem {
            line: 2,
            column: None,
            value: None,
            reason: "no name (the name and company cells are both empty)".into(),
        }));
    }
}

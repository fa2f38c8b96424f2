//! Writing imported rows to the database.
//!
//! A row with an external id updates the live client with that id, or creates one. A row
//! without one updates its import twin (`db::clients::find_import_twin`: same name and a shared
//! phone), or creates a client. Updating merges the row onto the stored client and never takes
//! anything away: phones and tags are the union of both. When the merge changes nothing the row
//! is `unchanged` and nothing is written, which is what makes a second import of the same file a
//! no-op.
//!
//! Rows are written in batches of [`BATCH_ROWS`], one transaction each, and every row inside a
//! savepoint, so a row the database refuses is reported and the batch goes on. A dry run runs the
//! very same code and rolls each batch back instead of committing it.

use std::io::Read;

use anyhow::Context;
use tokio::sync::mpsc;

use super::{ClientCsvReader, ClientRow, ImportedPhone, Problem, RowOutcome};
use crate::db::{
    Db, DbError, Tx,
    clients::{self, Client, RowSavepoint},
};
use crate::domain::client::{ClientDraft, ClientKind, PhoneDraft};
use crate::domain::phone::PhoneNumber;

/// Rows per transaction (and per chunk handed from the reading thread to the writer).
pub const BATCH_ROWS: usize = 500;

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
    /// `false` when reading stopped before the end of the file (the last rejection says why).
    pub complete: bool,
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
    fn push(&mut self, problem: Problem) {
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
    let stopped_early = producer.await.context("the CSV reading thread failed")?;
    report.complete = !stopped_early;
    Ok(report)
}

/// Sends the outcomes in chunks of [`BATCH_ROWS`]; returns whether reading stopped early. Ends
/// quietly when the writer has gone (it failed and returned its error).
fn read_batches<R: Read>(
    reader: ClientCsvReader<R>,
    sender: &mpsc::Sender<Vec<RowOutcome>>,
) -> bool {
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut stopped_early = false;
    for outcome in reader {
        stopped_early = is_read_failure(&outcome);
        batch.push(outcome);
        if batch.len() == BATCH_ROWS {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            if sender.blocking_send(full).is_err() {
                return stopped_early;
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender.blocking_send(batch);
    }
    stopped_early
}

/// The reader ends after an I/O error or a runaway record with a rejection that says "reading
/// stopped" (`records::failure`); it has no other way to tell. A test below pins the wording.
fn is_read_failure(outcome: &RowOutcome) -> bool {
    matches!(outcome, RowOutcome::Rejected(p) if p.column.is_none() && p.reason.contains("reading stopped"))
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

/// A client made from the row alone: a business when a company is given.
fn new_client(row: &ClientRow) -> ClientDraft {
    let kind = match row.company {
        Some(_) => ClientKind::Business,
        None => ClientKind::Person,
    };
    let mut draft = ClientDraft {
        external_id: row.external_id.clone(),
        name: row.name.clone(),
        kind,
        company: row.company.clone(),
        email: row.email.clone(),
        addresses: row.address.iter().cloned().collect(),
        notes: row.notes.clone(),
        tags: row.tags.clone(),
        phones: row.phones.iter().map(phone_draft).collect(),
        ..ClientDraft::default()
    };
    draft.normalise_phones();
    draft
}

fn phone_draft(phone: &ImportedPhone) -> PhoneDraft {
    PhoneDraft {
        number: phone.number.clone(),
        raw: phone.raw.clone(),
        label: None,
        primary: false,
    }
}

/// The stored client as a draft, every field kept, so that writing it back changes nothing.
fn stored_draft(c: &Client) -> ClientDraft {
    let phones = c.phones.iter().map(|p| PhoneDraft {
        number: stored_number(&p.e164, p.extension.as_deref()),
        raw: p.raw.clone(),
        label: p.label.clone(),
        primary: p.is_primary,
    });
    ClientDraft {
        external_id: c.external_id.clone(),
        name: c.name.clone(),
        kind: c.kind,
        company: c.company.clone(),
        email: c.email.clone(),
        addresses: c.addresses.clone(),
        notes: c.notes.clone(),
        tags: c.tags.clone(),
        preferences: c.preferences.clone(),
        personal_manager_id: c.personal_manager_id,
        profile: c.profile.clone(),
        do_not_call: c.do_not_call,
        phones: phones.collect(),
    }
}

/// A stored number with its extension. `PhoneNumber` has no constructor taking an extension, so
/// one is parsed from `+E164 доб. N` (the stored number is valid, so it parses); if it ever
/// did not, the number is kept without its extension rather than dropped.
fn stored_number(e164: &str, extension: Option<&str>) -> PhoneNumber {
    let plain = || PhoneNumber::from_e164_unchecked(e164.to_owned());
    let Some(ext) = extension else {
        return plain();
    };
    // The text starts with `+`, so the region only satisfies the signature.
    crate::domain::PhoneRegion::parse("RU")
        .ok()
        .and_then(|region| PhoneNumber::parse(&format!("{e164} доб. {ext}"), region).ok())
        .filter(|n| n.e164() == e164)
        .unwrap_or_else(plain)
}

/// The row merged onto a stored client: non-empty cells replace the name, company, e-mail and
/// notes; the address becomes the first one unless the client has it already; phones and tags
/// are added to the stored ones (an import never deletes a number an operator added). Fields
/// the file has no column for (kind, profile, manager, do-not-call, preferences) stay.
fn merge(mut d: ClientDraft, row: &ClientRow) -> ClientDraft {
    d.name.clone_from(&row.name);
    for (field, cell) in [
        (&mut d.company, &row.company),
        (&mut d.email, &row.email),
        (&mut d.notes, &row.notes),
    ] {
        if cell.is_some() {
            field.clone_from(cell);
        }
    }
    if let Some(address) = &row.address
        && !d.addresses.contains(address)
    {
        d.addresses.insert(0, address.clone());
    }
    for phone in &row.phones {
        if !d
            .phones
            .iter()
            .any(|p| p.number.e164() == phone.number.e164())
        {
            d.phones.push(phone_draft(phone));
        }
    }
    for tag in &row.tags {
        if !d.tags.contains(tag) {
            d.tags.push(tag.clone());
        }
    }
    d.normalise_phones();
    d
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

    fn ru() -> PhoneRegion {
        PhoneRegion::parse("RU").unwrap()
    }

    fn row(csv: &str) -> ClientRow {
        let text = format!("external_id;name;company;phones;email;address;notes;tags\n{csv}\n");
        match open(text.as_bytes(), ru()).unwrap().next() {
            Some(RowOutcome::Row { row, .. }) => row,
            other => panic!("{other:?}"),
        }
    }

    fn e164s(d: &ClientDraft) -> Vec<&str> {
        d.phones.iter().map(|p| p.number.e164()).collect()
    }

    #[test]
    fn a_new_client_is_a_business_when_a_company_is_given() {
        let person = new_client(&row("1;Иван;;+7 916 123 45 67;;;;"));
        let business = new_client(&row("2;Иван;ООО Ромашка;;;;;"));
        assert_eq!(
            (person.kind, business.kind),
            (ClientKind::Person, ClientKind::Business)
        );
        assert!(person.phones[0].primary);
    }

    #[test]
    fn merging_the_same_row_again_changes_nothing() {
        let first = row(
            "1;Иван;ООО Ромашка;+7 916 123 45 67 доб. 12, 8 495 123-45-67;i@x.ru;Москва;n;a, b",
        );
        let stored = new_client(&first);
        assert_eq!(merge(stored.clone(), &first), stored);
    }

    #[test]
    fn merging_keeps_what_the_file_has_no_value_for_and_adds_phones_and_tags() {
        let mut stored = new_client(&row(
            "1;Иван;ООО Ромашка;8 495 123-45-67;i@x.ru;Москва;old;a",
        ));
        stored.do_not_call = true;
        stored.phones[0].raw = "as an operator typed it".into();

        let merged = merge(
            stored.clone(),
            &row("1;Иван И.;;+7 916 123 45 67, 8 495 123-45-67;;Тверь;;b, a"),
        );

        assert_eq!(merged.name, "Иван И.");
        assert_eq!(
            (merged.company.as_deref(), merged.notes.as_deref()),
            (Some("ООО Ромашка"), Some("old"))
        );
        assert_eq!(merged.addresses, ["Тверь", "Москва"]);
        assert_eq!(e164s(&merged), ["+74951234567", "+79161234567"]);
        assert_eq!(merged.phones[0].raw, "as an operator typed it");
        assert_eq!(merged.tags, ["a", "b"]);
        assert!(merged.do_not_call);
    }

    #[test]
    fn a_stored_extension_survives_the_round_trip() {
        let number = stored_number("+74951234567", Some("12"));
        assert_eq!(
            (number.e164(), number.extension()),
            ("+74951234567", Some("12"))
        );
        assert_eq!(stored_number("+74951234567", None).extension(), None);
    }

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
        let last = open(data.as_bytes().chain(Broken), ru())
            .unwrap()
            .last()
            .unwrap();
        assert!(is_read_failure(&last), "{last:?}");
        assert!(!is_read_failure(&RowOutcome::Rejected(Problem {
            line: 2,
            column: None,
            value: None,
            reason: "no name (the name and company cells are both empty)".into(),
        })));
    }

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

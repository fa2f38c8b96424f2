//! `orderline import-clients FILE [--dry-run]` and `orderline export-clients FILE`.
//!
//! The import report goes to standard output, for the operator who runs it: it quotes the
//! rejected values, so it is printed, never logged. The progress bar goes to standard error and
//! only to a terminal.

use std::{
    fs::File,
    io::{BufReader, BufWriter, IsTerminal, Read, Write},
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{
    config::Config,
    db::Db,
    import::{
        self, ClientCsvWriter,
        apply::{ImportReport, MAX_KEPT_PROBLEMS, ProblemLog, import_clients},
        export::export_clients,
    },
};

/// Imports clients from a CSV file and prints the report. Rejected rows are part of a normal
/// import; the command fails only when the file cannot be opened or read to the end.
pub async fn import(config: &Config, file: &Path, dry_run: bool) -> anyhow::Result<()> {
    let opened = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let bytes_read = Arc::new(AtomicU64::new(0));
    let input = BufReader::new(Counting(opened, Arc::clone(&bytes_read)));
    let reader = import::open(input, config.default_region)
        .with_context(|| format!("cannot import {}", file.display()))?;
    println!(
        "{}: encoding {}, delimiter {}",
        file.display(),
        reader.encoding_name(),
        delimiter_name(reader.delimiter())
    );
    let db = Db::connect(&config.database).await?;
    let bar = progress_bar(size);
    let result = import_clients(&db, reader, dry_run, |rows| {
        bar.set_position(bytes_read.load(Ordering::Relaxed));
        bar.set_message(format!("{rows} rows"));
    })
    .await;
    bar.finish_and_clear();
    if result
        .as_ref()
        .is_ok_and(|r| !dry_run && r.created + r.updated > 1_000)
    {
        // Fresh planner statistics after a large import (see `Db::analyze`).
        db.analyze().await?;
    }
    db.close().await;
    let report = result?;
    print_report(&report, dry_run);
    if let Some(failure) = &report.read_failure {
        let done = if dry_run { "checked" } else { "imported" };
        bail!(
            "{} could not be read to the end ({failure}); the rows before it were {done}",
            file.display()
        );
    }
    Ok(())
}

/// Exports every live client to a CSV file that Excel opens (UTF-8 with BOM, `;`).
pub async fn export(config: &Config, file: &Path) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    let result = write_export(&db, file).await;
    db.close().await;
    let written = result.with_context(|| format!("cannot export to {}", file.display()))?;
    println!("exported {written} clients to {}", file.display());
    Ok(())
}

async fn write_export(db: &Db, file: &Path) -> anyhow::Result<u64> {
    let writer = ClientCsvWriter::new(BufWriter::new(File::create(file)?))?;
    let (written, mut out) = export_clients(db, writer).await?;
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(written)
}

fn delimiter_name(delimiter: char) -> String {
    match delimiter {
        '\t' => "tab".to_owned(),
        other => format!("`{other}`"),
    }
}

/// A bar over the file's bytes, with the rows read as its message; hidden unless standard
/// error is a terminal (a redirected log gets no control characters).
fn progress_bar(file_size: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(file_size), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}, {elapsed} (ETA {eta})")
    {
        bar.set_style(style);
    }
    bar
}

fn print_report(report: &ImportReport, dry_run: bool) {
    for warning in &report.header_warnings {
        println!("header: {warning}");
    }
    print_problems("rejected", "rejected rows", &report.rejected);
    print_problems("warning", "warnings", &report.warnings);
    let prefix = if dry_run { "dry run: " } else { "" };
    println!(
        "{prefix}created {}, updated {}, unchanged {}, rejected {}",
        report.created, report.updated, report.unchanged, report.rejected.total
    );
}

fn print_problems(label: &str, plural: &str, log: &ProblemLog) {
    for problem in &log.kept {
        println!("{label}: {problem}");
    }
    if log.omitted() > 0 {
        println!(
            "{label}: … {} more {plural} not listed (only the first {MAX_KEPT_PROBLEMS} are kept)",
            log.omitted()
        );
    }
}

/// Counts the bytes pulled from the file, for the progress bar.
struct Counting<R>(R, Arc<AtomicU64>);

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

//! Writing every live client to CSV, a page at a time, so that a large client base is never
//! all in memory.

use std::io::Write;

use super::{ClientCsvWriter, ExportRow};
use crate::db::{
    Db,
    clients::{self, Client, ClientFilter},
};

/// Clients read from the database per query.
pub const PAGE_SIZE: i64 = 1_000;

/// Writes every live client, in id order, and finishes the writer; returns how many were
/// written and the underlying writer (flush it, and for a file, sync it).
///
/// The writes are synchronous: a page is written in a few milliseconds, and the command that
/// exports has nothing else to run meanwhile.
///
/// # Errors
/// When reading the database or writing fails.
pub async fn export_clients<W: Write>(
    db: &Db,
    mut writer: ClientCsvWriter<W>,
) -> anyhow::Result<(u64, W)> {
    let (mut after_id, mut written) = (0, 0);
    loop {
        let page = clients::list_clients(db, &ClientFilter::default(), after_id, PAGE_SIZE).await?;
        let Some(last) = page.last() else { break };
        after_id = last.id;
        for client in &page {
            writer.write(&export_row(client))?;
            written += 1;
        }
    }
    Ok((written, writer.finish()?))
}

/// The client as one CSV row. Only the first (usual) address fits the format; phones are
/// written in E.164 with their extension, primary first, which the importer reads back as the
/// same numbers.
pub fn export_row(c: &Client) -> ExportRow {
    let phones = c.phones.iter().map(|p| match &p.extension {
        Some(ext) => format!("{} доб. {ext}", p.e164),
        None => p.e164.clone(),
    });
    ExportRow {
        external_id: c.external_id.clone(),
        name: c.name.clone(),
        company: c.company.clone(),
        phones: phones.collect(),
        email: c.email.clone(),
        address: c.addresses.first().cloned(),
        notes: c.notes.clone(),
        tags: c.tags.clone(),
    }
}

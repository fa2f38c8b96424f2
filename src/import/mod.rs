//! CSV import and export of the client base.
//!
//! - [`csv_read`]: [`open`] a client file in whatever form a company has it and stream
//!   [`RowOutcome`]s, each bad row or value reported with its line.
//! - [`csv_write`]: [`ClientCsvWriter`] writes the canonical format, which Excel opens directly
//!   and which [`open`] reads back.
//! - [`apply`] and [`export`]: the database side, [`apply::import_clients`] (upsert in batches,
//!   dry run) and [`export::export_clients`] (every live client, a page at a time).
//!
//! The private modules split the reader: `outcome` (the types it yields), `input` (encoding,
//! BOM, delimiter), `records` (the CSV parser, line numbers, record size limit), `header`
//! (column names), `row` and `cells` (the row rules).

pub mod apply;
mod cells;
pub mod csv_read;
pub mod csv_write;
pub mod export;
mod header;
mod input;
mod outcome;
mod records;
mod row;

pub use csv_read::{
    ClientCsvReader, ClientRow, ImportError, ImportedPhone, Problem, RowOutcome, open,
};
pub use csv_write::{ClientCsvWriter, ExportRow};

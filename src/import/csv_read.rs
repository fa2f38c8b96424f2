//! Reading a client base from CSV as companies have it: UTF-8 (with or without BOM) or
//! Windows-1251, `;` `,` or tab, canonical or Russian column names.
//!
//! [`open`] sniffs the format and maps the header; the returned [`ClientCsvReader`] then yields
//! one [`RowOutcome`] per record, streaming (one record in memory at a time). A bad row is
//! reported with its physical line number and never stops the rows after it.

use std::fmt;
use std::io::{self, Read};

use super::header::{Columns, accepted_names};
use super::input::{self, Encoding};
use super::records::Records;
use super::row::RowRules;
use crate::domain::phone::{PhoneNumber, PhoneRegion};

/// One client as read from the file, with every cell trimmed.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientRow {
    /// The physical line the record starts on (the header is line 1).
    pub line: u64,
    /// The company's own id for this client, used to upsert on re-import.
    pub external_id: Option<String>,
    /// Never empty: the company name when the name cell is empty.
    pub name: String,
    pub company: Option<String>,
    /// The valid phones, in file order, without repeats.
    pub phones: Vec<ImportedPhone>,
    /// Contains an `@`; other values are dropped with a warning.
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// Trimmed, non-empty, without repeats.
    pub tags: Vec<String>,
}

/// A phone as written in the file and as parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedPhone {
    /// The text of this phone in the cell (trimmed), for the report.
    pub raw: String,
    pub number: PhoneNumber,
}

/// A rejected row or a dropped value, for the import report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The physical line the record starts on (the header is line 1).
    pub line: u64,
    /// The column as the file's header names it.
    pub column: Option<String>,
    /// The offending value, shortened to 60 characters.
    pub value: Option<String>,
    /// What is wrong, phrased to follow the value: "is not a valid number (…)".
    pub reason: String,
}

impl fmt::Display for Problem {
    /// `line 7, column phones: `12` is not a valid number (…)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        f.write_str(": ")?;
        if let Some(value) = &self.value {
            write!(f, "`{value}` ")?;
        }
        f.write_str(&self.reason)
    }
}

/// What became of one record.
#[derive(Clone, Debug, PartialEq)]
pub enum RowOutcome {
    /// Imported; `warnings` lists values that were dropped or replaced.
    Row {
        row: ClientRow,
        warnings: Vec<Problem>,
    },
    /// Not imported, with the reason.
    Rejected(Problem),
}

/// Why a file cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// No header row: the file is empty or blank.
    #[error("the file is empty: a header row with at least a name column is needed")]
    Empty,
    /// No header cell maps to `name`; `found` lists the header cells as written.
    #[error("the header has no name column; found {}; accepted column names: {}", backticked(.found), accepted_names())]
    NoNameColumn { found: Vec<String> },
    /// Two header cells map to the same field.
    #[error("the columns `{first}` and `{second}` both mean `{field}`; keep one of them")]
    DuplicateColumn {
        first: String,
        second: String,
        field: &'static str,
    },
    /// A UTF-16 byte order mark: what Excel's "Unicode text" format writes.
    #[error(
        "the file is UTF-16; save it from Excel as \"CSV UTF-8\" or \"CSV (разделители - запятые)\""
    )]
    Utf16,
    /// Reading the start of the file failed.
    #[error("the file could not be read: {0}")]
    Unreadable(#[from] io::Error),
}

fn backticked(names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    list.join(", ")
}

/// Streams [`RowOutcome`]s out of a CSV file; see [`open`].
pub struct ClientCsvReader<R> {
    records: Records<R>,
    rules: RowRules,
    encoding: Encoding,
    delimiter: u8,
    finished: bool,
}

/// Sniffs the encoding and delimiter from the start of `reader` and maps the header row.
///
/// Phones are read with `region` as the default country.
pub fn open<R: Read>(
    mut reader: R,
    region: PhoneRegion,
) -> Result<ClientCsvReader<R>, ImportError> {
    let mut prefix = input::read_prefix(&mut reader)?;
    if input::is_utf16(&prefix) {
        return Err(ImportError::Utf16);
    }
    let encoding = match input::strip_bom(&mut prefix) {
        true => Encoding::Utf8,
        false => input::detect_encoding(&prefix),
    };
    let delimiter = input::detect_delimiter(&prefix);
    let mut records = Records::new(input::stream(prefix, reader), delimiter);
    let columns = Columns::from_titles(read_header(&mut records, encoding)?)?;
    let rules = RowRules::new(columns, region, encoding);
    Ok(ClientCsvReader {
        records,
        rules,
        encoding,
        delimiter,
        finished: false,
    })
}

/// The first non-blank record, decoded. The header lies in the sniffed prefix, so a UTF-8 error
/// there is unlikely; it shows as `�` rather than failing the import.
fn read_header<R: Read>(
    records: &mut Records<R>,
    encoding: Encoding,
) -> Result<Vec<String>, ImportError> {
    while records.advance().map_err(io::Error::from)? {
        let record = records.record();
        if record.iter().any(|cell| !cell.trim_ascii().is_empty()) {
            return Ok(record
                .iter()
                .map(|cell| encoding.decode(cell).unwrap_or_else(|lossy| lossy))
                .collect());
        }
    }
    Err(ImportError::Empty)
}

impl<R: Read> ClientCsvReader<R> {
    /// The detected encoding: `UTF-8` or `windows-1251`.
    pub fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }

    /// The detected delimiter: `;`, `,` or a tab.
    pub fn delimiter(&self) -> char {
        char::from(self.delimiter)
    }

    /// One line per ignored header column (unknown or unnamed).
    pub fn header_warnings(&self) -> &[String] {
        self.rules.columns().warnings()
    }
}

impl<R: Read> Iterator for ClientCsvReader<R> {
    type Item = RowOutcome;

    fn next(&mut self) -> Option<RowOutcome> {
        while !self.finished {
            match self.records.advance() {
                Ok(true) => {
                    let line = self.records.line();
                    if let Some(outcome) = self.rules.apply(line, self.records.record()) {
                        return Some(outcome);
                    }
                }
                Ok(false) => self.finished = true,
                Err(error) => {
                    // After an I/O error the parser's state is unknown: stop rather than guess.
                    self.finished = true;
                    let (line, reason) = self.records.failure(&error);
                    return Some(RowOutcome::Rejected(Problem {
                        line,
                        column: None,
                        value: None,
                        reason,
                    }));
                }
            }
        }
        None
    }
}

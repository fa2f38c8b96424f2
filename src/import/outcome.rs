//! What reading a client file yields: imported rows, and problems with their line numbers.

use std::fmt;

use crate::domain::phone::PhoneNumber;

/// One client as read from the file, with every cell trimmed.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientRow {
    /// The physical line the record starts on (the header is line 1).
    pub line: u64,
    /// The company's own id for this client, used to upsert on re-import.
    pub external_id: Option<String>,
    /// Never empty: the company name when the name cell is empty.
    pub name: String,
    /// The organisation the client belongs to.
    pub company: Option<String>,
    /// The valid phones, in file order, without repeats.
    pub phones: Vec<ImportedPhone>,
    /// Contains an `@`; other values are dropped with a warning.
    pub email: Option<String>,
    /// Free text; may span several lines.
    pub address: Option<String>,
    /// Free text for the operators; may span several lines.
    pub notes: Option<String>,
    /// Trimmed, non-empty, without repeats.
    pub tags: Vec<String>,
}

/// A phone as written in the file and as parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedPhone {
    /// The text of this phone in the cell (trimmed), for the report.
    pub raw: String,
    /// The number in E.164, with its extension if one was written.
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
    /// ``line 7, column phones: `12` is not a valid number (…)``; the column and the value are
    /// left out when there is none.
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
    /// Imported.
    Row {
        /// The client.
        row: ClientRow,
        /// Values that were dropped or replaced; the row is imported anyway.
        warnings: Vec<Problem>,
    },
    /// Not imported, with the reason.
    Rejected(Problem),
}

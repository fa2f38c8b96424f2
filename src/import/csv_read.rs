//! Reading a client base from CSV as companies have it: UTF-8 (with or without BOM) or
//! Windows-1251, `;` `,` or tab, canonical or Russian column names.
//!
//! [`open`] sniffs the format and maps the header; the returned [`ClientCsvReader`] then yields
//! one [`RowOutcome`] per record, streaming (one record in memory at a time). A bad row is
//! reported with its physical line number and never stops the rows after it.

use std::io::{self, Read};

use super::header::{Columns, accepted_names};
use super::input::{self, Encoding};
pub use super::outcome::{ClientRow, ImportedPhone, Problem, RowOutcome};
use super::records::Records;
use super::row::RowRules;
use crate::domain::phone::PhoneRegion;

/// Why a file cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// No header row: the file is empty or blank.
    #[error("the file is empty: a header row with at least a name column is needed")]
    Empty,
    /// No header cell maps to `name`.
    #[error("the header has no name column; found {}; accepted column names: {}", backticked(.found), accepted_names())]
    NoNameColumn {
        /// The header cells, trimmed, as written.
        found: Vec<String>,
    },
    /// Two header cells map to the same field.
    #[error("the columns `{first}` and `{second}` both mean `{field}`; keep one of them")]
    DuplicateColumn {
        /// The first header cell, as written.
        first: String,
        /// The second header cell, as written.
        second: String,
        /// The canonical name of the field both mean.
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
///
/// # Errors
/// When the file cannot be imported at all: see [`ImportError`]. Problems with single rows come
/// out of the iterator instead.
pub fn open<R: Read>(
    mut reader: R,
    region: PhoneRegion,
) -> Result<ClientCsvReader<R>, ImportError> {
    let mut prefix = input::read_prefix(&mut reader)?;
    if input::is_utf16(&prefix) {
        return Err(ImportError::Utf16);
    }
    let encoding = if input::strip_bom(&mut prefix) {
        Encoding::Utf8
    } else {
        input::detect_encoding(&prefix)
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

/// Once `next` returns `None` (the end, or a read error), it always will.
impl<R: Read> std::iter::FusedIterator for ClientCsvReader<R> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::input::SNIFF_BYTES;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn ru() -> PhoneRegion {
        PhoneRegion::parse("RU").unwrap()
    }

    /// The report lines for every rejection and warning, in file order. The phone library's own
    /// explanation (in parentheses) is replaced by `…`: it belongs to `domain::phone`.
    fn report(outcomes: &[RowOutcome]) -> Vec<String> {
        let problems = outcomes.iter().flat_map(|outcome| match outcome {
            RowOutcome::Row { warnings, .. } => warnings.iter().collect(),
            RowOutcome::Rejected(problem) => vec![problem],
        });
        problems
            .map(|p| without_phone_detail(&p.to_string()))
            .collect()
    }

    fn without_phone_detail(line: &str) -> String {
        match line.split_once("is not a valid number (") {
            Some((start, _)) => format!("{start}is not a valid number (…)"),
            None => line.to_owned(),
        }
    }

    fn rows(outcomes: &[RowOutcome]) -> Vec<&ClientRow> {
        outcomes
            .iter()
            .filter_map(|o| {
                if let RowOutcome::Row { row, .. } = o {
                    Some(row)
                } else {
                    None
                }
            })
            .collect()
    }

    fn raw_phones(row: &ClientRow) -> Vec<&str> {
        row.phones.iter().map(|p| p.raw.as_str()).collect()
    }

    #[test]
    fn the_windows_1251_fixture_is_read_with_every_problem_on_its_physical_line() {
        let bytes = include_bytes!("../../tests/fixtures/import/messy_cp1251.csv");
        let reader = open(&bytes[..], ru()).unwrap();
        assert_eq!(
            (reader.encoding_name(), reader.delimiter()),
            ("windows-1251", ';')
        );
        assert_eq!(
            reader.header_warnings(),
            ["column 9 `Город` is not a known column and is ignored"]
        );

        let outcomes: Vec<RowOutcome> = reader.collect();

        assert_eq!(
            report(&outcomes),
            [
                "line 6, column ФИО: is empty; the company is used as the name",
                "line 6, column E-mail: `sidorov` is not an e-mail address (no `@`) and is left out",
                "line 7, column Телефоны: `уточнить` is not a valid number (…)",
                "line 8, column Код: `1001` is a duplicate of line 2",
                "line 9: no name (the name and company cells are both empty)",
                "line 10: has 10 fields, the header has 9",
            ]
        );
        let rows = rows(&outcomes);
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 6, 7, 12, 13]
        );
        let ivanov = rows[0];
        assert_eq!(ivanov.company.as_deref(), Some("ООО \"Ромашка\""));
        assert_eq!(
            raw_phones(ivanov),
            ["8 (495) 123-45-67", "+7 916 123 45 67", "+49 30 1234567"]
        );
        assert_eq!(ivanov.tags, ["опт", "VIP"]);
        let petrova = rows[1];
        assert_eq!(
            petrova.address.as_deref(),
            Some("г. Санкт-Петербург,\nНевский пр., д. 28,\nкв. 5")
        );
        assert_eq!(raw_phones(petrova), ["+7 495 123-45-67 доб. 12"]);
        assert_eq!(
            (rows[2].name.as_str(), rows[2].email.as_deref()),
            ("ИП Сидоров", None)
        );
        assert_eq!(raw_phones(rows[3]), ["+7 (812) 315-98-83"]);
        assert_eq!(raw_phones(rows[4]), ["8 (343) 222-33-44"]);
        assert_eq!(rows[5].tags, ["импорт", "опт"]);
    }

    #[test]
    fn the_utf8_bom_fixture_is_read_with_every_problem_on_its_physical_line() {
        let bytes = include_bytes!("../../tests/fixtures/import/utf8_bom_comma.csv");
        let reader = open(&bytes[..], ru()).unwrap();
        assert_eq!((reader.encoding_name(), reader.delimiter()), ("UTF-8", ','));
        assert!(reader.header_warnings().is_empty());

        let outcomes: Vec<RowOutcome> = reader.collect();

        assert_eq!(
            report(&outcomes),
            [
                "line 5, column phones: `unknown` is not a valid number (…)",
                "line 7, column external_id: `A-1` is a duplicate of line 2",
                "line 8: has 3 fields, the header has 8",
                "line 9: no name (the name and company cells are both empty)",
            ]
        );
        let rows = rows(&outcomes);
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 5, 6]
        );
        assert_eq!(rows[0].external_id.as_deref(), Some("A-1"));
        assert_eq!(
            raw_phones(rows[0]),
            ["+7 916 123 45 67", "8 (495) 123-45-67"]
        );
        assert_eq!(rows[0].tags, ["vip", "wholesale"]);
        assert_eq!(
            rows[1].notes.as_deref(),
            Some("Prefers e-mail.\nCall only after 18:00")
        );
        assert!(rows[2].phones.is_empty());
        assert_eq!(
            (rows[3].external_id.as_deref(), rows[3].address.as_deref()),
            (None, Some("New York, NY"))
        );
    }

    #[test]
    fn files_without_a_header_row_are_empty() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\n", b";;;\r\n"] {
            assert!(
                matches!(open(bytes, ru()), Err(ImportError::Empty)),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn utf16_files_are_refused_with_advice() {
        let err = open(&b"\xFF\xFEn\0a\0"[..], ru()).err().unwrap();
        assert!(err.to_string().contains("CSV UTF-8"), "{err}");
    }

    #[test]
    fn a_header_without_a_name_column_reports_what_it_found() {
        let err = open(&b"id;phone\n1;+7 916 123 45 67\n"[..], ru())
            .err()
            .unwrap();
        assert!(
            matches!(&err, ImportError::NoNameColumn { found } if found == &["id", "phone"]),
            "{err}"
        );
    }

    #[test]
    fn tab_separated_files_are_read() {
        let outcomes: Vec<_> = open(&b"name\tphones\nIvan\t+7 916 123 45 67\n"[..], ru())
            .unwrap()
            .collect();
        assert_eq!(raw_phones(rows(&outcomes)[0]), ["+7 916 123 45 67"]);
    }

    #[test]
    fn the_reader_can_move_to_a_blocking_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<ClientCsvReader<std::fs::File>>();
    }

    #[test]
    fn problems_display_line_column_value_and_reason() {
        let mut problem = Problem {
            line: 7,
            column: None,
            value: None,
            reason: "no name".into(),
        };
        assert_eq!(problem.to_string(), "line 7: no name");
        problem.column = Some("phones".into());
        problem.value = Some("12".into());
        problem.reason = "is not a valid number (too short)".into();
        assert_eq!(
            problem.to_string(),
            "line 7, column phones: `12` is not a valid number (too short)"
        );
    }

    /// `count` rows of plain ASCII after a header, about 30 bytes each.
    fn many_rows(count: usize) -> Vec<u8> {
        let mut text = String::from("external_id;name;phones\n");
        for i in 0..count {
            text.push_str(&format!("{i};Client {i};+7 916 {i:07}\n"));
        }
        text.into_bytes()
    }

    /// Counts the bytes the importer has pulled from its input.
    struct Counting<R>(R, Arc<AtomicUsize>);

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.fetch_add(n, Ordering::Relaxed);
            Ok(n)
        }
    }

    #[test]
    fn rows_are_streamed_not_read_up_front() {
        let data = many_rows(20_000);
        let pulled = Arc::new(AtomicUsize::new(0));
        let mut reader = open(Counting(&data[..], Arc::clone(&pulled)), ru()).unwrap();

        assert!(matches!(reader.next(), Some(RowOutcome::Row { .. })));
        assert!(pulled.load(Ordering::Relaxed) <= SNIFF_BYTES + 64 * 1024);
        assert_eq!(reader.count(), 19_999);
        assert_eq!(pulled.load(Ordering::Relaxed), data.len());
    }

    #[test]
    fn invalid_utf8_after_the_sniffed_start_rejects_only_that_row() {
        let mut data = many_rows(4_000);
        assert!(data.len() > SNIFF_BYTES);
        data.extend_from_slice(b"x;Bad \xFF name;\ny;Good name;\n");

        let outcomes: Vec<RowOutcome> = open(&data[..], ru()).unwrap().collect();

        assert_eq!(
            report(&outcomes[4_000..]),
            [
                "line 4002, column name: `Bad \u{FFFD} name` is not valid UTF-8, although the start of the file is"
            ]
        );
        assert_eq!(rows(&outcomes).last().unwrap().line, 4003);
    }

    #[test]
    fn a_read_error_in_the_middle_is_reported_and_ends_the_rows() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk gone"))
            }
        }
        let data = many_rows(4_000);

        let outcomes: Vec<RowOutcome> = open(data.chain(Broken), ru()).unwrap().collect();

        let last = report(&outcomes).pop().unwrap();
        assert!(
            last.starts_with("line ")
                && last.contains("reading stopped: ")
                && last.contains("disk gone"),
            "{last}"
        );
    }
}

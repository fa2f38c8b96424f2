//! Writing the client base as CSV that Excel opens correctly: UTF-8 with a BOM (without it Excel
//! assumes the ANSI code page and garbles Cyrillic) and `;` (the list separator of Russian and
//! most European locales). The header is the canonical one, so the file imports back unchanged.

use std::io::{self, Write};

use super::header::Field;

/// One client to export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportRow {
    /// The id the company knows the client by; re-importing the file updates the same client.
    pub external_id: Option<String>,
    /// The client's name.
    pub name: String,
    /// The organisation.
    pub company: Option<String>,
    /// E.164 numbers, optionally followed by an extension (`+74951234567 доб. 12`).
    pub phones: Vec<String>,
    /// The e-mail address.
    pub email: Option<String>,
    /// Free text; line breaks are kept (the cell is quoted).
    pub address: Option<String>,
    /// Free text; line breaks are kept (the cell is quoted).
    pub notes: Option<String>,
    /// Tags; a tag containing `,` or `;` would be split in two on import.
    pub tags: Vec<String>,
}

/// Writes [`ExportRow`]s; call [`ClientCsvWriter::finish`] to flush.
pub struct ClientCsvWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> ClientCsvWriter<W> {
    /// Writes the BOM and the canonical header to `w`.
    ///
    /// # Errors
    /// When writing to `w` fails; likewise for [`write`](Self::write) and
    /// [`finish`](Self::finish).
    pub fn new(mut w: W) -> io::Result<Self> {
        w.write_all("\u{FEFF}".as_bytes())?;
        let mut csv = csv::WriterBuilder::new()
            .delimiter(b';')
            // Excel on Windows writes and expects CRLF; the importer reads either.
            .terminator(csv::Terminator::CRLF)
            .from_writer(w);
        csv.write_record(Field::ALL.map(Field::canonical))?;
        Ok(ClientCsvWriter { csv })
    }

    /// Writes one client; phones and tags are joined by `, `.
    pub fn write(&mut self, row: &ExportRow) -> io::Result<()> {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        self.csv.write_record([
            text(&row.external_id),
            row.name.clone(),
            text(&row.company),
            row.phones.join(", "),
            text(&row.email),
            text(&row.address),
            text(&row.notes),
            row.tags.join(", "),
        ])?;
        Ok(())
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> io::Result<W> {
        self.csv
            .into_inner()
            .map_err(csv::IntoInnerError::into_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::phone::PhoneRegion;
    use crate::import::csv_read::{RowOutcome, open};

    fn export(rows: &[ExportRow]) -> Vec<u8> {
        let mut writer = ClientCsvWriter::new(Vec::new()).unwrap();
        for row in rows {
            writer.write(row).unwrap();
        }
        writer.finish().unwrap()
    }

    fn sample() -> ExportRow {
        ExportRow {
            external_id: Some("C-001".into()),
            name: "Иванов Иван Иванович".into(),
            company: Some("ООО \"Ромашка\"; филиал".into()),
            phones: vec![
                "+74951234567".into(),
                "+79161234567".into(),
                "+49301234567".into(),
            ],
            email: Some("ivanov@example.ru".into()),
            address: Some("г. Москва,\nул. Ленина, д. 1".into()),
            notes: Some("звонить после 10:00".into()),
            tags: vec!["опт".into(), "VIP".into()],
        }
    }

    #[test]
    fn the_file_starts_with_a_bom_and_the_canonical_semicolon_header() {
        let bytes = export(&[]);
        let expected = "\u{FEFF}external_id;name;company;phones;email;address;notes;tags\r\n";
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    }

    #[test]
    fn phones_and_tags_are_joined_and_special_characters_quoted() {
        let text = String::from_utf8(export(&[sample()])).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with(
            "C-001;Иванов Иван Иванович;\"ООО \"\"Ромашка\"\"; филиал\";\
             +74951234567, +79161234567, +49301234567;ivanov@example.ru;\"г. Москва,"
        ));
        assert!(text.ends_with("ул. Ленина, д. 1\";звонить после 10:00;опт, VIP\r\n"));
    }

    #[test]
    fn exported_rows_import_back_unchanged() {
        let minimal = ExportRow {
            name: "Пётр".into(),
            ..ExportRow::default()
        };
        let rows = vec![sample(), minimal];
        let region = PhoneRegion::parse("RU").unwrap();
        let reader = open(std::io::Cursor::new(export(&rows)), region).unwrap();
        assert_eq!((reader.encoding_name(), reader.delimiter()), ("UTF-8", ';'));
        assert!(reader.header_warnings().is_empty());

        let imported: Vec<ExportRow> = reader.map(back_to_export_row).collect();

        assert_eq!(imported, rows);
    }

    fn back_to_export_row(outcome: RowOutcome) -> ExportRow {
        let RowOutcome::Row { row, warnings } = outcome else {
            panic!("rejected: {outcome:?}")
        };
        assert!(warnings.is_empty(), "{warnings:?}");
        ExportRow {
            external_id: row.external_id,
            name: row.name,
            company: row.company,
            phones: row
                .phones
                .iter()
                .map(|p| p.number.e164().to_owned())
                .collect(),
            email: row.email,
            address: row.address,
            notes: row.notes,
            tags: row.tags,
        }
    }
}

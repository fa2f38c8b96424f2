//! The bytes under the CSV parser: encoding and delimiter sniffing, the BOM, and a guard that
//! keeps one runaway record (an unclosed quote) from pulling the rest of the file into memory.

use std::io::{self, Chain, Cursor, Read};

/// How many bytes are read up front to guess the encoding and the delimiter.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The two encodings client files arrive in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    /// What Russian Excel writes for "CSV (разделители - запятые)".
    Windows1251,
}

impl Encoding {
    /// The WHATWG name, for the import report.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8.name(),
            Encoding::Windows1251 => encoding_rs::WINDOWS_1251.name(),
        }
    }

    /// Decodes one cell. Windows-1251 maps every byte; invalid UTF-8 is an `Err` carrying the
    /// text with `�` in place of the bad bytes.
    pub(crate) fn decode(self, bytes: &[u8]) -> Result<String, String> {
        match self {
            Encoding::Utf8 => String::from_utf8(bytes.to_vec())
                .map_err(|_| String::from_utf8_lossy(bytes).into_owned()),
            Encoding::Windows1251 => Ok(encoding_rs::WINDOWS_1251
                .decode_without_bom_handling(bytes)
                .0
                .into_owned()),
        }
    }
}

/// Reads up to [`SNIFF_BYTES`] (fewer only at the end of the input).
pub(crate) fn read_prefix(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    reader.take(SNIFF_BYTES as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// Removes a UTF-8 byte order mark; returns whether there was one.
pub(crate) fn strip_bom(prefix: &mut Vec<u8>) -> bool {
    let had_bom = prefix.starts_with(UTF8_BOM);
    if had_bom {
        prefix.drain(..UTF8_BOM.len());
    }
    had_bom
}

/// Whether the input starts with a UTF-16 byte order mark (Excel's "Unicode text").
pub(crate) fn is_utf16(prefix: &[u8]) -> bool {
    prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF")
}

/// UTF-8 if the prefix is valid UTF-8, allowing a character cut at the end of the window;
/// otherwise Windows-1251. Cyrillic in Windows-1251 is almost never valid UTF-8, so a false
/// "UTF-8" needs a pure-ASCII prefix, and that decodes the same either way.
pub(crate) fn detect_encoding(prefix: &[u8]) -> Encoding {
    match std::str::from_utf8(prefix) {
        Ok(_) => Encoding::Utf8,
        // `error_len() == None` means the input ended in the middle of a character.
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Windows1251,
    }
}

/// Picks `;`, `,` or tab: whichever occurs most often, outside quotes, on the first non-blank
/// line. A tie goes to `;` (Russian Excel), then `,`. A one-column header gives `,`.
///
/// Works on raw bytes: the three candidates and `"` are ASCII in both encodings.
pub(crate) fn detect_delimiter(prefix: &[u8]) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut in_quotes = false;
    let start = prefix
        .iter()
        .position(|b| !b"\r\n".contains(b))
        .unwrap_or(0);
    for &byte in &prefix[start..] {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => counts
                .iter_mut()
                .filter(|(d, _)| *d == byte)
                .for_each(|c| c.1 += 1),
            _ => {}
        }
    }
    // `max_by_key` keeps the last maximum, so reverse to let the earlier candidate win ties.
    match counts.iter().rev().max_by_key(|(_, n)| *n) {
        Some(&(delimiter, n)) if n > 0 => delimiter,
        _ => b',',
    }
}

/// The byte stream the CSV parser reads: the sniffed prefix, the rest of the input, and a final
/// `\n` so that every record ends with a newline (the line arithmetic in the reader needs it).
pub(crate) type Stream<R> = Chain<Chain<Cursor<Vec<u8>>, R>, &'static [u8]>;

/// Joins the prefix back onto the rest of the input.
pub(crate) fn stream<R: Read>(prefix: Vec<u8>, rest: R) -> Stream<R> {
    Cursor::new(prefix).chain(rest).chain(&b"\n"[..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_is_read_as_utf8() {
        assert_eq!(detect_encoding("Имя;Телефон\n".as_bytes()), Encoding::Utf8);
    }

    #[test]
    fn a_character_cut_at_the_end_of_the_window_is_still_utf8() {
        let bytes = "Имя".as_bytes();
        assert_eq!(detect_encoding(&bytes[..bytes.len() - 1]), Encoding::Utf8);
    }

    #[test]
    fn cyrillic_in_windows_1251_is_read_as_windows_1251() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Имя;Телефон\n");
        assert_eq!(detect_encoding(&bytes), Encoding::Windows1251);
    }

    #[test]
    fn decode_reads_windows_1251_and_reports_invalid_utf8_with_replacement_characters() {
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Иван");
        assert_eq!(Encoding::Windows1251.decode(&cp1251), Ok("Иван".to_owned()));
        assert_eq!(
            Encoding::Utf8.decode("Иван".as_bytes()),
            Ok("Иван".to_owned())
        );
        assert_eq!(
            Encoding::Utf8.decode(b"a\xFFb"),
            Err("a\u{FFFD}b".to_owned())
        );
    }

    #[test]
    fn strip_bom_removes_only_a_leading_bom() {
        let mut with = b"\xEF\xBB\xBFname".to_vec();
        let mut without = b"name".to_vec();
        assert!(strip_bom(&mut with));
        assert!(!strip_bom(&mut without));
        assert_eq!(with, b"name");
        assert_eq!(without, b"name");
    }

    #[test]
    fn delimiter_is_the_most_frequent_candidate_on_the_header_line() {
        assert_eq!(detect_delimiter(b"name;phones;email\na,b,c,d,e\n"), b';');
        assert_eq!(detect_delimiter(b"name,phones,email\n"), b',');
        assert_eq!(detect_delimiter(b"name\tphones\temail\n"), b'\t');
    }

    #[test]
    fn delimiters_inside_quotes_are_not_counted() {
        assert_eq!(detect_delimiter(b"\"a;b;c\",name,phones\n"), b',');
    }

    #[test]
    fn ties_go_to_semicolon_and_one_column_gives_comma() {
        assert_eq!(detect_delimiter(b"name;a,b\n"), b';');
        assert_eq!(detect_delimiter(b"name\n"), b',');
        assert_eq!(detect_delimiter(b"\r\n\r\nname;phones"), b';');
    }
}

//! The CSV parser over the byte stream: reads raw records, knows the physical line each one
//! starts on, and stops a runaway record (an unclosed quote) before it fills the memory.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use csv::ByteRecord;

use super::input::Stream;

/// The largest record (all its fields and quotes) the reader accepts, in bytes. Real rows are a
/// few hundred bytes; only an unclosed quote that swallows the following lines gets near this.
pub(crate) const MAX_RECORD_BYTES: u64 = 1024 * 1024;

/// Raw records, one at a time, with their line numbers.
pub(crate) struct Records<R> {
    csv: csv::Reader<RecordLimit<Stream<R>>>,
    record: ByteRecord,
    /// Shared with the [`RecordLimit`] under the parser: where the current record starts.
    record_start: Arc<AtomicU64>,
    /// The line after the last record read: where a record that fails to read starts.
    next_line: u64,
}

impl<R: Read> Records<R> {
    /// Parses `stream` with `delimiter`.
    pub(crate) fn new(stream: Stream<R>, delimiter: u8) -> Self {
        let (limited, record_start) = RecordLimit::new(stream);
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            // The row rules report a wrong field count; csv would end the whole read with it.
            .flexible(true)
            .delimiter(delimiter)
            // `\n` alone, so that reading a record always consumes its `\n` (see `line`). The `\r`
            // of a CRLF file stays at the end of the last cell, and cells are trimmed.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(limited);
        Records {
            csv,
            record: ByteRecord::new(),
            record_start,
            next_line: 1,
        }
    }

    /// Reads the next record; `Ok(false)` at the end of the input.
    pub(crate) fn advance(&mut self) -> csv::Result<bool> {
        let more = self.csv.read_byte_record(&mut self.record)?;
        self.record_start
            .store(self.csv.position().byte(), Ordering::Relaxed);
        if more {
            self.next_line = self.csv.position().line();
        }
        Ok(more)
    }

    /// The record last read.
    pub(crate) fn record(&self) -> &ByteRecord {
        &self.record
    }

    /// The physical line the record last read starts on.
    ///
    /// The parser's line count is taken after the record's final `\n` (the stream ends with one,
    /// so every record has it): subtract it and the newlines inside quoted cells. csv's own
    /// record position is the end of the previous record, which is wrong after blank lines.
    pub(crate) fn line(&self) -> u64 {
        let inner = self
            .record
            .as_slice()
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.next_line - inner - 1
    }

    /// Why reading stopped, phrased for the report; the line is where the bad record starts
    /// (or a blank line before it).
    pub(crate) fn failure(&self, error: &csv::Error) -> (u64, String) {
        let too_long = match error.kind() {
            csv::ErrorKind::Io(e) => e.get_ref().is_some_and(|e| e.is::<RecordTooLong>()),
            _ => false,
        };
        let reason = if too_long {
            "a record starting here is longer than 1 MiB, probably because a quote is never \
             closed; reading stopped"
                .to_owned()
        } else {
            format!("reading stopped: {error}")
        };
        (self.next_line, reason)
    }
}

/// Fails the read once the record being parsed passes [`MAX_RECORD_BYTES`].
///
/// The CSV parser keeps a whole record in memory; the reader stores the byte offset where the
/// current record starts in `record_start` after each record. An atomic rather than a `Cell`
/// keeps the reader `Send`, so an import can run on a blocking thread.
pub(crate) struct RecordLimit<R> {
    inner: R,
    delivered: u64,
    record_start: Arc<AtomicU64>,
}

/// The error [`RecordLimit`] returns; the reader recognises it to explain what happened.
#[derive(Debug, thiserror::Error)]
#[error("a record is longer than {MAX_RECORD_BYTES} bytes")]
pub(crate) struct RecordTooLong;

impl<R: Read> RecordLimit<R> {
    /// Wraps `inner`; returns the shared record-start offset the reader must keep up to date.
    pub(crate) fn new(inner: R) -> (Self, Arc<AtomicU64>) {
        let record_start = Arc::new(AtomicU64::new(0));
        let limit = RecordLimit {
            inner,
            delivered: 0,
            record_start: Arc::clone(&record_start),
        };
        (limit, record_start)
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let start = self.record_start.load(Ordering::Relaxed);
        if self.delivered.saturating_sub(start) > MAX_RECORD_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, RecordTooLong));
        }
        let n = loop {
            // csv's buffer would pass `Interrupted` up as a failure and end the import.
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => break result?,
            }
        };
        self.delivered += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::input::stream;

    fn lines_of(text: &str) -> Vec<u64> {
        let mut records = Records::new(stream(text.as_bytes().to_vec(), io::empty()), b';');
        let mut lines = Vec::new();
        while records.advance().unwrap() {
            lines.push(records.line());
        }
        lines
    }

    #[test]
    fn lines_are_physical_lines_with_lf_crlf_and_no_final_newline() {
        assert_eq!(lines_of("h\na\nb\n"), [1, 2, 3]);
        assert_eq!(lines_of("h\r\na\r\nb\r\n"), [1, 2, 3]);
        assert_eq!(lines_of("h\na\nb"), [1, 2, 3]);
    }

    #[test]
    fn lines_count_newlines_inside_quotes_and_skipped_blank_lines() {
        assert_eq!(lines_of("h\n\"a\nb\r\nc\";x\nd\n"), [1, 2, 5]);
        assert_eq!(lines_of("\n\nh\n\n\na\n"), [3, 6]);
    }

    #[test]
    fn an_unclosed_quote_stops_reading_at_the_record_limit() {
        let tail = "x;y\n".repeat(MAX_RECORD_BYTES as usize / 4 + 10);
        let text = format!("h;h\nok;ok\n\"open;y\n{tail}");
        let mut records = Records::new(stream(text.into_bytes(), io::empty()), b';');
        assert!(records.advance().unwrap());
        assert!(records.advance().unwrap());
        let error = records.advance().unwrap_err();
        let (line, reason) = records.failure(&error);
        assert_eq!(line, 3);
        assert!(
            reason.starts_with("a record starting here is longer than 1 MiB"),
            "{reason}"
        );
    }

    #[test]
    fn record_limit_fails_reads_once_a_record_is_too_long() {
        let data = vec![b'x'; (MAX_RECORD_BYTES + 10) as usize];
        let (mut limited, record_start) = RecordLimit::new(&data[..]);
        let mut sink = Vec::new();
        let err = limited.read_to_end(&mut sink).unwrap_err();
        assert!(err.get_ref().is_some_and(|e| e.is::<RecordTooLong>()));

        record_start.store(MAX_RECORD_BYTES, Ordering::Relaxed);
        assert!(limited.read_to_end(&mut sink).is_ok());
    }
}

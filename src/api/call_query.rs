//! The call log's query string, parsed once at the boundary into a [`LogFilter`] for the JSON
//! list, the page and the CSV export alike, and its keyset cursor on (started_at, id).

use base64::Engine;
use serde::Deserialize;

use crate::{
    config::Config,
    db::call_log::{LogCursor, LogFilter},
    domain::PhoneNumber,
    error::{AppError, AppResult},
};

/// `GET /calls` and friends; all text because of `#[serde(flatten)]` (see page.rs), and
/// because a page's form sends empty fields, which mean "any".
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LogQuery {
    /// Started at or after (RFC 3339).
    pub from: Option<String>,
    /// Started before (RFC 3339).
    pub to: Option<String>,
    /// inbound / outbound.
    pub direction: Option<String>,
    /// ringing, answered, completed, missed, blocked.
    pub state: Option<String>,
    /// Operator user id.
    pub operator: Option<String>,
    /// Outcome code.
    pub outcome: Option<String>,
    /// Source id.
    pub source: Option<String>,
    /// The PBX queue the call came through.
    pub queue: Option<String>,
    /// The PBX's call id.
    pub pbx_call_id: Option<String>,
    /// Client id.
    pub client: Option<String>,
    /// The full number, any written form.
    pub number: Option<String>,
    /// The last digits of the number (3 to 15).
    pub number_suffix: Option<String>,
    /// true / false.
    pub has_order: Option<String>,
}

/// A field that was given: trimmed, empty means absent.
pub fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// An RFC 3339 instant in ms.
pub fn instant(v: Option<&str>, field: &'static str) -> AppResult<Option<i64>> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| Some(d.timestamp_millis()))
            .map_err(|_| {
                AppError::invalid(
                    field,
                    "expected an RFC 3339 time such as 2026-11-27T00:00:00+03:00",
                )
            }),
    }
}

fn id(v: &Option<String>, field: &'static str) -> AppResult<Option<i64>> {
    given(v)
        .map(|t| match t.parse::<i64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(AppError::invalid(
                field,
                "expected an id (a positive whole number)",
            )),
        })
        .transpose()
}

impl LogQuery {
    /// The filter, or a 422 naming the first bad field.
    pub fn filter(&self, config: &Config) -> AppResult<LogFilter> {
        let from = instant(given(&self.from), "from")?;
        let to = instant(given(&self.to), "to")?;
        if let (Some(a), Some(b)) = (from, to)
            && a >= b
        {
            return Err(AppError::invalid("to", "must be after from"));
        }
        let direction = given(&self.direction).map(str::to_owned);
        if direction
            .as_deref()
            .is_some_and(|d| d != "inbound" && d != "outbound")
        {
            return Err(AppError::invalid(
                "direction",
                "expected inbound or outbound",
            ));
        }
        let state = given(&self.state).map(str::to_owned);
        if let Some(s) = &state
            && crate::calls::state::State::parse(s).is_none()
        {
            return Err(AppError::invalid(
                "state",
                "expected ringing, answered, completed, missed or blocked",
            ));
        }
        let outcome = given(&self.outcome).map(str::to_owned);
        if outcome.as_deref().is_some_and(|o| o.len() > 64) {
            return Err(AppError::invalid(
                "outcome",
                "an outcome code is at most 64 characters",
            ));
        }
        let queue = crate::reports::queue_filter(self.queue.as_deref())?;
        let number = given(&self.number)
            .map(|n| {
                PhoneNumber::parse(n, config.default_region)
                    .map(|p| p.e164().to_owned())
                    .map_err(|e| AppError::invalid("number", e.to_string()))
            })
            .transpose()?;
        Ok(LogFilter {
            from,
            to,
            direction,
            state,
            operator_id: id(&self.operator, "operator")?,
            outcome,
            source_id: given(&self.source).map(str::to_owned),
            queue,
            pbx_call_id: given(&self.pbx_call_id).map(str::to_owned),
            client_id: id(&self.client, "client")?,
            number,
            number_suffix: suffix(given(&self.number_suffix))?,
            has_order: flag(given(&self.has_order))?,
        })
    }
}

/// 3–15 digits; spaces, dashes and brackets as people type them are ignored. Fewer than 3
/// digits would match a tenth or a hundredth of all calls: no longer a search.
fn suffix(v: Option<&str>) -> AppResult<Option<String>> {
    let Some(text) = v else { return Ok(None) };
    let bad = || {
        AppError::invalid(
            "number_suffix",
            "expected the last 3 to 15 digits of a number",
        )
    };
    if text
        .chars()
        .any(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '-' | '(' | ')'))
    {
        return Err(bad());
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if (3..=15).contains(&digits.len()) {
        Ok(Some(digits))
    } else {
        Err(bad())
    }
}

fn flag(v: Option<&str>) -> AppResult<Option<bool>> {
    match v {
        None => Ok(None),
        Some("true" | "1" | "yes") => Ok(Some(true)),
        Some("false" | "0" | "no") => Ok(Some(false)),
        Some(_) => Err(AppError::invalid("has_order", "expected true or false")),
    }
}

/// The opaque cursor of the row a page ended with.
pub fn encode_cursor(c: LogCursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("t:{}:{}", c.started_at, c.id))
}

/// Reads a cursor from [`encode_cursor`]; empty or absent means the first page.
pub fn decode_cursor(v: Option<&str>) -> AppResult<Option<LogCursor>> {
    let Some(c) = v.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || AppError::invalid("cursor", "not a cursor from this API");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.strip_prefix("t:").ok_or_else(bad)?.split(':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(t), Some(i), None) => Ok(Some(LogCursor {
            started_at: t.parse().map_err(|_| bad())?,
            id: i.parse().map_err(|_| bad())?,
        })),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = LogCursor {
            started_at: -5,
            id: 42,
        };
        assert_eq!(decode_cursor(Some(&encode_cursor(c))).unwrap(), Some(c));
        assert_eq!(decode_cursor(Some("")).unwrap(), None);
        assert!(decode_cursor(Some("aWQ6MQ")).is_err()); // "id:1", the id-only cursor
    }

    #[test]
    fn suffixes_need_three_to_fifteen_digits() {
        assert_eq!(suffix(Some("45-67")).unwrap(), Some("4567".into()));
        assert!(suffix(Some("67")).is_err());
        assert!(suffix(Some("45x7")).is_err());
        assert_eq!(flag(Some("yes")).unwrap(), Some(true));
        assert!(flag(Some("maybe")).is_err());
    }
}

//! Keyset pagination: the cursor is the last id of the previous page, opaque to clients.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// A page of items.
#[derive(Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `?cursor=&limit=`.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    /// From the previous page.
    pub cursor: Option<String>,
    /// 1–200, default 50. Text, because `#[serde(flatten)]` hands query values over as
    /// strings and a numeric field would never parse.
    pub limit: Option<String>,
}

impl PageQuery {
    /// The id to continue after (0 for the first page).
    pub fn after(&self) -> AppResult<Option<i64>> {
        let Some(c) = self.cursor.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(c)
            .map_err(|_| AppError::invalid("cursor", "not a cursor from this API"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| AppError::invalid("cursor", "not a cursor from this API"))?;
        text.strip_prefix("id:")
            .and_then(|n| n.parse().ok())
            .map(Some)
            .ok_or_else(|| AppError::invalid("cursor", "not a cursor from this API"))
    }

    /// The page size.
    pub fn limit(&self) -> AppResult<i64> {
        let Some(text) = self.limit.as_deref().filter(|l| !l.is_empty()) else {
            return Ok(50);
        };
        match text.parse::<i64>() {
            Ok(n @ 1..=200) => Ok(n),
            _ => Err(AppError::invalid(
                "limit",
                "must be a whole number between 1 and 200",
            )),
        }
    }
}

/// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
pub fn page<T>(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> Page<T> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| encode(id(r)))
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

/// The cursor that continues after `id`.
pub fn encode(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_rejected() {
        let p = page(vec![1, 2, 3], 2, |x| *x);
        assert_eq!(p.items, vec![1, 2]);
        let q = PageQuery {
            cursor: p.next_cursor,
            limit: None,
        };
        assert_eq!(q.after().unwrap(), Some(2));
        let bad = PageQuery {
            cursor: Some("!!".into()),
            limit: Some("500".into()),
        };
        assert!(bad.after().is_err());
        assert!(bad.limit().is_err());
    }
}

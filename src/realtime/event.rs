//! A live event as the hub routes it: rendered to JSON once, in full and with the caller's
//! number masked, so that delivery to hundreds of subscribers costs no serialisation.

use std::sync::Arc;

use serde_json::Value;

use crate::{db::live::LiveRow, domain::phone::mask_digits};

/// One event for the SSE streams.
#[derive(Debug)]
pub struct LiveEvent {
    /// The outbox id (the SSE id).
    pub id: i64,
    /// `call.ringing`, `call.answered`, `call.ended`, `callback.created`, `callback.closed`, …
    pub kind: String,
    /// The extensions it concerns.
    pub extensions: Vec<String>,
    /// For every ready operator (calls that ring no extension, callbacks).
    pub broadcast: bool,
    /// JSON with full numbers.
    pub full: String,
    /// JSON with the caller's number masked.
    pub masked: String,
}

impl LiveEvent {
    /// Builds the event from an outbox row.
    pub fn from_row(row: &LiveRow) -> Arc<LiveEvent> {
        let extensions: Vec<String> = serde_json::from_str(&row.extensions).unwrap_or_default();
        let masked = match serde_json::from_str::<Value>(&row.data) {
            Ok(mut v) => {
                mask_numbers(&mut v);
                v.to_string()
            }
            Err(_) => row.data.clone(),
        };
        Arc::new(LiveEvent {
            id: row.id,
            kind: row.kind.clone(),
            extensions,
            broadcast: row.broadcast,
            full: row.data.clone(),
            masked,
        })
    }
}

/// Masks every field named `number` (the caller's and the callback's number).
fn mask_numbers(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                match child {
                    Value::String(s) if k == "number" || k == "number_e164" || k == "raw" => {
                        *s = mask_digits(s)
                    }
                    _ => mask_numbers(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_masked_rendering_hides_all_but_the_last_four_digits() {
        let row = LiveRow {
            id: 7,
            kind: "call.ringing".into(),
            extensions: r#"["101"]"#.into(),
            broadcast: false,
            data: r#"{"caller":{"number":"+74951234567","raw":"8 495 123-45-67"},"call_id":3}"#
                .into(),
        };
        let e = LiveEvent::from_row(&row);
        assert!(e.full.contains("+74951234567"));
        assert!(e.masked.contains("+*******4567"), "{}", e.masked);
        assert!(!e.masked.contains("1234567"));
        assert_eq!(e.extensions, vec!["101"]);
    }
}

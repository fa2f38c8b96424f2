//! The rows of the CSV exports: columns, masking of phone numbers, local times, and
//! neutralised free text.

use chrono_tz::Tz;

use crate::{
    db::{call_log::LogRow, order_export::OrderLine},
    domain::{phone::mask_digits, time::from_ms},
};

/// The calls export's columns.
pub const CALL_HEADER: [&str; 17] = [
    "id",
    "started",
    "direction",
    "state",
    "number",
    "client_id",
    "client",
    "operator",
    "wait_seconds",
    "talk_seconds",
    "outcome",
    "note",
    "orders",
    "cause",
    "source",
    "pbx_call_id",
    "queue",
];

/// The orders export's columns.
pub const ORDER_HEADER: [&str; 12] = [
    "id",
    "created",
    "client_id",
    "client",
    "number",
    "status",
    "total",
    "currency",
    "call_id",
    "delivery_date",
    "delivery_address",
    "comment",
];

/// A local time Excel reads as a date: `2026-11-27 10:00:00` in the business time zone.
fn local(ms: i64, tz: Tz) -> String {
    from_ms(ms)
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A number in full or with all but the last four digits masked.
fn number(n: Option<&str>, full: bool) -> String {
    match n {
        Some(n) if full => n.to_owned(),
        Some(n) => mask_digits(n),
        None => String::new(),
    }
}

/// Free text people typed: a cell that starts with `=`, `+`, `-` or `@` would be run by
/// Excel as a formula (CSV injection), so it gets a leading apostrophe.
pub fn text(v: Option<&str>) -> String {
    let v = v.unwrap_or_default();
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Minor units with a decimal comma, as Excel expects it where `;` separates the cells.
fn amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", minor.abs() / 100, minor.abs() % 100)
}

/// One call.
pub fn call_record(r: &LogRow, full: bool, tz: Tz) -> Vec<String> {
    let c = &r.call;
    vec![
        c.id.to_string(),
        local(c.started_at, tz),
        c.direction.clone(),
        c.state.clone(),
        number(c.caller_e164.as_deref(), full),
        opt(c.client_id),
        text(r.client_name.as_deref()),
        text(r.operator_name.as_deref()),
        opt(c.wait_seconds),
        opt(c.talk_seconds),
        opt(r.outcome.as_deref()),
        text(r.note.as_deref()),
        r.order_count.to_string(),
        text(c.cause.as_deref()),
        c.source_id.clone(),
        text(Some(c.pbx_call_id.as_str())),
        text(c.queue.as_deref()),
    ]
}

/// One order.
pub fn order_record(o: &OrderLine, full: bool, tz: Tz) -> Vec<String> {
    vec![
        o.id.to_string(),
        local(o.created_at, tz),
        o.client_id.to_string(),
        text(Some(o.client_name.as_str())),
        number(o.phone.as_deref(), full),
        o.status.clone(),
        amount(o.total_minor),
        o.currency.clone(),
        opt(o.call_id),
        opt(o.delivery_date.as_deref()),
        text(o.delivery_address.as_deref()),
        text(o.comment.as_deref()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_amounts_use_a_comma() {
        assert_eq!(text(Some("=HYPERLINK(\"x\")")), "'=HYPERLINK(\"x\")");
        assert_eq!(text(Some("Ivan")), "Ivan");
        assert_eq!(amount(123_456), "1234,56");
        assert_eq!(amount(-5), "-0,05");
        assert_eq!(number(Some("+74951234567"), false), "+*******4567");
    }
}

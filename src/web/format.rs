//! How numbers, money, times and badges read on the pages.

use super::i18n::desk::Desk;
use crate::{
    config::Language,
    domain::time::Millis,
    segments::{Badge, BadgeKind},
};

/// Minor units as money: `1 234.50 ₽` (thin spaces between thousands).
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let (units, cents) = (abs / 100, abs % 100);
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(ch);
    }
    let symbol = match currency {
        "RUB" => "₽",
        "EUR" => "€",
        "USD" => "$",
        other => other,
    };
    format!("{sign}{grouped}.{cents:02} {symbol}")
}

/// A stored instant as local date and time in the business time zone.
pub fn when(ms: Millis, tz: chrono_tz::Tz, lang: Language) -> String {
    let t = crate::domain::time::from_ms(ms).with_timezone(&tz);
    match lang {
        Language::Ru => t.format("%d.%m.%Y %H:%M").to_string(),
        Language::En => t.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The value of a `datetime-local` input for an instant.
pub fn local_input(ms: Millis, tz: chrono_tz::Tz) -> String {
    let t = crate::domain::time::from_ms(ms).with_timezone(&tz);
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// A badge for a page: its CSS code, its label and the reason in words.
pub struct BadgeView {
    /// key / regular / new / overdue / dormant.
    pub code: &'static str,
    /// The label.
    pub label: &'static str,
    /// The reason, for the tooltip.
    pub reason: String,
}

/// Puts a badge into words.
pub fn badge(b: &Badge, t: &Desk, lang: Language, currency: &str) -> BadgeView {
    let label = match b.kind {
        BadgeKind::Key => t.badge_key,
        BadgeKind::Regular => t.badge_regular,
        BadgeKind::New => t.badge_new,
        BadgeKind::Overdue => t.badge_overdue,
        BadgeKind::Dormant => t.badge_dormant,
    };
    let r = &b.reason;
    let revenue = money(r.revenue_minor, currency);
    let since = r.days_since_last.unwrap_or(0);
    let gap = r
        .usual_gap_days
        .map(|g| g.to_string())
        .unwrap_or_else(|| "—".into());
    let reason = match lang {
        Language::En => format!(
            "{} orders, {revenue} in 12 months; last order {since} days ago; usual gap {gap} days",
            r.orders
        ),
        Language::Ru => format!(
            "{} заказов на {revenue} за 12 месяцев; последний {since} дн. назад; обычный интервал {gap} дн.",
            r.orders
        ),
    };
    BadgeView {
        code: b.kind.code(),
        label,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_kopecks() {
        assert_eq!(money(123_456_789, "RUB"), "1\u{202f}234\u{202f}567.89 ₽");
        assert_eq!(money(5, "EUR"), "0.05 €");
        assert_eq!(money(-100_000, "XYZ"), "-1\u{202f}000.00 XYZ");
    }

    #[test]
    fn times_read_in_the_business_time_zone() {
        let ms = 1_800_000_000_000; // 2027-01-15T08:00:00Z
        assert_eq!(
            when(ms, chrono_tz::Europe::Moscow, Language::Ru),
            "15.01.2027 11:00"
        );
        assert_eq!(local_input(ms, chrono_tz::UTC), "2027-01-15T08:00");
    }
}

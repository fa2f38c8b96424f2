//! The simple badge rule over one client's orders (recency, frequency, revenue): the fallback
//! for a client the stored segmentation does not cover yet (a first order since the last run)
//! or no longer covers (no order in the scoring period — then rule 2 makes them dormant).
//!
//! Over the last 365 days, first match wins:
//! 1. no orders ever → no badge;
//! 2. last order more than 180 days ago → dormant;
//! 3. at least 3 orders and the time since the last one is over twice the median gap → overdue;
//! 4. first order within the last 60 days → new;
//! 5. 12 or more orders in the period → key;
//! 6. 3 or more orders in the period → regular;
//! 7. otherwise no badge.

use super::{
    Badge, BadgeKind, Reason,
    rhythm::{DAY, is_overdue, median_gap_days},
};
use crate::domain::time::Millis;

/// The badge for orders given as (created_at, total_minor), oldest first.
pub fn badge(orders: &[(Millis, i64)], now: Millis) -> Option<Badge> {
    let (first, last) = (orders.first()?.0, orders.last()?.0);
    let recent: Vec<_> = orders.iter().filter(|o| o.0 >= now - 365 * DAY).collect();
    let times: Vec<Millis> = orders.iter().map(|o| o.0).collect();
    let gaps = median_gap_days(&times);
    let days_since_last = (now - last).max(0) / DAY;
    let reason = Reason {
        orders: recent.len() as i64,
        revenue_minor: recent.iter().map(|o| o.1).sum(),
        days_since_last: Some(days_since_last),
        usual_gap_days: gaps,
        ..Reason::default()
    };
    let kind = if days_since_last > 180 {
        BadgeKind::Dormant
    } else if is_overdue(orders.len(), gaps, days_since_last) {
        BadgeKind::Overdue
    } else if now - first <= 60 * DAY {
        BadgeKind::New
    } else if recent.len() >= 12 {
        BadgeKind::Key
    } else if recent.len() >= 3 {
        BadgeKind::Regular
    } else {
        return None;
    };
    Some(Badge { kind, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_800_000_000_000;

    fn at(days_ago: i64) -> (Millis, i64) {
        (NOW - days_ago * DAY, 10_000)
    }

    fn kind(orders: &[(Millis, i64)]) -> Option<BadgeKind> {
        badge(orders, NOW).map(|b| b.kind)
    }

    #[test]
    fn no_orders_no_badge() {
        assert_eq!(kind(&[]), None);
    }

    #[test]
    fn a_long_silence_is_dormant() {
        assert_eq!(kind(&[at(400), at(200)]), Some(BadgeKind::Dormant));
    }

    #[test]
    fn weekly_buyer_silent_for_a_month_is_overdue_with_reason() {
        let orders = [at(58), at(51), at(44), at(37), at(30)];
        let b = badge(&orders, NOW).unwrap();
        assert_eq!(b.kind, BadgeKind::Overdue);
        assert_eq!(b.reason.usual_gap_days, Some(7));
        assert_eq!(b.reason.days_since_last, Some(30));
        assert_eq!(b.reason.orders, 5);
        assert_eq!(b.reason.revenue_minor, 50_000);
    }

    #[test]
    fn first_order_last_month_is_new() {
        assert_eq!(kind(&[at(20)]), Some(BadgeKind::New));
    }

    #[test]
    fn monthly_on_rhythm_is_regular_and_frequent_is_key() {
        let monthly: Vec<_> = (0..6).map(|i| at(170 - i * 30)).collect();
        assert_eq!(kind(&monthly), Some(BadgeKind::Regular));
        let weekly: Vec<_> = (0..20).map(|i| at(140 - i * 7)).collect();
        assert_eq!(kind(&weekly), Some(BadgeKind::Key));
    }

    #[test]
    fn one_old_order_says_nothing() {
        assert_eq!(kind(&[at(100)]), None);
    }
}

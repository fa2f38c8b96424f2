//! "Overdue" from each client's own rhythm.
//!
//! Rule (issue 5 leaves the choice open): a client with at least [`MIN_ORDERS`] orders is
//! overdue when the whole days since their last order exceed [`FACTOR`] × their median gap
//! between consecutive orders (in whole days, at least 1). Why the median and not the mean:
//! one long holiday break should not make a weekly buyer look monthly. Why 3 orders: two
//! orders make one gap, which is no rhythm. The reason shown is the two numbers:
//! "usually orders every N days; last order M days ago".

use crate::domain::time::Millis;

/// A day in milliseconds.
pub const DAY: Millis = 86_400_000;
/// Orders needed before a rhythm is trusted.
pub const MIN_ORDERS: usize = 3;
/// How many usual gaps of silence make a client overdue.
pub const FACTOR: i64 = 2;

/// The median gap in whole days between consecutive orders (times sorted oldest first); the
/// upper of the two middle gaps for an even count. None with fewer than 2 orders.
pub fn median_gap_days(times: &[Millis]) -> Option<i64> {
    let mut gaps: Vec<i64> = times.windows(2).map(|w| (w[1] - w[0]) / DAY).collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable();
    Some(gaps[gaps.len() / 2])
}

/// Whether a client with `orders` orders, this median gap and this silence is overdue.
pub fn is_overdue(orders: usize, median_gap: Option<i64>, days_since_last: i64) -> bool {
    orders >= MIN_ORDERS && median_gap.is_some_and(|g| days_since_last > FACTOR * g.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_buyer_silent_for_three_weeks_is_overdue() {
        let t: Vec<Millis> = [0, 7, 14, 21].iter().map(|d| d * DAY).collect();
        assert_eq!(median_gap_days(&t), Some(7));
        assert!(is_overdue(4, Some(7), 15));
        assert!(!is_overdue(4, Some(7), 14));
    }

    #[test]
    fn two_orders_are_no_rhythm() {
        assert!(!is_overdue(2, Some(7), 100));
        assert_eq!(median_gap_days(&[5]), None);
    }

    #[test]
    fn same_day_orders_count_as_a_one_day_rhythm() {
        assert_eq!(median_gap_days(&[0, 1000, 2000]), Some(0));
        assert!(is_overdue(3, Some(0), 3));
        assert!(!is_overdue(3, Some(0), 2));
    }
}

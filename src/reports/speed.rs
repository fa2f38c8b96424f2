//! Callback speed: how fast missed callers were reached.
//!
//! Issue 5: "of missed callers with a callback task: share reached (task closed by an answered
//! call) within 20 min and within the same business day; median time to reach". Decided here:
//! - a task belongs to the period of its first missed call (by that call's start);
//! - the clock starts when that call ended (the caller hung up) and stops when the call that
//!   closed the task was answered, inbound or outbound — event times, not processing times;
//! - "within 20 min" is ≤ 20 minutes; "the same business day" compares the two instants'
//!   dates in the business time zone;
//! - with an operator filter the denominator stays every task of the period, and only tasks
//!   that operator reached count as reached, so the operators' shares add up to the team's.

use chrono::TimeZone;
use chrono_tz::Tz;
use serde::Serialize;

use crate::db::reports::CallbackTrip;

/// Twenty minutes in milliseconds.
pub const WITHIN_MS: i64 = 20 * 60_000;

/// The callback-speed figures of a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CallbackSpeed {
    /// Missed-call tasks opened in the period.
    pub tasks: i64,
    /// Of those, reached by an answered call.
    pub reached: i64,
    /// Reached within 20 minutes.
    pub within_20_min: i64,
    /// Reached on the same business day.
    pub same_day: i64,
    /// Median seconds to reach (None: nobody reached).
    pub median_seconds: Option<f64>,
}

/// The figures over `trips`, counting as reached only those `operator` reached (all when None).
pub fn callback_speed(trips: &[CallbackTrip], operator: Option<i64>, tz: Tz) -> CallbackSpeed {
    let mut waits: Vec<i64> = Vec::new();
    let mut s = CallbackSpeed {
        tasks: trips.len() as i64,
        ..CallbackSpeed::default()
    };
    for t in trips {
        let Some(reached) = t.reached_at else {
            continue;
        };
        if operator.is_some() && t.reached_by != operator {
            continue;
        }
        let wait = (reached - t.missed_at).max(0);
        s.reached += 1;
        s.within_20_min += i64::from(wait <= WITHIN_MS);
        s.same_day += i64::from(local_date(t.missed_at, tz) == local_date(reached, tz));
        waits.push(wait);
    }
    s.median_seconds = median(&mut waits).map(|ms| ms / 1000.0);
    s
}

fn local_date(ms: i64, tz: Tz) -> Option<chrono::NaiveDate> {
    tz.timestamp_millis_opt(ms).single().map(|t| t.date_naive())
}

/// The median (the mean of the two middle values for an even count).
pub fn median(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] as f64 + values[n / 2] as f64) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    // 2026-11-27 10:00 UTC = 13:00 in Moscow.
    const T0: i64 = 1_795_773_600_000;

    fn trip(after_min: Option<i64>, by: i64) -> CallbackTrip {
        CallbackTrip {
            missed_at: T0,
            reached_at: after_min.map(|m| T0 + m * MIN),
            reached_by: Some(by),
        }
    }

    #[test]
    fn shares_and_median_over_reached_tasks() {
        let trips = [
            trip(Some(5), 1),
            trip(Some(20), 1),
            trip(Some(120), 2),
            trip(Some(700), 2), // 00:40 the next day in Moscow
            trip(None, 1),
        ];
        let s = callback_speed(&trips, None, chrono_tz::Europe::Moscow);
        assert_eq!(
            (s.tasks, s.reached, s.within_20_min, s.same_day),
            (5, 4, 2, 3)
        );
        assert_eq!(s.median_seconds, Some(70.0 * 60.0));
        let one = callback_speed(&trips, Some(2), chrono_tz::Europe::Moscow);
        assert_eq!((one.tasks, one.reached, one.within_20_min), (5, 2, 0));
    }

    #[test]
    fn median_of_nothing_is_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3, 1, 2]), Some(2.0));
    }
}

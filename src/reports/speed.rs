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
//!
//! [`callback_speed`] computes the figures from the tasks' rows, as the definition reads; the
//! reports use [`from_database`], which has the database count and pick the median over the
//! times copied onto each task (a year is 425,000 tasks in the benchmark: sending them to Rust
//! cost more than the target). The API tests check that both give the same figures.

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use crate::db::{
    Db, DbResult,
    reports::{self as q, CallbackTrip, Scope},
};
use crate::domain::time::Millis;

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

/// The same figures, counted by the database (see the module docs).
pub async fn from_database(db: &Db, s: &Scope, tz: Tz) -> DbResult<CallbackSpeed> {
    let sums = q::callback_sums(db, s, &offsets(tz, s.from, s.to)).await?;
    let median_seconds = q::callback_median(db, s, sums.reached).await?;
    Ok(CallbackSpeed {
        tasks: sums.tasks,
        reached: sums.reached,
        within_20_min: sums.within_20_min,
        same_day: sums.same_day,
        median_seconds,
    })
}

const DAY_MS: Millis = 86_400_000;
const HOUR_MS: Millis = 3_600_000;

/// The UTC offsets (ms) of `tz` that decide "the same business day" for the tasks of the
/// period [from, to), as `(since, offset)` pairs: the first offset holds before the second
/// pair's instant, and so on. They cover [from, to + 2 days]: a task of the period was missed
/// after `from`, and one reached more than two days after `to` is not reached on the same day
/// whatever the offset.
pub fn offsets(tz: Tz, from: Millis, to: Millis) -> Vec<(Millis, Millis)> {
    let to = to + 2 * DAY_MS;
    let at = |ms: Millis| {
        tz.timestamp_millis_opt(ms)
            .single()
            .map_or(0, |t| i64::from(t.offset().fix().local_minus_utc()) * 1000)
    };
    let mut out = vec![(from, at(from))];
    // Offsets change at most a few times a year, never twice within an hour: step by hours,
    // then find each change to the millisecond.
    let mut t = from;
    while t < to {
        let next = (t + HOUR_MS).min(to);
        let offset = at(next);
        if offset != out[out.len() - 1].1 {
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if at(mid) == offset {
                    hi = mid
                } else {
                    lo = mid
                }
            }
            out.push((hi, offset));
        }
        t = next;
    }
    out
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
    fn offsets_change_at_the_clock_changes() {
        let berlin = chrono_tz::Europe::Berlin;
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let jan = 1_767_225_600_000; // 2026-01-01T00:00Z
        let dec = 1_798_761_600_000; // 2027-01-01T00:00Z
        let o = offsets(berlin, jan, dec);
        assert_eq!(
            o,
            vec![
                (jan, HOUR_MS),
                (1_774_746_000_000, 2 * HOUR_MS),
                (1_792_890_000_000, HOUR_MS)
            ]
        );
        assert_eq!(
            offsets(chrono_tz::Europe::Moscow, jan, dec),
            vec![(jan, 3 * HOUR_MS)]
        );
    }

    #[test]
    fn median_of_nothing_is_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3, 1, 2]), Some(2.0));
    }
}

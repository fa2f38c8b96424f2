//! When calls come and how long callers wait: by hour of day and day of week in the business
//! time zone, and wait-time buckets of 15 s up to 90+ s.
//!
//! The database sums per 15-minute bucket of UTC time (`db::reports::bucket_sums`); each bucket
//! lies inside one local hour because every time zone's offset is a multiple of 15 minutes, so
//! folding buckets into local hours here is exact, daylight saving included.

use chrono::{Datelike, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::Serialize;

use super::kpi::divide;
use crate::db::reports::{BUCKET_MS, BucketSums, WaitBucket};

/// Calls of one hour of the day or one day of the week.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Slot {
    /// 0–23 for hours; 1 (Monday) – 7 (Sunday) for weekdays.
    pub key: u32,
    /// Offered calls.
    pub offered: i64,
    /// Answered.
    pub answered: i64,
    /// Missed.
    pub missed: i64,
    /// Σ wait of answered ÷ answered (seconds).
    pub asa: Option<f64>,
    /// Σ talk ÷ answered (seconds).
    pub average_talk: Option<f64>,
    #[serde(skip)]
    wait: i64,
    #[serde(skip)]
    talk: i64,
}

/// One wait-time bucket.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WaitRow {
    /// "0–15 s", …, "90+ s".
    pub label: &'static str,
    /// Smallest wait in it (seconds; the first bucket starts at 0).
    pub min_seconds: i64,
    /// Largest wait in it (None for the last, open bucket).
    pub max_seconds: Option<i64>,
    /// Answered calls that waited this long.
    pub answered: i64,
    /// Missed calls whose caller waited this long before hanging up.
    pub missed: i64,
    /// Answered calls up to and including this bucket.
    pub answered_cumulative: i64,
    /// answered_cumulative ÷ all answered.
    pub answered_cumulative_share: Option<f64>,
}

/// The labels of the wait buckets, in order.
pub const WAIT_LABELS: [&str; 7] = [
    "0–15 s",
    "16–30 s",
    "31–45 s",
    "46–60 s",
    "61–75 s",
    "76–90 s",
    "90+ s",
];

/// The distribution of a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distribution {
    /// 24 slots, hour 0 first.
    pub by_hour: Vec<Slot>,
    /// 7 slots, Monday first.
    pub by_weekday: Vec<Slot>,
    /// 7 wait buckets.
    pub wait: Vec<WaitRow>,
}

/// Folds the 15-minute sums into local hours and weekdays and lays out the wait buckets.
pub fn distribution(buckets: &[BucketSums], waits: &[WaitBucket], tz: Tz) -> Distribution {
    let mut by_hour: Vec<Slot> = (0..24).map(slot).collect();
    let mut by_weekday: Vec<Slot> = (1..=7).map(slot).collect();
    for b in buckets {
        let Some(local) = tz.timestamp_millis_opt(b.bucket * BUCKET_MS).single() else {
            continue;
        };
        add(&mut by_hour[local.hour() as usize], b);
        add(
            &mut by_weekday[local.weekday().number_from_monday() as usize - 1],
            b,
        );
    }
    for s in by_hour.iter_mut().chain(by_weekday.iter_mut()) {
        s.asa = divide(s.wait, s.answered);
        s.average_talk = divide(s.talk, s.answered);
    }
    Distribution {
        by_hour,
        by_weekday,
        wait: wait_rows(waits),
    }
}

fn slot(key: u32) -> Slot {
    Slot {
        key,
        ..Slot::default()
    }
}

fn add(s: &mut Slot, b: &BucketSums) {
    s.offered += b.offered;
    s.answered += b.answered;
    s.missed += b.missed;
    s.wait += b.answered_wait;
    s.talk += b.answered_talk;
}

fn wait_rows(waits: &[WaitBucket]) -> Vec<WaitRow> {
    let all: i64 = waits.iter().map(|w| w.answered).sum();
    let mut cumulative = 0;
    (0..7)
        .map(|i| {
            let found = waits.iter().find(|w| w.bucket == i as i64);
            let answered = found.map_or(0, |w| w.answered);
            cumulative += answered;
            WaitRow {
                label: WAIT_LABELS[i],
                min_seconds: if i == 0 { 0 } else { i as i64 * 15 + 1 },
                max_seconds: (i < 6).then_some((i as i64 + 1) * 15),
                answered,
                missed: found.map_or(0, |w| w.missed),
                answered_cumulative: cumulative,
                answered_cumulative_share: divide(cumulative, all),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_fold_into_local_hours_and_weekdays() {
        // 2026-11-27 (a Friday) 10:00 UTC = 13:00 Moscow; 22:00 UTC = 01:00 Saturday.
        let ten = 1_795_773_600_000 / BUCKET_MS;
        let b = |bucket, offered, answered| BucketSums {
            bucket,
            offered,
            answered,
            answered_wait: answered * 10,
            ..BucketSums::default()
        };
        let d = distribution(
            &[b(ten, 3, 2), b(ten + 3, 1, 1), b(ten + 48, 2, 0)],
            &[],
            chrono_tz::Europe::Moscow,
        );
        assert_eq!(d.by_hour[13].offered, 4);
        assert_eq!(d.by_hour[13].asa, Some(10.0));
        assert_eq!(d.by_hour[1].offered, 2);
        assert_eq!(d.by_hour[1].asa, None);
        assert_eq!(d.by_weekday[4].offered, 4, "Friday");
        assert_eq!(d.by_weekday[5].offered, 2, "Saturday");
    }

    #[test]
    fn wait_buckets_are_cumulated() {
        let w = |bucket, answered| WaitBucket {
            bucket,
            answered,
            missed: 1,
        };
        let rows = wait_rows(&[w(0, 3), w(6, 1)]);
        assert_eq!(rows.len(), 7);
        assert_eq!(rows[1].answered_cumulative, 3);
        assert_eq!(rows[1].missed, 0);
        assert_eq!(rows[6].answered_cumulative_share, Some(1.0));
        assert_eq!((rows[6].min_seconds, rows[6].max_seconds), (91, None));
        assert_eq!((rows[1].min_seconds, rows[1].max_seconds), (16, Some(30)));
    }
}

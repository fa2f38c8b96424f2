//! The KPI formulas — the one place that turns sums into KPIs, each with its formula text.
//!
//! The definitions are issue 5's table, quoted in each doc comment; the `formula` strings are
//! what the pages show "one click away". The database only sums (`db::reports`); every
//! division happens here. Ratios are fractions 0–1, `None` (JSON null) when the denominator
//! is 0.

use serde::Serialize;

use super::speed::CallbackSpeed;
use crate::db::reports::BucketSums;

/// A KPI value: a count (integers stay integers in JSON) or a real number.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Num {
    /// Calls, orders, minor units.
    Count(i64),
    /// Ratios, averages, medians.
    Real(f64),
}

/// What a KPI's value measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of calls.
    Calls,
    /// A fraction 0–1 (pages show a percentage).
    Ratio,
    /// Seconds.
    Seconds,
    /// Minor units of the configured currency.
    MinorUnits,
}

/// One KPI: its value, the parts it was divided from, and its formula in words.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Kpi {
    /// The value; null when it is a ratio or average over nothing.
    pub value: Option<Num>,
    /// What it measures.
    pub unit: Unit,
    /// For ratios and averages: the dividend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<i64>,
    /// For ratios and averages: the divisor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<i64>,
    /// The definition, in the words of issue 5.
    pub formula: &'static str,
}

impl Kpi {
    fn count(value: i64, unit: Unit, formula: &'static str) -> Kpi {
        Kpi {
            value: Some(Num::Count(value)),
            unit,
            numerator: None,
            denominator: None,
            formula,
        }
    }

    fn ratio(numerator: i64, denominator: i64, unit: Unit, formula: &'static str) -> Kpi {
        Kpi {
            value: divide(numerator, denominator).map(Num::Real),
            unit,
            numerator: Some(numerator),
            denominator: Some(denominator),
            formula,
        }
    }

    fn real(value: Option<f64>, unit: Unit, formula: &'static str) -> Kpi {
        Kpi {
            value: value.map(Num::Real),
            unit,
            numerator: None,
            denominator: None,
            formula,
        }
    }
}

/// `a ÷ b`, or None when b is 0.
pub fn divide(a: i64, b: i64) -> Option<f64> {
    (b != 0).then(|| a as f64 / b as f64)
}

/// Every KPI of issue 5, in the order of its table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Kpis {
    /// "inbound calls that rang (blocked calls excluded)".
    pub offered: Kpi,
    /// "offered calls that were answered".
    pub answered: Kpi,
    /// "offered calls that ended unanswered and were not forwarded".
    pub missed: Kpi,
    /// "missed calls with wait < S seconds".
    pub short_abandons: Kpi,
    /// "(missed − short abandons) ÷ (offered − short abandons)".
    pub abandon_rate: Kpi,
    /// "sum of wait_seconds of answered calls ÷ answered".
    pub asa: Kpi,
    /// "sum of talk_seconds ÷ answered".
    pub average_talk: Kpi,
    /// "(talk + wrap-up) ÷ answered calls that have an outcome".
    pub aht: Kpi,
    /// "answered with wait ≤ T seconds ÷ (offered − short abandons)".
    pub service_level: Kpi,
    /// "answered calls with an order linked ÷ answered".
    pub conversion: Kpi,
    /// "total of orders linked to calls in the period".
    pub revenue: Kpi,
    /// Revenue "per answered call".
    pub revenue_per_answered: Kpi,
    /// Callback speed: "share reached (task closed by an answered call) within 20 min".
    pub callbacks_within_20_min: Kpi,
    /// Callback speed: share reached "within the same business day".
    pub callbacks_same_day: Kpi,
    /// Callback speed: "median time to reach".
    pub callback_median_seconds: Kpi,
    /// "answered calls from a client who had another answered call in the previous 7 days ÷
    /// answered calls from known clients".
    pub repeat_call_rate: Kpi,
}

/// The settings the formulas depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    /// S: a missed call that waited less is a short abandon.
    pub short_abandon_seconds: i64,
    /// T: an answered call that waited at most this long counts for the service level.
    pub service_level_seconds: i64,
}

/// Adds up the sums of several buckets.
pub fn total(buckets: &[BucketSums]) -> BucketSums {
    buckets.iter().fold(BucketSums::default(), |mut t, b| {
        t.offered += b.offered;
        t.answered += b.answered;
        t.missed += b.missed;
        t.short_abandons += b.short_abandons;
        t.answered_wait += b.answered_wait;
        t.answered_talk += b.answered_talk;
        t.within_threshold += b.within_threshold;
        t.handled += b.handled;
        t.handle_seconds += b.handle_seconds;
        t.converted += b.converted;
        t.revenue_minor += b.revenue_minor;
        t.known += b.known;
        t.repeats += b.repeats;
        t
    })
}

/// The KPIs of a period from its sums and its callback trips.
pub fn compute(t: &BucketSums, speed: &CallbackSpeed) -> Kpis {
    use Unit::*;
    let short = t.short_abandons;
    Kpis {
        offered: Kpi::count(
            t.offered,
            Calls,
            "calls that rang in the period, in the chosen direction (inbound unless stated), blocked calls excluded",
        ),
        answered: Kpi::count(t.answered, Calls, "offered calls that were answered"),
        missed: Kpi::count(
            t.missed,
            Calls,
            "offered calls that ended unanswered and were not forwarded",
        ),
        short_abandons: Kpi::count(short, Calls, "missed calls with wait < S seconds"),
        abandon_rate: Kpi::ratio(
            t.missed - short,
            t.offered - short,
            Ratio,
            "(missed − short abandons) ÷ (offered − short abandons)",
        ),
        asa: Kpi::ratio(
            t.answered_wait,
            t.answered,
            Seconds,
            "sum of wait_seconds of answered calls ÷ answered",
        ),
        average_talk: Kpi::ratio(
            t.answered_talk,
            t.answered,
            Seconds,
            "sum of talk_seconds of answered calls ÷ answered",
        ),
        aht: Kpi::ratio(
            t.handle_seconds,
            t.handled,
            Seconds,
            "(talk + wrap-up) ÷ answered calls that have an outcome; wrap-up = outcome saved − hang-up, capped",
        ),
        service_level: Kpi::ratio(
            t.within_threshold,
            t.offered - short,
            Ratio,
            "answered with wait ≤ T seconds ÷ (offered − short abandons)",
        ),
        conversion: Kpi::ratio(
            t.converted,
            t.answered,
            Ratio,
            "answered calls with an order linked (not cancelled) ÷ answered",
        ),
        revenue: Kpi::count(
            t.revenue_minor,
            MinorUnits,
            "total of the orders (not cancelled) linked to the answered calls of the period",
        ),
        revenue_per_answered: Kpi::ratio(
            t.revenue_minor,
            t.answered,
            MinorUnits,
            "revenue ÷ answered",
        ),
        callbacks_within_20_min: Kpi::ratio(
            speed.within_20_min,
            speed.tasks,
            Ratio,
            "of missed callers with a callback task: share reached (task closed by an answered call) within 20 min of the missed call's end",
        ),
        callbacks_same_day: Kpi::ratio(
            speed.same_day,
            speed.tasks,
            Ratio,
            "of missed callers with a callback task: share reached (task closed by an answered call) on the same business day as the missed call",
        ),
        callback_median_seconds: Kpi::real(
            speed.median_seconds,
            Seconds,
            "median time from the missed call's end to the answer of the call that reached the caller",
        ),
        repeat_call_rate: Kpi::ratio(
            t.repeats,
            t.known,
            Ratio,
            "answered calls from a client who had another answered call in the previous 7 days ÷ answered calls from known clients",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums() -> BucketSums {
        BucketSums {
            bucket: 0,
            offered: 10,
            answered: 6,
            missed: 4,
            short_abandons: 2,
            answered_wait: 60,
            answered_talk: 600,
            within_threshold: 5,
            handled: 4,
            handle_seconds: 500,
            converted: 3,
            revenue_minor: 90_000,
            known: 5,
            repeats: 1,
        }
    }

    #[test]
    fn ratios_follow_the_issue_table() {
        let k = compute(&sums(), &CallbackSpeed::default());
        assert_eq!(k.abandon_rate.value, Some(Num::Real(2.0 / 8.0)));
        assert_eq!(k.asa.value, Some(Num::Real(10.0)));
        assert_eq!(k.average_talk.value, Some(Num::Real(100.0)));
        assert_eq!(k.aht.value, Some(Num::Real(125.0)));
        assert_eq!(k.service_level.value, Some(Num::Real(5.0 / 8.0)));
        assert_eq!(k.conversion.value, Some(Num::Real(0.5)));
        assert_eq!(k.revenue_per_answered.value, Some(Num::Real(15_000.0)));
        assert_eq!(k.repeat_call_rate.value, Some(Num::Real(0.2)));
        assert_eq!(k.abandon_rate.numerator, Some(2));
        assert_eq!(k.abandon_rate.denominator, Some(8));
    }

    #[test]
    fn a_ratio_over_nothing_is_null() {
        let k = compute(&BucketSums::default(), &CallbackSpeed::default());
        assert_eq!(k.offered.value, Some(Num::Count(0)));
        assert_eq!(k.abandon_rate.value, None);
        assert_eq!(k.callbacks_within_20_min.value, None);
        assert_eq!(k.callback_median_seconds.value, None);
        let json = serde_json::to_value(&k).unwrap();
        assert!(json["asa"]["value"].is_null());
        assert_eq!(json["offered"]["value"], 0);
    }

    #[test]
    fn total_adds_every_field() {
        let t = total(&[sums(), sums()]);
        assert_eq!(t.offered, 20);
        assert_eq!(t.repeats, 2);
        assert_eq!(t.revenue_minor, 180_000);
    }
}

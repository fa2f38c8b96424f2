//! Call-centre reports: the KPIs of issue 5 over a period, their distribution over hours,
//! weekdays and wait times, the per-operator table, and SVG charts of them.
//!
//! # Layout
//! - [`aggregate`]: where the sums come from — slot aggregates where exact, calls elsewhere.
//! - [`kpi`]: the formulas (the one place that divides), with their texts.
//! - [`speed`]: callback speed from the missed-call tasks of the period.
//! - [`distribution`]: by hour, by weekday (business time zone), wait buckets.
//! - [`operators`]: the per-operator table.
//! - [`charts`]: SVG pictures (pure functions returning strings).
//!
//! Which calls a report counts: those that *started* in the half-open period [from, to),
//! in the asked direction (inbound by default), blocked calls excluded; with `operator`, only
//! the calls that operator answered (so missed calls, which nobody answered, drop out —
//! `offered`, `missed` and the rates then describe that operator's answered calls only); with
//! `queue`, only the calls that came through that queue (its missed-call tasks are those its
//! missed calls opened; calls without a queue are counted only when no queue is asked). The
//! SQL sums live in `db::reports`.

pub mod aggregate;
pub mod charts;
pub mod distribution;
pub mod kpi;
pub mod operators;
pub mod speed;
pub mod wallboard;

use chrono::{DateTime, Days, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use crate::{
    config::Config,
    db::{Db, DbResult, reports as q, reports::Scope},
    domain::time::Millis,
    error::{AppError, AppResult},
};

/// The longest period a report may cover: a year and a bit (a leap year plus slack).
pub const MAX_PERIOD_DAYS: i64 = 400;

/// The longest queue name a filter may give: queue names are short words ("sales"), and a
/// longer text is a mistake, not a queue.
pub const MAX_QUEUE_LEN: usize = 200;

/// What a report is asked for, as text from a query string.
#[derive(Clone, Copy, Debug, Default)]
pub struct Asked<'a> {
    /// RFC 3339; default: the start of today in the business time zone.
    pub from: Option<&'a str>,
    /// RFC 3339; default: a day after `from`.
    pub to: Option<&'a str>,
    /// `inbound` (default) or `outbound`.
    pub direction: Option<&'a str>,
    /// One answering operator.
    pub operator_id: Option<i64>,
    /// One queue (empty = every queue).
    pub queue: Option<&'a str>,
}

/// Reads the period (defaults: today in the business time zone), the direction and the
/// queue, and checks them.
pub fn scope(asked: Asked<'_>, tz: Tz, now: Millis) -> AppResult<Scope> {
    let Asked {
        from,
        to,
        direction,
        operator_id,
        queue,
    } = asked;
    let from = match instant(from, "from")? {
        Some(t) => t,
        None => local_midnight(now, tz),
    };
    let to = match instant(to, "to")? {
        Some(t) => t,
        None => next_midnight(from, tz),
    };
    if to <= from {
        return Err(AppError::invalid("to", "must be later than from"));
    }
    if to - from > MAX_PERIOD_DAYS * 86_400_000 {
        return Err(AppError::invalid(
            "to",
            format!("a report covers at most {MAX_PERIOD_DAYS} days"),
        ));
    }
    let direction = match direction.filter(|d| !d.is_empty()) {
        None | Some("inbound") => "inbound",
        Some("outbound") => "outbound",
        Some(_) => {
            return Err(AppError::invalid(
                "direction",
                "expected inbound or outbound",
            ));
        }
    };
    Ok(Scope {
        from,
        to,
        direction: direction.to_owned(),
        operator_id,
        queue: queue_filter(queue)?,
    })
}

/// A queue filter as typed: trimmed, blank = every queue (None), too long = a 422. The
/// reports and the call log read `queue=` through this one function.
pub fn queue_filter(queue: Option<&str>) -> AppResult<Option<String>> {
    let queue = queue.map(str::trim).filter(|q| !q.is_empty());
    if queue.is_some_and(|q| q.chars().count() > MAX_QUEUE_LEN) {
        return Err(AppError::invalid(
            "queue",
            format!("a queue name has at most {MAX_QUEUE_LEN} characters"),
        ));
    }
    Ok(queue.map(str::to_owned))
}

fn instant(v: Option<&str>, field: &'static str) -> AppResult<Option<Millis>> {
    match v.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|d| Some(d.timestamp_millis()))
            .map_err(|_| {
                AppError::invalid(
                    field,
                    "expected an RFC 3339 time such as 2026-11-27T00:00:00+03:00",
                )
            }),
    }
}

/// The start of the business day that contains `t`.
fn local_midnight(t: Millis, tz: Tz) -> Millis {
    let Some(local) = tz.timestamp_millis_opt(t).single() else {
        return t;
    };
    let day = local.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&day)
        .earliest()
        .map_or(t, |d| d.timestamp_millis())
}

/// The start of the business day after the one that contains `t`.
fn next_midnight(t: Millis, tz: Tz) -> Millis {
    let start = local_midnight(t, tz);
    tz.timestamp_millis_opt(start)
        .single()
        .and_then(|d| d.date_naive().checked_add_days(Days::new(1)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| tz.from_local_datetime(&d).earliest())
        .map_or(start + 86_400_000, |d| d.timestamp_millis())
}

/// The KPIs of a period with the thresholds they used.
#[derive(Clone, Debug, Serialize)]
pub struct KpiReport {
    /// S and T.
    pub thresholds: kpi::Thresholds,
    /// The KPIs.
    pub kpis: kpi::Kpis,
}

/// What the dashboard page shows: the KPIs, the distribution and the operator table. Their
/// five queries run side by side, and the bucket sums both the KPIs and the distribution are
/// made of are read once. The page and the benchmark (benches/reports.rs) both call this.
pub async fn dashboard(
    db: &Db,
    config: &Config,
    s: &Scope,
) -> DbResult<(
    KpiReport,
    distribution::Distribution,
    Vec<operators::OperatorRow>,
)> {
    let (buckets, speed, waits, calls, tasks) = tokio::try_join!(
        aggregate::bucket_sums(db, config, s),
        speed::from_database(db, s, config.time_zone),
        aggregate::wait_buckets(db, config, s),
        aggregate::operator_sums(db, config, s),
        q::tasks_done(db, s.from, s.to, s.queue.as_deref())
    )?;
    Ok((
        kpi_report(config, &buckets, &speed),
        distribution::distribution(&buckets, &waits, config.time_zone),
        operator_rows(s, &calls, tasks),
    ))
}

/// The queues a filter can name: those of the aggregated slots of the 90 days before the
/// period's end (the aggregates are small; the calls themselves can be millions).
pub async fn queues(db: &Db, s: &Scope) -> DbResult<Vec<String>> {
    const QUEUES_DAYS: i64 = 90;
    let since = s.to - QUEUES_DAYS * crate::segments::rhythm::DAY;
    crate::db::aggregates::queues(db, &s.direction, since, s.to).await
}

/// Computes every KPI of the period.
pub async fn kpis(db: &Db, config: &Config, s: &Scope) -> DbResult<KpiReport> {
    // Independent queries, side by side on two pool connections (both cores).
    let (buckets, speed) = tokio::try_join!(
        aggregate::bucket_sums(db, config, s),
        speed::from_database(db, s, config.time_zone)
    )?;
    Ok(kpi_report(config, &buckets, &speed))
}

fn kpi_report(
    config: &Config,
    buckets: &[q::BucketSums],
    speed: &speed::CallbackSpeed,
) -> KpiReport {
    KpiReport {
        thresholds: kpi::Thresholds {
            short_abandon_seconds: config.calls.short_abandon_seconds,
            service_level_seconds: config.reports.service_level_seconds,
        },
        kpis: kpi::compute(&kpi::total(buckets), speed),
    }
}

/// The distribution of the period's calls.
pub async fn distribution(
    db: &Db,
    config: &Config,
    s: &Scope,
) -> DbResult<distribution::Distribution> {
    let (buckets, waits) = tokio::try_join!(
        aggregate::bucket_sums(db, config, s),
        aggregate::wait_buckets(db, config, s)
    )?;
    Ok(distribution::distribution(
        &buckets,
        &waits,
        config.time_zone,
    ))
}

/// The per-operator table of the period.
pub async fn operators(
    db: &Db,
    config: &Config,
    s: &Scope,
) -> DbResult<Vec<operators::OperatorRow>> {
    let (calls, tasks) = tokio::try_join!(
        aggregate::operator_sums(db, config, s),
        q::tasks_done(db, s.from, s.to, s.queue.as_deref())
    )?;
    Ok(operator_rows(s, &calls, tasks))
}

fn operator_rows(
    s: &Scope,
    calls: &[q::OperatorSums],
    mut tasks: Vec<q::TasksDone>,
) -> Vec<operators::OperatorRow> {
    if let Some(op) = s.operator_id {
        tasks.retain(|t| t.operator_id == op);
    }
    operators::operator_rows(calls, &tasks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOSCOW: Tz = chrono_tz::Europe::Moscow;

    #[test]
    fn the_default_period_is_today_in_the_business_time_zone() {
        // 2026-11-27 22:30 UTC is already 28 November in Moscow.
        let now = 1_795_773_600_000 + 12 * 3_600_000 + 1_800_000;
        let s = scope(Asked::default(), MOSCOW, now).unwrap();
        assert_eq!(
            crate::domain::time::rfc3339(s.from),
            "2026-11-27T21:00:00.000Z"
        );
        assert_eq!(s.to - s.from, 86_400_000);
        assert_eq!(s.direction, "inbound");
    }

    #[test]
    fn bad_periods_and_directions_are_refused() {
        let now = 1_795_773_600_000;
        let a = Some("2026-11-27T00:00:00+03:00");
        let ask = |from, to, direction, queue| Asked {
            from,
            to,
            direction,
            operator_id: None,
            queue,
        };
        assert!(scope(ask(a, a, None, None), MOSCOW, now).is_err());
        let long = ask(a, Some("2028-01-01T00:00:00Z"), None, None);
        assert!(scope(long, MOSCOW, now).is_err());
        assert!(scope(ask(Some("yesterday"), None, None, None), MOSCOW, now).is_err());
        assert!(scope(ask(a, None, Some("sideways"), None), MOSCOW, now).is_err());
        let huge = "q".repeat(MAX_QUEUE_LEN + 1);
        assert!(scope(ask(a, None, None, Some(&huge)), MOSCOW, now).is_err());
        let out = Asked {
            operator_id: Some(3),
            ..ask(a, None, Some("outbound"), Some(" sales "))
        };
        let out = scope(out, MOSCOW, now).unwrap();
        assert_eq!(
            (
                out.direction.as_str(),
                out.operator_id,
                out.queue.as_deref()
            ),
            ("outbound", Some(3), Some("sales"))
        );
        let blank = scope(ask(a, None, None, Some("  ")), MOSCOW, now).unwrap();
        assert_eq!(blank.queue, None);
    }
}

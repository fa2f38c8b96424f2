//! Recomputing the segmentation of the whole base: orders of the period in, one stored row per
//! client and a run summary out.
//!
//! The server runs it at start and every `[reports] segments_refresh_minutes`
//! (`app::segments_refresh`), and a manager may run it on demand
//! (`POST /api/v1/reports/segments/recompute`). Two runs at once (two instances on one
//! PostgreSQL, or a manual run during a scheduled one) are harmless: a stored row is only
//! replaced by a run that started later, and each run deletes only rows older than itself.

use std::collections::HashMap;

use chrono::{Months, TimeZone, Utc};

use super::{abc, rfm, rhythm, rhythm::DAY};
use crate::{
    config::ReportsConfig,
    db::{
        Db, DbResult,
        segments::{self as store, RunRow, SegmentRow},
    },
    domain::time::{Millis, now_ms},
};

/// One client's orders in the period.
#[derive(Clone, Debug, Default)]
struct History {
    times: Vec<Millis>,
    revenue: i64,
}

/// The start of the scoring period: `months` calendar months before `now` (UTC).
pub fn period_start(now: Millis, months: u32) -> Millis {
    Utc.timestamp_millis_opt(now)
        .single()
        .and_then(|t| t.checked_sub_months(Months::new(months)))
        .map_or(now - i64::from(months) * 30 * DAY, |t| t.timestamp_millis())
}

/// Scores every client of `orders` — (client_id, created_at, total_minor), oldest first — at
/// `now`. Returns the rows, ordered by revenue rank, and the Pareto curve.
pub fn score(orders: &[(i64, Millis, i64)], now: Millis) -> (Vec<SegmentRow>, Vec<(f64, f64)>) {
    let mut by_client: HashMap<i64, History> = HashMap::new();
    for &(client, at, total) in orders {
        let h = by_client.entry(client).or_default();
        h.times.push(at);
        h.revenue += total;
    }
    let mut clients: Vec<(i64, History)> = by_client.into_iter().collect();
    // Revenue rank order: most revenue first, ties by client id.
    clients.sort_by(|a, b| b.1.revenue.cmp(&a.1.revenue).then(a.0.cmp(&b.0)));
    let revenues: Vec<i64> = clients.iter().map(|c| c.1.revenue).collect();
    let days: Vec<i64> = clients.iter().map(|c| days_since(now, &c.1)).collect();
    let r = rfm::scores(&days.iter().map(|d| -d).collect::<Vec<_>>());
    let f = rfm::scores(
        &clients
            .iter()
            .map(|c| c.1.times.len() as i64)
            .collect::<Vec<_>>(),
    );
    let m = rfm::scores(&revenues);
    let classes = abc::classify(&revenues);
    let rows = clients
        .iter()
        .enumerate()
        .map(|(i, (client_id, h))| {
            let gap = rhythm::median_gap_days(&h.times);
            SegmentRow {
                client_id: *client_id,
                computed_at: now,
                orders: h.times.len() as i64,
                revenue_minor: h.revenue,
                first_order_at: h.times.first().copied().unwrap_or(now),
                last_order_at: h.times.last().copied().unwrap_or(now),
                recency_days: days[i],
                r_score: i64::from(r[i]),
                f_score: i64::from(f[i]),
                m_score: i64::from(m[i]),
                segment: rfm::segment_of(r[i], f[i], m[i]).code().to_owned(),
                abc: classes[i].code().to_owned(),
                revenue_rank: i as i64 + 1,
                median_gap_days: gap.filter(|_| h.times.len() >= rhythm::MIN_ORDERS),
                overdue: rhythm::is_overdue(h.times.len(), gap, days[i]),
            }
        })
        .collect();
    (rows, abc::curve(&revenues))
}

fn days_since(now: Millis, h: &History) -> i64 {
    h.times.last().map_or(0, |&t| (now - t).max(0) / DAY)
}

/// Recomputes and stores the segmentation at `now`; returns the run's summary.
pub async fn recompute(db: &Db, cfg: &ReportsConfig, now: Millis) -> DbResult<RunRow> {
    let started = now_ms();
    let from = period_start(now, cfg.rfm_months);
    let orders = store::orders_in_period(db, from, now).await?;
    let (rows, curve) = score(&orders, now);
    store::upsert_segments(db, &rows).await?;
    store::delete_older_than(db, now).await?;
    let run = RunRow {
        computed_at: now,
        period_from: from,
        period_to: now,
        clients: rows.len() as i64,
        revenue_minor: rows.iter().map(|r| r.revenue_minor).sum(),
        pareto_clients: rows.iter().filter(|r| r.abc == "A").count() as i64,
        curve: serde_json::to_string(&curve).unwrap_or_else(|_| "[]".into()),
        duration_ms: now_ms() - started,
    };
    store::insert_run(db, &run).await?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_795_773_600_000;

    fn order(client: i64, days_ago: i64, total: i64) -> (i64, Millis, i64) {
        (client, NOW - days_ago * DAY, total)
    }

    #[test]
    fn a_small_base_is_scored_ranked_and_classified() {
        // Client 1: weekly, big, recent; 2: three orders long ago at a 7-day rhythm (overdue);
        // 3: one order yesterday; 4: one small order long ago.
        let mut orders = vec![
            order(1, 21, 30_000),
            order(1, 14, 30_000),
            order(1, 7, 30_000),
            order(1, 1, 30_000),
            order(2, 200, 10_000),
            order(2, 193, 10_000),
            order(2, 186, 10_000),
            order(3, 1, 5_000),
            order(4, 300, 1_000),
        ];
        orders.sort_by_key(|o| o.1);
        let (rows, curve) = score(&orders, NOW);
        let ids: Vec<i64> = rows.iter().map(|r| r.client_id).collect();
        assert_eq!(ids, vec![1, 2, 3, 4], "by revenue");
        let codes: Vec<(i64, i64, i64)> = rows
            .iter()
            .map(|r| (r.r_score, r.f_score, r.m_score))
            .collect();
        // Recency days 1, 186, 1, 300 → ranks 2, 1, 2, 0 of n−1 = 3 → 4, 2, 4, 1.
        assert_eq!(codes, vec![(4, 5, 5), (2, 4, 4), (4, 1, 2), (1, 1, 1)]);
        let segs: Vec<&str> = rows.iter().map(|r| r.segment.as_str()).collect();
        assert_eq!(segs, vec!["champions", "cant_lose", "new", "lost"]);
        let classes: Vec<&str> = rows.iter().map(|r| r.abc.as_str()).collect();
        // 120,000 of 156,000 = 76.9 % before client 2 → A; before 3: 96.2 % → C.
        assert_eq!(classes, vec!["A", "A", "C", "C"]);
        assert!(rows[1].overdue && !rows[0].overdue);
        assert_eq!(rows[1].median_gap_days, Some(7));
        assert_eq!(rows[2].median_gap_days, None);
        assert_eq!(curve.last(), Some(&(1.0, 1.0)));
    }

    #[test]
    fn the_period_is_calendar_months_back() {
        let from = period_start(NOW, 12);
        assert_eq!(
            crate::domain::time::rfc3339(from),
            "2025-11-27T10:00:00.000Z"
        );
    }
}

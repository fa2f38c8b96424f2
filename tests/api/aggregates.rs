//! The report aggregates give exactly the raw results: on a seeded fortnight of calls, every
//! KPI, the distribution and the operator table are computed from `calls` alone and through
//! the aggregates (whole hours aggregated, edges and changed hours raw), before and after late
//! changes the job has not summed yet — on SQLite and PostgreSQL, for a whole-hour time zone
//! and one with a half-hour offset (15-minute slots).

use chrono_tz::Tz;
use orderline::{
    config::Config,
    db::{
        Db,
        reports::{self as q, Scope},
        seed, seed_calls,
        users::{NewUser, insert_user},
    },
    domain::Role,
    reports::{self, aggregate, distribution, kpi, operators, speed},
};

use crate::helpers::{TestApp, exec, spawn_app_with};

const DAY: i64 = 86_400_000;
/// 2026-11-27T10:17:00Z: not on an hour, so the seeded calls are not either.
const END: i64 = 1_795_774_620_000;

async fn seeded(tz: Tz) -> (TestApp, Vec<i64>) {
    let app = spawn_app_with(|c| {
        c.time_zone = tz;
        c.aggregates.refresh_seconds = 0;
    })
    .await;
    seed::seed_clients(&app.db, 0, 120).await.unwrap();
    let mut ops = Vec::new();
    for i in 0..4 {
        let login = format!("agg-operator-{i}");
        let user = NewUser {
            login: &login,
            display_name: &login,
            role: Role::Operator,
            extension: None,
            password_hash: "!",
        };
        ops.push(insert_user(&app.db, &user).await.unwrap());
    }
    let plan = seed_calls::CallSeed {
        clients: 120,
        calls: 2_500,
        orders: 900,
        operators: ops.clone(),
        end: END,
        span: 14 * DAY,
    };
    seed_calls::seed_calls(&app.db, &plan).await.unwrap();
    (app, ops)
}

fn scope(from: i64, to: i64, direction: &str, operator_id: Option<i64>) -> Scope {
    Scope {
        from,
        to,
        direction: direction.into(),
        operator_id,
        queue: None,
    }
}

/// Every figure from `calls` only, and through `reports` (aggregates where usable); asserts
/// they are equal and returns the raw totals.
pub(crate) async fn compare(db: &Db, config: &Config, s: &Scope) -> q::BucketSums {
    let (short, t) = (
        config.calls.short_abandon_seconds,
        config.reports.service_level_seconds,
    );
    let raw = q::bucket_sums(db, s, short, t).await.unwrap();
    let waits = q::wait_buckets(db, s).await.unwrap();
    let ops = q::operator_sums(db, s).await.unwrap();
    let trips = q::callback_trips(db, s).await.unwrap();
    let speed = speed::callback_speed(&trips, s.operator_id, config.time_zone);
    let raw_kpis = kpi::compute(&kpi::total(&raw), &speed);

    let via = reports::kpis(db, config, s).await.unwrap();
    assert_eq!(via.kpis, raw_kpis, "KPIs of {s:?}");
    let dist = reports::distribution(db, config, s).await.unwrap();
    assert_eq!(
        dist,
        distribution::distribution(&raw, &waits, config.time_zone),
        "distribution of {s:?}"
    );
    let agg_ops = aggregate::operator_sums(db, config, s).await.unwrap();
    assert_eq!(agg_ops, ops, "operator sums of {s:?}");
    assert_eq!(
        operators::operator_rows(&agg_ops, &[]),
        operators::operator_rows(&ops, &[])
    );
    kpi::total(&raw)
}

fn periods(op: i64) -> Vec<Scope> {
    vec![
        scope(END - 14 * DAY - 7 * 60_000, END + 60_000, "inbound", None),
        scope(END - 10 * DAY + 1_234, END - 3 * DAY - 999, "inbound", None),
        scope(END - 13 * DAY, END - 12 * DAY, "inbound", Some(op)),
        scope(END - 14 * DAY, END, "outbound", None),
        // A period inside one hour: all raw.
        scope(
            END - 5 * DAY + 60_000,
            END - 5 * DAY + 1_800_000,
            "inbound",
            None,
        ),
        // One queue (the seeded calls come through `sales`, `support` or none).
        queued(scope(END - 10 * DAY + 1_234, END, "inbound", None), "sales"),
        queued(
            scope(END - 13 * DAY, END - 12 * DAY, "inbound", Some(op)),
            "support",
        ),
        queued(scope(END - 14 * DAY, END, "outbound", None), "support"),
    ]
}

fn queued(s: Scope, queue: &str) -> Scope {
    Scope {
        queue: Some(queue.into()),
        ..s
    }
}

async fn equal_both_ways(tz: Tz) {
    let (app, ops) = seeded(tz).await;
    let (db, config) = (&app.db, &app.config);
    let all = periods(ops[1]);

    // Before the first run nothing is aggregated: reports read calls.
    let p = aggregate::plan(db, config, all[0].from, all[0].to)
        .await
        .unwrap();
    assert!(p.aggregated.is_empty());
    let first = aggregate::refresh(db, config, END).await.unwrap();
    assert!(first.rebuilt);
    let p = aggregate::plan(db, config, all[0].from, all[0].to)
        .await
        .unwrap();
    assert_eq!(
        p.raw.len(),
        2,
        "only the edges are raw after a rebuild: {p:?}"
    );
    let totals = compare(db, config, &all[0]).await;
    assert!(totals.offered > 1_000 && totals.repeats > 0 && totals.converted > 0);
    let sales = compare(db, config, &queued(all[0].clone(), "sales")).await;
    let support = compare(db, config, &queued(all[0].clone(), "support")).await;
    assert!(
        sales.offered > 0
            && support.offered > 0
            && sales.offered + support.offered < totals.offered,
        "a fifth of the calls come through no queue: {} + {} of {}",
        sales.offered,
        support.offered,
        totals.offered
    );
    assert!(totals.short_abandons > 0 && totals.handled > 0 && totals.within_threshold > 0);
    for s in &all {
        compare(db, config, s).await;
    }

    // Late changes: a missed call answered after all, an order on an old call, a wrap-up
    // deleted, a call moved to another client (as a merge does), a late call from a known
    // client days ago (it makes the client's later calls repeats), a queue.
    let h = END - 6 * DAY;
    exec(db, &format!("UPDATE calls SET state = 'completed', answered_at = started_at + 9000, operator_id = {o}, talk_seconds = 77 WHERE id = (SELECT MIN(id) FROM calls WHERE state = 'missed' AND direction = 'inbound')", o = ops[1]), &[]).await;
    exec(db, "UPDATE orders SET status = 'cancelled' WHERE id = (SELECT MIN(id) FROM orders WHERE call_id IS NOT NULL)", &[]).await;
    exec(
        db,
        "DELETE FROM wrapups WHERE id = (SELECT MAX(id) FROM wrapups)",
        &[],
    )
    .await;
    exec(db, "UPDATE calls SET client_id = 7 WHERE id = 1200", &[]).await;
    exec(
        db,
        "UPDATE calls SET queue = 'sales' WHERE id IN (100, 101, 102, 1500)",
        &[],
    )
    .await;
    exec(
        db,
        &format!(
            "INSERT INTO calls (id, source_id, pbx_call_id, direction, state, caller_kind, client_id, operator_id, \
             started_at, answered_at, ended_at, wait_seconds, talk_seconds, created_at, updated_at) \
             VALUES (9001, 'late', 'x', 'inbound', 'completed', 'client', 11, {o}, {h}, {a}, {e}, 3, 50, {h}, {h})",
            a = h + 3_000,
            e = h + 53_000,
            o = ops[0]
        ),
        &[],
    ).await;
    let p = aggregate::plan(db, config, all[0].from, all[0].to)
        .await
        .unwrap();
    assert!(p.raw.len() > 3, "changed hours are read raw: {p:?}");
    for s in &all {
        compare(db, config, s).await;
    }

    // The job sums them; the results stay the same.
    let second = aggregate::refresh(db, config, END).await.unwrap();
    assert!(!second.rebuilt && second.slots > 0);
    let p = aggregate::plan(db, config, all[0].from, all[0].to)
        .await
        .unwrap();
    assert_eq!(p.raw.len(), 2, "{p:?}");
    for s in &all {
        compare(db, config, s).await;
    }
}

#[tokio::test]
async fn aggregates_equal_raw_calls_in_whole_hour_zone() {
    equal_both_ways(chrono_tz::Europe::Moscow).await;
}

#[tokio::test]
async fn aggregates_equal_raw_calls_in_half_hour_zone() {
    equal_both_ways(chrono_tz::Asia::Kolkata).await;
}

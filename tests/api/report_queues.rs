//! Reports for one queue (`?queue=`): the KPIs, the missed-call tasks and the operator table
//! count only the calls that came through it — read from the calls, then again from the slot
//! aggregates — and the dashboard offers the queues it has seen. On SQLite and PostgreSQL.
//!
//! The day (2026-11-27, UTC; Moscow is the business time zone):
//!
//! | call | from | ring | queue | what |
//! |---|---|---|---|---|
//! | s1 | N1 | 07:00 | sales | answered by olga (101) |
//! | s2 | N2 | 08:00 | sales | missed: opens a task |
//! | p1 | N3 | 09:00 | support | answered by olga |
//! | n1 | N4 | 10:00 | (none) | missed: opens a task |
//! | p2 | N2 | 11:00 | support | answered by olga: reaches s2's task |

use orderline::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, ms, spawn_app_with};

const FROM: &str = "2026-11-27T00:00:00%2B03:00";
const TO: &str = "2026-11-28T00:00:00%2B03:00";

/// Posts a call: rings at `hh`:00:00 UTC, answered by 101 after 10 s and ended 2 minutes
/// later, or hung up unanswered after 30 s.
async fn call(app: &TestApp, id: &str, from: &str, hh: u32, queue: Option<&str>, answered: bool) {
    let at = |m: u32, s: u32| format!("2026-11-27T{hh:02}:{m:02}:{s:02}Z");
    let mut events = vec![
        json!({"call_id": id, "type": "ringing", "at": at(0, 0), "from": from, "extensions": ["101"]}),
    ];
    if answered {
        events
            .push(json!({"call_id": id, "type": "answered", "at": at(0, 10), "extension": "101"}));
        events.push(json!({"call_id": id, "type": "hangup", "at": at(2, 10)}));
    } else {
        events.push(json!({"call_id": id, "type": "hangup", "at": at(0, 30), "cause": "cancel"}));
    }
    for e in &mut events {
        if let Some(q) = queue {
            e["queue"] = json!(q);
        }
    }
    let (status, answer) = app.post_events(&Value::Array(events)).await;
    assert_eq!(status, 200, "{answer}");
}

async fn the_day() -> (TestApp, i64) {
    // The aggregates are built by hand below, not by the background job.
    let app = spawn_app_with(|c| c.aggregates.refresh_seconds = 0).await;
    let olga = app
        .add_user("olga", Role::Operator, Some("101"), "correct-horse")
        .await;
    call(&app, "s1", "+4930111111", 7, Some("sales"), true).await;
    call(&app, "s2", "+4930222222", 8, Some("sales"), false).await;
    call(&app, "p1", "+4930333333", 9, Some("support"), true).await;
    call(&app, "n1", "+4930444444", 10, None, false).await;
    call(&app, "p2", "+4930222222", 11, Some("support"), true).await;
    (app, olga)
}

/// offered, answered, missed, and the share of tasks reached within 20 minutes (null: none).
async fn kpis(app: &TestApp, queue: &str) -> (Value, Value, Value, Value) {
    let path = format!("/api/v1/reports/kpis?from={FROM}&to={TO}&queue={queue}");
    let (status, k) = app.get_json(&path, &app.admin_token).await;
    assert_eq!(status, 200, "{k}");
    assert_eq!(
        k["queue"],
        if queue.is_empty() {
            Value::Null
        } else {
            json!(queue)
        }
    );
    let v = |key: &str| k["kpis"][key]["value"].clone();
    (
        v("offered"),
        v("answered"),
        v("missed"),
        v("callbacks_same_day"),
    )
}

/// Olga's calls handled and callbacks done in the operator table.
async fn olga_row(app: &TestApp, olga: i64, queue: &str) -> (Value, Value) {
    let path = format!("/api/v1/reports/operators?from={FROM}&to={TO}&queue={queue}");
    let (status, t) = app.get_json(&path, &app.admin_token).await;
    assert_eq!(status, 200, "{t}");
    let rows = t["operators"].as_array().expect("rows");
    match rows.iter().find(|r| r["operator_id"] == olga) {
        Some(r) => (r["calls_handled"].clone(), r["callbacks_done"].clone()),
        None => (json!(0), json!(0)),
    }
}

async fn every_figure_per_queue(app: &TestApp, olga: i64) {
    let (one, zero, none) = (json!(1), json!(0), Value::Null);
    assert_eq!(
        kpis(app, "").await,
        (json!(5), json!(3), json!(2), json!(0.5)),
        "every queue: two tasks, s2's reached the same day"
    );
    assert_eq!(
        kpis(app, "sales").await,
        (json!(2), one.clone(), one.clone(), json!(1.0)),
        "sales: s2's task was reached (by a call in support: a task is its missed call's)"
    );
    assert_eq!(
        kpis(app, "support").await,
        (json!(2), json!(2), zero.clone(), none.clone()),
        "support: no missed call, no task"
    );
    assert_eq!(
        kpis(app, "nobody").await,
        (zero.clone(), zero.clone(), zero.clone(), none),
    );
    assert_eq!(olga_row(app, olga, "").await, (json!(3), one.clone()));
    assert_eq!(
        olga_row(app, olga, "sales").await,
        (one.clone(), one),
        "s2's task is a sales task, though p2, a support call, closed it"
    );
    assert_eq!(olga_row(app, olga, "support").await, (json!(2), zero));
}

#[tokio::test]
async fn a_report_for_one_queue_counts_only_its_calls_from_calls_and_from_aggregates() {
    let (app, olga) = the_day().await;
    every_figure_per_queue(&app, olga).await;

    // The slots are built; whole hours now come from them, with the same figures.
    let end = ms("2026-11-28T00:00:00Z");
    let r = orderline::reports::aggregate::refresh(&app.db, &app.config, end)
        .await
        .unwrap();
    assert!(r.rebuilt);
    let p = orderline::reports::aggregate::plan(
        &app.db,
        &app.config,
        ms("2026-11-26T21:00:00Z"),
        ms("2026-11-27T21:00:00Z"),
    )
    .await
    .unwrap();
    assert!(p.raw.is_empty() && !p.aggregated.is_empty(), "{p:?}");
    every_figure_per_queue(&app, olga).await;

    // The dashboard keeps the filter and offers the queues of the slots.
    app.add_user("mary", Role::Manager, None, "correct-horse")
        .await;
    let c = app.logged_in("mary", "correct-horse").await;
    let path = format!("/manager/dashboard?from={FROM}&to={TO}&queue=sales");
    let (status, html) = crate::manager::page(&c, &app, &path).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"name="queue" value="sales""#), "{html}");
    assert!(
        html.contains(r#"<option value="sales"><option value="support"></datalist>"#),
        "{html}"
    );
}

#[tokio::test]
async fn a_queue_name_that_cannot_be_one_is_refused() {
    let app = spawn_app_with(|_| {}).await;
    let long = "q".repeat(201);
    let (status, e) = app
        .get_json(
            &format!("/api/v1/reports/kpis?queue={long}"),
            &app.admin_token,
        )
        .await;
    assert_eq!((status, e["field"].as_str()), (422, Some("queue")), "{e}");
    let (status, k) = app
        .get_json("/api/v1/reports/kpis?queue=%20%20", &app.admin_token)
        .await;
    assert_eq!(
        (status, &k["queue"]),
        (200, &Value::Null),
        "blank is every queue"
    );
}

#[tokio::test]
async fn a_task_takes_the_queue_its_call_learns_later() {
    let (app, _) = the_day().await;
    // l1 from N5, missed at 12:00 with no queue: its hang-up opens a task. Then the PBX tells
    // of a second ring of the same call, inside the sales queue (after its voice menu): the
    // call's start stays, its queue is now sales, and so is its task's.
    let at = |s: u32| format!("2026-11-27T12:00:{s:02}Z");
    let first = json!([
        {"call_id": "l1", "type": "ringing", "at": at(0), "from": "+4930555555", "extensions": ["101"]},
        {"call_id": "l1", "type": "hangup", "at": at(30), "cause": "cancel"},
    ]);
    let (status, answer) = app.post_events(&first).await;
    assert_eq!(status, 200, "{answer}");
    let (_, _, missed, _) = kpis(&app, "sales").await;
    assert_eq!(missed, json!(1), "l1 is in no queue yet");
    let ring = json!({"call_id": "l1", "type": "ringing", "at": at(10), "from": "+4930555555",
        "extensions": ["101"], "queue": "sales"});
    let (status, answer) = app.post_events(&ring).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        kpis(&app, "sales").await,
        (json!(3), json!(1), json!(2), json!(0.5)),
        "sales: l1's task counts with s2's, and it was not reached"
    );
    let all = kpis(&app, "").await.3.as_f64().expect("a share");
    assert!(
        (all - 1.0 / 3.0).abs() < 1e-9,
        "every queue: three tasks, one reached: {all}"
    );
}

//! Callback speed counted by the database (migration 0011: each task carries copies of its
//! calls' times) gives what the definition gives over the tasks' rows read through their
//! calls: across a daylight-saving change, where "the same business day" needs the offset in
//! force at each instant, and after a call changes under a task that was already written.

use orderline::{
    db::reports::{Scope, callback_trips},
    domain::Role,
    reports::speed,
};
use serde_json::json;

use crate::helpers::{TestApp, exec, ms, spawn_app_with};

/// A call from `from` that rings at `ring` and ends at `end` (UTC times on 2026-10-dd),
/// answered by extension 101 at `answer` when given.
async fn call(
    app: &TestApp,
    id: &str,
    from: &str,
    day: u32,
    ring: &str,
    answer: Option<&str>,
    end: &str,
) {
    let at = |t: &str| format!("2026-10-{day:02}T{t}Z");
    let mut events = vec![json!({"call_id": id, "type": "ringing", "from": from,
        "direction": "inbound", "extensions": ["101"], "at": at(ring)})];
    if let Some(a) = answer {
        events.push(json!({"call_id": id, "type": "answered", "extension": "101", "at": at(a)}));
    }
    let cause = if answer.is_some() { "normal" } else { "cancel" };
    events.push(json!({"call_id": id, "type": "hangup", "cause": cause, "at": at(end)}));
    for e in &events {
        let (code, body) = app.post_events(e).await;
        assert_eq!(code, 200, "{body}");
    }
}

async fn both(app: &TestApp, s: &Scope) -> speed::CallbackSpeed {
    let tz = app.config.time_zone;
    let trips = callback_trips(&app.db, s).await.unwrap();
    let reference = speed::callback_speed(&trips, s.operator_id, tz);
    let counted = speed::from_database(&app.db, s, tz).await.unwrap();
    assert_eq!(counted, reference, "{s:?}");
    counted
}

#[tokio::test]
async fn the_database_counts_callback_speed_as_the_definition_across_a_clock_change() {
    // Berlin leaves summer time on 2026-10-25 at 01:00 UTC (03:00 CEST → 02:00 CET).
    let app = spawn_app_with(|c| c.time_zone = chrono_tz::Europe::Berlin).await;
    let first = app
        .add_user("speed-one", Role::Operator, Some("101"), "pw-one-1234")
        .await;
    let second = app
        .add_user("speed-two", Role::Operator, Some("102"), "pw-two-1234")
        .await;
    // A: missed 23:50 CEST on the 24th, reached 00:05 on the 25th: within 20 min, next day.
    call(&app, "a1", "+4930111111", 24, "21:49:30", None, "21:50:00").await;
    call(
        &app,
        "a2",
        "+4930111111",
        24,
        "22:04:50",
        Some("22:05:00"),
        "22:07:00",
    )
    .await;
    // B: missed 23:50 CET on the 25th, reached 00:05 on the 26th. Counting in summer time
    // (+2 h) would put both on the 26th: the same day, wrongly.
    call(&app, "b1", "+4930222222", 25, "22:49:30", None, "22:50:00").await;
    call(
        &app,
        "b2",
        "+4930222222",
        25,
        "23:04:50",
        Some("23:05:00"),
        "23:07:00",
    )
    .await;
    // C: missed 23:10 CET, reached 23:40 CET on the 25th: the same day, after 30 min.
    call(&app, "c1", "+4930333333", 25, "22:09:30", None, "22:10:00").await;
    call(
        &app,
        "c2",
        "+4930333333",
        25,
        "22:39:50",
        Some("22:40:00"),
        "22:42:00",
    )
    .await;
    // D: missed, never reached.
    call(&app, "d1", "+4930444444", 25, "12:00:00", None, "12:00:30").await;
    assert_eq!(app.callbacks("open").await.len(), 1);

    let s = Scope {
        from: ms("2026-10-24T00:00:00Z"),
        to: ms("2026-10-27T00:00:00Z"),
        direction: "inbound".into(),
        operator_id: None,
        queue: None,
    };
    let got = both(&app, &s).await;
    assert_eq!(
        (got.tasks, got.reached, got.within_20_min, got.same_day),
        (4, 3, 2, 1),
        "{got:?}"
    );
    assert_eq!(got.median_seconds, Some(900.0));

    // A's missed call ended ten minutes earlier after all (a late correction): its task's
    // copy follows, so A is now reached after 25 minutes.
    exec(
        &app.db,
        &format!(
            "UPDATE calls SET ended_at = {} WHERE pbx_call_id = 'a1'",
            ms("2026-10-24T21:40:00Z")
        ),
        &[],
    )
    .await;
    let got = both(&app, &s).await;
    assert_eq!((got.within_20_min, got.median_seconds), (1, Some(1500.0)));

    // C's reaching call is given to another operator: each operator's filter counts only the
    // tasks their calls reached, against every task of the period, and the median of an even
    // count is the mean of the middle two.
    exec(
        &app.db,
        &format!("UPDATE calls SET operator_id = {second} WHERE pbx_call_id = 'c2'"),
        &[],
    )
    .await;
    let one = both(
        &app,
        &Scope {
            operator_id: Some(first),
            ..s.clone()
        },
    )
    .await;
    assert_eq!((one.tasks, one.reached, one.same_day), (4, 2, 0), "{one:?}");
    assert_eq!(one.median_seconds, Some((1500.0 + 900.0) / 2.0));
    let two = both(
        &app,
        &Scope {
            operator_id: Some(second),
            ..s.clone()
        },
    )
    .await;
    assert_eq!(
        (two.reached, two.same_day, two.median_seconds),
        (1, 1, Some(1800.0))
    );
}

//! Retention (issue 5 §5): old call events, raw payloads, recording links and caller numbers
//! are removed by the job; recent ones stay; the KPIs of the old period do not change — on
//! SQLite and PostgreSQL.

use orderline::{
    db::Db,
    domain::time::{now_ms, rfc3339},
};
use serde_json::json;

use crate::helpers::{TestApp, exec, spawn_app_with};

const DAY: i64 = 86_400_000;

async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.expect(sql),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.expect(sql),
    }
}

async fn text(db: &Db, sql: &str) -> Option<String> {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.expect(sql),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.expect(sql),
    }
}

/// An answered call from `from` that rang at `at`; returns its id.
async fn call(app: &TestApp, id: &str, from: &str, at: i64) -> i64 {
    let (status, a) = app
        .post_events(&json!([
            {"call_id": id, "type": "ringing", "at": rfc3339(at), "from": from, "extensions": ["101"]},
            {"call_id": id, "type": "answered", "at": rfc3339(at + 7_000), "extension": "101"},
            {"call_id": id, "type": "hangup", "at": rfc3339(at + 97_000)}
        ]))
        .await;
    assert_eq!(status, 200, "{a}");
    a["events"][0]["call_id"].as_i64().unwrap()
}

#[tokio::test]
async fn old_details_go_and_past_kpis_stay() {
    let app = spawn_app_with(|c| {
        c.retention.events_days = 30;
        c.retention.raw_payload_days = 30;
        c.retention.recording_days = 30;
        c.retention.caller_numbers_days = 60;
        c.retention.audit_days = 365;
        c.aggregates.refresh_seconds = 0;
    })
    .await;
    let now = now_ms();
    let old_at = now - 100 * DAY;
    let old = call(&app, "old", "+79161112233", old_at).await;
    let mid = call(&app, "mid", "+79161112244", now - 45 * DAY).await;
    let new = call(&app, "new", "+79161112255", now - DAY).await;
    exec(
        &app.db,
        "UPDATE calls SET recording_url = 'https://pbx.example/rec/1.mp3'",
        &[],
    )
    .await;
    // Two audit entries: one from two years ago, one from last month.
    for (at, what) in [(now - 730 * DAY, "old"), (now - 30 * DAY, "recent")] {
        exec(
            &app.db,
            &format!(
                "INSERT INTO audit_log (at, action, subject) VALUES ($1, 'test.{what}', NULL)"
            ),
            &[at],
        )
        .await;
    }
    orderline::reports::aggregate::refresh(&app.db, &app.config, now)
        .await
        .unwrap();

    let day = (old_at / DAY) * DAY;
    let kpis_path = format!(
        "/api/v1/reports/kpis?from={}&to={}",
        rfc3339(day).replace('+', "%2B"),
        rfc3339(day + DAY).replace('+', "%2B")
    );
    let (status, before) = app.get_json(&kpis_path, &app.admin_token).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["kpis"]["answered"]["value"], 1);

    let (status, run) = app
        .post_json("/api/v1/admin/retention/run", &app.admin_token, &json!({}))
        .await;
    assert_eq!(status, 200, "{run}");
    assert!(run["removed"]["events"].as_i64().unwrap() >= 6, "{run}");
    assert_eq!(run["removed"]["recordings"], 2, "{run}");
    assert_eq!(run["removed"]["caller_numbers"], 1, "{run}");
    assert_eq!(run["removed"]["audit_entries"], 1, "{run}");
    let audit = |action: &str| format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
    assert_eq!(scalar(&app.db, &audit("test.old")).await, 0);
    assert_eq!(scalar(&app.db, &audit("test.recent")).await, 1);

    let events = |id: i64| format!("SELECT COUNT(*) FROM call_events WHERE call_id = {id}");
    assert_eq!(scalar(&app.db, &events(old)).await, 0);
    assert_eq!(scalar(&app.db, &events(mid)).await, 0);
    assert_eq!(scalar(&app.db, &events(new)).await, 3, "recent events stay");
    let number = |id: i64| format!("SELECT caller_e164 FROM calls WHERE id = {id}");
    let pseudonym = text(&app.db, &number(old)).await.unwrap();
    assert!(
        pseudonym.starts_with('#') && !pseudonym.contains("1112233"),
        "{pseudonym}"
    );
    assert_eq!(
        text(&app.db, &number(mid)).await.as_deref(),
        Some("+79161112244")
    );
    // The reversed digits the log searches number endings by go with the number: the call
    // log no longer finds the old call by the number's ending.
    let rev = |id: i64| format!("SELECT caller_rev FROM calls WHERE id = {id}");
    assert_eq!(text(&app.db, &rev(old)).await, None);
    assert!(text(&app.db, &rev(mid)).await.is_some());
    let ending = |digits: &str| orderline::db::call_log::LogFilter {
        number_suffix: Some(digits.into()),
        ..Default::default()
    };
    let found = |digits: &'static str| {
        let db = app.db.clone();
        async move {
            orderline::db::call_log::list(&db, &ending(digits), None, 50)
                .await
                .unwrap()
                .iter()
                .map(|r| r.call.id)
                .collect::<Vec<i64>>()
        }
    };
    assert_eq!(found("12233").await, Vec::<i64>::new());
    assert_eq!(found("12244").await, vec![mid]);
    let rec = |id: i64| format!("SELECT recording_url FROM calls WHERE id = {id}");
    assert_eq!(text(&app.db, &rec(old)).await, None);
    assert!(text(&app.db, &rec(new)).await.is_some());

    // The past period's KPIs are what they were.
    let (_, after) = app.get_json(&kpis_path, &app.admin_token).await;
    assert_eq!(after["kpis"], before["kpis"]);

    // The next run has nothing left to do; the page shows the run.
    let (_, again) = app
        .post_json("/api/v1/admin/retention/run", &app.admin_token, &json!({}))
        .await;
    assert_eq!(
        again["removed"],
        json!({"events": 0, "raw_payloads": 0, "recordings": 0, "caller_numbers": 0, "audit_entries": 0})
    );
    let (_, overview) = app
        .get_json("/api/v1/admin/retention", &app.admin_token)
        .await;
    assert!(overview["last_run"]["at"].is_string(), "{overview}");
    assert_eq!(overview["aggregates"]["ready"], true);
}

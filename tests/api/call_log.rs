//! The call log (`GET /api/v1/calls`): every filter on a hand-built day, keyset pagination on
//! (started_at, id), bad filters, and the proof that a number-suffix search reads an index —
//! on SQLite and PostgreSQL.
//!
//! The day (2026-11-20, UTC), operator `op` at extension 101:
//!
//! | call | number | ring | what |
//! |---|---|---|---|
//! | c1 | +74951234567 (Anna) | 10:00 | answered by op, outcome order_placed, one order |
//! | c2 | +74957654321 | 11:00 | missed |
//! | c3 | +74959994567 | 12:00 | answered by op, no order |
//! | c4 | +74951234567 | 13:00 | outbound to Anna, answered by op |
//! | c5 | +74950000013 | 14:00 | blocked |

use orderline::{
    db::{
        self, Db,
        call_log::{LogFilter, reversed_digits},
    },
    domain::Role,
};
use serde_json::{Value, json};

use crate::helpers::{TestApp, exec, spawn_app};

/// The ids of the day's calls and the people involved.
pub struct Day {
    pub c: [i64; 5],
    pub anna: i64,
    pub op: i64,
    pub order: i64,
}

fn at(t: &str) -> String {
    format!("2026-11-20T{t}Z")
}

async fn post(app: &TestApp, events: Value) -> i64 {
    let (status, answer) = app.post_events(&events).await;
    assert_eq!(status, 200, "{answer}");
    answer["events"][0]["call_id"].as_i64().expect("call id")
}

/// Builds the day of the table above.
pub async fn build_day(app: &TestApp) -> Day {
    let op = app
        .add_user("op", Role::Operator, Some("101"), "op-password-1")
        .await;
    let anna = app
        .create_client(json!({"name": "Anna", "phones": ["+7 495 123-45-67"]}))
        .await["id"]
        .as_i64()
        .unwrap();
    let answered = |id: &str, from: &str, h: &str| {
        json!([
            {"call_id": id, "event_id": format!("{id}-r"), "type": "ringing", "at": at(&format!("{h}:00:00")), "from": from, "extensions": ["101"]},
            {"call_id": id, "event_id": format!("{id}-a"), "type": "answered", "at": at(&format!("{h}:00:10")), "extension": "101", "recording_url": "https://pbx.example/rec/1.mp3"},
            {"call_id": id, "event_id": format!("{id}-h"), "type": "hangup", "at": at(&format!("{h}:02:00")), "cause": "normal"}
        ])
    };
    let c1 = post(app, answered("c1", "+74951234567", "10")).await;
    let c2 = post(
        app,
        json!([
            {"call_id": "c2", "type": "ringing", "at": at("11:00:00"), "from": "+74957654321", "extensions": ["101"]},
            {"call_id": "c2", "type": "hangup", "at": at("11:00:30"), "cause": "no_answer"}
        ]),
    )
    .await;
    let c3 = post(app, answered("c3", "+74959994567", "12")).await;
    let c4 = post(
        app,
        json!([
            {"call_id": "c4", "type": "ringing", "direction": "outbound", "at": at("13:00:00"), "from": "101", "to": "+74951234567"},
            {"call_id": "c4", "type": "answered", "direction": "outbound", "at": at("13:00:05"), "extension": "101"},
            {"call_id": "c4", "type": "hangup", "direction": "outbound", "at": at("13:01:00")}
        ]),
    )
    .await;
    let (s, b) = app
        .post_json(
            "/api/v1/blocked-numbers",
            &app.admin_token,
            &json!({"number": "+74950000013"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let c5 = post(
        app,
        json!([
            {"call_id": "c5", "type": "ringing", "at": at("14:00:00"), "from": "+74950000013"},
            {"call_id": "c5", "type": "hangup", "at": at("14:00:01")}
        ]),
    )
    .await;
    let product = app.create_product("SKU-1", 15_000).await;
    let body = json!({"client_id": anna, "call_id": c1, "lines": [{"product_id": product, "quantity": 2}]});
    let (s, o) = app
        .post_json("/api/v1/orders", &app.admin_token, &body)
        .await;
    assert_eq!(s, 201, "{o}");
    exec(
        &app.db,
        "INSERT INTO wrapups (call_id, client_id, operator_id, outcome, note, created_at, updated_at) \
         VALUES ($1, $2, $3, 'order_placed', 'two boxes', 0, 0)",
        &[c1, anna, op],
    )
    .await;
    Day {
        c: [c1, c2, c3, c4, c5],
        anna,
        op,
        order: o["id"].as_i64().unwrap(),
    }
}

/// The ids a filtered log answers, in order.
async fn ids(app: &TestApp, query: &str) -> Vec<i64> {
    let (status, body) = app
        .get_json(&format!("/api/v1/calls?{query}"), &app.admin_token)
        .await;
    assert_eq!(status, 200, "{query}: {body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn every_filter_of_the_log_narrows_to_the_right_calls() {
    let app = spawn_app().await;
    let d = build_day(&app).await;
    let [c1, c2, c3, c4, c5] = d.c;
    assert_eq!(
        ids(&app, "").await,
        vec![c5, c4, c3, c2, c1],
        "newest first"
    );
    assert_eq!(ids(&app, "state=missed").await, vec![c2]);
    assert_eq!(ids(&app, "state=blocked").await, vec![c5]);
    assert_eq!(
        ids(&app, "state=answered&direction=inbound").await,
        vec![c3, c1]
    );
    assert_eq!(ids(&app, "direction=outbound").await, vec![c4]);
    assert_eq!(
        ids(&app, "number_suffix=4567&direction=inbound").await,
        vec![c3, c1]
    );
    assert_eq!(ids(&app, "number_suffix=45-67").await, vec![c4, c3, c1]);
    assert_eq!(ids(&app, "number_suffix=234567").await, vec![c4, c1]);
    assert_eq!(ids(&app, "number_suffix=99999").await, Vec::<i64>::new());
    assert_eq!(ids(&app, "has_order=true").await, vec![c1]);
    assert_eq!(
        ids(&app, "has_order=false&state=answered&direction=inbound").await,
        vec![c3]
    );
    assert_eq!(ids(&app, "outcome=order_placed").await, vec![c1]);
    assert_eq!(
        ids(&app, &format!("operator={}", d.op)).await,
        vec![c4, c3, c1]
    );
    assert_eq!(
        ids(&app, &format!("client={}&direction=inbound", d.anna)).await,
        vec![c1]
    );
    assert_eq!(ids(&app, "source=office&pbx_call_id=c3").await, vec![c3]);
    assert_eq!(
        ids(&app, "from=2026-11-20T10:30:00Z&to=2026-11-20T12:30:00Z").await,
        vec![c3, c2]
    );
    assert_eq!(ids(&app, "number=%2B74957654321").await, vec![c2]);
    exec(
        &app.db,
        "UPDATE calls SET queue = 'sales' WHERE id IN ($1, $2)",
        &[c1, c2],
    )
    .await;
    assert_eq!(ids(&app, "queue=sales").await, vec![c2, c1]);
    assert_eq!(ids(&app, "queue=sales&state=missed").await, vec![c2]);
    assert_eq!(ids(&app, "queue=support").await, Vec::<i64>::new());
    assert_eq!(ids(&app, "queue=").await.len(), 5, "empty is any queue");
    let (_, body) = app
        .get_json("/api/v1/calls?has_order=true", &app.admin_token)
        .await;
    let row = &body["items"][0];
    assert_eq!(row["client_name"], "Anna");
    assert_eq!(row["operator_name"], "op");
    assert_eq!(row["outcome"], "order_placed");
    assert_eq!(row["order_count"], 1);
}

#[tokio::test]
async fn keyset_pages_cover_every_call_once_even_with_equal_start_times() {
    let app = spawn_app().await;
    for (i, t) in [
        "09:00:00", "09:01:00", "09:02:00", "09:03:00", "09:03:00", "09:03:00", "09:04:00",
    ]
    .iter()
    .enumerate()
    {
        post(
            &app,
            json!([{"call_id": format!("k{i}"), "type": "ringing", "at": at(t), "from": format!("+7495111220{i}")}]),
        )
        .await;
    }
    let all = ids(&app, "limit=200").await;
    assert_eq!(all.len(), 7);
    let (mut seen, mut cursor) = (Vec::new(), String::new());
    loop {
        let (status, body) = app
            .get_json(
                &format!("/api/v1/calls?limit=2&cursor={cursor}"),
                &app.admin_token,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|c| c["id"].as_i64().unwrap()));
        match body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, all, "the pages, joined, are the whole log in order");
    // The three calls at 09:03 come newest id first.
    let same: Vec<i64> = all[1..4].to_vec();
    let mut sorted = same.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(same, sorted);
}

#[tokio::test]
async fn bad_filters_are_422_naming_the_field() {
    let app = spawn_app().await;
    for (query, field) in [
        ("state=lost", "state"),
        ("direction=sideways", "direction"),
        ("number_suffix=67", "number_suffix"),
        ("number_suffix=45x67", "number_suffix"),
        ("has_order=maybe", "has_order"),
        ("from=yesterday", "from"),
        ("from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "to"),
        ("operator=abc", "operator"),
        ("client=-3", "client"),
        (&*format!("queue={}", "q".repeat(201)), "queue"),
        ("cursor=!!", "cursor"),
        ("limit=0", "limit"),
    ] {
        let (status, body) = app
            .get_json(&format!("/api/v1/calls?{query}"), &app.admin_token)
            .await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
    }
}

/// Writes `n` calls straight into the table (as the bench seeder does), for query plans.
async fn many_calls(db: &Db, n: i64) {
    for chunk in 0..n / 500 {
        let rows: Vec<String> = (0..500)
            .map(|k| {
                let i = chunk * 500 + k;
                let number = format!("+7495{:07}", (i * 7919) % 10_000_000);
                let state = ["completed", "missed", "blocked", "completed"][(i % 4) as usize];
                format!(
                    "('bulk', 'b{i}', 'inbound', '{state}', '{number}', '{}', 'unknown', {t}, {t}, {t})",
                    reversed_digits(&number),
                    t = 1_700_000_000_000 + i * 60_000
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO calls (source_id, pbx_call_id, direction, state, caller_e164, caller_rev, caller_kind, \
             started_at, created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        exec(db, &sql, &[]).await;
    }
    db.analyze().await.unwrap();
}

#[tokio::test]
async fn a_number_suffix_search_reads_the_reversed_digits_index() {
    let app = spawn_app().await;
    many_calls(&app.db, 5_000).await;
    // The number of the 1,234th call, as many_calls writes it.
    let i: i64 = 1234;
    let number = format!("{:07}", (i * 7919) % 10_000_000);
    let ending = number[number.len() - 4..].to_owned();
    let suffix = LogFilter {
        number_suffix: Some(ending.clone()),
        ..LogFilter::default()
    };
    let plan = db::call_log::explain(&app.db, &suffix)
        .await
        .unwrap()
        .join("\n");
    assert!(
        plan.contains("calls_rev"),
        "the suffix search must use calls_rev:\n{plan}"
    );
    // The first page reads the time index backwards instead of sorting every call.
    let first = db::call_log::explain(&app.db, &LogFilter::default())
        .await
        .unwrap()
        .join("\n");
    assert!(first.contains("calls_started"), "{first}");
    assert!(!first.to_uppercase().contains("TEMP B-TREE"), "{first}");
    assert!(!first.contains("Sort"), "{first}");
    let missed = LogFilter {
        state: Some("missed".into()),
        ..LogFilter::default()
    };
    let plan = db::call_log::explain(&app.db, &missed)
        .await
        .unwrap()
        .join("\n");
    assert!(
        plan.contains("calls_state_started") || plan.contains("calls_started"),
        "{plan}"
    );
    // And the search answers the right calls: numbers whose digits end with 4567.
    let found = db::call_log::list(&app.db, &suffix, None, 200)
        .await
        .unwrap();
    assert!(!found.is_empty());
    for r in &found {
        assert!(r.call.caller_e164.as_deref().unwrap().ends_with(&ending));
    }
}

#[tokio::test]
async fn the_sweeper_reads_only_the_unended_calls() {
    // Arrange: 5,000 calls of which one in 50 never ended (the ones a sweep looks at).
    let app = spawn_app().await;
    many_calls(&app.db, 5_000).await;
    exec(
        &app.db,
        "UPDATE calls SET ended_at = started_at + 60000 WHERE id % 50 <> 0",
        &[],
    )
    .await;
    app.db.analyze().await.unwrap();
    // Act + assert: both of its queries go through calls_unended (migration 0012); calls_open
    // could not serve them, and each sweep read the whole table.
    for answered in [false, true] {
        let plan = db::calls::stale_open_calls_plan(&app.db, answered)
            .await
            .unwrap()
            .join("\n");
        assert!(plan.contains("calls_unended"), "{plan}");
        assert!(!plan.contains("Seq Scan on calls"), "{plan}");
        assert!(
            !plan.contains("SCAN calls\n") && !plan.ends_with("SCAN calls"),
            "{plan}"
        );
    }
}

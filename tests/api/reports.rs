//! The reports on a hand-built day of calls: every KPI's exact value, the distribution, the
//! per-operator table, and the client base by value and risk — on SQLite and PostgreSQL.
//!
//! The day (2026-11-27, a Friday; the business time zone is Moscow, UTC+3), inbound unless
//! said otherwise; S = 5 s, T = 20 s:
//!
//! | call | from | ring (UTC) | wait | talk | what | wrap-up | orders |
//! |---|---|---|---|---|---|---|---|
//! | c11 | B | 26th 20:00 | 8 | 60 | answered by ivan, the day before | | |
//! | c1 | A | 07:00 | 10 | 120 | answered by olga | 30 | 10,000 |
//! | c2 | B | 08:00 | 25 | 300 | answered by ivan | 60 | 5,000 cancelled |
//! | c3 | A | 09:00 | 5 | 60 | answered by olga; closes a proactive task | | 5,000 + 2,500 |
//! | c4 | U1 | 10:00 | 3 | | missed, short abandon | | |
//! | c5 | U2 | 11:00 | 40 | | missed; reached by olga's outbound o1 at 11:10:15 | | |
//! | c6 | C | 12:00 | 60 | | missed; reached by c7 | | |
//! | c8 | U3 | 13:00 | 20 | | forwarded | | |
//! | c9 | U9 | 14:00 | | | blocked | | |
//! | c7 | C | 15:00 | 15 | 180 | answered by ivan | 20 | |
//! | c12 | B | 16:00 | 20 | 30 | answered by olga | 10 | |
//! | c10 | U4 | 20:30 | 20 | | missed (23:30 in Moscow); reached by olga's o2 at 21:10:05, the next local day | | |

use orderline::{db, domain::Role};
use serde_json::{Value, json};

use crate::helpers::{TestApp, exec, ms, spawn_app};

const DAY: &str = "2026-11-27";
const FROM: &str = "2026-11-27T00:00:00%2B03:00";
const TO: &str = "2026-11-28T00:00:00%2B03:00";

/// Posts a call's events (times are `HH:MM:SS` on DAY, UTC, or full RFC 3339); returns its id.
async fn call(app: &TestApp, id: &str, from: &str, events: &[(&str, &str, Option<&str>)]) -> i64 {
    let body: Vec<Value> = events
        .iter()
        .map(|(kind, at, ext)| {
            let at = if at.len() == 8 { format!("{DAY}T{at}Z") } else { (*at).to_owned() };
            let mut e = json!({"call_id": id, "type": kind, "at": at, "from": from, "extensions": ["101", "102"]});
            if let Some(x) = ext {
                e["extension"] = json!(x);
            }
            if *kind == "hangup" && id == "c8" {
                e["cause"] = json!("forwarded");
            }
            e
        })
        .collect();
    let (status, answer) = app.post_events(&Value::Array(body)).await;
    assert_eq!(status, 200, "{answer}");
    answer["events"][0]["call_id"].as_i64().expect("call id")
}

async fn answered(
    app: &TestApp,
    id: &str,
    from: &str,
    ring: &str,
    answer: &str,
    end: &str,
    ext: &str,
) -> i64 {
    call(
        app,
        id,
        from,
        &[
            ("ringing", ring, None),
            ("answered", answer, Some(ext)),
            ("hangup", end, None),
        ],
    )
    .await
}

async fn missed(app: &TestApp, id: &str, from: &str, ring: &str, end: &str) -> i64 {
    call(
        app,
        id,
        from,
        &[("ringing", ring, None), ("hangup", end, None)],
    )
    .await
}

async fn outbound(app: &TestApp, id: &str, to: &str, ring: &str, answer: &str) {
    let (status, answer) = app
        .post_events(&json!([
            {"call_id": id, "type": "ringing", "direction": "outbound", "from": "101", "to": to, "at": ring},
            {"call_id": id, "type": "answered", "direction": "outbound", "extension": "101", "at": answer},
            {"call_id": id, "type": "hangup", "direction": "outbound", "at": answer.replace(":15Z", ":59Z")}
        ]))
        .await;
    assert_eq!(status, 200, "{answer}");
}

async fn wrapup(app: &TestApp, call_id: i64, operator: i64, seconds: i64) {
    exec(
        &app.db,
        "INSERT INTO wrapups (call_id, operator_id, outcome, wrapup_seconds, created_at, updated_at) \
         VALUES ($1, $2, 'order_placed', $3, 0, 0)",
        &[call_id, operator, seconds],
    )
    .await;
}

async fn order(app: &TestApp, client: i64, call_id: i64, product: i64, qty: i64) -> i64 {
    let body = json!({"client_id": client, "call_id": call_id, "lines": [{"product_id": product, "quantity": qty}]});
    let (status, o) = app
        .post_json("/api/v1/orders", &app.admin_token, &body)
        .await;
    assert_eq!(status, 201, "{o}");
    o["id"].as_i64().unwrap()
}

struct Day {
    app: TestApp,
    olga: i64,
    ivan: i64,
}

/// Builds the day of the table above.
async fn the_day() -> Day {
    let app = spawn_app().await;
    let olga = app
        .add_user("olga", Role::Operator, Some("101"), "correct-horse")
        .await;
    let ivan = app
        .add_user("ivan", Role::Operator, Some("102"), "correct-horse")
        .await;
    let client = |name: &str, phone: &str| json!({"name": name, "phones": [phone]});
    let a = app.create_client(client("A", "+74951110001")).await["id"]
        .as_i64()
        .unwrap();
    let b = app.create_client(client("B", "+74951110002")).await["id"]
        .as_i64()
        .unwrap();
    app.create_client(client("C", "+74951110003")).await;
    let product = app.create_product("P1", 2_500).await;
    let (status, body) = app
        .post_json(
            "/api/v1/blocked-numbers",
            &app.admin_token,
            &json!({"number": "+79160000009"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    answered(
        &app,
        "c11",
        "+74951110002",
        "2026-11-26T20:00:00Z",
        "2026-11-26T20:00:08Z",
        "2026-11-26T20:01:08Z",
        "102",
    )
    .await;
    let c1 = answered(
        &app,
        "c1",
        "+74951110001",
        "07:00:00",
        "07:00:10",
        "07:02:10",
        "101",
    )
    .await;
    wrapup(&app, c1, olga, 30).await;
    order(&app, a, c1, product, 4).await;
    let c2 = answered(
        &app,
        "c2",
        "+74951110002",
        "08:00:00",
        "08:00:25",
        "08:05:25",
        "102",
    )
    .await;
    wrapup(&app, c2, ivan, 60).await;
    let cancelled = order(&app, b, c2, product, 2).await;
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/orders/{cancelled}"),
            &app.admin_token,
            &json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(status, 200);
    // An open proactive task for A, which c3 closes; and one olga closed from her worklist.
    exec(&app.db, "INSERT INTO callbacks (kind, status, number_e164, client_id, due_at, created_at, updated_at) \
        VALUES ('proactive', 'open', '+74951110001', $1, 0, 0, 0)", &[a]).await;
    exec(&app.db, "INSERT INTO callbacks (kind, status, number_e164, due_at, created_at, updated_at, closed_at, claimed_by) \
        VALUES ('proactive', 'closed', '+74951119999', 0, 0, 0, $1, $2)", &[ms("2026-11-27T12:00:00Z"), olga]).await;
    let c3 = answered(
        &app,
        "c3",
        "+74951110001",
        "09:00:00",
        "09:00:05",
        "09:01:05",
        "101",
    )
    .await;
    order(&app, a, c3, product, 2).await;
    order(&app, a, c3, product, 1).await;
    missed(&app, "c4", "+79160000001", "10:00:00", "10:00:03").await;
    missed(&app, "c5", "+79160000002", "11:00:00", "11:00:40").await;
    outbound(
        &app,
        "o1",
        "+79160000002",
        "2026-11-27T11:10:00Z",
        "2026-11-27T11:10:15Z",
    )
    .await;
    missed(&app, "c6", "+74951110003", "12:00:00", "12:01:00").await;
    missed(&app, "c8", "+79160000003", "13:00:00", "13:00:20").await;
    missed(&app, "c9", "+79160000009", "14:00:00", "14:00:10").await;
    let c7 = answered(
        &app,
        "c7",
        "+74951110003",
        "15:00:00",
        "15:00:15",
        "15:03:15",
        "102",
    )
    .await;
    wrapup(&app, c7, ivan, 20).await;
    let c12 = answered(
        &app,
        "c12",
        "+74951110002",
        "16:00:00",
        "16:00:20",
        "16:00:50",
        "101",
    )
    .await;
    wrapup(&app, c12, olga, 10).await;
    missed(&app, "c10", "+79160000004", "20:30:00", "20:30:20").await;
    outbound(
        &app,
        "o2",
        "+79160000004",
        "2026-11-27T21:10:00Z",
        "2026-11-27T21:10:05Z",
    )
    .await;
    let _ = b;
    Day { app, olga, ivan }
}

fn value(kpis: &Value, key: &str) -> Value {
    kpis["kpis"][key]["value"].clone()
}

#[tokio::test]
async fn every_kpi_of_a_hand_built_day_has_its_exact_value() {
    let Day { app, olga, .. } = the_day().await;
    let path = format!("/api/v1/reports/kpis?from={FROM}&to={TO}");
    let (status, k) = app.get_json(&path, &app.admin_token).await;
    assert_eq!(status, 200, "{k}");
    let expect = [
        ("offered", json!(10)),
        ("answered", json!(5)),
        ("missed", json!(4)),
        ("short_abandons", json!(1)),
        ("abandon_rate", json!(3.0 / 9.0)),
        ("asa", json!(15.0)),
        ("average_talk", json!(138.0)),
        ("aht", json!(187.5)),
        ("service_level", json!(4.0 / 9.0)),
        ("conversion", json!(0.4)),
        ("revenue", json!(17_500)),
        ("revenue_per_answered", json!(3_500.0)),
        ("callbacks_within_20_min", json!(0.25)),
        ("callbacks_same_day", json!(0.5)),
        ("callback_median_seconds", json!(2_385.0)),
        ("repeat_call_rate", json!(0.6)),
    ];
    for (key, v) in expect {
        assert_eq!(value(&k, key), v, "{key}: {}", k["kpis"][key]);
    }
    assert_eq!(k["kpis"]["abandon_rate"]["numerator"], 3);
    assert_eq!(k["kpis"]["abandon_rate"]["denominator"], 9);
    assert_eq!(
        k["kpis"]["abandon_rate"]["formula"],
        "(missed − short abandons) ÷ (offered − short abandons)"
    );
    assert_eq!(
        k["thresholds"],
        json!({"short_abandon_seconds": 5, "service_level_seconds": 20})
    );

    // One operator: only the calls olga answered; callbacks she reached over all tasks.
    let (_, o) = app
        .get_json(&format!("{path}&operator={olga}"), &app.admin_token)
        .await;
    assert_eq!(
        (
            value(&o, "offered"),
            value(&o, "answered"),
            value(&o, "missed")
        ),
        (json!(3), json!(3), json!(0))
    );
    assert_eq!(value(&o, "callbacks_within_20_min"), json!(0.25));
    assert_eq!(value(&o, "callbacks_same_day"), json!(0.25));
    assert_eq!(
        value(&o, "callback_median_seconds"),
        json!(1_480.0),
        "575 s and 2,385 s"
    );

    // Outbound: o1 only (o2 starts after the period).
    let (_, out) = app
        .get_json(&format!("{path}&direction=outbound"), &app.admin_token)
        .await;
    assert_eq!(
        (value(&out, "offered"), value(&out, "answered")),
        (json!(1), json!(1))
    );
    assert_eq!(value(&out, "callbacks_within_20_min"), Value::Null);
}

#[tokio::test]
async fn the_distribution_and_the_operator_table_of_the_day() {
    let Day { app, olga, ivan } = the_day().await;
    let q = format!("?from={FROM}&to={TO}");
    let (status, d) = app
        .get_json(
            &format!("/api/v1/reports/distribution{q}"),
            &app.admin_token,
        )
        .await;
    assert_eq!(status, 200, "{d}");
    let offered: Vec<i64> = d["by_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["offered"].as_i64().unwrap())
        .collect();
    let mut expect = vec![0; 24];
    for h in [10, 11, 12, 13, 14, 15, 16, 18, 19, 23] {
        expect[h] = 1;
    }
    assert_eq!(offered, expect, "Moscow hours");
    assert_eq!(d["by_hour"][18]["asa"], json!(15.0));
    assert_eq!(d["by_weekday"][4]["offered"], 10, "Friday");
    let col = |k: &str| -> Vec<i64> {
        d["wait"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w[k].as_i64().unwrap())
            .collect()
    };
    assert_eq!(col("answered"), vec![3, 2, 0, 0, 0, 0, 0]);
    assert_eq!(col("missed"), vec![1, 1, 1, 1, 0, 0, 0]);
    assert_eq!(d["wait"][1]["answered_cumulative_share"], json!(1.0));

    let (status, t) = app
        .get_json(&format!("/api/v1/reports/operators{q}"), &app.admin_token)
        .await;
    assert_eq!(status, 200, "{t}");
    let rows = t["operators"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{t}");
    let (o, i) = (&rows[0], &rows[1]);
    assert_eq!(
        (o["operator_id"].as_i64(), i["operator_id"].as_i64()),
        (Some(olga), Some(ivan))
    );
    assert_eq!(
        (
            &o["calls_handled"],
            &o["talk_seconds"],
            &o["wrapup_seconds"],
            &o["orders"]
        ),
        (&json!(3), &json!(210), &json!(40), &json!(3))
    );
    assert_eq!(o["conversion"], json!(2.0 / 3.0));
    assert_eq!(
        (&o["callbacks_done"], &o["proactive_done"]),
        (&json!(1), &json!(2))
    );
    assert_eq!(o["load_share"], json!(250.0 / 810.0));
    assert_eq!(
        (
            &i["calls_handled"],
            &i["talk_seconds"],
            &i["wrapup_seconds"],
            &i["orders"]
        ),
        (&json!(2), &json!(480), &json!(80), &json!(0))
    );
    assert_eq!(
        (&i["conversion"], &i["callbacks_done"], &i["proactive_done"]),
        (&json!(0.0), &json!(1), &json!(0))
    );
    assert_eq!(i["load_share"], json!(560.0 / 810.0));
    assert!(t["formulas"]["load_share"].is_string());
}

#[tokio::test]
async fn reports_are_for_managers_and_admins_and_check_their_period() {
    let app = spawn_app().await;
    let manager = app.token(Role::Manager).await;
    let (status, _) = app.get_json("/api/v1/reports/kpis", &manager).await;
    assert_eq!(status, 200, "today by default");
    for path in [
        "/api/v1/reports/kpis",
        "/api/v1/reports/operators",
        "/api/v1/reports/clients",
    ] {
        let (status, _) = app.get_json(path, &app.pbx_token).await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, _) = app
        .post_json(
            "/api/v1/reports/segments/recompute",
            &app.pbx_token,
            &json!({}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, e) = app
        .get_json(
            &format!("/api/v1/reports/kpis?from={TO}&to={FROM}"),
            &manager,
        )
        .await;
    assert_eq!((status, e["field"].as_str()), (422, Some("to")));
    let (status, e) = app
        .get_json("/api/v1/reports/clients?abc=D", &manager)
        .await;
    assert_eq!((status, e["field"].as_str()), (422, Some("abc")));
}

/// Back-dated orders (the API stamps orders with the current time).
async fn past_order(app: &TestApp, client: i64, days_ago: i64, total: i64) {
    let created_at = orderline::domain::time::now_ms() - days_ago * 86_400_000;
    let o = db::orders::NewOrder {
        client_id: client,
        call_id: None,
        delivery_address: None,
        delivery_date: None,
        comment: None,
        created_by: None,
        lines: Vec::new(),
        total_minor: total,
        currency: "RUB".into(),
        created_at,
    };
    let mut tx = app.db.begin().await.unwrap();
    db::orders::insert_order(&mut tx, &o).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_client_base_by_value_and_risk() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for (i, name) in ["Weekly", "Drifting", "Newcomer", "Gone"]
        .iter()
        .enumerate()
    {
        let c = app
            .create_client(json!({"name": name, "phones": [format!("+7495222000{i}")]}))
            .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    for d in [21, 14, 7, 1] {
        past_order(&app, ids[0], d, 30_000).await;
    }
    for d in [200, 193, 186] {
        past_order(&app, ids[1], d, 10_000).await;
    }
    past_order(&app, ids[2], 1, 5_000).await;
    past_order(&app, ids[3], 300, 1_000).await;
    past_order(&app, ids[3], 400, 99_000).await; // before the 12-month period

    let (status, run) = app
        .post_json(
            "/api/v1/reports/segments/recompute",
            &app.admin_token,
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(
        (&run["clients"], &run["revenue_minor"]),
        (&json!(4), &json!(156_000))
    );

    let (status, c) = app
        .get_json("/api/v1/reports/clients", &app.admin_token)
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["pareto"]["clients"], 2);
    assert_eq!(
        c["pareto"]["statement"],
        "2 clients (50.0 % of the base) bring 80 % of revenue"
    );
    assert_eq!(c["pareto"]["curve"].as_array().unwrap().len(), 5);
    assert_eq!(c["segments"]["champions"]["clients"], 1);
    assert_eq!(c["segments"]["cant_lose"]["overdue"], 1);
    assert_eq!(
        c["abc"]["A"],
        json!({"clients": 2, "revenue_minor": 150_000, "overdue": 1})
    );
    let rows: Vec<(String, String, String)> = c["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().into(),
                r["rfm"].as_str().unwrap().into(),
                r["segment"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expect = [
        ("Weekly", "455", "champions"),
        ("Drifting", "244", "cant_lose"),
        ("Newcomer", "412", "new"),
        ("Gone", "111", "lost"),
    ];
    assert_eq!(
        rows,
        expect.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
    );

    let (_, overdue) = app
        .get_json("/api/v1/reports/clients?overdue=true", &app.admin_token)
        .await;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        overdue["items"][0]["overdue_reason"],
        "usually orders every 7 days; last order 186 days ago"
    );
    let (_, page1) = app
        .get_json("/api/v1/reports/clients?abc=C&limit=1", &app.admin_token)
        .await;
    assert_eq!(page1["items"][0]["name"], "Newcomer");
    let cursor = page1["next_cursor"].as_str().expect("a second page");
    let (_, page2) = app
        .get_json(
            &format!("/api/v1/reports/clients?abc=C&limit=1&cursor={cursor}"),
            &app.admin_token,
        )
        .await;
    assert_eq!(page2["items"][0]["name"], "Gone");

    // The badge now comes from the stored segmentation.
    let now = orderline::domain::time::now_ms();
    let badge = orderline::segments::badge_of(&app.db, ids[1], now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(badge.kind, orderline::segments::BadgeKind::Overdue);
    assert_eq!(badge.reason.rfm.as_deref(), Some("244"));
    assert_eq!(badge.reason.usual_gap_days, Some(7));
    let key = orderline::segments::badge_of(&app.db, ids[0], now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(key.kind, orderline::segments::BadgeKind::Key);
}

/// Callback speed reads the period's tasks by the start of the call that opened them
/// (migration 0010): a ring that arrives after its hang-up moves the call's start back, and the
/// task moves with it into the earlier hour.
#[tokio::test]
async fn a_missed_calls_task_counts_in_the_hour_its_ring_started_even_when_the_ring_arrives_last() {
    let app = spawn_app().await;
    let from = "+79165550101";
    app.post_events(
        &json!({"call_id": "late-ring", "type": "hangup", "cause": "cancel", "from": from,
        "direction": "inbound", "at": "2026-11-27T11:00:20+03:00"}),
    )
    .await;
    app.post_events(
        &json!({"call_id": "late-ring", "type": "ringing", "from": from, "extensions": ["101"],
        "direction": "inbound", "at": "2026-11-27T10:59:50+03:00"}),
    )
    .await;
    assert_eq!(app.callbacks("open").await.len(), 1);
    let kpis = |from: &str, to: &str| {
        let path = format!("/api/v1/reports/kpis?from={from}&to={to}");
        let app = &app;
        async move { app.get_json(&path, &app.admin_token).await.1 }
    };
    let ten = kpis("2026-11-27T10:00:00%2B03:00", "2026-11-27T11:00:00%2B03:00").await;
    let eleven = kpis("2026-11-27T11:00:00%2B03:00", "2026-11-27T12:00:00%2B03:00").await;
    assert_eq!(value(&ten, "missed"), json!(1), "{ten}");
    assert_eq!(value(&ten, "callbacks_within_20_min"), json!(0.0), "{ten}");
    assert_eq!(
        value(&eleven, "callbacks_within_20_min"),
        Value::Null,
        "{eleven}"
    );
}

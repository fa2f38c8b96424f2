//! The manager's workspace beyond the dashboard: outbound lists built from the segmentation
//! (preview with reasons, results per operator with exact figures), the wallboard's JSON, the
//! personal manager set from the client-base page, and the pages themselves (200 for a
//! manager, 403 for an operator) — on SQLite and PostgreSQL.

use orderline::{
    db,
    domain::{Role, time::now_ms},
};
use serde_json::{Value, json};

use crate::helpers::{TestApp, exec, spawn_app};

const DAY_MS: i64 = 86_400_000;

/// An order of `total` minor units, `days_ago` days back (negative: in the future).
async fn order_at(app: &TestApp, client: i64, created_at: i64, total: i64) -> i64 {
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
    let id = db::orders::insert_order(&mut tx, &o).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn clients(app: &TestApp, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let c = app
            .create_client(
                json!({"name": format!("Client {i}"), "phones": [format!("+7495300000{i}")]}),
            )
            .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    ids
}

#[tokio::test]
async fn an_outbound_lists_results_per_operator_have_exact_values() {
    let app = spawn_app().await;
    let anna = app
        .add_user("anna", Role::Operator, Some("101"), "pw-anna-1")
        .await;
    let boris = app
        .add_user("boris", Role::Operator, Some("102"), "pw-boris-1")
        .await;
    let ids = clients(&app, 4).await;
    // An order before the list does not count.
    order_at(&app, ids[0], now_ms() - 2 * DAY_MS, 99_900).await;
    let manager = app.token(Role::Manager).await;
    let (s, out) = app
        .post_json("/api/v1/outbound-lists", &manager,
            &json!({"name": "Week 48", "client_ids": ids, "operator_ids": [anna, boris], "daily_cap": 2}))
        .await;
    assert_eq!(s, 201, "{out}");
    let list = out["list_id"].as_i64().unwrap();
    // anna: clients 0 and 2; boris: 1 and 3 (evenly, in priority order).
    assert_eq!(
        out["assigned"],
        json!([
            [ids[0], anna],
            [ids[1], boris],
            [ids[2], anna],
            [ids[3], boris]
        ])
    );
    // anna reached client 0 (an order of 12,000 followed, and one cancelled), did not reach 2.
    let after = now_ms() + 1_000;
    exec(
        &app.db,
        "UPDATE callbacks SET status = 'closed', close_reason = 'information', closed_at = $2 \
        WHERE list_id = $1 AND client_id = $3",
        &[list, after, ids[0]],
    )
    .await;
    exec(
        &app.db,
        "UPDATE callbacks SET status = 'closed', close_reason = 'not_reached', closed_at = $2 \
        WHERE list_id = $1 AND client_id = $3",
        &[list, after, ids[2]],
    )
    .await;
    order_at(&app, ids[0], after, 12_000).await;
    let cancelled = order_at(&app, ids[0], after, 50_000).await;
    exec(
        &app.db,
        "UPDATE orders SET status = 'cancelled' WHERE id = $1",
        &[cancelled],
    )
    .await;
    // boris has not called yet, but client 3 ordered by themselves: 7,000 + 500.
    order_at(&app, ids[3], after, 7_000).await;
    order_at(&app, ids[3], after + 1, 500).await;

    let (s, all) = app.get_json("/api/v1/outbound-lists", &manager).await;
    assert_eq!(s, 200, "{all}");
    let l = &all["items"][0];
    assert_eq!(l["id"], list);
    assert_eq!(
        l["operators"],
        json!([
            {"operator_id": anna, "name": "anna", "tasks": 2, "done": 2, "reached": 1, "ordered": 1, "revenue_minor": 12_000},
            {"operator_id": boris, "name": "boris", "tasks": 2, "done": 0, "reached": 0, "ordered": 1, "revenue_minor": 7_500}
        ])
    );
    assert_eq!(
        l["progress"],
        json!({"tasks": 4, "open": 2, "reached": 1, "orders": 3, "revenue_minor": 19_500})
    );
    let (s, one) = app
        .get_json(&format!("/api/v1/outbound-lists/{list}"), &manager)
        .await;
    assert_eq!(s, 200);
    assert_eq!(one["operators"], l["operators"]);
    assert_eq!(one["tasks"].as_array().unwrap().len(), 4);
    // Operators cannot read them.
    let (s, _) = app.get_json("/api/v1/outbound-lists", &app.pbx_token).await;
    assert_eq!(s, 403);
}

/// Weekly (champions, A), Drifting (can't lose them, A, overdue), Newcomer (new, C), Gone
/// (lost, C) — as in the reports test — segmented.
pub(crate) async fn segmented_base(app: &TestApp) -> Vec<i64> {
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
    let now = now_ms();
    for (client, days, total) in [
        (0, 21, 30_000),
        (0, 14, 30_000),
        (0, 7, 30_000),
        (0, 1, 30_000),
        (1, 200, 10_000),
        (1, 193, 10_000),
        (1, 186, 10_000),
        (2, 1, 5_000),
        (3, 300, 1_000),
    ] {
        order_at(app, ids[client], now - days * DAY_MS, total).await;
    }
    let (s, run) = app
        .post_json(
            "/api/v1/reports/segments/recompute",
            &app.admin_token,
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{run}");
    ids
}

#[tokio::test]
async fn the_preview_picks_by_segment_says_why_and_never_offers_a_do_not_call_client() {
    let app = spawn_app().await;
    let anna = app
        .add_user("anna", Role::Operator, Some("101"), "pw-anna-1")
        .await;
    let ids = segmented_base(&app).await;
    let manager = app.token(Role::Manager).await;
    let criteria = json!({"segments": ["champions"], "overdue": true, "abc": ["A"]});
    let (s, p) = app
        .post_json(
            "/api/v1/outbound-lists/preview",
            &manager,
            &json!({"criteria": criteria, "operator_ids": [anna], "daily_cap": 1}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    let items = p["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Weekly", "Drifting"]);
    assert_eq!(
        (&items[0]["status"], &items[0]["operator_id"]),
        (&json!("assigned"), &json!(anna))
    );
    assert_eq!(items[1]["status"], "over_cap");
    let why = items[1]["reason"].as_str().unwrap();
    assert!(
        why.starts_with("Can't lose them (RFM 244), class A: 3 orders, "),
        "{why}"
    );
    assert!(
        why.contains("overdue: usually orders every 7 days; last order 186 days ago"),
        "{why}"
    );
    assert!(why.ends_with("never talked to on the phone"), "{why}");

    // Do-not-call: never on the list.
    let (s, _) = app
        .patch_json(
            &format!("/api/v1/clients/{}", ids[1]),
            &app.admin_token,
            &json!({"do_not_call": true}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, p) = app
        .post_json(
            "/api/v1/outbound-lists/preview",
            &manager,
            &json!({"criteria": {"overdue": true}}),
        )
        .await;
    assert_eq!(p["items"], json!([]));
    // Talked to recently: left out with quiet_days.
    let (s, e) = app
        .post_events(&json!([
            {"call_id": "q1", "type": "ringing", "from": "+74952220000", "extensions": ["101"]},
            {"call_id": "q1", "type": "answered", "extension": "101"},
            {"call_id": "q1", "type": "hangup"}
        ]))
        .await;
    assert_eq!(s, 200, "{e}");
    let (_, p) = app
        .post_json(
            "/api/v1/outbound-lists/preview",
            &manager,
            &json!({"criteria": {"segments": ["champions", "new"], "quiet_days": 30}}),
        )
        .await;
    let names: Vec<&str> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Newcomer"]);
    // Bad criteria are named.
    let (s, e) = app
        .post_json(
            "/api/v1/outbound-lists/preview",
            &manager,
            &json!({"criteria": {"segments": ["vip"]}}),
        )
        .await;
    assert_eq!((s, e["field"].as_str()), (422, Some("segments")));
}

#[tokio::test]
async fn the_wallboard_shows_ringing_calls_operator_states_and_todays_kpis() {
    let app = spawn_app().await;
    let ready = app
        .add_user("a-ready", Role::Operator, Some("101"), "pw-1-aaaa")
        .await;
    let paused = app
        .add_user("b-paused", Role::Operator, Some("102"), "pw-2-bbbb")
        .await;
    app.add_user("c-talking", Role::Operator, Some("103"), "pw-3-cccc")
        .await;
    app.add_user("d-wrapping", Role::Operator, Some("104"), "pw-4-dddd")
        .await;
    db::operators::set_status(&app.db, paused, "paused", now_ms())
        .await
        .unwrap();
    db::operators::set_status(&app.db, ready, "ready", now_ms())
        .await
        .unwrap();
    let (s, e) = app
        .post_events(&json!([
            {"call_id": "w1", "type": "ringing", "from": "+74953330001", "extensions": ["105"]},
            {"call_id": "w2", "type": "ringing", "from": "+74953330002", "extensions": ["103"]},
            {"call_id": "w2", "type": "answered", "extension": "103"},
            {"call_id": "w3", "type": "ringing", "from": "+74953330003", "extensions": ["104"]},
            {"call_id": "w3", "type": "answered", "extension": "104"},
            {"call_id": "w3", "type": "hangup"}
        ]))
        .await;
    assert_eq!(s, 200, "{e}");
    let manager = app.token(Role::Manager).await;
    let (s, w) = app.get_json("/api/v1/wallboard", &manager).await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["ringing"].as_array().unwrap().len(), 1);
    assert_eq!(w["ringing"][0]["caller"], "+74953330001");
    assert_eq!(w["ringing"][0]["extensions"], json!(["105"]));
    let states: Vec<(&str, &str)> = w["operators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("a-ready", "ready"),
            ("b-paused", "paused"),
            ("c-talking", "on_call"),
            ("d-wrapping", "wrap_up")
        ]
    );
    assert_eq!(
        w["states"],
        json!({"on_call": 1, "paused": 1, "ready": 1, "wrap_up": 1})
    );
    assert_eq!(w["today"]["kpis"]["offered"]["value"], 3);
    assert_eq!(w["today"]["kpis"]["answered"]["value"], 2);

    // One queue's board: its ringing calls and today's figures; the operators are everyone.
    let (s, e) = app
        .post_events(&json!({"call_id": "w4", "type": "ringing", "from": "+74953330004", "extensions": ["106"], "queue": "sales"}))
        .await;
    assert_eq!(s, 200, "{e}");
    let (_, all) = app.get_json("/api/v1/wallboard", &manager).await;
    assert_eq!(all["ringing"].as_array().unwrap().len(), 2);
    let (s, sales) = app
        .get_json("/api/v1/wallboard?queue=sales", &manager)
        .await;
    assert_eq!(s, 200, "{sales}");
    assert_eq!(sales["ringing"].as_array().unwrap().len(), 1);
    assert_eq!(sales["ringing"][0]["queue"], "sales");
    assert_eq!(sales["today"]["kpis"]["offered"]["value"], 1);
    assert_eq!(sales["operators"].as_array().unwrap().len(), 4);
    let (s, _) = app.get_json("/api/v1/wallboard", &app.pbx_token).await;
    assert_eq!(s, 403);
}

pub(crate) async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn manager_pages_open_for_managers_only_and_state_the_pareto_share() {
    let app = spawn_app().await;
    segmented_base(&app).await;
    app.add_user("mary", Role::Manager, None, "pw-mary-1").await;
    app.add_user("olga", Role::Operator, Some("101"), "pw-olga-1")
        .await;
    let mary = app.logged_in("mary", "pw-mary-1").await;
    let olga = app.logged_in("olga", "pw-olga-1").await;
    let (s, html) = page(&mary, &app, "/manager/clients").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("2 clients (50.0 % of the base) bring 80 % of revenue"),
        "{html}"
    );
    assert!(html.contains("<svg") && html.contains("id=\"rules\""));
    assert!(
        html.contains(">Drifting</a>")
            && html.contains("usually orders every 7 days; last order 186 days ago")
    );
    let (s, html) = page(&mary, &app, "/manager/clients?segment=new&abc=C").await;
    assert_eq!(s, 200);
    assert!(html.contains(">Newcomer</a>") && !html.contains(">Drifting</a>"));
    let (s, html) = page(
        &mary,
        &app,
        "/manager/outbound?segments=cant_lose&abc=A&quiet_days=7",
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"preview-list\"") && html.contains(">Drifting</a>"),
        "{html}"
    );
    let (s, html) = page(&mary, &app, "/manager/outbound?segments=vip").await;
    assert_eq!(s, 422);
    assert!(html.contains("unknown segment"), "{html}");
    for path in ["/manager/wallboard", "/manager/wallboard/live"] {
        assert_eq!(page(&mary, &app, path).await.0, 200, "{path}");
    }
    let (s, html) = page(&mary, &app, "/manager/wallboard?queue=sales%20desk").await;
    assert_eq!(s, 200);
    assert!(
        html.contains(r#"data-src="/manager/wallboard/live?queue=sales+desk""#)
            && html.contains(r#"name="queue" value="sales desk""#),
        "the live part follows the queue: {html}"
    );
    for path in [
        "/manager/clients",
        "/manager/outbound",
        "/manager/wallboard",
        "/manager/wallboard/live",
    ] {
        assert_eq!(page(&olga, &app, path).await.0, 403, "{path}");
    }
}

#[tokio::test]
async fn a_manager_sets_a_personal_manager_and_the_lookup_names_them() {
    let app = spawn_app().await;
    let ids = segmented_base(&app).await;
    app.add_user("mary", Role::Manager, None, "pw-mary-1").await;
    let olga = app
        .add_user("olga", Role::Operator, Some("101"), "pw-olga-1")
        .await;
    let mary = app.logged_in("mary", "pw-mary-1").await;
    // Warm the lookup cache first: the change must still show.
    assert_eq!(
        app.lookup("+74952220001").await["matches"][0]["personal_manager"],
        Value::Null
    );
    let r = mary
        .post(app.url(&format!("/manager/clients/{}/manager", ids[1])))
        .form(&[
            ("manager_id", olga.to_string().as_str()),
            ("back", "/manager/clients?abc=A"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/manager/clients?abc=A&msg=saved");
    let found = app.lookup("+74952220001").await;
    assert_eq!(
        found["matches"][0]["personal_manager"],
        json!({"login": "olga", "extension": "101"})
    );
    let (_, html) = page(&mary, &app, "/manager/clients?abc=A").await;
    assert!(
        html.contains(&format!("<option value=\"{olga}\" selected>olga</option>")),
        "{html}"
    );
    // The pop of the client's next call names them too.
    let (s, e) = app
        .post_events(&json!({"call_id": "pm1", "type": "ringing", "from": "+74952220001", "extensions": ["101"]}))
        .await;
    assert_eq!(s, 200, "{e}");
    let call = e["events"][0]["call_id"].as_i64().unwrap();
    let op = app.logged_in("olga", "pw-olga-1").await;
    let (s, pop) = page(&op, &app, &format!("/operator/calls/{call}/pop")).await;
    assert_eq!(s, 200);
    assert!(pop.contains("Personal manager: olga"), "{pop}");
    // Not an operator: refused, nothing changes.
    let r = mary
        .post(app.url(&format!("/manager/clients/{}/manager", ids[1])))
        .form(&[("manager_id", "999999")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

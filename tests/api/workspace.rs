//! The operator's workspace: outcomes and their side effects, wrap-up time, who is calling,
//! the worklist's claims, the desk status, and the pages (escaping, CSP, redirects).

use orderline::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn desk_op(app: &TestApp, login: &str, ext: &str) -> reqwest::Client {
    app.add_user(login, Role::Operator, Some(ext), "correct-horse")
        .await;
    app.logged_in(login, "correct-horse").await
}

async fn send(
    op: &reqwest::Client,
    app: &TestApp,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let req = match method {
        "PUT" => op.put(app.url(path)),
        _ => op.post(app.url(path)),
    };
    let r = req.json(body).send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn ring(app: &TestApp, id: &str, from: &str, ext: &str) -> i64 {
    let (s, a) = app
        .post_events(&json!({"call_id": id, "type": "ringing", "from": from, "extensions": [ext]}))
        .await;
    assert_eq!(s, 200, "{a}");
    a["events"][0]["call_id"].as_i64().unwrap()
}

#[tokio::test]
async fn an_order_on_a_call_sets_the_outcome_and_the_call_api_shows_both() {
    let app = spawn_app().await;
    let op = desk_op(&app, "olga", "101").await;
    let client = app
        .create_client(json!({"name": "Иван", "phones": ["+74951234567"]}))
        .await;
    let product = app.create_product("TEA-1", 25_000).await;
    let call = ring(&app, "w-1", "+74951234567", "101").await;
    app.post_events(&json!({"call_id": "w-1", "type": "answered", "extension": "101"}))
        .await;
    // A ringing call has no outcome yet; the inbound-only "not reached" is refused.
    let (s, e) = send(
        &op,
        &app,
        "POST",
        &format!("/api/v1/calls/{call}/outcome"),
        &json!({"outcome": "not_reached"}),
    )
    .await;
    assert_eq!((s, e["field"].as_str()), (422, Some("outcome")));
    let body = format!(
        "client_id={}&call_id={call}&back=/operator/calls/{call}&sku=TEA-1&qty=3&delivery_address=&delivery_date=&comment=",
        client["id"]
    );
    let r = op
        .post(app.url("/operator/orders"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    app.post_events(&json!({"call_id": "w-1", "type": "hangup", "cause": "normal"}))
        .await;
    let (s, c) = app
        .get_json(&format!("/api/v1/calls/{call}"), &app.admin_token)
        .await;
    assert_eq!(s, 200);
    assert_eq!(c["outcome"]["code"], "order_placed");
    assert_eq!(c["orders"].as_array().unwrap().len(), 1);
    assert_eq!(c["orders"][0]["total_minor"], 75_000);
    let _ = product;
    // Adding the note after the hang-up keeps the outcome and measures the wrap-up time.
    let (s, w) = send(
        &op,
        &app,
        "POST",
        &format!("/api/v1/calls/{call}/outcome"),
        &json!({"outcome": "order_placed", "note": "wants it by Friday"}),
    )
    .await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["note"], "wants it by Friday");
    assert!(
        w["wrapup_seconds"]
            .as_i64()
            .is_some_and(|x| (0..=300).contains(&x)),
        "{w}"
    );
}

#[tokio::test]
async fn callback_requested_creates_a_task_and_spam_needs_confirmation_then_blocks() {
    let app = spawn_app().await;
    let op = desk_op(&app, "olga", "101").await;
    let call = ring(&app, "w-2", "+74951112233", "101").await;
    app.post_events(&json!({"call_id": "w-2", "type": "answered", "extension": "101"}))
        .await;
    app.post_events(&json!({"call_id": "w-2", "type": "hangup", "cause": "normal"}))
        .await;
    let path = format!("/api/v1/calls/{call}/outcome");
    let (s, e) = send(
        &op,
        &app,
        "POST",
        &path,
        &json!({"outcome": "callback_requested"}),
    )
    .await;
    assert_eq!((s, e["field"].as_str()), (422, Some("callback_at")));
    let when = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let (s, w) = send(
        &op,
        &app,
        "POST",
        &path,
        &json!({"outcome": "callback_requested", "callback_at": when}),
    )
    .await;
    assert_eq!(s, 200, "{w}");
    let task = w["follow_up_id"].as_i64().expect("a follow-up task");
    let (_, list) = op
        .get(app.url("/api/v1/worklist"))
        .send()
        .await
        .map(|r| (0, r))
        .unwrap();
    let list: Value = list.json().await.unwrap();
    let mine = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == task)
        .cloned()
        .expect("in my worklist");
    assert_eq!(mine["kind"], "requested");
    assert_eq!(mine["number"], "+74951112233");
    let (s, e) = send(&op, &app, "POST", &path, &json!({"outcome": "spam"})).await;
    assert_eq!((s, e["field"].as_str()), (422, Some("confirm_spam")));
    let (s, _) = send(
        &op,
        &app,
        "POST",
        &path,
        &json!({"outcome": "spam", "confirm_spam": "1"}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, blocked) = app
        .get_json("/api/v1/blocked-numbers", &app.admin_token)
        .await;
    assert!(blocked.to_string().contains("+74951112233"), "{blocked}");
}

#[tokio::test]
async fn a_task_is_never_held_by_two_operators_and_not_reached_brings_it_back_until_the_limit() {
    let app = spawn_app().await;
    let olga = desk_op(&app, "olga", "101").await;
    let ivan = desk_op(&app, "ivan", "102").await;
    app.create_client(json!({"name": "Пётр", "phones": ["+74957654321"]}))
        .await;
    ring(&app, "w-3", "+74957654321", "101").await;
    app.post_events(&json!({"call_id": "w-3", "type": "hangup", "cause": "cancel"}))
        .await;
    let task = app.callbacks("open").await[0]["id"].as_i64().unwrap();
    let (s, _) = send(
        &olga,
        &app,
        "POST",
        &format!("/api/v1/tasks/{task}/claim"),
        &json!({}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, e) = send(
        &ivan,
        &app,
        "POST",
        &format!("/api/v1/tasks/{task}/claim"),
        &json!({}),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    assert!(e["message"].as_str().unwrap().contains("olga"), "{e}");
    let (s, e) = send(
        &ivan,
        &app,
        "POST",
        &format!("/api/v1/tasks/{task}/outcome"),
        &json!({"outcome": "information"}),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    // Three unanswered tries (the default limit) close it as not reached.
    for attempt in 1..=3 {
        send(
            &olga,
            &app,
            "POST",
            &format!("/api/v1/tasks/{task}/claim"),
            &json!({}),
        )
        .await;
        let (s, r) = send(
            &olga,
            &app,
            "POST",
            &format!("/api/v1/tasks/{task}/outcome"),
            &json!({"outcome": "not_reached"}),
        )
        .await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["task"]["operator_attempts"], attempt);
        assert_eq!(
            r["task"]["status"],
            if attempt < 3 { "open" } else { "closed" }
        );
    }
    let closed = app.callbacks("closed").await;
    assert_eq!(closed[0]["close_reason"], "not_reached");
}

#[tokio::test]
async fn a_paused_operator_cannot_take_a_task_and_status_round_trips() {
    let app = spawn_app().await;
    let op = desk_op(&app, "olga", "101").await;
    ring(&app, "w-4", "+74950001122", "101").await;
    app.post_events(&json!({"call_id": "w-4", "type": "hangup", "cause": "no_answer"}))
        .await;
    let task = app.callbacks("open").await[0]["id"].as_i64().unwrap();
    let (s, _) = send(
        &op,
        &app,
        "PUT",
        "/api/v1/me/status",
        &json!({"status": "paused"}),
    )
    .await;
    assert_eq!(s, 200);
    let me: Value = op
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["status"], "paused");
    let (s, _) = send(
        &op,
        &app,
        "POST",
        &format!("/api/v1/tasks/{task}/claim"),
        &json!({}),
    )
    .await;
    assert_eq!(s, 409);
    let (s, _) = send(
        &op,
        &app,
        "PUT",
        "/api/v1/me/status",
        &json!({"status": "asleep"}),
    )
    .await;
    assert_eq!(s, 422);
}

#[tokio::test]
async fn an_ambiguous_number_remembers_the_choice_and_an_unknown_one_becomes_a_client() {
    let app = spawn_app().await;
    let op = desk_op(&app, "olga", "101").await;
    let a = app
        .create_client(json!({"name": "Анна", "phones": ["+74991112233"]}))
        .await;
    app.create_client(json!({"name": "Борис", "phones": ["+74991112233"]}))
        .await;
    let call = ring(&app, "w-5", "+74991112233", "101").await;
    let (s, _) = send(
        &op,
        &app,
        "POST",
        &format!("/api/v1/calls/{call}/client"),
        &json!({"client_id": 999}),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = send(
        &op,
        &app,
        "POST",
        &format!("/api/v1/calls/{call}/client"),
        &json!({"client_id": a["id"]}),
    )
    .await;
    assert_eq!(s, 204);
    let (_, c) = app
        .get_json(&format!("/api/v1/calls/{call}"), &app.admin_token)
        .await;
    assert_eq!(c["caller"]["client_id"], a["id"]);
    let next = ring(&app, "w-6", "+74991112233", "101").await;
    let page = op
        .get(app.url(&format!("/operator/calls/{next}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (anna, boris) = (page.find("Анна").unwrap(), page.find("Борис").unwrap());
    assert!(anna < boris, "the client chosen last time is offered first");

    let unknown = ring(&app, "w-7", "+74997654321", "101").await;
    let (s, r) = send(
        &op,
        &app,
        "POST",
        &format!("/api/v1/calls/{unknown}/new-client"),
        &json!({"name": "Новый"}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let found = app.lookup("+74997654321").await;
    assert_eq!(found["matches"][0]["name"], "Новый");
}

#[tokio::test]
async fn pages_escape_names_send_a_csp_and_keep_other_operators_out() {
    let app = spawn_app().await;
    let op = desk_op(&app, "olga", "101").await;
    let other = desk_op(&app, "ivan", "102").await;
    app.create_client(json!({"name": "<script>alert(1)</script>", "phones": ["+74951239999"]}))
        .await;
    let call = ring(&app, "w-8", "+74951239999", "101").await;
    let r = op
        .get(app.url(&format!("/operator/calls/{call}")))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("&lt;script&gt;"),
        "escaped name"
    );
    let pop = op
        .get(app.url(&format!("/operator/calls/{call}/pop")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!pop.contains("<script>alert"));
    let denied = other
        .get(app.url(&format!("/operator/calls/{call}")))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anon.get(app.url("/desk")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let desk = op
        .get(app.url("/desk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        desk.contains(&format!("data-call-id=\"{call}\"")),
        "the ringing call shows on a freshly opened desk"
    );
}

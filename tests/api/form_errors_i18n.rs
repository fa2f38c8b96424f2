//! A form's mistake in the user's language: the services word their validation errors in
//! English for the API, and the pages translate them (`web::i18n::errors`) — the operator's
//! wrap-up and order forms, the manager's call log and dashboard. The JSON API stays English.

use orderline::domain::Role;
use serde_json::json;

use crate::{
    helpers::{TestApp, spawn_app},
    manager::page as get,
};

async fn user(
    app: &TestApp,
    login: &str,
    role: Role,
    ext: Option<&str>,
    lang: &str,
) -> reqwest::Client {
    let pw = format!("pw-{login}-1");
    app.add_user(login, role, ext, &pw).await;
    let c = app.logged_in(login, &pw).await;
    app.choose_language(&c, lang).await;
    c
}

async fn post_form(c: &reqwest::Client, app: &TestApp, path: &str, body: &str) -> (u16, String) {
    let r = c
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_russian_manager_reads_filter_mistakes_in_russian_and_an_english_one_in_english() {
    let app = spawn_app().await;
    let mary = user(&app, "mary", Role::Manager, None, "ru").await;
    let ed = user(&app, "ed", Role::Manager, None, "en").await;

    // The dashboard shows a bad period on its form (it answered raw JSON before).
    let (s, html) = get(&mary, &app, "/manager/dashboard?from=yesterday&queue=sales").await;
    assert_eq!(s, 422);
    assert!(
        html.contains("С: нужно время в формате RFC 3339, например 2026-11-27T00:00:00+03:00"),
        "{html}"
    );
    assert!(
        html.contains(r#"name="from" value="yesterday""#),
        "what was typed stays"
    );
    assert!(!html.contains("expected an RFC 3339"), "{html}");
    assert!(
        !html.contains("class=\"tiles\""),
        "no figures under a bad period"
    );
    let (s, html) = get(&ed, &app, "/manager/dashboard?from=yesterday").await;
    assert_eq!(s, 422);
    assert!(html.contains("from: expected an RFC 3339 time"), "{html}");

    let (_, html) = get(&mary, &app, "/manager/calls?number_suffix=67").await;
    assert!(
        html.contains("Номер оканчивается на: нужны последние 3–15 цифр номера"),
        "{html}"
    );
    let (_, html) = get(
        &mary,
        &app,
        &format!("/manager/calls?queue={}", "q".repeat(201)),
    )
    .await;
    assert!(
        html.contains("Очередь: название очереди — не больше 200 символов"),
        "{html}"
    );

    // The API itself stays English.
    let (s, e) = app
        .get_json("/api/v1/reports/kpis?from=yesterday", &app.admin_token)
        .await;
    assert_eq!(s, 422);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("expected an RFC 3339")
    );
}

#[tokio::test]
async fn a_russian_operator_reads_wrap_up_and_order_mistakes_in_russian() {
    let app = spawn_app().await;
    let olga = user(&app, "olga", Role::Operator, Some("101"), "ru").await;
    let client = app
        .create_client(json!({"name": "Иван", "phones": ["+74951234567"]}))
        .await;
    let (s, a) = app
        .post_events(&json!([
            {"call_id": "f-1", "type": "ringing", "from": "+74951234567", "extensions": ["101"]},
            {"call_id": "f-1", "type": "answered", "extension": "101"},
            {"call_id": "f-1", "type": "hangup", "cause": "normal"}
        ]))
        .await;
    assert_eq!(s, 200, "{a}");
    let call = a["events"][0]["call_id"].as_i64().unwrap();

    let wrapup = format!("/operator/calls/{call}/wrapup");
    let (s, html) = post_form(&olga, &app, &wrapup, "outcome=&note=").await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("выберите результат"), "{html}");
    assert!(!html.contains("choose an outcome"), "{html}");
    let (s, html) = post_form(
        &olga,
        &app,
        &wrapup,
        "outcome=callback_requested&callback_at=",
    )
    .await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("укажите, когда перезвонить"), "{html}");

    let order = format!(
        "client_id={}&call_id={call}&back=/operator/calls/{call}&sku=NOPE-1&qty=1&delivery_address=&delivery_date=&comment=",
        client["id"]
    );
    let (_, html) = post_form(&olga, &app, "/operator/orders", &order).await;
    assert!(html.contains("нет товара с таким артикулом"), "{html}");
}

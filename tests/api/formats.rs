//! The Zammad and SIP formats end to end: real fixture payloads posted to their webhook URLs.

use orderline::{
    config::{Config, SourceConfig, SourceFormat},
    domain::Role,
};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with, status_json};

const ZAMMAD_TOKEN: &str = "zammad-token-0123456789";
const SIP_TOKEN: &str = "kamailio-token-0123456789";

fn with_sources(c: &mut Config) {
    for (id, format, token) in [
        ("zammad", SourceFormat::Zammad, ZAMMAD_TOKEN),
        ("kamailio", SourceFormat::Sip, SIP_TOKEN),
    ] {
        c.sources.push(SourceConfig {
            id: id.into(),
            format,
            token: token.into(),
            hmac_secret: None,
            enabled: true,
        });
    }
}

async fn zammad(
    app: &TestApp,
    token: &str,
    body: &str,
    content_type: &str,
) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url(&format!("/webhooks/zammad/{token}")))
        .header("Content-Type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    status_json(r).await
}

async fn sip(app: &TestApp, message: &[u8]) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url("/webhooks/kamailio"))
        .bearer_auth(SIP_TOKEN)
        .header("Content-Type", "message/sip")
        .body(message.to_vec())
        .send()
        .await
        .unwrap();
    status_json(r).await
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn a_zammad_call_posted_as_forms_becomes_one_completed_call() {
    let app = spawn_app_with(with_sources).await;
    app.create_client(json!({"name": "Berlin GmbH", "phones": ["+49 30 600000000"]}))
        .await;
    for fixture in [
        include_str!("../fixtures/zammad/newcall.form"),
        include_str!("../fixtures/zammad/answer.form"),
        include_str!("../fixtures/zammad/hangup.form"),
    ] {
        let (status, answer) = zammad(&app, ZAMMAD_TOKEN, fixture.trim(), FORM).await;
        assert_eq!((status, answer), (200, json!({})));
    }
    let (_, calls) = app
        .get_json("/api/v1/calls?source=zammad", &app.admin_token)
        .await;
    let call = &calls["items"][0];
    assert_eq!(calls["items"].as_array().unwrap().len(), 1, "{calls}");
    assert_eq!(call["state"], "completed");
    // Zammad sends international numbers without "+": read as international.
    assert_eq!(call["caller"]["number"], "+4930600000000");
    assert_eq!(call["caller"]["kind"], "client");
}

#[tokio::test]
async fn zammad_json_bodies_and_agent_names_reach_the_agents_extensions() {
    let app = spawn_app_with(with_sources).await;
    // Zammad names the agents a call rings by display name; Alice Smith has extension 101.
    let hash = orderline::auth::password::hash("correct-horse".into())
        .await
        .unwrap();
    let alice = orderline::db::users::NewUser {
        login: "alice",
        display_name: "Alice Smith",
        role: Role::Operator,
        extension: Some("101"),
        password_hash: &hash,
    };
    orderline::db::users::insert_user(&app.db, &alice)
        .await
        .unwrap();
    let (status, _) = zammad(
        &app,
        ZAMMAD_TOKEN,
        include_str!("../fixtures/zammad/newcall.json"),
        "application/json",
    )
    .await;
    assert_eq!(status, 200);
    let (_, calls) = app
        .get_json("/api/v1/calls?source=zammad", &app.admin_token)
        .await;
    assert_eq!(calls["items"][0]["state"], "ringing");
    assert_eq!(calls["items"][0]["extensions"], json!(["101"]));
}

#[tokio::test]
async fn zammad_answers_reject_for_a_blocked_caller_and_refuses_a_wrong_token() {
    let app = spawn_app_with(with_sources).await;
    let (status, _) = app
        .post_json(
            "/api/v1/blocked-numbers",
            &app.admin_token,
            &json!({"number": "+4930600000000"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, answer) = zammad(
        &app,
        ZAMMAD_TOKEN,
        include_str!("../fixtures/zammad/newcall.form").trim(),
        FORM,
    )
    .await;
    assert_eq!(
        (status, answer),
        (200, json!({"action": "reject", "reason": "busy"}))
    );
    let (status, body) = zammad(
        &app,
        "wrong-token-0000000000",
        "event=newCall&callId=x",
        FORM,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );
    let r = app
        .client
        .post(app.url("/webhooks/zammad"))
        .header("Content-Type", FORM)
        .body("event=newCall")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "zammad authenticates with the token in the path"
    );
}

#[tokio::test]
async fn a_sip_invite_200_and_bye_become_one_completed_call_with_the_asserted_caller() {
    let app = spawn_app_with(with_sources).await;
    app.create_client(json!({"name": "Иван Петров", "phones": ["8 (495) 123-45-67"]}))
        .await;
    for fixture in [
        &include_bytes!("../fixtures/sip/invite-pai.sip")[..],
        &include_bytes!("../fixtures/sip/ok-200-invite.sip")[..],
        &include_bytes!("../fixtures/sip/bye.sip")[..],
    ] {
        let (status, answer) = sip(&app, fixture).await;
        assert_eq!(status, 200, "{answer}");
    }
    let (_, calls) = app
        .get_json("/api/v1/calls?source=kamailio", &app.admin_token)
        .await;
    assert_eq!(calls["items"].as_array().unwrap().len(), 1, "{calls}");
    let call = &calls["items"][0];
    assert_eq!(call["state"], "completed");
    assert_eq!(call["caller"]["number"], "+74951234567");
    assert_eq!(call["caller"]["kind"], "client");
    assert_eq!(call["answered_extension"], "101");
}

#[tokio::test]
async fn sip_messages_without_call_state_are_acknowledged_and_garbage_is_a_400() {
    let app = spawn_app_with(with_sources).await;
    let (status, answer) = sip(&app, include_bytes!("../fixtures/sip/options.sip")).await;
    assert_eq!((status, answer["accepted"].as_i64()), (200, Some(0)));
    let (status, answer) = sip(&app, include_bytes!("../fixtures/sip/garbage.bin")).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"], "malformed_body");
    let r = app
        .client
        .post(app.url("/webhooks/kamailio"))
        .bearer_auth(SIP_TOKEN)
        .header("Content-Type", "text/plain")
        .body(include_bytes!("../fixtures/sip/bye.sip").to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let (_, calls) = app
        .get_json("/api/v1/calls?source=kamailio", &app.admin_token)
        .await;
    assert_eq!(
        calls["items"].as_array().unwrap().len(),
        0,
        "nothing stored"
    );
}

#[tokio::test]
async fn a_dialog_info_notify_updates_the_dialogs_call_not_the_subscription() {
    let app = spawn_app_with(with_sources).await;
    let (status, answer) = sip(&app, include_bytes!("../fixtures/sip/notify-dialog.sip")).await;
    assert_eq!(status, 200, "{answer}");
    let (_, calls) = app
        .get_json("/api/v1/calls?source=kamailio", &app.admin_token)
        .await;
    let items = calls["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{calls}");
    let notify =
        String::from_utf8_lossy(include_bytes!("../fixtures/sip/notify-dialog.sip")).to_string();
    let subscription_call_id = notify
        .lines()
        .find_map(|l| l.strip_prefix("Call-ID: "))
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        items
            .iter()
            .all(|c| c["pbx_call_id"] != subscription_call_id.as_str())
    );
}

#[tokio::test]
async fn an_oversized_post_without_credentials_is_refused_as_unauthenticated() {
    let app = spawn_app_with(with_sources).await;
    let big = "x".repeat(100 * 1024);
    let r = app
        .client
        .post(app.url("/webhooks/kamailio"))
        .header("Content-Type", "message/sip")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .client
        .post(app.url("/webhooks/kamailio"))
        .bearer_auth(SIP_TOKEN)
        .header("Content-Type", "message/sip")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        413,
        "with the right token the size is what is wrong"
    );
}

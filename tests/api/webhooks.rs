//! `POST /webhooks/{source}` at the door: who may post, and what is refused before anything is
//! stored.

use orderline::{
    config::{SourceConfig, SourceFormat},
    domain::time::now_ms,
    ingest::auth::sign,
};
use serde_json::{Value, json};

use crate::helpers::{SOURCE_HMAC, SOURCE_TOKEN, TestApp, spawn_app, spawn_app_with};

const RINGING: &str =
    r#"{"call_id":"w-1","type":"ringing","from":"+74951234567","extensions":["101"]}"#;
const JSON: (&str, &str) = ("Content-Type", "application/json");

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Posts `RINGING` signed at `t` seconds (the signature computed over `signed_body`).
async fn post_signed(app: &TestApp, signed_body: &str, t: i64) -> (u16, Value) {
    let signature = sign(signed_body.as_bytes(), SOURCE_HMAC, t);
    app.post_raw(
        "/webhooks/office",
        &[JSON, ("X-Orderline-Signature", &signature)],
        RINGING,
    )
    .await
}

fn now_secs() -> i64 {
    now_ms() / 1000
}

#[tokio::test]
async fn a_request_without_a_token_gets_a_bare_401() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, body) = app.post_raw("/webhooks/office", &[JSON], RINGING).await;

    // Assert
    assert_eq!(status, 401);
    assert_eq!(body["error"], "unauthorized");
    assert_eq!(body.get("field"), None, "{body}");
    assert!(app.calls().await.is_empty());
}

#[tokio::test]
async fn a_wrong_token_gets_the_same_401_as_no_token() {
    // Arrange
    let app = spawn_app().await;
    let (_, without) = app.post_raw("/webhooks/office", &[JSON], RINGING).await;

    // Act
    let wrong = bearer("office-token-0123456788");
    let (status, body) = app
        .post_raw(
            "/webhooks/office",
            &[JSON, ("Authorization", &wrong)],
            RINGING,
        )
        .await;

    // Assert
    assert_eq!(status, 401);
    assert_eq!(body, without, "the answer never says what was wrong");
    assert!(app.calls().await.is_empty());
}

#[tokio::test]
async fn a_current_signature_without_a_bearer_token_is_accepted() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, body) = post_signed(&app, RINGING, now_secs()).await;

    // Assert
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"], 1);
    assert_eq!(app.calls().await.len(), 1);
}

#[tokio::test]
async fn a_signature_ten_minutes_old_is_refused() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, body) = post_signed(&app, RINGING, now_secs() - 600).await;

    // Assert
    assert_eq!((status, &body["error"]), (401, &json!("unauthorized")));
    assert!(app.calls().await.is_empty());
}

#[tokio::test]
async fn a_signature_over_another_body_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let other = r#"{"call_id":"w-2","type":"ringing"}"#;

    // Act
    let (status, _) = post_signed(&app, other, now_secs()).await;

    // Assert
    assert_eq!(status, 401);
    assert!(app.calls().await.is_empty());
}

#[tokio::test]
async fn an_unknown_source_is_404() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let auth = bearer(SOURCE_TOKEN);
    let (status, body) = app
        .post_raw("/webhooks/nope", &[JSON, ("Authorization", &auth)], RINGING)
        .await;

    // Assert
    assert_eq!((status, &body["error"]), (404, &json!("not_found")));
}

#[tokio::test]
async fn a_disabled_source_is_404_even_with_its_token() {
    // Arrange
    let app = spawn_app_with(|c| {
        c.sources.push(SourceConfig {
            id: "old-office".into(),
            format: SourceFormat::Generic,
            token: "old-office-token-0123456789".into(),
            hmac_secret: None,
            enabled: false,
        })
    })
    .await;

    // Act
    let auth = bearer("old-office-token-0123456789");
    let (status, _) = app
        .post_raw(
            "/webhooks/old-office",
            &[JSON, ("Authorization", &auth)],
            RINGING,
        )
        .await;

    // Assert
    assert_eq!(status, 404);
    assert!(app.calls().await.is_empty());
}

#[tokio::test]
async fn a_token_in_the_path_of_a_generic_source_is_refused() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let path = format!("/webhooks/office/{SOURCE_TOKEN}");
    let (status, _) = app.post_raw(&path, &[JSON], RINGING).await;

    // Assert
    assert_eq!(status, 401);
    assert!(app.calls().await.is_empty());
}

#[tokio::test]
async fn refused_requests_are_counted_in_the_metrics() {
    // Arrange
    let app = spawn_app().await;
    app.post_raw("/webhooks/office", &[JSON], RINGING).await;

    // Act
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // Assert
    let counted = text.lines().any(|l| {
        l.starts_with("webhook_rejections_total{")
            && l.contains(r#"source="office""#)
            && l.contains(r#"reason="missing""#)
    });
    assert!(counted, "{text}");
}

#[tokio::test]
async fn bad_bodies_are_refused_with_400_naming_the_problem_and_nothing_is_stored() {
    // Arrange
    let app = spawn_app().await;
    let auth = bearer(SOURCE_TOKEN);
    let cases = [
        (
            r#"{"call_id":"b-1","type":"ringing""#,
            "malformed_body",
            "malformed",
        ),
        (
            r#"{"type":"ringing","from":"+74951234567"}"#,
            "invalid_event",
            "call_id",
        ),
        (
            r#"{"call_id":"b-2","type":"ring"}"#,
            "invalid_event",
            "type",
        ),
        (
            r#"{"call_id":"b-3","type":"ringing","colour":"red"}"#,
            "malformed_body",
            "colour",
        ),
        (
            r#"[{"call_id":"b-4","type":"ringing"},{"call_id":"b-5","type":"ringing"},
                {"call_id":"b-6","type":"hangup","cause":"gone"}]"#,
            "invalid_event",
            "cause",
        ),
    ];

    for (body, code, needle) in cases {
        // Act
        let (status, answer) = app
            .post_raw("/webhooks/office", &[JSON, ("Authorization", &auth)], body)
            .await;

        // Assert
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"], code, "{body}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{body}: {answer}");
    }
    assert!(
        app.calls().await.is_empty(),
        "none of the good events was stored"
    );
}

#[tokio::test]
async fn a_text_plain_body_is_415() {
    // Arrange
    let app = spawn_app().await;
    let auth = bearer(SOURCE_TOKEN);

    // Act
    let (status, body) = app
        .post_raw(
            "/webhooks/office",
            &[("Content-Type", "text/plain"), ("Authorization", &auth)],
            RINGING,
        )
        .await;

    // Assert
    assert_eq!(
        (status, &body["error"]),
        (415, &json!("unsupported_media_type"))
    );
    assert!(app.calls().await.is_empty());
}

#[tokio::test]
async fn a_body_over_64_kib_is_413() {
    // Arrange
    let app = spawn_app().await;
    let auth = bearer(SOURCE_TOKEN);
    let queue = "q".repeat(65 * 1024);
    let body = json!({"call_id": "big-1", "type": "ringing", "queue": queue}).to_string();

    // Act
    let (status, answer) = app
        .post_raw("/webhooks/office", &[JSON, ("Authorization", &auth)], body)
        .await;

    // Assert
    assert_eq!(
        (status, &answer["error"]),
        (413, &json!("payload_too_large"))
    );
    assert!(app.calls().await.is_empty());
}

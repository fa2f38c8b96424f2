//! Authentication and authorisation: tokens, sessions, roles, rate limiting.

use orderline::domain::Role;

use crate::helpers::{spawn_app, status_json};

#[tokio::test]
async fn requests_without_credentials_get_a_json_401() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/v1/clients"))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "unauthorized");
}

#[tokio::test]
async fn a_wrong_or_malformed_token_is_a_401_without_detail() {
    let app = spawn_app().await;
    for header in ["Bearer olt_nope", "Basic abc", "Bearer", "garbage"] {
        let r = app
            .client
            .get(app.url("/api/v1/clients"))
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, 401, "{header}");
        assert_eq!(body["message"], "authentication required");
    }
}

#[tokio::test]
async fn a_pbx_token_may_look_up_but_not_read_clients() {
    let app = spawn_app().await;
    let (status, _) = app
        .get_json("/api/v1/lookup?number=%2B74951234567", &app.pbx_token)
        .await;
    assert_eq!(status, 200);
    let (status, body) = app.get_json("/api/v1/clients", &app.pbx_token).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "forbidden");
}

#[tokio::test]
async fn a_manager_token_reads_clients_but_cannot_edit_products() {
    let app = spawn_app().await;
    let manager = app.token(Role::Manager).await;
    let (status, _) = app.get_json("/api/v1/clients", &manager).await;
    assert_eq!(status, 200);
    let body = serde_json::json!({"sku": "X-1", "name": "X", "price_minor": 100});
    let (status, _) = app.post_json("/api/v1/products", &manager, &body).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn login_starts_a_session_that_the_api_accepts_and_logout_ends_it() {
    let app = spawn_app().await;
    app.add_user("olga", Role::Operator, Some("101"), "correct-horse")
        .await;
    let c = app.logged_in("olga", "correct-horse").await;
    let r = c.get(app.url("/api/v1/clients")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // Home sends an operator to the desk, which greets them by name.
    let home = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], "/desk");
    let desk = c
        .get(app.url("/desk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(desk.contains("olga"), "{desk}");
    let r = c.post(app.url("/logout")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/api/v1/clients")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn the_session_cookie_is_http_only() {
    let app = spawn_app().await;
    app.add_user("ivan", Role::Operator, None, "correct-horse")
        .await;
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .post(app.url("/login"))
        .form(&[("login", "ivan"), ("password", "correct-horse")])
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("orderline_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_guessing_is_rate_limited() {
    let app = spawn_app().await;
    app.add_user("anna", Role::Operator, None, "correct-horse")
        .await;
    for _ in 0..5 {
        let r = app
            .client
            .post(app.url("/login"))
            .form(&[("login", "anna"), ("password", "wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[("login", "anna"), ("password", "correct-horse")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        429,
        "even the right password waits after five failures"
    );
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() {
    let app = spawn_app().await;
    app.add_user("eve", Role::Operator, None, "correct-horse")
        .await;
    let r = app
        .client
        .post(app.url("/login"))
        .header("Sec-Fetch-Site", "cross-site")
        .header("Origin", "https://evil.example")
        .form(&[("login", "eve"), ("password", "correct-horse")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

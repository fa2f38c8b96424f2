//! Administration (issue 5 §5): user accounts, client merges, PBX sources with sealed secrets
//! and the pages' forms — on SQLite and PostgreSQL.

use orderline::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with, status_json};

async fn can_log_in(app: &TestApp, login: &str, pw: &str) -> bool {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(app.url("/login"))
        .form(&[("login", login), ("password", pw)])
        .send()
        .await
        .unwrap();
    r.status() == 303
}

#[tokio::test]
async fn admins_create_change_and_deactivate_users() {
    let app = spawn_app().await;
    let t = &app.admin_token;
    let body = json!({"login": "olga", "role": "operator", "extension": "101", "password": "correct horse"});
    let (status, created) = app.post_json("/api/v1/admin/users", t, &body).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert!(can_log_in(&app, "olga", "correct horse").await);

    // Bad input: a precise 422 naming the field; a taken extension or login: 409.
    let bad = json!({"login": "x y", "role": "operator", "password": "correct horse"});
    let (status, e) = app.post_json("/api/v1/admin/users", t, &bad).await;
    assert_eq!((status, e["field"].as_str()), (422, Some("login")), "{e}");
    let short = json!({"login": "ivan", "role": "operator", "password": "short"});
    let (status, e) = app.post_json("/api/v1/admin/users", t, &short).await;
    assert_eq!(
        (status, e["field"].as_str()),
        (422, Some("password")),
        "{e}"
    );
    let pbx = json!({"login": "ivan", "role": "pbx", "password": "correct horse"});
    assert_eq!(app.post_json("/api/v1/admin/users", t, &pbx).await.0, 422);
    let dup = json!({"login": "ivan", "role": "operator", "extension": "101", "password": "correct horse"});
    let (status, e) = app.post_json("/api/v1/admin/users", t, &dup).await;
    assert_eq!(status, 409, "{e}");
    assert_eq!(app.post_json("/api/v1/admin/users", t, &body).await.0, 409);

    // Role and extension change; then deactivation stops the login.
    let (status, u) = app
        .patch_json(
            &format!("/api/v1/admin/users/{id}"),
            t,
            &json!({"role": "manager", "extension": ""}),
        )
        .await;
    assert_eq!(status, 200, "{u}");
    assert_eq!(
        (u["role"].as_str(), u["extension"].is_null()),
        (Some("manager"), true)
    );
    let (status, list) = app.get_json("/api/v1/admin/users", t).await;
    assert_eq!(status, 200);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["login"] == "olga" && u["role"] == "manager")
    );
    let path = format!("/api/v1/admin/users/{id}/password");
    assert_eq!(
        app.post_json(&path, t, &json!({"password": "new secret 1"}))
            .await
            .0,
        204
    );
    assert!(!can_log_in(&app, "olga", "correct horse").await);
    assert!(can_log_in(&app, "olga", "new secret 1").await);
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/admin/users/{id}"),
            t,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(!can_log_in(&app, "olga", "new secret 1").await);
    assert_eq!(
        app.patch_json("/api/v1/admin/users/999999", t, &json!({"active": false}))
            .await
            .0,
        404
    );

    // Managers and operators may not.
    let manager = app.token(Role::Manager).await;
    assert_eq!(app.get_json("/api/v1/admin/users", &manager).await.0, 403);
    assert_eq!(
        app.post_json("/api/v1/admin/users", &manager, &body)
            .await
            .0,
        403
    );
    // …but managers may read the retention overview.
    let (status, r) = app.get_json("/api/v1/admin/retention", &manager).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["settings"]["events_days"], 0);
}

#[tokio::test]
async fn merging_moves_phones_orders_and_calls_to_the_kept_client() {
    let app = spawn_app().await;
    let t = &app.admin_token;
    let keep = app
        .create_client(json!({"name": "Иван Петров", "phones": ["+7 495 123-45-67"]}))
        .await;
    let gone = app
        .create_client(
            json!({"name": "Петров И.", "phones": ["+7 916 111-22-33", "+7 495 123-45-67"]}),
        )
        .await;
    let (keep_id, gone_id) = (keep["id"].as_i64().unwrap(), gone["id"].as_i64().unwrap());
    let product = app.create_product("W-1", 1_000).await;
    let order = json!({"client_id": gone_id, "lines": [{"product_id": product, "quantity": 2}]});
    assert_eq!(app.post_json("/api/v1/orders", t, &order).await.0, 201);
    let (status, _) = app
        .post_events(&json!([{"call_id": "m1", "type": "ringing", "at": "2026-11-27T10:00:00Z", "from": "+79161112233"}]))
        .await;
    assert_eq!(status, 200);

    assert_eq!(
        app.post_json(
            "/api/v1/admin/clients/merge",
            t,
            &json!({"keep_id": keep_id, "merge_id": keep_id})
        )
        .await
        .0,
        422
    );
    assert_eq!(
        app.post_json(
            "/api/v1/admin/clients/merge",
            t,
            &json!({"keep_id": keep_id, "merge_id": 999_999})
        )
        .await
        .0,
        404
    );
    let (status, m) = app
        .post_json(
            "/api/v1/admin/clients/merge",
            t,
            &json!({"keep_id": keep_id, "merge_id": gone_id}),
        )
        .await;
    assert_eq!(status, 200, "{m}");
    assert_eq!(
        m["moved"]["phones"], 1,
        "the shared number is not duplicated: {m}"
    );
    assert_eq!(m["moved"]["orders"], 1);
    assert_eq!(m["moved"]["calls"], 1);

    let (status, c) = app.get_json(&format!("/api/v1/clients/{keep_id}"), t).await;
    assert_eq!(status, 200);
    assert_eq!(c["phones"].as_array().unwrap().len(), 2, "{c}");
    assert_eq!(
        app.get_json(&format!("/api/v1/clients/{gone_id}"), t)
            .await
            .0,
        404
    );
    let found = app.lookup("+79161112233").await;
    assert_eq!(found["kind"], "client", "{found}");
    assert_eq!(
        found["matches"][0]["client_id"].as_i64(),
        Some(keep_id),
        "{found}"
    );
    // The merge is audited.
    let n = count(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'client.merge' AND subject = 'client:{keep_id}'")).await;
    assert_eq!(n, 1);
    // A second merge of the removed record finds nothing.
    assert_eq!(
        app.post_json(
            "/api/v1/admin/clients/merge",
            t,
            &json!({"keep_id": keep_id, "merge_id": gone_id})
        )
        .await
        .0,
        404
    );
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    match &app.db {
        orderline::db::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        orderline::db::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

async fn post_to(app: &TestApp, source: &str, token: &str) -> u16 {
    let body = json!([{"call_id": format!("s-{token}"), "type": "ringing", "at": "2026-11-27T10:00:00Z", "from": "+79161112233"}]);
    let r = app
        .client
        .post(app.url(&format!("/webhooks/{source}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    r.status().as_u16()
}

#[tokio::test]
async fn sources_added_at_run_time_authenticate_webhooks_and_rotate() {
    let app = spawn_app_with(|c| {
        c.secrets.key = Some(std::sync::Arc::new(secrecy::SecretBox::new(Box::new(
            [42u8; 32],
        ))));
    })
    .await;
    let t = &app.admin_token;
    let (status, s) = app
        .post_json(
            "/api/v1/admin/sources",
            t,
            &json!({"id": "shop", "format": "generic"}),
        )
        .await;
    assert_eq!(status, 201, "{s}");
    let token = s["token"].as_str().unwrap().to_owned();
    assert!(s["hmac_secret"].is_string());
    assert!(
        s["webhook_url"]
            .as_str()
            .unwrap()
            .ends_with("/webhooks/shop")
    );
    // Stored sealed, never in clear.
    let stored = count(
        &app,
        &format!("SELECT COUNT(*) FROM pbx_sources WHERE token_sealed LIKE '%{token}%'"),
    )
    .await;
    assert_eq!(stored, 0);

    assert_eq!(post_to(&app, "shop", &token).await, 200);
    assert_eq!(post_to(&app, "shop", "wrong").await, 401);
    assert_eq!(post_to(&app, "nowhere", &token).await, 404);

    let (status, r) = app
        .post_json("/api/v1/admin/sources/shop/rotate", t, &json!({}))
        .await;
    assert_eq!(status, 200, "{r}");
    let fresh = r["token"].as_str().unwrap().to_owned();
    assert_ne!(fresh, token);
    assert_eq!(
        post_to(&app, "shop", &token).await,
        401,
        "the old token stops working"
    );
    assert_eq!(post_to(&app, "shop", &fresh).await, 200);

    let (status, _) = app
        .patch_json("/api/v1/admin/sources/shop", t, &json!({"enabled": false}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(post_to(&app, "shop", &fresh).await, 404);

    // Configuration sources are listed read-only; their ids cannot be taken; bad input is 422.
    let (_, list) = app.get_json("/api/v1/admin/sources", t).await;
    let items = list["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|s| s["id"] == "office" && s["origin"] == "config")
    );
    assert!(
        items
            .iter()
            .any(|s| s["id"] == "shop" && s["origin"] == "database" && s["enabled"] == false)
    );
    assert!(items.iter().all(|s| s.get("token").is_none()));
    assert_eq!(
        app.post_json(
            "/api/v1/admin/sources",
            t,
            &json!({"id": "office", "format": "generic"})
        )
        .await
        .0,
        409
    );
    assert_eq!(
        app.post_json(
            "/api/v1/admin/sources",
            t,
            &json!({"id": "Bad Id", "format": "generic"})
        )
        .await
        .0,
        422
    );
    assert_eq!(
        app.post_json(
            "/api/v1/admin/sources",
            t,
            &json!({"id": "pbx2", "format": "fax"})
        )
        .await
        .0,
        422
    );
    assert_eq!(
        app.post_json("/api/v1/admin/sources/nope/rotate", t, &json!({}))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn without_a_key_sources_cannot_be_added() {
    let app = spawn_app().await;
    let (status, e) = app
        .post_json(
            "/api/v1/admin/sources",
            &app.admin_token,
            &json!({"id": "shop", "format": "generic"}),
        )
        .await;
    assert_eq!(status, 409, "{e}");
}

#[tokio::test]
async fn admin_pages_render_and_forms_show_their_errors() {
    let app = spawn_app().await;
    app.add_user("root", Role::Admin, None, "admin secret")
        .await;
    app.add_user("mgr", Role::Manager, Some("150"), "manager secret")
        .await;
    let admin = app.logged_in("root", "admin secret").await;
    for path in [
        "/admin/users",
        "/admin/outcomes",
        "/admin/blocked",
        "/admin/retention",
        "/admin/merge",
        "/admin/sources",
    ] {
        let r = admin.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    // A bad new user: the form comes back with the error and what was typed.
    let r = admin
        .post(app.url("/admin/users"))
        .form(&[
            ("login", "new.op"),
            ("role", "operator"),
            ("extension", "1"),
            ("password", "long enough"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("extension: 2–6 digits"), "{html}");
    assert!(html.contains("value=\"new.op\""));
    // A good one redirects; the list shows it.
    let r = admin
        .post(app.url("/admin/users"))
        .form(&[
            ("login", "new.op"),
            ("role", "operator"),
            ("extension", "120"),
            ("password", "long enough"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = admin
        .get(app.url("/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("new.op"));
    // Outcomes and the block list.
    let r = admin
        .post(app.url("/admin/outcomes"))
        .form(&[("code", "order_placed"), ("label", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a system code");
    let r = admin
        .post(app.url("/admin/outcomes"))
        .form(&[
            ("code", "asked_catalogue"),
            ("label", "Wrong number"),
            ("active", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, outcomes) = app.get_json("/api/v1/outcomes", &app.admin_token).await;
    assert!(
        outcomes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["code"] == "asked_catalogue")
    );
    let r = admin
        .post(app.url("/admin/blocked"))
        .form(&[("number", "not a number"), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = admin
        .post(app.url("/admin/blocked"))
        .form(&[("number", "+7 916 000-00-01"), ("reason", "spam")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, blocked) = app
        .get_json("/api/v1/blocked-numbers", &app.admin_token)
        .await;
    assert_eq!(blocked["items"][0]["e164"], "+79160000001");
    // Merge form: a bad id re-renders with the error.
    let r = admin
        .post(app.url("/admin/merge"))
        .form(&[("keep_id", "x"), ("merge_id", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // A manager reads retention but not the rest.
    let mgr = app.logged_in("mgr", "manager secret").await;
    assert_eq!(
        mgr.get(app.url("/admin/retention"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        mgr.get(app.url("/admin/users"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let r = mgr
        .post(app.url("/admin/users"))
        .form(&[
            ("login", "sneaky"),
            ("role", "admin"),
            ("password", "long enough"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (_, v): (u16, Value) = status_json(
        mgr.get(app.url("/api/v1/admin/users"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["error"], "forbidden");
}

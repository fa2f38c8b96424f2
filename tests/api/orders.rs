//! `/api/v1/orders` and the `/api/v1/products` catalogue they are priced from.

use orderline::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, status_json};

/// `PUT path` with a JSON body and the admin token.
async fn put_json(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let r = app
        .client
        .put(app.url(path))
        .bearer_auth(&app.admin_token)
        .json(body)
        .send()
        .await
        .unwrap();
    status_json(r).await
}

/// Every order the list returns for `query`, following `next_cursor` to the end.
async fn list_all(app: &TestApp, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = format!("/api/v1/orders?{query}");
    loop {
        let (status, page) = app.get_json(&path, &app.admin_token).await;
        assert_eq!(status, 200, "{page}");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/orders?{query}&cursor={c}"),
            None => return items,
        }
    }
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|o| o["id"].as_i64().unwrap()).collect()
}

/// Places an order (admin token) and returns status and body.
async fn place(app: &TestApp, body: &Value) -> (u16, Value) {
    app.post_json("/api/v1/orders", &app.admin_token, body)
        .await
}

/// Places an order that must succeed; returns its id.
async fn place_ok(app: &TestApp, client_id: &Value, product: i64, quantity: i64) -> i64 {
    let body =
        json!({"client_id": client_id, "lines": [{"product_id": product, "quantity": quantity}]});
    let (status, order) = place(app, &body).await;
    assert_eq!(status, 201, "{order}");
    order["id"].as_i64().unwrap()
}

/// A client to order for.
async fn a_client(app: &TestApp, name: &str) -> Value {
    app.create_client(json!({"name": name}))
        .await
        .get("id")
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn an_order_is_priced_from_the_catalogue_and_its_total_computed_by_the_server() {
    // Arrange
    let app = spawn_app().await;
    let client = a_client(&app, "Buyer").await;
    let tea = app.create_product("TEA-1", 25_050).await;
    let cup = app.create_product("CUP-2", 1_999).await;
    let body = json!({
        "client_id": client,
        "lines": [{"product_id": tea, "quantity": 3}, {"product_id": cup, "quantity": 2}],
        "delivery_address": "  Москва, ул. Ленина, 1  ",
        "delivery_date": "2030-12-31",
        "comment": "ring twice"
    });

    // Act
    let (status, order) = place(&app, &body).await;
    let (_, read) = app
        .get_json(&format!("/api/v1/orders/{}", order["id"]), &app.admin_token)
        .await;

    // Assert
    assert_eq!(status, 201, "{order}");
    assert_eq!(read, order);
    assert_eq!(order["client_id"], client);
    assert_eq!(order["status"], "new");
    assert_eq!(order["total_minor"], 3 * 25_050 + 2 * 1_999);
    assert_eq!(order["currency"], app.config.currency.as_str());
    assert_eq!(order["delivery_address"], "Москва, ул. Ленина, 1");
    assert_eq!(order["delivery_date"], "2030-12-31");
    assert_eq!(order["comment"], "ring twice");
    let lines = order["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["sku"], "TEA-1");
    assert_eq!(lines[0]["unit_price_minor"], 25_050);
    assert_eq!(lines[0]["line_total_minor"], 75_150);
    assert_eq!(lines[1]["line_total_minor"], 3_998);
}

#[tokio::test]
async fn a_later_price_change_does_not_change_a_placed_order() {
    // Arrange
    let app = spawn_app().await;
    let client = a_client(&app, "Buyer").await;
    let tea = app.create_product("TEA-1", 1_000).await;
    let id = place_ok(&app, &client, tea, 2).await;
    let new_price = json!({"sku": "TEA-1", "name": "Tea", "price_minor": 5_000});

    // Act
    let (status, product) = put_json(&app, &format!("/api/v1/products/{tea}"), &new_price).await;
    let (_, order) = app
        .get_json(&format!("/api/v1/orders/{id}"), &app.admin_token)
        .await;

    // Assert
    assert_eq!(status, 200, "{product}");
    assert_eq!(product["price_minor"], 5_000);
    assert_eq!(order["total_minor"], 2_000);
    assert_eq!(order["lines"][0]["unit_price_minor"], 1_000);
}

#[tokio::test]
async fn a_client_cannot_send_prices_or_totals() {
    // Arrange
    let app = spawn_app().await;
    let client = a_client(&app, "Buyer").await;
    let tea = app.create_product("TEA-1", 1_000).await;
    let priced_line = json!({"client_id": client, "lines": [{"product_id": tea, "quantity": 1, "unit_price_minor": 1}]});
    let total = json!({"client_id": client, "lines": [{"product_id": tea, "quantity": 1}], "total_minor": 1});

    // Act
    let answers = [place(&app, &priced_line).await, place(&app, &total).await];

    // Assert
    for (status, body) in &answers {
        assert_eq!(*status, 422, "{body}");
        assert_eq!(body["error"], "invalid");
    }
    assert!(list_all(&app, "").await.is_empty());
}

#[tokio::test]
async fn an_order_with_one_bad_line_or_field_is_a_422_naming_it_and_leaves_no_order() {
    // Arrange
    let app = spawn_app().await;
    let client = a_client(&app, "Buyer").await;
    let gone = a_client(&app, "Gone").await;
    let manager = app.token(Role::Manager).await;
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/clients/{gone}")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let tea = app.create_product("TEA-1", 1_000).await;
    let old = app.create_product("OLD-1", 1_000).await;
    let retire = json!({"sku": "OLD-1", "name": "Old", "price_minor": 1_000, "active": false});
    assert_eq!(
        put_json(&app, &format!("/api/v1/products/{old}"), &retire)
            .await
            .0,
        200
    );
    let dear = app.create_product("GOLD-1", i64::MAX / 2).await;
    let good = json!({"product_id": tea, "quantity": 1});
    let with_line = |bad: Value| json!({"client_id": client, "lines": [good.clone(), bad]});
    let cases = [
        (
            with_line(json!({"product_id": old, "quantity": 1})),
            "lines[1].product_id",
        ),
        (
            with_line(json!({"product_id": 987_654, "quantity": 1})),
            "lines[1].product_id",
        ),
        (
            with_line(json!({"product_id": tea, "quantity": 0})),
            "lines[1].quantity",
        ),
        (
            with_line(json!({"product_id": tea, "quantity": -3})),
            "lines[1].quantity",
        ),
        (
            with_line(json!({"product_id": dear, "quantity": 3})),
            "lines[1].quantity",
        ),
        (json!({"client_id": client, "lines": []}), "lines"),
        (json!({"client_id": 987_654, "lines": [good]}), "client_id"),
        (json!({"client_id": gone, "lines": [good]}), "client_id"),
        (
            json!({"client_id": client, "lines": [good], "delivery_date": "31.12.2030"}),
            "delivery_date",
        ),
        (
            json!({"client_id": client, "lines": [good], "delivery_date": "2030-02-30"}),
            "delivery_date",
        ),
        (
            json!({"client_id": client, "lines": [good], "comment": "a\u{0}b"}),
            "comment",
        ),
        (
            json!({"client_id": client, "lines": [good], "delivery_address": "\u{0}"}),
            "delivery_address",
        ),
    ];

    // Act
    let mut answers = Vec::new();
    for (body, field) in &cases {
        answers.push((body, field, place(&app, body).await));
    }

    // Assert
    for (body, field, (status, answer)) in &answers {
        assert_eq!(*status, 422, "{body}: {answer}");
        assert_eq!(answer["error"], "invalid", "{body}");
        assert_eq!(answer["field"], **field, "{body}: {answer}");
    }
    assert!(list_all(&app, "").await.is_empty(), "nothing half-written");
}

#[tokio::test]
async fn malformed_or_mistyped_order_bodies_are_400_and_422_not_500() {
    // Arrange
    let app = spawn_app().await;
    let client = a_client(&app, "Buyer").await;

    // Act
    let malformed = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.admin_token)
        .header("Content-Type", "application/json")
        .body("{\"client_id\": ")
        .send()
        .await
        .unwrap();
    let malformed = status_json(malformed).await;
    let typed = place(
        &app,
        &json!({"client_id": client, "lines": [{"product_id": 1, "quantity": 1.5}]}),
    )
    .await;
    let missing = place(&app, &json!({"client_id": client})).await;
    let bad_id = app.get_json("/api/v1/orders/abc", &app.admin_token).await;

    // Assert
    assert_eq!(malformed.0, 400, "{}", malformed.1);
    assert_eq!(malformed.1["error"], "malformed_json");
    assert_eq!(typed.0, 422, "{}", typed.1);
    assert_eq!(missing.0, 422, "{}", missing.1);
    assert_eq!(bad_id.0, 400, "{}", bad_id.1);
    assert_eq!(
        app.get_json("/api/v1/orders/424242", &app.admin_token)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn an_order_is_confirmed_or_cancelled_only_from_new() {
    // Arrange
    let app = spawn_app().await;
    let client = a_client(&app, "Buyer").await;
    let tea = app.create_product("TEA-1", 1_000).await;
    let first = format!("/api/v1/orders/{}", place_ok(&app, &client, tea, 1).await);
    let second = format!("/api/v1/orders/{}", place_ok(&app, &client, tea, 1).await);
    let token = app.admin_token.clone();

    // Act
    let not_a_target = app
        .patch_json(&first, &token, &json!({"status": "new"}))
        .await;
    let unknown = app
        .patch_json(&first, &token, &json!({"status": "shipped"}))
        .await;
    let confirmed = app
        .patch_json(&first, &token, &json!({"status": "confirmed"}))
        .await;
    let cancel_confirmed = app
        .patch_json(&first, &token, &json!({"status": "cancelled"}))
        .await;
    let cancelled = app
        .patch_json(&second, &token, &json!({"status": "cancelled"}))
        .await;
    let confirm_cancelled = app
        .patch_json(&second, &token, &json!({"status": "confirmed"}))
        .await;
    let missing = app
        .patch_json(
            "/api/v1/orders/424242",
            &token,
            &json!({"status": "confirmed"}),
        )
        .await;

    // Assert
    assert_eq!(
        (not_a_target.0, &not_a_target.1["field"]),
        (422, &json!("status"))
    );
    assert_eq!((unknown.0, &unknown.1["field"]), (422, &json!("status")));
    assert_eq!(confirmed.0, 200, "{}", confirmed.1);
    assert_eq!(confirmed.1["status"], "confirmed");
    assert_eq!(cancel_confirmed.0, 409, "{}", cancel_confirmed.1);
    assert_eq!(cancel_confirmed.1["error"], "conflict");
    assert_eq!(cancelled.1["status"], "cancelled");
    assert_eq!(confirm_cancelled.0, 409, "{}", confirm_cancelled.1);
    assert_eq!(missing.0, 404, "{}", missing.1);
    let (_, first_now) = app.get_json(&first, &token).await;
    assert_eq!(
        first_now["status"], "confirmed",
        "a refused change changes nothing"
    );
}

#[tokio::test]
async fn orders_are_listed_per_client_newest_first_and_paged_without_repeats() {
    // Arrange
    let app = spawn_app().await;
    let anna = a_client(&app, "Anna").await;
    let boris = a_client(&app, "Boris").await;
    let tea = app.create_product("TEA-1", 1_000).await;
    let mut annas = Vec::new();
    for q in 1..=3 {
        annas.push(place_ok(&app, &anna, tea, q).await);
        place_ok(&app, &boris, tea, q).await;
    }

    // Act
    let all_annas = list_all(&app, &format!("client_id={anna}&limit=2")).await;
    let everything = list_all(&app, "limit=4").await;
    let bad_client = app
        .get_json("/api/v1/orders?client_id=abc", &app.admin_token)
        .await;
    let bad_cursor = app
        .get_json("/api/v1/orders?cursor=zzz", &app.admin_token)
        .await;

    // Assert
    annas.reverse();
    assert_eq!(ids(&all_annas), annas);
    assert_eq!(everything.len(), 6);
    let mut seen = ids(&everything);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 6);
    assert_eq!(
        (bad_client.0, &bad_client.1["field"]),
        (422, &json!("client_id"))
    );
    assert_eq!(
        (bad_cursor.0, &bad_cursor.1["field"]),
        (422, &json!("cursor"))
    );
}

#[tokio::test]
async fn an_operator_session_places_orders_as_itself_and_a_pbx_token_may_not() {
    // Arrange
    let app = spawn_app().await;
    let olga = app
        .add_user("olga", Role::Operator, Some("101"), "correct-horse")
        .await;
    let operator = app.logged_in("olga", "correct-horse").await;
    let client = a_client(&app, "Buyer").await;
    let tea = app.create_product("TEA-1", 1_000).await;
    let body = json!({"client_id": client, "lines": [{"product_id": tea, "quantity": 1}]});

    // Act
    let by_operator = operator
        .post(app.url("/api/v1/orders"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let by_operator = status_json(by_operator).await;
    let by_pbx = app.post_json("/api/v1/orders", &app.pbx_token, &body).await;
    let pbx_reads = app.get_json("/api/v1/orders", &app.pbx_token).await;

    // Assert
    assert_eq!(by_operator.0, 201, "{}", by_operator.1);
    assert_eq!(by_operator.1["created_by"], olga);
    assert_eq!((by_pbx.0, &by_pbx.1["error"]), (403, &json!("forbidden")));
    assert_eq!(pbx_reads.0, 403);
    assert_eq!(list_all(&app, "").await.len(), 1);
}

#[tokio::test]
async fn products_are_created_searched_filtered_by_active_and_skus_are_unique() {
    // Arrange
    let app = spawn_app().await;
    let tea = app.create_product("TEA-1", 1_000).await;
    let old = app.create_product("OLD-1", 500).await;
    let retire = json!({"sku": "OLD-1", "name": "Старый чай", "price_minor": 500, "active": false});
    assert_eq!(
        put_json(&app, &format!("/api/v1/products/{old}"), &retire)
            .await
            .0,
        200
    );
    let token = app.admin_token.clone();

    // Act
    let (_, active) = app.get_json("/api/v1/products?active=true", &token).await;
    let (_, by_name) = app
        .get_json("/api/v1/products?q=%D0%A1%D0%A2%D0%90%D0%A0", &token)
        .await; // "СТАР"
    let (_, read) = app
        .get_json(&format!("/api/v1/products/{tea}"), &token)
        .await;
    let dup = app
        .post_json(
            "/api/v1/products",
            &token,
            &json!({"sku": "TEA-1", "name": "Again", "price_minor": 1}),
        )
        .await;
    let negative = app
        .post_json(
            "/api/v1/products",
            &token,
            &json!({"sku": "NEG", "name": "N", "price_minor": -1}),
        )
        .await;
    let unknown = app
        .post_json(
            "/api/v1/products",
            &token,
            &json!({"sku": "U", "name": "U", "price_minor": 1, "vat": 20}),
        )
        .await;
    let nul = app
        .post_json(
            "/api/v1/products",
            &token,
            &json!({"sku": "Z", "name": "a\u{0}b", "price_minor": 1}),
        )
        .await;
    let bad_active = app.get_json("/api/v1/products?active=maybe", &token).await;
    let nul_search = app.get_json("/api/v1/products?q=a%00b", &token).await;

    // Assert
    let active_ids: Vec<i64> = active["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(active_ids, vec![tea]);
    assert_eq!(by_name["items"][0]["id"], old);
    assert_eq!(by_name["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        read,
        json!({"id": tea, "sku": "TEA-1", "name": "Product TEA-1", "unit": "pcs", "price_minor": 1_000, "active": true})
    );
    assert_eq!((dup.0, &dup.1["field"]), (409, &json!("sku")), "{}", dup.1);
    assert_eq!(
        (negative.0, &negative.1["field"]),
        (422, &json!("price_minor"))
    );
    assert_eq!(unknown.0, 422, "{}", unknown.1);
    assert_eq!((nul.0, &nul.1["field"]), (422, &json!("name")), "{}", nul.1);
    assert_eq!(
        (bad_active.0, &bad_active.1["field"]),
        (422, &json!("active"))
    );
    assert_eq!(
        (nul_search.0, &nul_search.1["field"]),
        (422, &json!("q")),
        "{}",
        nul_search.1
    );
}

//! `GET /api/v1/lookup`: who is calling, in every written form of a number.

use orderline::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, status_json};

/// Groups of written forms of one number: the E.164 form, then the forms. The first form is
/// the one the client is created with.
const NUMBER_FORMS: &[(&str, &[&str])] = &[
    (
        "+74951234567",
        &[
            "8 (495) 123-45-67",
            "+7 495 123 45 67",
            "74951234567",
            "8-495-123-45-67",
            "+7 (495) 123-45-67 доб. 123",
            "+7 495 123-45-67 ext. 123",
            "+7 495 123-45-67 x123",
        ],
    ),
    (
        "+78005553535",
        &["8 800 555-35-35", "+7 800 555 35 35", "88005553535"],
    ),
    (
        "+78123159883",
        &["8 (812) 315-98-83", "+7 812 315 98 83", "78123159883"],
    ),
    (
        "+49301234567",
        &["8-10-49-30-1234567", "00 49 30 1234567", "+49 30 1234567"],
    ),
    (
        "+380441234567",
        &["+380 44 123 4567", "00380441234567", "8-10-380-44-123-4567"],
    ),
    (
        "+79161234567",
        &["7 916 123 45 67", "9161234567", "8 916 123-45-67"],
    ),
];

/// `GET` a raw path and query (sent as written, so a `+` stays unencoded); status and body text.
async fn get_raw(app: &TestApp, path_and_query: &str, token: Option<&str>) -> (u16, String) {
    let mut req = app.client.get(app.url(path_and_query));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Places an order of one unit of `product` for `client` (admin token).
async fn order_for(app: &TestApp, client: &Value, product: i64) {
    let body =
        json!({"client_id": client["id"], "lines": [{"product_id": product, "quantity": 1}]});
    let (status, json) = app
        .post_json("/api/v1/orders", &app.admin_token, &body)
        .await;
    assert_eq!(status, 201, "{json}");
}

fn match_ids(found: &Value) -> Vec<i64> {
    found["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["client_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn every_written_form_of_a_number_finds_the_client_created_with_another_form() {
    // Arrange
    let app = spawn_app().await;
    let mut clients = Vec::new();
    for (e164, forms) in NUMBER_FORMS {
        let c = app
            .create_client(json!({"name": format!("Owner of {e164}"), "phones": [forms[0]]}))
            .await;
        clients.push(c);
    }

    // Act
    let mut misses = Vec::new();
    for ((e164, forms), client) in NUMBER_FORMS.iter().zip(&clients) {
        if client["phones"][0]["number"] != *e164 {
            misses.push(format!(
                "{:?} was stored as {}",
                forms[0], client["phones"][0]["number"]
            ));
        }
        for form in *forms {
            let found = app.lookup(form).await;
            let expected = json!({"number": e164, "kind": "client", "ids": [client["id"]]});
            let got =
                json!({"number": found["number"], "kind": found["kind"], "ids": match_ids(&found)});
            if got != expected {
                misses.push(format!("{form:?}: expected {expected}, got {got}"));
            }
        }
    }

    // Assert
    assert!(
        misses.is_empty(),
        "not found in every form:\n{}",
        misses.join("\n")
    );
}

#[tokio::test]
async fn a_number_written_with_an_extension_is_stored_as_the_number_and_the_extension() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let c = app
        .create_client(json!({"name": "Office", "phones": ["+7 (495) 123-45-67 доб. 123"]}))
        .await;

    // Assert
    assert_eq!(c["phones"][0]["number"], "+74951234567");
    assert_eq!(c["phones"][0]["extension"], "123");
    assert_eq!(c["phones"][0]["raw"], "+7 (495) 123-45-67 доб. 123");
}

#[tokio::test]
async fn an_unencoded_plus_in_the_query_string_is_read_as_a_plus() {
    // Arrange
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for number in ["+74951234567", "+49301234567", "+380441234567"] {
        let c = app
            .create_client(json!({"name": number, "phones": [number]}))
            .await;
        ids.push((number, c["id"].clone()));
    }

    // Act
    let mut answers = Vec::new();
    for (number, id) in &ids {
        let path = format!("/api/v1/lookup?number={number}");
        let (status, text) = get_raw(&app, &path, Some(&app.pbx_token)).await;
        answers.push((
            number,
            id,
            status,
            serde_json::from_str::<Value>(&text).unwrap(),
        ));
    }

    // Assert
    for (number, id, status, found) in &answers {
        assert_eq!(*status, 200, "{found}");
        assert_eq!(found["number"], **number, "{found}");
        assert_eq!(found["matches"][0]["client_id"], **id, "{found}");
    }
}

#[tokio::test]
async fn a_number_on_two_clients_is_ambiguous_with_the_most_recent_orderer_first() {
    // Arrange: without orders, `first` would rank first (updated last, lower id).
    let app = spawn_app().await;
    let product = app.create_product("TEA-1", 25_000).await;
    let first = app
        .create_client(json!({"name": "Switchboard A", "phones": ["+7 495 111-22-33"]}))
        .await;
    let second = app
        .create_client(json!({"name": "Switchboard B", "phones": ["+7 (495) 111-22-33"]}))
        .await;
    let path = format!("/api/v1/clients/{}", first["id"]);
    let (status, _) = app
        .patch_json(&path, &app.admin_token, &json!({"notes": "touched"}))
        .await;
    assert_eq!(status, 200);

    // Act
    order_for(&app, &second, product).await;
    let after_second_orders = app.lookup("+74951112233").await;
    order_for(&app, &first, product).await;
    let after_first_orders = app.lookup("+74951112233").await;

    // Assert
    assert_eq!(after_second_orders["kind"], "ambiguous");
    let (a, b) = (
        first["id"].as_i64().unwrap(),
        second["id"].as_i64().unwrap(),
    );
    assert_eq!(match_ids(&after_second_orders), vec![b, a]);
    assert_eq!(after_first_orders["kind"], "ambiguous");
    assert_eq!(match_ids(&after_first_orders), vec![a, b]);
}

#[tokio::test]
async fn an_extension_is_internal_and_an_empty_or_withheld_number_is_anonymous() {
    // Arrange
    let app = spawn_app().await;
    app.create_client(json!({"name": "Looks like 101", "phones": ["+7 495 123-45-67"]}))
        .await;

    // Act
    let internal = app.lookup("101").await;
    let empty = app.lookup("").await;
    let anonymous = app.lookup("anonymous").await;

    // Assert
    assert_eq!(internal["kind"], "internal", "{internal}");
    assert_eq!(internal["number"], Value::Null, "{internal}");
    assert_eq!(internal["matches"], json!([]));
    for found in [empty, anonymous] {
        assert_eq!(found["kind"], "anonymous", "{found}");
        assert_eq!(found["number"], Value::Null, "{found}");
        assert_eq!(found["matches"], json!([]));
    }
}

#[tokio::test]
async fn an_unknown_valid_number_is_unknown_with_its_e164_form() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let found = app.lookup("+7 495 765-43-21").await;

    // Assert
    assert_eq!(
        found,
        json!({"number": "+74957654321", "matches": [], "kind": "unknown"})
    );
}

#[tokio::test]
async fn the_personal_manager_appears_with_login_and_extension() {
    // Arrange
    let app = spawn_app().await;
    let manager = app
        .add_user("petrova", Role::Manager, Some("205"), "correct-horse")
        .await;
    let c = app
        .create_client(json!({
            "name": "Иван Петров", "company": "ООО Ромашка", "kind": "business",
            "phones": ["+7 495 123-45-67"], "personal_manager_id": manager
        }))
        .await;

    // Act
    let found = app.lookup("+74951234567").await;

    // Assert
    assert_eq!(
        found,
        json!({
            "number": "+74951234567",
            "kind": "client",
            "matches": [{
                "client_id": c["id"], "name": "Иван Петров", "company": "ООО Ромашка",
                "personal_manager": {"login": "petrova", "extension": "205"}
            }]
        })
    );
}

#[tokio::test]
async fn the_text_format_answers_the_display_name_or_nothing() {
    // Arrange
    let app = spawn_app().await;
    app.create_client(
        json!({"name": "Иван Петров", "company": "ООО Ромашка", "phones": ["+74951234567"]}),
    )
    .await;
    app.create_client(json!({"name": "Anna", "phones": ["+74951234568"]}))
        .await;
    let token = Some(app.pbx_token.as_str());

    // Act
    let business = get_raw(
        &app,
        "/api/v1/lookup?number=%2B74951234567&format=text",
        token,
    )
    .await;
    let person = get_raw(
        &app,
        "/api/v1/lookup?number=%2B74951234568&format=text",
        token,
    )
    .await;
    let unknown = get_raw(
        &app,
        "/api/v1/lookup?number=%2B74951234569&format=text",
        token,
    )
    .await;

    // Assert
    assert_eq!(business, (200, "Иван Петров (ООО Ромашка)".to_owned()));
    assert_eq!(person, (200, "Anna".to_owned()));
    assert_eq!(unknown, (200, String::new()));
}

#[tokio::test]
async fn the_token_may_come_in_the_query_string_and_only_lookup_roles_may_ask() {
    // Arrange
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/v1/lookup"))
        .query(&[
            ("number", "+74951234567"),
            ("token", app.pbx_token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let wrong = app
        .client
        .get(app.url("/api/v1/lookup"))
        .query(&[("number", "+74951234567"), ("token", "olt_wrong")])
        .send()
        .await
        .unwrap();

    // Act
    let by_query = status_json(r).await;
    let by_wrong_query = status_json(wrong).await;
    let by_admin = app
        .get_json("/api/v1/lookup?number=%2B74951234567", &app.admin_token)
        .await;
    let nobody = get_raw(&app, "/api/v1/lookup?number=%2B74951234567", None).await;

    // Assert
    assert_eq!(by_query.0, 200, "{}", by_query.1);
    assert_eq!(by_query.1["kind"], "unknown");
    assert_eq!(by_wrong_query.0, 401);
    assert_eq!(by_wrong_query.1["error"], "unauthorized");
    assert_eq!(by_admin.0, 200);
    assert_eq!(nobody.0, 401);
}

#[tokio::test]
async fn a_missing_or_overlong_number_or_an_unknown_format_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let long = "1".repeat(65);

    // Act
    let missing = app.get_json("/api/v1/lookup", &app.pbx_token).await;
    let overlong = app
        .get_json(&format!("/api/v1/lookup?number={long}"), &app.pbx_token)
        .await;
    let format = app
        .get_json(
            "/api/v1/lookup?number=%2B74951234567&format=xml",
            &app.pbx_token,
        )
        .await;

    // Assert
    for ((status, body), field) in [
        (missing, "number"),
        (overlong, "number"),
        (format, "format"),
    ] {
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["field"], field, "{body}");
    }
}

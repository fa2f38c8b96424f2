//! `/api/v1/clients`: create, read, replace, patch, soft-delete, search and paging, and the
//! error contract (status, `error` code, `field`) for bad input.

use orderline::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with, status_json};

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

/// `DELETE path` with a token; returns the status.
async fn delete(app: &TestApp, path: &str, token: &str) -> u16 {
    let r = app
        .client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    r.status().as_u16()
}

/// `POST /api/v1/clients` with a raw body and content type.
async fn post_raw(
    app: &TestApp,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/api/v1/clients"))
        .bearer_auth(&app.admin_token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    status_json(r).await
}

/// Every client the list returns for `query`, following `next_cursor` to the end.
async fn list_all(app: &TestApp, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = format!("/api/v1/clients?{query}");
    loop {
        let (status, page) = app.get_json(&path, &app.admin_token).await;
        assert_eq!(status, 200, "{page}");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/clients?{query}&cursor={c}"),
            None => return items,
        }
    }
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

/// Asserts an error answer: status, code and (when given) field.
fn assert_error(got: &(u16, Value), status: u16, code: &str, field: Option<&str>) {
    let (s, body) = got;
    assert_eq!(*s, status, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(body["message"].is_string(), "{body}");
    match field {
        Some(f) => assert_eq!(body["field"], f, "{body}"),
        None => assert!(body.get("field").is_none(), "{body}"),
    }
}

#[tokio::test]
async fn a_created_client_reads_back_with_normalised_phones() {
    // Arrange
    let app = spawn_app().await;
    let body = json!({
        "external_id": "crm-1",
        "name": "Иван Петров",
        "kind": "business",
        "company": "ООО Ромашка",
        "phones": ["+7 495 123-45-67", {"number": "+7 916 123 45 67", "label": "mobile", "primary": true}],
        "email": "ivan@example.com"
    });

    // Act
    let created = app.create_client(body).await;
    let path = format!("/api/v1/clients/{}", created["id"]);
    let (status, read) = app.get_json(&path, &app.admin_token).await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(read, created);
    assert_eq!(read["name"], "Иван Петров");
    assert_eq!(read["kind"], "business");
    assert_eq!(read["external_id"], "crm-1");
    let phones = read["phones"].as_array().unwrap();
    assert_eq!(phones.len(), 2);
    assert_eq!(
        phones[0]["number"], "+79161234567",
        "the primary comes first"
    );
    assert_eq!(phones[0]["raw"], "+7 916 123 45 67");
    assert_eq!(phones[0]["label"], "mobile");
    assert_eq!(phones[0]["primary"], true);
    assert_eq!(phones[1]["number"], "+74951234567");
    assert_eq!(phones[1]["primary"], false);
}

#[tokio::test]
async fn put_replaces_every_field_and_patch_merges_onto_the_stored_client() {
    // Arrange
    let app = spawn_app().await;
    let c = app
        .create_client(json!({"name": "Anna", "company": "Acme", "email": "a@acme.test", "phones": ["+74951234567"]}))
        .await;
    let path = format!("/api/v1/clients/{}", c["id"]);

    // Act
    let patched = app
        .patch_json(
            &path,
            &app.admin_token,
            &json!({"notes": "calls after 14:00"}),
        )
        .await;
    let replaced = put_json(&app, &path, &json!({"name": "Anna K."})).await;

    // Assert
    assert_eq!(patched.0, 200, "{}", patched.1);
    assert_eq!(patched.1["notes"], "calls after 14:00");
    assert_eq!(
        patched.1["company"], "Acme",
        "patch keeps what it does not name"
    );
    assert_eq!(patched.1["phones"][0]["number"], "+74951234567");
    assert_eq!(replaced.0, 200, "{}", replaced.1);
    assert_eq!(replaced.1["name"], "Anna K.");
    assert!(
        replaced.1.get("company").is_none(),
        "put drops what it does not name"
    );
    assert!(replaced.1.get("notes").is_none());
    assert_eq!(replaced.1["phones"], json!([]));
}

#[tokio::test]
async fn patch_with_an_unknown_field_or_a_null_name_is_a_422_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let c = app.create_client(json!({"name": "Boris"})).await;
    let path = format!("/api/v1/clients/{}", c["id"]);

    // Act
    let unknown = app
        .patch_json(&path, &app.admin_token, &json!({"nickname": "B"}))
        .await;
    let no_name = app
        .patch_json(&path, &app.admin_token, &json!({"name": null}))
        .await;
    let (_, after) = app.get_json(&path, &app.admin_token).await;

    // Assert
    assert_error(&unknown, 422, "invalid", None);
    assert_error(&no_name, 422, "invalid", Some("name"));
    assert_eq!(after["name"], "Boris");
}

#[tokio::test]
async fn a_soft_deleted_client_is_gone_from_reads_lists_search_and_lookup() {
    // Arrange
    let app = spawn_app().await;
    let manager = app.token(Role::Manager).await;
    let c = app
        .create_client(json!({"name": "Gone Client", "phones": ["+7 495 765-43-21"]}))
        .await;
    let path = format!("/api/v1/clients/{}", c["id"]);

    // Act
    let status = delete(&app, &path, &manager).await;

    // Assert
    assert_eq!(status, 204);
    let (status, body) = app.get_json(&path, &app.admin_token).await;
    assert_error(&(status, body), 404, "not_found", None);
    assert!(list_all(&app, "").await.is_empty());
    assert!(list_all(&app, "q=gone").await.is_empty());
    assert!(list_all(&app, "phone=4321").await.is_empty());
    let found = app.lookup("+74957654321").await;
    assert_eq!(found["matches"], json!([]));
    assert_eq!(found["kind"], "unknown");
    assert_eq!(delete(&app, &path, &manager).await, 404, "deleting twice");
    let patched = app
        .patch_json(&path, &app.admin_token, &json!({"notes": "x"}))
        .await;
    assert_eq!(patched.0, 404, "{}", patched.1);
    assert_eq!(put_json(&app, &path, &json!({"name": "Back"})).await.0, 404);
}

#[tokio::test]
async fn an_operator_may_edit_clients_but_not_delete_them_and_a_pbx_may_not_write() {
    // Arrange
    let app = spawn_app().await;
    app.add_user("olga", Role::Operator, Some("101"), "correct-horse")
        .await;
    let operator = app.logged_in("olga", "correct-horse").await;
    let c = app.create_client(json!({"name": "Kept"})).await;
    let path = format!("/api/v1/clients/{}", c["id"]);

    // Act
    let edit = operator
        .patch(app.url(&path))
        .json(&json!({"notes": "by operator"}))
        .send()
        .await
        .unwrap();
    let remove = operator.delete(app.url(&path)).send().await.unwrap();
    let pbx_create = app
        .post_json("/api/v1/clients", &app.pbx_token, &json!({"name": "X"}))
        .await;

    // Assert
    assert_eq!(edit.status(), 200);
    assert_error(&status_json(remove).await, 403, "forbidden", None);
    assert_error(&pbx_create, 403, "forbidden", None);
    assert_eq!(app.get_json(&path, &app.admin_token).await.0, 200);
}

#[tokio::test]
async fn search_by_name_is_case_insensitive_for_cyrillic_and_matches_company_and_phone_digits() {
    // Arrange
    let app = spawn_app().await;
    let ivan = app
        .create_client(json!({"name": "Иван Петров", "phones": ["+7 495 123-45-67"]}))
        .await;
    let firm = app
        .create_client(
            json!({"name": "Olga", "company": "ООО Ромашка", "phones": ["+7 812 315-98-83"]}),
        )
        .await;
    app.create_client(json!({"name": "Someone Else"})).await;

    // Act
    let by_name = list_all(&app, "q=%D0%B8%D0%B2%D0%B0%D0%BD").await; // "иван"
    let by_upper = list_all(&app, "q=%D0%9F%D0%95%D0%A2%D0%A0").await; // "ПЕТР"
    let by_company = list_all(&app, "q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88").await; // "ромаш"
    let by_phone = list_all(&app, "phone=4567").await;
    let by_written_phone = list_all(&app, "phone=315-98").await;
    let nothing = list_all(&app, "q=%25").await; // a literal "%"

    // Assert
    assert_eq!(ids(&by_name), vec![ivan["id"].as_i64().unwrap()]);
    assert_eq!(ids(&by_upper), vec![ivan["id"].as_i64().unwrap()]);
    assert_eq!(ids(&by_company), vec![firm["id"].as_i64().unwrap()]);
    assert_eq!(ids(&by_phone), vec![ivan["id"].as_i64().unwrap()]);
    assert_eq!(ids(&by_written_phone), vec![firm["id"].as_i64().unwrap()]);
    assert!(nothing.is_empty(), "% is a character, not a wildcard");
}

#[tokio::test]
async fn following_next_cursor_with_limit_2_returns_all_5_clients_exactly_once() {
    // Arrange
    let app = spawn_app().await;
    let mut created = Vec::new();
    for i in 0..5 {
        let c = app
            .create_client(json!({"name": format!("Client {i}")}))
            .await;
        created.push(c["id"].as_i64().unwrap());
    }

    // Act
    let (_, first) = app
        .get_json("/api/v1/clients?limit=2", &app.admin_token)
        .await;
    let all = list_all(&app, "limit=2").await;

    // Assert
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert!(first["next_cursor"].is_string());
    assert_eq!(ids(&all), created);
}

#[tokio::test]
async fn a_bad_cursor_or_limit_is_a_422_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let mut answers = Vec::new();
    for (query, field) in [
        ("cursor=!!", "cursor"),
        ("cursor=aWQ6eA", "cursor"), // "id:x"
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=two", "limit"),
    ] {
        let got = app
            .get_json(&format!("/api/v1/clients?{query}"), &app.admin_token)
            .await;
        answers.push((query, field, got));
    }

    // Assert
    for (query, field, got) in &answers {
        assert_eq!(got.0, 422, "{query}: {}", got.1);
        assert_eq!(got.1["field"], *field, "{query}");
    }
}

#[tokio::test]
async fn a_non_numeric_path_id_is_a_400_and_an_unknown_id_a_404() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let bad = app.get_json("/api/v1/clients/abc", &app.admin_token).await;
    let huge = app
        .get_json("/api/v1/clients/99999999999999999999", &app.admin_token)
        .await;
    let missing = app
        .get_json("/api/v1/clients/424242", &app.admin_token)
        .await;

    // Assert
    assert_eq!(bad.0, 400, "{}", bad.1);
    assert_eq!(huge.0, 400, "{}", huge.1);
    assert_error(&missing, 404, "not_found", None);
}

#[tokio::test]
async fn malformed_json_is_a_400_and_the_wrong_content_type_a_415() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let malformed = post_raw(&app, "application/json", r#"{"name": "Ivan""#).await;
    let not_json = post_raw(&app, "text/plain", r#"{"name": "Ivan"}"#).await;
    let form = post_raw(&app, "application/x-www-form-urlencoded", "name=Ivan").await;

    // Assert
    assert_eq!(malformed.0, 400, "{}", malformed.1);
    assert_eq!(malformed.1["error"], "malformed_json");
    assert_error(&not_json, 415, "unsupported_media_type", None);
    assert_error(&form, 415, "unsupported_media_type", None);
    assert!(list_all(&app, "").await.is_empty());
}

#[tokio::test]
async fn a_body_over_the_api_limit_is_a_json_413() {
    // Arrange
    let app = spawn_app_with(|c| c.server.api_body_limit_bytes = 2048).await;
    let body = json!({"name": "Big", "notes": "x".repeat(4096)});

    // Act
    let got = app
        .post_json("/api/v1/clients", &app.admin_token, &body)
        .await;

    // Assert
    assert_error(&got, 413, "payload_too_large", None);
    assert!(list_all(&app, "").await.is_empty());
}

#[tokio::test]
async fn invalid_fields_are_a_422_naming_the_field_and_leave_no_row() {
    // Arrange
    let app = spawn_app().await;
    let manager = app
        .add_user("retired", Role::Manager, None, "pw-pw-pw-pw")
        .await;
    let cases = [
        (json!({"kind": "person"}), Some("name")),
        (json!({"name": "   "}), Some("name")),
        (
            json!({"name": "A", "phones": ["+74951234567", "   "]}),
            Some("phones[1]"),
        ),
        (
            json!({"name": "A", "email": "not-an-address"}),
            Some("email"),
        ),
        (
            json!({"name": "A", "personal_manager_id": manager + 1000}),
            Some("personal_manager_id"),
        ),
        (
            json!({"name": "A", "company": "x".repeat(2001)}),
            Some("company"),
        ),
        (json!({"name": "A", "kind": "robot"}), None),
        (json!({"name": "A", "phones": "+74951234567"}), None),
        (json!({"name": "A", "nickname": "unknown field"}), None),
        (json!(["not", "an", "object"]), None),
    ];

    // Act
    let mut answers = Vec::new();
    for (body, field) in &cases {
        answers.push((
            body,
            field,
            app.post_json("/api/v1/clients", &app.admin_token, body)
                .await,
        ));
    }

    // Assert
    for (body, field, got) in &answers {
        assert_eq!(got.0, 422, "{body}: {}", got.1);
        assert_eq!(got.1["error"], "invalid", "{body}");
        if let Some(f) = field {
            assert_eq!(got.1["field"], *f, "{body}: {}", got.1);
        }
    }
    assert!(list_all(&app, "").await.is_empty(), "nothing half-written");
}

#[tokio::test]
async fn an_invalid_phone_number_is_a_422_naming_its_position() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let mut answers = Vec::new();
    for bad in ["12", "abc"] {
        let body = json!({"name": "A", "phones": ["+7 495 123-45-67", bad]});
        answers.push((
            bad,
            app.post_json("/api/v1/clients", &app.admin_token, &body)
                .await,
        ));
    }

    // Assert
    for (bad, got) in &answers {
        assert_error(got, 422, "invalid", Some("phones[1]"));
        assert!(
            got.1["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{bad}"
        );
    }
    assert!(list_all(&app, "").await.is_empty());
}

#[tokio::test]
async fn a_duplicate_external_id_is_a_409_on_create_and_on_replace() {
    // Arrange
    let app = spawn_app().await;
    app.create_client(json!({"name": "First", "external_id": "crm-7"}))
        .await;
    let other = app.create_client(json!({"name": "Second"})).await;
    let path = format!("/api/v1/clients/{}", other["id"]);

    // Act
    let create = app
        .post_json(
            "/api/v1/clients",
            &app.admin_token,
            &json!({"name": "Dup", "external_id": "crm-7"}),
        )
        .await;
    let replace = put_json(
        &app,
        &path,
        &json!({"name": "Second", "external_id": "crm-7"}),
    )
    .await;
    let patch = app
        .patch_json(&path, &app.admin_token, &json!({"external_id": "crm-7"}))
        .await;

    // Assert
    assert_error(&create, 409, "conflict", Some("external_id"));
    assert_error(&replace, 409, "conflict", Some("external_id"));
    assert_error(&patch, 409, "conflict", Some("external_id"));
    assert_eq!(
        list_all(&app, "").await.len(),
        2,
        "the failed create left no row"
    );
}

#[tokio::test]
async fn text_with_a_nul_character_is_refused_as_bad_input_not_a_500() {
    // Arrange
    let app = spawn_app().await;
    let body = json!({"name": "Nul\u{0}Name"});
    let in_phone = json!({"name": "A", "phones": ["+7 495 123\u{0}45 67"]});

    // Act
    let create = app
        .post_json("/api/v1/clients", &app.admin_token, &body)
        .await;
    let phone = app
        .post_json("/api/v1/clients", &app.admin_token, &in_phone)
        .await;
    let search = app
        .get_json("/api/v1/clients?q=a%00b", &app.admin_token)
        .await;

    // Assert
    assert_error(&create, 422, "invalid", Some("name"));
    assert_error(&phone, 422, "invalid", Some("phones[0]"));
    assert_error(&search, 422, "invalid", Some("q"));
}

#[tokio::test]
async fn error_bodies_never_carry_sql_or_internal_detail() {
    // Arrange
    let app = spawn_app().await;
    app.create_client(json!({"name": "A", "external_id": "same"}))
        .await;

    // Act
    let answers = [
        app.post_json(
            "/api/v1/clients",
            &app.admin_token,
            &json!({"name": "B", "external_id": "same"}),
        )
        .await,
        app.get_json("/api/v1/clients/abc", &app.admin_token).await,
        app.get_json("/api/v1/clients?limit=-1", &app.admin_token)
            .await,
    ];

    // Assert
    for (status, body) in &answers {
        let text = body.to_string().to_lowercase();
        assert!(*status < 500, "{body}");
        for leak in [
            "select",
            "insert",
            "constraint",
            "sqlx",
            "sqlite",
            "postgres",
            "panicked",
            "src/",
        ] {
            assert!(!text.contains(leak), "{leak} in {body}");
        }
    }
}

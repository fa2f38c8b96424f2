//! CSV exports of the call log and of orders (BOM, `;`, masking by permission), their audit
//! entries, the audit log API, and the manager's pages — on SQLite and PostgreSQL.

use orderline::domain::Role;
use serde_json::Value;

use crate::{
    call_log::build_day,
    helpers::{TestApp, spawn_app, spawn_app_with},
};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `GET path` with a client (session) or a token; returns status and body bytes.
async fn get_bytes(
    c: &reqwest::Client,
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (u16, Vec<u8>) {
    let mut r = c.get(app.url(path));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

/// The CSV's lines after the BOM, split into cells (no cell here holds `;` or a newline).
fn rows(body: &[u8]) -> Vec<Vec<String>> {
    assert!(body.starts_with(BOM), "the file starts with a UTF-8 BOM");
    let text = std::str::from_utf8(&body[3..]).unwrap();
    assert!(text.contains("\r\n"), "CRLF lines for Excel");
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

async fn audit(app: &TestApp, query: &str) -> Vec<Value> {
    let (status, body) = app
        .get_json(&format!("/api/v1/audit?{query}"), &app.admin_token)
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_manager_exports_masked_numbers_and_an_admin_full_ones_each_audited() {
    let app = spawn_app().await;
    let d = build_day(&app).await;
    app.add_user("boss", Role::Manager, None, "boss-password-1")
        .await;
    let boss = app.logged_in("boss", "boss-password-1").await;
    let path = "/api/v1/calls/export.csv?direction=inbound&state=answered";
    let (status, body) = get_bytes(&boss, &app, path, None).await;
    assert_eq!(status, 200);
    let r = rows(&body);
    assert_eq!(r[0][..5], ["id", "started", "direction", "state", "number"]);
    assert_eq!(r.len(), 3, "header and the two answered inbound calls");
    assert_eq!(r[1][0], d.c[2].to_string(), "newest first");
    assert_eq!(
        r[2][4], "+*******4567",
        "a manager's export masks all but 4 digits"
    );
    assert_eq!(r[2][6], "Anna");
    assert_eq!(r[2][10], "order_placed");
    assert_eq!(r[2][12], "1");
    assert_eq!((r[0][16].as_str(), r[2][16].as_str()), ("queue", ""));
    let text = String::from_utf8_lossy(&body);
    assert!(
        !text.contains("74951234567"),
        "no full number in a masked export"
    );

    let (status, body) = get_bytes(&app.client, &app, path, Some(&app.admin_token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        rows(&body)[2][4],
        "+74951234567",
        "an admin exports full numbers"
    );

    let entries = audit(&app, "action=calls.exported").await;
    assert_eq!(entries.len(), 2);
    let (admin, manager) = (&entries[0], &entries[1]);
    assert_eq!(manager["user_login"], "boss");
    assert_eq!(manager["detail"]["rows"], 2);
    assert_eq!(manager["detail"]["filter"]["state"], "answered");
    assert_eq!(manager["detail"]["filter"]["direction"], "inbound");
    assert_eq!(manager["detail"]["full_numbers"], false);
    assert_eq!(manager["detail"]["complete"], true);
    assert!(admin["token_id"].as_i64().is_some());
    assert_eq!(admin["detail"]["full_numbers"], true);
}

#[tokio::test]
async fn the_orders_export_masks_the_clients_number_and_is_audited() {
    let app = spawn_app().await;
    let d = build_day(&app).await;
    let manager = app.token(Role::Manager).await;
    let (status, body) = get_bytes(
        &app.client,
        &app,
        "/api/v1/orders/export.csv?status=new",
        Some(&manager),
    )
    .await;
    assert_eq!(status, 200);
    let r = rows(&body);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[1][0], d.order.to_string());
    assert_eq!(r[1][3], "Anna");
    assert_eq!(r[1][4], "+*******4567");
    assert_eq!(r[1][6], "300,00", "a decimal comma next to `;`");
    assert_eq!(r[1][8], d.c[0].to_string());
    let entries = audit(&app, "action=orders.exported").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["detail"]["rows"], 1);
    assert_eq!(entries[0]["detail"]["filter"]["status"], "new");
    let (status, _) = get_bytes(
        &app.client,
        &app,
        "/api/v1/orders/export.csv?status=lost",
        Some(&manager),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn the_full_numbers_permission_is_configurable_per_role() {
    let app = spawn_app_with(|c| c.export_full_numbers_roles = vec![Role::Manager]).await;
    build_day(&app).await;
    let manager = app.token(Role::Manager).await;
    let (_, body) = get_bytes(
        &app.client,
        &app,
        "/api/v1/calls/export.csv?has_order=true",
        Some(&manager),
    )
    .await;
    assert_eq!(rows(&body)[1][4], "+74951234567");
    let (_, body) = get_bytes(
        &app.client,
        &app,
        "/api/v1/calls/export.csv?has_order=true",
        Some(&app.admin_token),
    )
    .await;
    assert_eq!(
        rows(&body)[1][4],
        "+*******4567",
        "admin was left out of the setting"
    );
}

#[tokio::test]
async fn operators_get_403_and_the_audit_log_is_for_admins_only() {
    let app = spawn_app().await;
    let d = build_day(&app).await;
    let op = app.logged_in("op", "op-password-1").await;
    for path in [
        "/api/v1/calls/export.csv",
        "/api/v1/orders/export.csv",
        "/api/v1/audit",
        "/manager/calls",
        "/admin/audit",
    ] {
        let (status, _) = get_bytes(&op, &app, path, None).await;
        assert_eq!(status, 403, "{path}");
    }
    let manager = app.token(Role::Manager).await;
    let (status, _) = app.get_json("/api/v1/audit", &manager).await;
    assert_eq!(status, 403);
    let (status, body) = app.get_json("/api/v1/audit?user=x", &app.admin_token).await;
    assert_eq!(status, 422, "{body}");
    // Opening a client card is audited too, and the audit log filters by user and pages.
    let card = format!("/operator/clients/{}", d.anna);
    let (status, _) = get_bytes(&op, &app, &card, None).await;
    assert_eq!(status, 200);
    let (status, body) = app
        .get_json(
            "/api/v1/audit?limit=1&action=client.card_opened",
            &app.admin_token,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["user_login"], "op");
    assert_eq!(body["items"][0]["subject"], format!("client:{}", d.anna));
}

#[tokio::test]
async fn the_pages_show_the_filtered_log_and_a_calls_timeline() {
    let app = spawn_app().await;
    let d = build_day(&app).await;
    app.add_user("boss", Role::Manager, None, "boss-password-1")
        .await;
    app.add_user("root", Role::Admin, None, "root-password-1")
        .await;
    let boss = app.logged_in("boss", "boss-password-1").await;
    let page = |c: &reqwest::Client, path: &str| {
        let r = c.get(app.url(path));
        async move {
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = page(&boss, "/manager/calls?state=missed").await;
    assert_eq!(status, 200);
    assert!(html.contains("+74957654321"), "the missed call");
    assert!(!html.contains("+74959994567"), "not the answered one");
    assert!(
        html.contains("/api/v1/calls/export.csv?state=missed"),
        "export with the filter"
    );
    // Outcomes read as words (the codes stay the filter's values), in the user's language.
    let (_, html) = page(&boss, "/manager/calls").await;
    assert!(html.contains("<td>Order placed</td>"), "{html}");
    assert!(html.contains("<option value=\"order_placed\">Order placed</option>"));
    app.choose_language(&boss, "ru").await;
    let (_, html) = page(&boss, "/manager/calls").await;
    assert!(html.contains("<td>Оформлен заказ</td>"), "{html}");
    let (_, html) = page(&boss, &format!("/manager/calls/{}", d.c[0])).await;
    assert!(html.contains("<dd id=\"call-outcome\">Оформлен заказ</dd>"));
    app.choose_language(&boss, "en").await;
    let (status, html) = page(&boss, "/manager/calls?number_suffix=12").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("number_suffix: expected the last 3 to 15 digits"),
        "{html}"
    );
    let (status, html) = page(&boss, &format!("/manager/calls/{}", d.c[0])).await;
    assert_eq!(status, 200);
    for text in [
        "ringing",
        "answered",
        "hangup",
        "normal",
        "<dd id=\"call-outcome\">Order placed</dd>",
        "two boxes",
        &format!("#{}", d.order),
        "https://pbx.example/rec/1.mp3",
        "Anna",
    ] {
        assert!(html.contains(text), "{text} on the detail page");
    }
    assert!(
        !html.contains("Raw payload"),
        "managers do not see raw payloads"
    );
    let root = app.logged_in("root", "root-password-1").await;
    let (_, html) = page(&root, &format!("/manager/calls/{}", d.c[0])).await;
    assert!(html.contains("Raw payload"), "admins do");
    let (status, html) = page(&root, "/admin/audit").await;
    assert_eq!(status, 200);
    assert!(html.contains("audit-log"));
    let (status, _) = page(&boss, "/manager/calls/999999").await;
    assert_eq!(status, 404);
}

//! Outbound lists: caps per operator, the personal manager first, do-not-call never, progress.

use orderline::domain::Role;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_list_for_two_operators_with_a_cap_of_three_gives_each_at_most_three() {
    let app = spawn_app().await;
    let a = app
        .add_user("anna", Role::Operator, Some("101"), "correct-horse")
        .await;
    let b = app
        .add_user("boris", Role::Operator, Some("102"), "correct-horse")
        .await;
    let mut ids = Vec::new();
    for i in 0..8 {
        let mut body =
            json!({"name": format!("Клиент {i}"), "phones": [format!("+7495100000{i}")]});
        if i == 0 {
            body["personal_manager_id"] = json!(b);
        }
        if i == 7 {
            body["do_not_call"] = json!(true);
        }
        ids.push(app.create_client(body).await["id"].as_i64().unwrap());
    }
    let manager = app.token(Role::Manager).await;
    let (s, out) = app
        .post_json("/api/v1/outbound-lists", &manager,
            &json!({"name": "At risk, A", "client_ids": ids, "operator_ids": [a, b], "daily_cap": 3}))
        .await;
    assert_eq!(s, 201, "{out}");
    let pairs = out["assigned"].as_array().unwrap();
    let count = |op: i64| pairs.iter().filter(|p| p[1] == op).count();
    assert_eq!((count(a), count(b)), (3, 3), "{out}");
    assert_eq!(
        pairs[0],
        json!([ids[0], b]),
        "the personal manager gets their client"
    );
    assert_eq!(out["do_not_call"], json!([ids[7]]));
    assert_eq!(out["over_cap"].as_array().unwrap().len(), 1);
    // The tasks are in the operators' worklists.
    let anna = app.logged_in("anna", "correct-horse").await;
    let list: serde_json::Value = anna
        .get(app.url("/api/v1/worklist"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let proactive = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "proactive")
        .count();
    assert_eq!(proactive, 3);
    // A second list the same day respects what they already hold.
    let (s, again) = app
        .post_json("/api/v1/outbound-lists", &manager,
            &json!({"name": "More", "client_ids": [out["over_cap"][0]], "operator_ids": [a, b], "daily_cap": 3}))
        .await;
    assert_eq!(s, 201);
    assert_eq!(again["over_cap"].as_array().unwrap().len(), 1);
    let (s, shown) = app
        .get_json(
            &format!("/api/v1/outbound-lists/{}", out["list_id"]),
            &manager,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(shown["progress"]["tasks"], 6);
    assert_eq!(shown["progress"]["open"], 6);
    // Operators cannot hand out work.
    let (s, _) = app
        .post_json(
            "/api/v1/outbound-lists",
            &app.token(Role::Pbx).await,
            &json!({"name": "x", "client_ids": [1], "operator_ids": [a]}),
        )
        .await;
    assert_eq!(s, 403);
}

//! Call events through the generic webhook: the lifecycle, callbacks and live events.

use orderline::domain::Role;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_answered_call_is_one_completed_call_with_its_timeline() {
    let app = spawn_app().await;
    let client = app
        .create_client(json!({"name": "Иван Петров", "phones": ["+7 495 123-45-67"]}))
        .await;
    let (status, answer) = app
        .post_events(&json!({"call_id": "c-1", "type": "ringing", "from": "84951234567", "extensions": ["101", "102"],
            "at": "2026-11-27T10:00:00Z"}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["caller"]["kind"], "client");
    assert_eq!(answer["caller"]["display_name"], "Иван Петров");
    let call_id = answer["events"][0]["call_id"].as_i64().unwrap();
    app.post_events(&json!({"call_id": "c-1", "type": "answered", "extension": "102", "at": "2026-11-27T10:00:07Z"})).await;
    app.post_events(&json!({"call_id": "c-1", "type": "hangup", "cause": "normal", "at": "2026-11-27T10:02:07Z"})).await;
    let (status, call) = app
        .get_json(&format!("/api/v1/calls/{call_id}"), &app.admin_token)
        .await;
    assert_eq!(status, 200);
    assert_eq!(call["state"], "completed");
    assert_eq!(call["caller"]["client_id"], client["id"]);
    assert_eq!(call["caller"]["number"], "+74951234567");
    assert_eq!(
        (call["wait_seconds"].as_i64(), call["talk_seconds"].as_i64()),
        (Some(7), Some(120))
    );
    assert_eq!(call["answered_extension"], "102");
    assert_eq!(call["extensions"], json!(["101", "102"]));
    assert_eq!(call["timeline"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn an_operators_stream_gets_the_pop_for_their_extension_and_another_operators_does_not() {
    let app = spawn_app().await;
    app.add_user("olga", Role::Operator, Some("101"), "correct-horse")
        .await;
    app.add_user("ivan", Role::Operator, Some("102"), "correct-horse")
        .await;
    let olga = app.logged_in("olga", "correct-horse").await;
    let ivan = app.logged_in("ivan", "correct-horse").await;
    app.create_client(json!({"name": "ООО Ромашка", "phones": ["+7 495 123-45-67"]}))
        .await;
    let mut olga_stream = app.sse(&olga, None, None).await;
    let mut ivan_stream = app.sse(&ivan, None, None).await;
    let (status, _) =
        app.post_events(&json!({"call_id": "c-2", "type": "ringing", "from": "+74951234567", "extensions": ["101"]})).await;
    assert_eq!(status, 200);
    let pop = olga_stream.next(5).await.expect("olga gets a pop");
    assert_eq!(pop.event, "call.ringing");
    assert_eq!(pop.data["caller"]["kind"], "client");
    assert_eq!(pop.data["caller"]["matches"][0]["name"], "ООО Ромашка");
    assert_eq!(pop.data["caller"]["number"], "+74951234567");
    assert!(
        ivan_stream.next(1).await.is_none(),
        "ivan's phone did not ring"
    );
}

#[tokio::test]
async fn three_missed_calls_from_one_number_make_one_callback_that_closes_when_answered() {
    let app = spawn_app().await;
    for (i, minute) in [(1, 0), (2, 5), (3, 10)] {
        let id = format!("m-{i}");
        app.post_events(&json!([
            {"call_id": id, "type": "ringing", "from": "+7 916 123-45-67", "extensions": ["101"], "at": format!("2026-11-27T10:{minute:02}:00Z")},
            {"call_id": id, "type": "hangup", "cause": "cancel", "at": format!("2026-11-27T10:{minute:02}:30Z")}
        ]))
        .await;
    }
    let (_, open) = app
        .get_json("/api/v1/callbacks?status=open", &app.admin_token)
        .await;
    let items = open["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{open}");
    assert_eq!(items[0]["attempts"], 3);
    assert_eq!(items[0]["number_e164"], "+79161234567");
    app.post_events(&json!([
        {"call_id": "out-1", "type": "ringing", "direction": "outbound", "from": "101", "to": "89161234567", "at": "2026-11-27T10:20:00Z"},
        {"call_id": "out-1", "type": "answered", "direction": "outbound", "extension": "101", "at": "2026-11-27T10:20:09Z"}
    ]))
    .await;
    let (_, open) = app
        .get_json("/api/v1/callbacks?status=open", &app.admin_token)
        .await;
    assert_eq!(open["items"].as_array().unwrap().len(), 0, "{open}");
    let (_, closed) = app
        .get_json("/api/v1/callbacks?status=closed", &app.admin_token)
        .await;
    assert_eq!(closed["items"][0]["close_reason"], "reached");
}

#[tokio::test]
async fn a_call_transferred_to_another_phone_pops_up_there() {
    let app = spawn_app().await;
    app.add_user("anna", Role::Operator, Some("103"), "correct-horse")
        .await;
    let anna = app.logged_in("anna", "correct-horse").await;
    let mut stream = app.sse(&anna, None, None).await;
    app.post_events(&json!([
        {"call_id": "t-1", "type": "ringing", "from": "+74951234567", "extensions": ["101"], "at": "2026-11-27T10:00:00Z"},
        {"call_id": "t-1", "type": "answered", "extension": "101", "at": "2026-11-27T10:00:05Z"}
    ]))
    .await;
    let (status, _) =
        app.post_events(&json!({"call_id": "t-1", "type": "transferred", "extension": "103", "at": "2026-11-27T10:01:00Z"})).await;
    assert_eq!(status, 200);
    let pop = stream
        .next(5)
        .await
        .expect("the transfer reaches the new phone");
    assert_eq!(pop.event, "call.transferred");
    assert_eq!(pop.data["extension"], "103");
    assert_eq!(pop.data["caller"]["number"], "+74951234567");
}

#[tokio::test]
async fn a_callback_opened_for_an_unknown_number_names_the_client_once_the_number_is_known() {
    let app = spawn_app().await;
    let missed = |id: &str, minute: u32| {
        json!([
            {"call_id": id, "type": "ringing", "from": "+79161112233", "extensions": ["101"], "at": format!("2026-11-27T11:{minute:02}:00Z")},
            {"call_id": id, "type": "hangup", "cause": "cancel", "at": format!("2026-11-27T11:{minute:02}:30Z")}
        ])
    };
    app.post_events(&missed("u-1", 0)).await;
    let client = app
        .create_client(json!({"name": "Новый Клиент", "phones": ["+7 916 111-22-33"]}))
        .await;
    app.post_events(&missed("u-2", 5)).await;
    let (_, open) = app
        .get_json("/api/v1/callbacks?status=open", &app.admin_token)
        .await;
    assert_eq!(open["items"][0]["attempts"], 2);
    assert_eq!(open["items"][0]["client_id"], client["id"]);
}

/// Everything at once: the writer gets batches that mix calls and hold a call's events in any
/// order (a hang-up before its ring). However the requests interleave, each call ends in the
/// state its events say, a number's missed calls share one task, and a manager's stream
/// delivers the outbox in strictly increasing id order.
#[tokio::test]
async fn events_posted_all_at_once_end_as_if_posted_one_by_one() {
    let app = spawn_app().await;
    app.add_user("mira", Role::Manager, None, "correct-horse")
        .await;
    let mira = app.logged_in("mira", "correct-horse").await;
    let mut stream = app.sse(&mira, None, None).await;
    let mut requests = Vec::new();
    for i in 0..20 {
        let id = format!("p-{i}");
        let at = |s: u32| format!("2026-11-27T12:{i:02}:{s:02}Z");
        requests.push(json!({"call_id": id, "type": "ringing", "from": format!("+7916555{i:04}"), "extensions": ["101"], "at": at(0)}));
        requests.push(json!({"call_id": id, "type": "answered", "extension": "101", "at": at(5)}));
        requests.push(json!({"call_id": id, "type": "hangup", "cause": "normal", "at": at(50)}));
    }
    for i in 0..6 {
        let id = format!("q-{i}");
        let at = |s: u32| format!("2026-11-27T13:{i:02}:{s:02}Z");
        requests.push(json!({"call_id": id, "type": "ringing", "from": "+79167770000", "extensions": ["102"], "at": at(0)}));
        requests.push(json!({"call_id": id, "type": "hangup", "cause": "cancel", "at": at(30)}));
    }
    let answers = futures_util::future::join_all(requests.iter().map(|r| app.post_events(r))).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    for i in 0..20 {
        let call = app.call_by_pbx_id(&format!("p-{i}")).await;
        assert_eq!(call["state"], "completed", "{call}");
        assert_eq!(call["talk_seconds"], 45, "{call}");
    }
    for i in 0..6 {
        assert_eq!(
            app.call_by_pbx_id(&format!("q-{i}")).await["state"],
            "missed"
        );
    }
    let open = app.callbacks("open").await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["attempts"], 6);
    let ids: Vec<i64> = stream
        .drain(2)
        .await
        .iter()
        .filter_map(|e| e.id.as_deref()?.parse().ok())
        .collect();
    assert!(ids.len() >= 26, "at least one event per call: {ids:?}");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}

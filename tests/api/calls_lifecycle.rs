//! The life of a call through the generic webhook, one fixture per case
//! (`tests/fixtures/generic/`), and the callback tasks missed calls leave behind.

use orderline::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fixture_events, spawn_app, spawn_app_with};

const ANSWERED: &str = include_str!("../fixtures/generic/answered.json");
const MISSED: &str = include_str!("../fixtures/generic/missed.json");
const MULTI_EXTENSION: &str = include_str!("../fixtures/generic/multi_extension.json");
const FORWARDED: &str = include_str!("../fixtures/generic/forwarded.json");
const TRANSFERRED: &str = include_str!("../fixtures/generic/transferred.json");
const DUPLICATE: &str = include_str!("../fixtures/generic/duplicate.json");
const DUPLICATE_WITHOUT_ID: &str = include_str!("../fixtures/generic/duplicate_without_id.json");
const OUT_OF_ORDER: &str = include_str!("../fixtures/generic/out_of_order.json");
const OUT_OF_ORDER_CALLER_ON_EVERY_EVENT: &str =
    include_str!("../fixtures/generic/out_of_order_caller_on_every_event.json");
const RINGING_PER_PHONE: &str = include_str!("../fixtures/generic/ringing_per_phone.json");
const RECORDING_AFTER_THE_END: &str =
    include_str!("../fixtures/generic/recording_after_the_end.json");
const LATE: &str = include_str!("../fixtures/generic/late.json");
const ANONYMOUS: &str = include_str!("../fixtures/generic/anonymous.json");
const INTERNAL: &str = include_str!("../fixtures/generic/internal.json");
const AMBIGUOUS: &str = include_str!("../fixtures/generic/ambiguous.json");
const BLOCKED: &str = include_str!("../fixtures/generic/blocked.json");
const SHORT_ABANDON: &str = include_str!("../fixtures/generic/short_abandon.json");
const NEVER_ENDED: &str = include_str!("../fixtures/generic/never_ended.json");

/// The number most fixtures call from, as a known client's.
async fn known_client(app: &TestApp) -> Value {
    app.create_client(json!({"name": "Иван Петров", "phones": ["+7 495 123-45-67"]}))
        .await
}

/// The kinds of a call's timeline, in time order.
fn timeline_kinds(call: &Value) -> Vec<&str> {
    call["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_answered_call_is_completed_by_the_operator_whose_phone_answered() {
    // Arrange
    let app = spawn_app().await;
    let olga = app
        .add_user("olga", Role::Operator, Some("101"), "pw-olga-123")
        .await;
    let client = known_client(&app).await;

    // Act
    app.post_each(&fixture_events(ANSWERED)).await;

    // Assert
    let call = app.call_by_pbx_id("answered-1").await;
    assert_eq!(call["state"], "completed");
    assert_eq!(call["direction"], "inbound");
    assert_eq!(call["caller"]["kind"], "client");
    assert_eq!(call["caller"]["client_id"], client["id"]);
    assert_eq!(call["did"], "+74957770000");
    assert_eq!(call["queue"], "sales");
    assert_eq!(call["cause"], "normal");
    assert_eq!(call["operator_id"], olga);
    assert_eq!(
        (call["wait_seconds"].as_i64(), call["talk_seconds"].as_i64()),
        (Some(6), Some(180))
    );
    assert_eq!(timeline_kinds(&call), ["ringing", "answered", "hangup"]);
    assert!(app.callbacks("open").await.is_empty());
}

#[tokio::test]
async fn a_missed_call_is_missed_and_opens_a_callback_for_its_number() {
    // Arrange
    let app = spawn_app().await;
    known_client(&app).await;

    // Act
    app.post_each(&fixture_events(MISSED)).await;

    // Assert
    let call = app.call_by_pbx_id("missed-1").await;
    assert_eq!(call["state"], "missed");
    assert_eq!(call["cause"], "no_answer");
    assert_eq!(call["wait_seconds"], 40);
    assert_eq!(call["answered_at"], Value::Null);
    let open = app.callbacks("open").await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["number_e164"], "+74951234567");
    assert_eq!(open[0]["first_call_id"], call["id"]);
}

#[tokio::test]
async fn a_call_ringing_three_phones_is_one_call_answered_by_one_operator() {
    // Arrange
    let app = spawn_app().await;
    app.add_user("olga", Role::Operator, Some("101"), "pw-olga-123")
        .await;
    let ivan = app
        .add_user("ivan", Role::Operator, Some("102"), "pw-ivan-123")
        .await;
    app.add_user("anna", Role::Operator, Some("103"), "pw-anna-123")
        .await;
    known_client(&app).await;

    // Act
    app.post_each(&fixture_events(MULTI_EXTENSION)).await;

    // Assert
    let calls = app.calls().await;
    assert_eq!(calls.len(), 1, "one call, not one per phone: {calls:?}");
    let call = app.call_by_pbx_id("multi-1").await;
    assert_eq!(call["state"], "completed");
    assert_eq!(call["extensions"], json!(["101", "102", "103"]));
    assert_eq!(call["answered_extension"], "102");
    assert_eq!(call["operator_id"], ivan);
    assert!(app.callbacks("open").await.is_empty(), "nothing was missed");
}

#[tokio::test]
async fn a_ringing_event_per_phone_in_the_same_second_rings_every_phone() {
    // Arrange: no event ids; the PBX's clock has whole seconds.
    let app = spawn_app().await;

    // Act
    let answers = app.post_each(&fixture_events(RINGING_PER_PHONE)).await;

    // Assert
    let duplicates: Vec<&Value> = answers
        .iter()
        .map(|a| &a["events"][0]["duplicate"])
        .collect();
    assert_eq!(
        duplicates,
        [&json!(false); 3],
        "each phone's ring is a new event"
    );
    assert_eq!(app.calls().await.len(), 1);
    let call = app.call_by_pbx_id("per-phone-1").await;
    assert_eq!(call["extensions"], json!(["101", "102", "103"]));
}

#[tokio::test]
async fn a_forwarded_call_is_completed_not_missed_and_makes_no_callback() {
    // Arrange
    let app = spawn_app().await;
    known_client(&app).await;

    // Act
    app.post_each(&fixture_events(FORWARDED)).await;

    // Assert
    let call = app.call_by_pbx_id("forwarded-1").await;
    assert_eq!(call["state"], "completed");
    assert_eq!(call["forwarded"], true);
    assert_eq!(call["cause"], "forwarded");
    assert!(app.callbacks("open").await.is_empty());
}

#[tokio::test]
async fn a_transferred_call_ends_with_the_extension_that_took_it() {
    // Arrange
    let app = spawn_app().await;
    app.add_user("olga", Role::Operator, Some("101"), "pw-olga-123")
        .await;
    let ivan = app
        .add_user("ivan", Role::Operator, Some("102"), "pw-ivan-123")
        .await;
    known_client(&app).await;

    // Act
    app.post_each(&fixture_events(TRANSFERRED)).await;

    // Assert
    let call = app.call_by_pbx_id("transferred-1").await;
    assert_eq!(call["state"], "completed");
    assert_eq!(call["transferred"], true);
    assert_eq!(call["extensions"], json!(["101", "102"]));
    assert_eq!(call["answered_extension"], "102");
    assert_eq!(call["operator_id"], ivan);
    assert_eq!(
        (call["wait_seconds"].as_i64(), call["talk_seconds"].as_i64()),
        (Some(5), Some(180))
    );
    assert_eq!(
        timeline_kinds(&call),
        ["ringing", "answered", "transferred", "hangup"]
    );
}

#[tokio::test]
async fn a_redelivered_event_is_answered_as_a_duplicate_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let events = fixture_events(DUPLICATE);
    app.post_each(&events).await;
    let before = app.call_by_pbx_id("duplicate-1").await;

    // Act
    let (status, answer) = app.post_events(&events[1]).await;

    // Assert
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["events"][0]["duplicate"], true);
    assert_eq!(
        (answer["accepted"].as_i64(), answer["duplicates"].as_i64()),
        (Some(0), Some(1))
    );
    let mut after = app.call_by_pbx_id("duplicate-1").await;
    assert_eq!(after["timeline"][1]["duplicates"], 1);
    after["timeline"][1]["duplicates"] = json!(0);
    assert_eq!(
        after, before,
        "a redelivery changes nothing but the counter"
    );
}

#[tokio::test]
async fn a_byte_identical_redelivery_without_event_id_or_time_is_a_duplicate() {
    // Arrange
    let app = spawn_app().await;
    let ringing = fixture_events(DUPLICATE_WITHOUT_ID).remove(0);
    app.post_each(std::slice::from_ref(&ringing)).await;

    // Act
    let (status, answer) = app.post_events(&ringing).await;

    // Assert
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["events"][0]["duplicate"], true);
    let call = app.call_by_pbx_id("duplicate-2").await;
    assert_eq!(call["timeline"].as_array().unwrap().len(), 1);
    assert_eq!(call["timeline"][0]["duplicates"], 1);
}

/// A call as a comparison sees it: without its row id and arrival times.
fn comparable(mut call: Value) -> Value {
    call["id"] = Value::Null;
    for e in call["timeline"].as_array_mut().unwrap() {
        e["received_at"] = Value::Null;
    }
    call
}

#[tokio::test]
async fn events_delivered_in_reverse_order_give_the_same_call_as_in_order() {
    // Arrange
    let in_order = spawn_app().await;
    let reversed = spawn_app().await;
    known_client(&in_order).await;
    known_client(&reversed).await;
    let events = fixture_events(OUT_OF_ORDER);
    let backwards: Vec<Value> = events.iter().rev().cloned().collect();

    // Act
    in_order.post_each(&events).await;
    reversed.post_each(&backwards).await;

    // Assert
    let expected = comparable(in_order.call_by_pbx_id("ooo-1").await);
    let actual = comparable(reversed.call_by_pbx_id("ooo-1").await);
    assert_eq!(expected["state"], "completed");
    assert_eq!(expected["caller"]["kind"], "client");
    assert_eq!(actual, expected);
    assert!(reversed.callbacks("open").await.is_empty());
}

#[tokio::test]
async fn a_call_that_looked_missed_until_its_answer_arrived_leaves_no_callback() {
    // Arrange: the hang-up arrives first, naming the caller, so the call looks missed.
    let app = spawn_app().await;
    known_client(&app).await;
    let events = fixture_events(OUT_OF_ORDER_CALLER_ON_EVERY_EVENT);
    let backwards: Vec<Value> = events.iter().rev().cloned().collect();

    // Act
    app.post_each(&backwards).await;

    // Assert
    assert_eq!(app.call_by_pbx_id("ooo-2").await["state"], "completed");
    assert!(app.callbacks("open").await.is_empty());
    let closed = app.callbacks("closed").await;
    assert!(
        closed
            .iter()
            .all(|c| c["close_reason"] != "reached" && c["attempts"] == 0),
        "the answered call neither counts as a missed attempt nor as reaching the client: {closed:?}"
    );
}

#[tokio::test]
async fn an_answered_event_that_arrives_before_its_ringing_creates_the_call() {
    // Arrange
    let app = spawn_app().await;
    let events = fixture_events(OUT_OF_ORDER);

    // Act
    let answers = app.post_each(&[events[1].clone(), events[0].clone()]).await;

    // Assert
    assert_eq!(answers[0]["events"][0]["state"], "answered");
    assert_eq!(app.calls().await.len(), 1);
    let call = app.call_by_pbx_id("ooo-1").await;
    assert_eq!(call["state"], "answered");
    assert_eq!(call["started_at"], "2026-11-27T11:00:00.000Z");
    assert_eq!(call["wait_seconds"], 8);
    assert_eq!(call["answered_extension"], "102");
    assert_eq!(timeline_kinds(&call), ["ringing", "answered"]);
}

#[tokio::test]
async fn events_after_the_end_are_kept_as_late_and_never_reopen_the_call() {
    // Arrange
    let app = spawn_app().await;
    known_client(&app).await;

    // Act
    app.post_each(&fixture_events(LATE)).await;

    // Assert
    let call = app.call_by_pbx_id("late-1").await;
    assert_eq!(call["state"], "missed");
    assert_eq!(call["cause"], "no_answer");
    assert_eq!(call["ended_at"], "2026-11-27T11:10:30.000Z");
    assert_eq!(call["answered_at"], Value::Null);
    assert_eq!(call["recording_url"], "https://pbx.example/rec/late-1.wav");
    let late: Vec<bool> = call["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["late"].as_bool().unwrap())
        .collect();
    assert_eq!(late, [false, false, true, true]);
    let open = app.callbacks("open").await;
    assert_eq!(open.len(), 1, "the late answer closed nothing: {open:?}");
}

#[tokio::test]
async fn a_recording_link_sent_after_the_end_with_the_end_time_is_kept() {
    // Arrange: no event ids; the PBX repeats the hang-up, with the end time, once the
    // recording is ready.
    let app = spawn_app().await;

    // Act
    let answers = app
        .post_each(&fixture_events(RECORDING_AFTER_THE_END))
        .await;

    // Assert
    assert_eq!(answers[3]["events"][0]["duplicate"], false);
    let call = app.call_by_pbx_id("rec-1").await;
    assert_eq!(call["state"], "completed");
    assert_eq!(call["talk_seconds"], 120);
    assert_eq!(call["recording_url"], "https://pbx.example/rec/rec-1.mp3");
}

#[tokio::test]
async fn a_missed_call_without_a_number_is_anonymous_and_makes_no_callback() {
    // Arrange
    let app = spawn_app().await;

    // Act
    app.post_each(&fixture_events(ANONYMOUS)).await;

    // Assert
    for pbx_call_id in ["anonymous-1", "anonymous-2"] {
        let call = app.call_by_pbx_id(pbx_call_id).await;
        assert_eq!(call["state"], "missed", "{pbx_call_id}");
        assert_eq!(call["caller"]["kind"], "anonymous", "{pbx_call_id}");
        assert_eq!(call["caller"]["number"], Value::Null, "{pbx_call_id}");
    }
    assert!(app.callbacks("open").await.is_empty());
}

#[tokio::test]
async fn a_missed_call_from_an_extension_is_internal_and_makes_no_callback() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answers = app.post_each(&fixture_events(INTERNAL)).await;

    // Assert
    assert_eq!(answers[0]["caller"]["kind"], "internal");
    let call = app.call_by_pbx_id("internal-1").await;
    assert_eq!(call["state"], "missed");
    assert_eq!(call["caller"]["kind"], "internal");
    assert!(app.callbacks("open").await.is_empty());
}

#[tokio::test]
async fn a_number_two_clients_share_is_ambiguous_with_both_as_candidates() {
    // Arrange
    let app = spawn_app().await;
    let a = app
        .create_client(json!({"name": "ООО Ромашка", "phones": ["+7 495 111-22-33"]}))
        .await;
    let b = app
        .create_client(json!({"name": "ООО Лютик", "phones": ["+7 495 111-22-33"]}))
        .await;
    let mut expected = vec![a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap()];
    expected.sort_unstable();

    // Act
    let answers = app.post_each(&fixture_events(AMBIGUOUS)).await;

    // Assert
    let ringing = &answers[0]["caller"];
    assert_eq!(ringing["kind"], "ambiguous");
    let mut offered: Vec<i64> = ringing["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["client_id"].as_i64().unwrap())
        .collect();
    offered.sort_unstable();
    assert_eq!(offered, expected);
    let call = app.call_by_pbx_id("ambiguous-1").await;
    assert_eq!(call["caller"]["kind"], "ambiguous");
    assert_eq!(call["caller"]["client_id"], Value::Null);
    let mut candidates: Vec<i64> =
        serde_json::from_value(call["caller"]["candidates"].clone()).unwrap();
    candidates.sort_unstable();
    assert_eq!(candidates, expected);
}

#[tokio::test]
async fn a_call_from_a_blocked_number_is_blocked_with_no_callback_and_no_pop() {
    // Arrange
    let app = spawn_app().await;
    app.add_user("olga", Role::Operator, Some("101"), "pw-olga-123")
        .await;
    let olga = app.logged_in("olga", "pw-olga-123").await;
    let (status, body) = app
        .post_json(
            "/api/v1/blocked-numbers",
            &app.admin_token,
            &json!({"number": "+7 999 000-11-22"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mut stream = app.sse(&olga, None, None).await;

    // Act
    let answers = app.post_each(&fixture_events(BLOCKED)).await;

    // Assert
    assert_eq!(answers[0]["caller"]["blocked"], true);
    let call = app.call_by_pbx_id("blocked-1").await;
    assert_eq!(call["state"], "blocked");
    assert!(app.callbacks("open").await.is_empty());
    // Events reach a stream in commit order: if the next call's pop comes first, none came before.
    let next = json!({"call_id": "after-blocked", "type": "ringing", "extensions": ["101"]});
    app.post_each(&[next]).await;
    let first = stream.next(5).await.expect("the next call's pop");
    assert_eq!(
        first.data["pbx_call_id"], "after-blocked",
        "a blocked call pops nowhere"
    );
}

#[tokio::test]
async fn a_clients_number_on_the_block_list_is_blocked_and_still_named_and_others_are_not() {
    // Arrange: the look-up reads the client and the block list in one statement.
    let app = spawn_app().await;
    app.create_client(json!({"name": "Спам Спамович", "phones": ["+7 495 555-00-01"]}))
        .await;
    app.create_client(json!({"name": "Честный Клиент", "phones": ["+7 495 555-00-02"]}))
        .await;
    let (status, body) = app
        .post_json(
            "/api/v1/blocked-numbers",
            &app.admin_token,
            &json!({"number": "+7 495 555-00-01"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // Act
    let answers = app
        .post_each(&[
            json!({"call_id": "spam", "type": "ringing", "from": "+74955550001"}),
            json!({"call_id": "honest", "type": "ringing", "from": "+74955550002"}),
            json!({"call_id": "stranger", "type": "ringing", "from": "+74955550003"}),
        ])
        .await;

    // Assert
    assert_eq!(answers[0]["caller"]["blocked"], true, "{}", answers[0]);
    assert_eq!(answers[0]["caller"]["kind"], "client", "{}", answers[0]);
    assert_eq!(app.call_by_pbx_id("spam").await["state"], "blocked");
    for (answer, id) in answers[1..].iter().zip(["honest", "stranger"]) {
        assert_eq!(answer["caller"]["blocked"], false, "{answer}");
        assert_eq!(app.call_by_pbx_id(id).await["state"], "ringing");
    }
    assert_eq!(answers[1]["caller"]["kind"], "client");
    assert_eq!(answers[2]["caller"]["kind"], "unknown");
}

#[tokio::test]
async fn a_short_abandon_creates_a_callback_by_default() {
    // Arrange
    let app = spawn_app().await;

    // Act
    app.post_each(&fixture_events(SHORT_ABANDON)).await;

    // Assert
    let call = app.call_by_pbx_id("short-1").await;
    assert_eq!(
        (call["state"].as_str(), call["wait_seconds"].as_i64()),
        (Some("missed"), Some(3))
    );
    assert_eq!(app.callbacks("open").await.len(), 1);
}

#[tokio::test]
async fn a_short_abandon_creates_no_callback_when_configured_so() {
    // Arrange
    let app = spawn_app_with(|c| c.calls.short_abandons_create_callbacks = false).await;

    // Act
    app.post_each(&fixture_events(SHORT_ABANDON)).await;

    // Assert
    assert_eq!(app.call_by_pbx_id("short-1").await["state"], "missed");
    assert!(app.callbacks("open").await.is_empty());
}

#[tokio::test]
async fn the_sweeper_closes_calls_whose_end_never_arrived_with_cause_timeout() {
    // Arrange
    let app = spawn_app_with(|c| {
        c.calls.ring_timeout_ms = 0;
        c.calls.answered_timeout_ms = 0;
    })
    .await;
    let mut everything = app.sse(&app.client, Some(&app.admin_token), None).await;
    app.post_each(&fixture_events(NEVER_ENDED)).await;

    // Act
    orderline::calls::sweeper::sweep_once(&app.state)
        .await
        .unwrap();

    // Assert (the app's own sweeper may have closed them first: only the outcome counts)
    let ringing = app.call_by_pbx_id("stale-ringing").await;
    assert_eq!(
        (ringing["state"].as_str(), ringing["cause"].as_str()),
        (Some("missed"), Some("timeout"))
    );
    let answered = app.call_by_pbx_id("stale-answered").await;
    assert_eq!(
        (answered["state"].as_str(), answered["cause"].as_str()),
        (Some("completed"), Some("timeout"))
    );
    let mut ended: Vec<String> = Vec::new();
    while ended.len() < 2 {
        let e = everything
            .next(5)
            .await
            .expect("a call.ended for each call");
        if e.event == "call.ended" {
            assert_eq!(e.data["cause"], "timeout");
            ended.push(e.data["pbx_call_id"].as_str().unwrap().to_owned());
        }
    }
    ended.sort();
    assert_eq!(ended, ["stale-answered", "stale-ringing"]);
}

#[tokio::test]
async fn the_sweeper_keeps_an_answered_call_completed_when_the_pbx_clock_runs_ahead() {
    // Arrange: the PBX stamps its events an hour ahead of our clock.
    let app = spawn_app_with(|c| c.calls.answered_timeout_ms = 0).await;
    let ahead = |secs: i64| {
        let t = orderline::domain::time::now_ms() + 3_600_000 + secs * 1000;
        orderline::domain::time::rfc3339(t)
    };
    app.post_events(&json!([
        {"call_id": "skewed", "type": "ringing", "from": "+74951234567", "extensions": ["101"], "at": ahead(0)},
        {"call_id": "skewed", "type": "answered", "extension": "101", "at": ahead(5)}
    ]))
    .await;

    // Act
    orderline::calls::sweeper::sweep_once(&app.state)
        .await
        .unwrap();

    // Assert
    let call = app.call_by_pbx_id("skewed").await;
    assert_eq!(
        (call["state"].as_str(), call["cause"].as_str()),
        (Some("completed"), Some("timeout"))
    );
    assert_eq!(timeline_kinds(&call), ["ringing", "answered", "hangup"]);
    assert!(
        app.callbacks("open").await.is_empty(),
        "an answered call is not missed"
    );
}

// ---- callbacks ----

/// A missed inbound call from `from` (ringing and hang-up in one request).
async fn miss(app: &TestApp, call_id: &str, from: &str, minute: u32) {
    let (status, answer) = app
        .post_events(&json!([
            {"call_id": call_id, "type": "ringing", "from": from, "extensions": ["101"], "at": format!("2026-11-27T13:{minute:02}:00Z")},
            {"call_id": call_id, "type": "hangup", "cause": "no_answer", "at": format!("2026-11-27T13:{minute:02}:30Z")}
        ]))
        .await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_callback_for_a_known_clients_number_names_the_client() {
    // Arrange
    let app = spawn_app().await;
    let client = known_client(&app).await;

    // Act
    for (i, minute) in [(1, 0), (2, 5), (3, 10)] {
        miss(&app, &format!("cb-{i}"), "8 495 123-45-67", minute).await;
    }

    // Assert
    let open = app.callbacks("open").await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["attempts"], 3);
    assert_eq!(open[0]["client_id"], client["id"]);
}

#[tokio::test]
async fn missed_calls_from_two_numbers_make_two_callbacks() {
    // Arrange
    let app = spawn_app().await;

    // Act
    miss(&app, "two-1", "+7 916 123-45-67", 0).await;
    miss(&app, "two-2", "+7 916 765-43-21", 1).await;

    // Assert
    let mut numbers: Vec<String> = app
        .callbacks("open")
        .await
        .iter()
        .map(|c| c["number_e164"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["+79161234567", "+79167654321"]);
}

#[tokio::test]
async fn an_answered_inbound_call_from_the_number_closes_its_callback() {
    // Arrange
    let app = spawn_app().await;
    miss(&app, "in-1", "+7 916 123-45-67", 0).await;

    // Act
    let (status, answer) = app
        .post_events(&json!([
            {"call_id": "in-2", "type": "ringing", "from": "89161234567", "extensions": ["101"], "at": "2026-11-27T13:30:00Z"},
            {"call_id": "in-2", "type": "answered", "extension": "101", "at": "2026-11-27T13:30:04Z"}
        ]))
        .await;

    // Assert
    assert_eq!(status, 200, "{answer}");
    assert!(app.callbacks("open").await.is_empty());
    let closed = app.callbacks("closed").await;
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["close_reason"], "reached");
    assert_eq!(
        closed[0]["closed_by_call_id"],
        answer["events"][1]["call_id"]
    );
}

#[tokio::test]
async fn a_missed_outbound_call_makes_no_callback() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, answer) = app
        .post_events(&json!([
            {"call_id": "out-1", "type": "ringing", "direction": "outbound", "from": "101", "to": "+7 916 123-45-67", "at": "2026-11-27T13:40:00Z"},
            {"call_id": "out-1", "type": "hangup", "direction": "outbound", "cause": "no_answer", "at": "2026-11-27T13:40:40Z"}
        ]))
        .await;

    // Assert
    assert_eq!(status, 200, "{answer}");
    let call = app.call_by_pbx_id("out-1").await;
    assert_eq!(
        (call["direction"].as_str(), call["state"].as_str()),
        (Some("outbound"), Some("missed"))
    );
    assert_eq!(call["caller"]["number"], "+79161234567");
    assert!(app.callbacks("open").await.is_empty());
}

#[tokio::test]
async fn an_outbound_call_whose_answer_arrives_first_without_a_direction_gets_the_client_as_caller()
{
    // Arrange: the answer (no direction: from is the operator's extension) overtakes the ring.
    let app = spawn_app().await;
    let answer = json!({"call_id": "out-2", "type": "answered", "extension": "101", "from": "101", "to": "+7 916 123-45-67", "at": "2026-11-27T13:40:05Z"});
    assert_eq!(app.post_events(&answer).await.0, 200);
    assert_eq!(
        app.call_by_pbx_id("out-2").await["caller"]["kind"],
        "internal"
    );

    // Act: the ring says what the call is.
    let ring = json!({"call_id": "out-2", "type": "ringing", "direction": "outbound", "from": "101", "to": "+7 916 123-45-67", "at": "2026-11-27T13:40:00Z"});
    assert_eq!(app.post_events(&ring).await.0, 200);

    // Assert
    let call = app.call_by_pbx_id("out-2").await;
    assert_eq!(call["direction"], "outbound");
    assert_eq!(call["caller"]["number"], "+79161234567");
    assert_ne!(call["caller"]["kind"], "internal");
}

#[tokio::test]
async fn a_missed_call_whose_hang_up_arrives_before_its_ring_opens_a_callback_once_the_ring_names_the_caller()
 {
    // Arrange: the hang-up alone makes a missed call with no known caller.
    let app = spawn_app().await;
    miss(&app, "cb-0", "+7 916 444-55-66", 0).await;
    let hangup = json!({"call_id": "cb-late", "type": "hangup", "cause": "cancel", "at": "2026-11-27T13:10:30Z"});
    let ring = json!({"call_id": "cb-late", "type": "ringing", "from": "+7 916 444-55-66", "extensions": ["101"], "at": "2026-11-27T13:10:00Z"});

    // Act
    app.post_each(&[hangup]).await;
    assert_eq!(app.callbacks("open").await[0]["attempts"], 1);
    app.post_each(&[ring]).await;

    // Assert
    assert_eq!(app.call_by_pbx_id("cb-late").await["state"], "missed");
    let open = app.callbacks("open").await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["attempts"], 2, "{open:?}");
}

#[tokio::test]
async fn an_answered_call_whose_ring_arrives_last_closes_the_callers_callback() {
    // Arrange
    let app = spawn_app().await;
    miss(&app, "cb-1", "+7 916 444-55-77", 0).await;
    let answered = json!({"call_id": "cb-back", "type": "answered", "extension": "101", "at": "2026-11-27T13:20:05Z"});
    let ring = json!({"call_id": "cb-back", "type": "ringing", "from": "+7 916 444-55-77", "extensions": ["101"], "at": "2026-11-27T13:20:00Z"});

    // Act
    app.post_each(&[answered, ring]).await;

    // Assert
    assert!(app.callbacks("open").await.is_empty());
    assert_eq!(app.callbacks("closed").await[0]["close_reason"], "reached");
}

#[tokio::test]
async fn a_hang_up_sent_before_its_ring_in_one_request_still_names_the_caller() {
    // Arrange
    let app = spawn_app().await;
    let client = known_client(&app).await;

    // Act: one request, so one batch, whose first event for the call names nobody.
    let (status, answer) = app
        .post_events(&json!([
            {"call_id": "hr-1", "type": "hangup", "cause": "cancel", "at": "2026-11-27T14:00:30Z"},
            {"call_id": "hr-1", "type": "ringing", "from": "8 495 123-45-67", "extensions": ["101"], "at": "2026-11-27T14:00:00Z"}
        ]))
        .await;

    // Assert
    assert_eq!(status, 200, "{answer}");
    let call = app.call_by_pbx_id("hr-1").await;
    assert_eq!(call["state"], "missed");
    assert_eq!(call["caller"]["client_id"], client["id"], "{call}");
    let open = app.callbacks("open").await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["client_id"], client["id"]);
}

//! Live events (`GET /api/v1/events`, server-sent events): who receives what, numbers shown
//! or masked, resuming after a reconnect, resync instead of silent loss, and the fan-out
//! between two instances on one PostgreSQL.
//!
//! "Did not receive X" is asserted by posting a sentinel event that the subscriber does
//! receive afterwards: events reach a stream in commit order, so if the sentinel comes first,
//! X never came.

use orderline::{app::App, domain::Role, domain::time::now_ms};
use serde_json::{Value, json};

use crate::helpers::{
    SseEvent, SseStream, TestApp, backend_url, spawn_app, spawn_app_with, sse_url,
};

const PW: &str = "correct-horse-battery";

/// The next event of `kind`, skipping others (a 5 s guard against hanging, not a threshold).
async fn next_of(stream: &mut SseStream, kind: &str) -> SseEvent {
    loop {
        let e = stream
            .next(5)
            .await
            .unwrap_or_else(|| panic!("no {kind} arrived"));
        if e.event == kind {
            return e;
        }
    }
}

/// A logged-in operator's client.
async fn operator(app: &TestApp, login: &str, extension: Option<&str>) -> (i64, reqwest::Client) {
    let id = app.add_user(login, Role::Operator, extension, PW).await;
    (id, app.logged_in(login, PW).await)
}

/// Posts one ringing event of a new call.
async fn ring(app: &TestApp, call_id: &str, extensions: &[&str]) {
    let body = json!({"call_id": call_id, "type": "ringing", "from": "+74951234567", "extensions": extensions});
    let (status, answer) = app.post_events(&body).await;
    assert_eq!(status, 200, "{answer}");
}

/// Rings `extensions` with a sentinel call and asserts that it is the next thing `stream` gets.
async fn assert_next_is_sentinel(app: &TestApp, stream: &mut SseStream, extensions: &[&str]) {
    ring(app, "sentinel", extensions).await;
    let e = stream.next(5).await.expect("the sentinel arrives");
    assert_eq!(
        (e.event.as_str(), &e.data["pbx_call_id"]),
        ("call.ringing", &json!("sentinel")),
        "something arrived before the sentinel: {e:?}"
    );
}

#[tokio::test]
async fn an_answer_reaches_every_operator_whose_phone_rang_with_the_answering_extension() {
    // Arrange
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    let (_, ivan) = operator(&app, "ivan", Some("102")).await;
    let (_, anna) = operator(&app, "anna", Some("103")).await;
    let mut olga = app.sse(&olga, None, None).await;
    let mut ivan = app.sse(&ivan, None, None).await;
    let mut anna = app.sse(&anna, None, None).await;
    ring(&app, "a-1", &["101", "102"]).await;

    // Act
    let answer = json!({"call_id": "a-1", "type": "answered", "extension": "102"});
    assert_eq!(app.post_events(&answer).await.0, 200);

    // Assert
    for stream in [&mut olga, &mut ivan] {
        assert_eq!(stream.next(5).await.unwrap().event, "call.ringing");
        let answered = stream.next(5).await.expect("call.answered");
        assert_eq!(answered.event, "call.answered");
        assert_eq!(answered.data["extension"], "102");
        assert_eq!(answered.data["state"], "answered");
    }
    assert_next_is_sentinel(&app, &mut anna, &["103"]).await;
}

#[tokio::test]
async fn the_end_of_a_call_reaches_the_operators_whose_phone_rang() {
    // Arrange
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    let mut olga = app.sse(&olga, None, None).await;
    ring(&app, "e-1", &["101"]).await;

    // Act
    let hangup = json!({"call_id": "e-1", "type": "hangup", "cause": "cancel"});
    assert_eq!(app.post_events(&hangup).await.0, 200);

    // Assert
    let ended = next_of(&mut olga, "call.ended").await;
    assert_eq!(ended.data["pbx_call_id"], "e-1");
    assert_eq!(ended.data["state"], "missed");
    assert_eq!(ended.data["cause"], "cancel");
}

#[tokio::test]
async fn a_call_ringing_no_extension_reaches_ready_operators_but_not_paused_ones() {
    // Arrange
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    let (ivan_id, ivan) = operator(&app, "ivan", Some("102")).await;
    orderline::db::operators::set_status(&app.state.db, ivan_id, "paused", now_ms())
        .await
        .unwrap();
    let mut olga = app.sse(&olga, None, None).await;
    let mut ivan = app.sse(&ivan, None, None).await;

    // Act
    ring(&app, "q-1", &[]).await;

    // Assert
    let pop = olga.next(5).await.expect("a ready operator gets the pop");
    assert_eq!(
        (pop.event.as_str(), &pop.data["pbx_call_id"]),
        ("call.ringing", &json!("q-1"))
    );
    assert_next_is_sentinel(&app, &mut ivan, &["102"]).await;
}

#[tokio::test]
async fn the_answer_to_a_call_that_rang_no_extension_reaches_every_ready_operator() {
    // Arrange
    let app = spawn_app().await;
    app.add_user("olga", Role::Operator, Some("101"), PW).await;
    let (_, ivan) = operator(&app, "ivan", Some("102")).await;
    let mut ivan = app.sse(&ivan, None, None).await;
    ring(&app, "q-2", &[]).await;
    assert_eq!(ivan.next(5).await.expect("the pop").event, "call.ringing");

    // Act
    let answer = json!({"call_id": "q-2", "type": "answered", "extension": "101"});
    assert_eq!(app.post_events(&answer).await.0, 200);

    // Assert
    let answered = ivan.next(5).await.expect("ivan can withdraw his pop");
    assert_eq!(answered.event, "call.answered");
    assert_eq!(answered.data["extension"], "101");
}

#[tokio::test]
async fn an_outbound_call_pops_up_at_no_other_operator() {
    // Arrange
    let app = spawn_app().await;
    let (_, ivan) = operator(&app, "ivan", Some("102")).await;
    let mut ivan = app.sse(&ivan, None, None).await;

    // Act: olga (101) calls a client.
    let outbound = json!([
        {"call_id": "o-1", "type": "ringing", "direction": "outbound", "from": "101", "to": "+79161234567"},
        {"call_id": "o-1", "type": "answered", "direction": "outbound", "extension": "101"},
        {"call_id": "o-1", "type": "hangup", "direction": "outbound", "cause": "normal"}
    ]);
    assert_eq!(app.post_events(&outbound).await.0, 200);

    // Assert
    assert_next_is_sentinel(&app, &mut ivan, &["102"]).await;
}

#[tokio::test]
async fn a_manager_session_and_an_admin_token_receive_every_event() {
    // Arrange
    let app = spawn_app().await;
    app.add_user("maria", Role::Manager, None, PW).await;
    let maria = app.logged_in("maria", PW).await;
    let mut manager = app.sse(&maria, None, None).await;
    let mut admin = app.sse(&app.client, Some(&app.admin_token), None).await;

    // Act
    ring(&app, "m-1", &["101"]).await;
    ring(&app, "m-2", &["555"]).await;

    // Assert
    for stream in [&mut manager, &mut admin] {
        let ids: Vec<Value> = [stream.next(5).await, stream.next(5).await]
            .into_iter()
            .map(|e| e.expect("an event").data["pbx_call_id"].clone())
            .collect();
        assert_eq!(ids, [json!("m-1"), json!("m-2")]);
    }
}

#[tokio::test]
async fn a_pbx_token_may_not_subscribe_to_live_events() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let r = app
        .client
        .get(app.url("/api/v1/events"))
        .bearer_auth(&app.pbx_token)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn operators_see_full_numbers_and_roles_without_the_privilege_see_the_last_four_digits() {
    // Arrange
    let app = spawn_app_with(|c| c.full_numbers_roles = vec![Role::Operator, Role::Admin]).await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    app.add_user("maria", Role::Manager, None, PW).await;
    let maria = app.logged_in("maria", PW).await;
    let mut olga = app.sse(&olga, None, None).await;
    let mut manager = app.sse(&maria, None, None).await;

    // Act
    ring(&app, "n-1", &["101"]).await;

    // Assert
    let full = olga.next(5).await.expect("olga's pop");
    assert_eq!(full.data["caller"]["number"], "+74951234567");
    let masked = manager.next(5).await.expect("the manager's copy");
    assert_eq!(masked.data["caller"]["number"], "+*******4567");
    assert!(
        !masked.data.to_string().contains("1234567"),
        "{}",
        masked.data
    );
}

#[tokio::test]
async fn a_new_callback_reaches_the_phones_that_rang_and_ticks_every_other_ready_worklist() {
    // Arrange
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    let (_, ivan) = operator(&app, "ivan", Some("102")).await;
    let mut olga = app.sse(&olga, None, None).await;
    let mut ivan = app.sse(&ivan, None, None).await.with_ticks();

    // Act
    let missed = json!([
        {"call_id": "cb-1", "type": "ringing", "from": "+79161234567", "extensions": ["101"], "at": "2026-11-27T10:00:00Z"},
        {"call_id": "cb-1", "type": "hangup", "cause": "no_answer", "at": "2026-11-27T10:00:40Z"}
    ]);
    assert_eq!(app.post_events(&missed).await.0, 200);

    // Assert: the phone that rang gets the task itself…
    let created = next_of(&mut olga, "callback.created").await;
    assert_eq!(created.data["number"], "+79161234567");
    assert_eq!(created.data["attempts"], 1);
    assert_eq!(created.data["extensions"], json!(["101"]));
    // …another ready operator only the coalesced tick, which carries no id (never replayed).
    let tick = ivan.next(10).await.expect("a worklist tick");
    assert_eq!(tick.event, "worklist.changed");
    assert_eq!(tick.id, None);
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_replays_what_was_missed_then_goes_on_live() {
    // Arrange
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    let mut first = app.sse(&olga, None, None).await;
    ring(&app, "r-1", &["101"]).await;
    let seen = first.next(5).await.expect("the first pop");
    let last_id = seen.id.clone().expect("events have ids");
    drop(first);
    ring(&app, "r-2", &["101"]).await;
    ring(&app, "r-3", &["101"]).await;

    // Act
    let mut again = app.sse(&olga, None, Some(&last_id)).await;
    ring(&app, "r-4", &["101"]).await;

    // Assert
    let n: i64 = last_id.parse().unwrap();
    let mut got = Vec::new();
    for _ in 0..3 {
        let e = again.next(5).await.expect("an event");
        assert_eq!(e.event, "call.ringing");
        assert!(
            e.id.as_deref().unwrap().parse::<i64>().unwrap() > n,
            "{e:?}"
        );
        got.push(e.data["pbx_call_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(got, ["r-2", "r-3", "r-4"]);
}

#[tokio::test]
async fn a_call_that_rings_while_the_desk_loads_reaches_the_page_through_the_replay() {
    // Arrange: the desk page is built, then the phone rings before its stream is open.
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    ring(&app, "before-page", &["101"]).await;
    let page = olga.get(app.url("/desk")).send().await.unwrap();
    let html = page.text().await.unwrap();
    let from = html
        .split("data-live-from=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the desk names the event it was built after")
        .to_owned();
    ring(&app, "while-loading", &["101"]).await;

    // Act: the live script resumes from the page's event, as its URL says.
    let url = app.url(&format!("/api/v1/events?last_event_id={from}"));
    let mut stream = sse_url(&olga, url, None, None).await;

    // Assert: only what came after the page, and it is not lost.
    let pop = next_of(&mut stream, "call.ringing").await;
    assert_eq!(pop.data["pbx_call_id"], "while-loading");
    ring(&app, "live", &["101"]).await;
    let next = next_of(&mut stream, "call.ringing").await;
    assert_eq!(next.data["pbx_call_id"], "live");
}

#[tokio::test]
async fn a_last_event_id_the_outbox_no_longer_holds_gets_a_resync() {
    // Arrange
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    for id in ["p-1", "p-2", "p-3"] {
        ring(&app, id, &["101"]).await;
    }
    orderline::db::live::prune(&app.state.db, i64::MAX)
        .await
        .unwrap();

    // Act
    let mut stream = app.sse(&olga, None, Some("0")).await;

    // Assert
    let first = stream.next(5).await.expect("an event");
    assert_eq!(first.event, "resync");
}

#[tokio::test]
async fn a_last_event_id_beyond_the_outbox_gets_a_resync_and_then_every_live_event() {
    // Arrange: the browser saw ids of a database since restored from an older backup.
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    ring(&app, "f-1", &["101"]).await;
    let mut stream = app.sse(&olga, None, Some("5000")).await;

    // Act
    ring(&app, "f-2", &["101"]).await;

    // Assert
    assert_eq!(stream.next(5).await.expect("an event").event, "resync");
    let pop = stream.next(5).await.expect("the live pop is not skipped");
    assert_eq!(pop.data["pbx_call_id"], "f-2");
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_gets_a_resync_instead_of_silent_loss() {
    // Arrange
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    let mut stream = app.sse(&olga, None, None).await;
    let burst: Vec<Value> = (0..300)
        .map(|i| json!({"call_id": format!("burst-{i}"), "type": "ringing", "extensions": ["101"]}))
        .collect();

    // Act
    let (status, answer) = app.post_events(&Value::Array(burst)).await;

    // Assert
    assert_eq!(status, 200, "{answer}");
    let mut received = 0;
    loop {
        let e = stream
            .next(5)
            .await
            .expect("a resync before the stream goes quiet");
        if e.event == "resync" {
            break;
        }
        received += 1;
    }
    assert!(received < 300, "every event arrived: nothing to resync");
}

#[tokio::test]
async fn a_pop_posted_to_one_instance_reaches_an_operator_on_another_on_one_postgres() {
    if backend_url().is_none() {
        // One SQLite file is one instance by design: there is no second instance to reach.
        return;
    }
    // Arrange
    let a = spawn_app().await;
    a.add_user("olga", Role::Operator, Some("101"), PW).await;
    let olga = a.logged_in("olga", PW).await;
    let b = App::build(a.config.clone())
        .await
        .expect("a second instance builds");
    let b_address = format!("http://{}", b.local_addr());
    tokio::spawn(b.run_until_stopped(std::future::pending()));
    let mut on_b = crate::helpers::sse_at(&olga, &b_address, None, None).await;

    // Act
    ring(&a, "x-1", &["101"]).await;

    // Assert
    let pop = on_b.next(5).await.expect("the pop crosses instances");
    assert_eq!(pop.event, "call.ringing");
    assert_eq!(pop.data["pbx_call_id"], "x-1");
    assert_eq!(pop.data["caller"]["number"], "+74951234567");
}

#[tokio::test]
async fn pausing_on_one_instance_stops_broadcast_pops_on_another_on_one_postgres() {
    if backend_url().is_none() {
        return; // one SQLite file is one instance
    }
    // Arrange: olga's stream is on instance B, her desk talks to instance A.
    let a = spawn_app().await;
    a.add_user("olga", Role::Operator, Some("101"), PW).await;
    let olga = a.logged_in("olga", PW).await;
    let b = App::build(a.config.clone())
        .await
        .expect("a second instance builds");
    let b_address = format!("http://{}", b.local_addr());
    tokio::spawn(b.run_until_stopped(std::future::pending()));
    let mut on_b = crate::helpers::sse_at(&olga, &b_address, None, None).await;

    // Act
    let r = olga
        .put(a.url("/api/v1/me/status"))
        .json(&json!({"status": "paused"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The notification travels on its own; give it a moment before the broadcast call.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    ring(&a, "everyone", &[]).await;

    // Assert: the call that rang no phone did not pop up at the paused operator on B.
    assert_next_is_sentinel(&a, &mut on_b, &["101"]).await;
}

#[tokio::test]
async fn an_event_another_instance_committed_first_is_delivered_even_when_announced_late() {
    if backend_url().is_none() {
        // Announcements between instances exist only on PostgreSQL.
        return;
    }
    // Arrange: another instance commits an event for extension 101 but its announcement
    // reaches us only after one of our own, later events (the listener is slower than a
    // local publish).
    use orderline::db::live::{insert_live, notify};
    let app = spawn_app().await;
    let (_, olga) = operator(&app, "olga", Some("101")).await;
    let mut stream = app.sse(&olga, None, None).await;
    let data = json!({"pbx_call_id": "from-elsewhere", "state": "ringing"}).to_string();
    let mut tx = app.db.begin().await.unwrap();
    let theirs = insert_live(
        &mut tx,
        now_ms(),
        "call.ringing",
        None,
        r#"["101"]"#,
        false,
        &data,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    ring(&app, "ours", &["101"]).await;
    assert_eq!(stream.next(5).await.unwrap().data["pbx_call_id"], "ours");

    // Act
    let note = json!({"from": "another-instance", "ids": [theirs]}).to_string();
    let mut tx = app.db.begin().await.unwrap();
    notify(&mut tx, &note).await.unwrap();
    tx.commit().await.unwrap();

    // Assert
    let late = stream
        .next(5)
        .await
        .expect("the other instance's event is not dropped");
    assert_eq!(late.data["pbx_call_id"], "from-elsewhere");
    assert_eq!(late.id, Some(theirs.to_string()));
}

#[tokio::test]
async fn a_managers_stream_hears_when_an_operator_pauses_and_an_operators_does_not() {
    // Arrange
    let app = spawn_app().await;
    let (olga_id, olga) = operator(&app, "olga", Some("101")).await;
    let (_, ivan) = operator(&app, "ivan", Some("102")).await;
    app.add_user("mira", Role::Manager, None, PW).await;
    let mira = app.logged_in("mira", PW).await;
    let mut manager = app.sse(&mira, None, None).await.with_ticks();
    let mut colleague = app.sse(&ivan, None, None).await.with_ticks();

    // Act
    let r = olga
        .put(app.url("/api/v1/me/status"))
        .json(&json!({"status": "paused"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Assert: the wallboard's stream learns it at once, with no id (nothing to replay).
    let notice = next_of(&mut manager, "desk.status").await;
    assert_eq!(notice.data, json!({"user_id": olga_id, "status": "paused"}));
    assert_eq!(notice.id, None);
    let heard: Vec<String> = colleague
        .drain(1)
        .await
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert!(!heard.iter().any(|k| k == "desk.status"), "{heard:?}");
}

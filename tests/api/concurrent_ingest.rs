//! Many requests at once: the writers (two on PostgreSQL) take them in batches side by side,
//! and what comes out is what one request after another would give — one call per PBX call,
//! its state from all its events, one task per missed number with every attempt counted.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Posts every event as its own request, all at once; every answer must be 200.
async fn post_all_at_once(app: &TestApp, events: &[Value]) {
    let answers = join_all(events.iter().map(|e| app.post_events(e))).await;
    for ((status, answer), e) in answers.iter().zip(events) {
        assert_eq!(*status, 200, "posting {e}: {answer}");
    }
}

#[tokio::test]
async fn events_posted_all_at_once_give_the_calls_and_tasks_of_one_after_another() {
    // Arrange: 30 answered calls, each event its own request with its own time, and a number
    // that misses three calls. Posted concurrently, an answer may be applied before its ring.
    let app = spawn_app().await;
    let mut events = Vec::new();
    for n in 0..30 {
        let id = format!("conc-{n}");
        let from = format!("+7495100{n:04}");
        events.push(json!({"call_id": id, "type": "ringing", "from": from,
            "extensions": ["101", "102"], "at": "2026-11-27T10:00:00Z"}));
        events.push(
            json!({"call_id": id, "type": "answered", "extension": "102",
            "at": "2026-11-27T10:00:07Z"}),
        );
        events.push(json!({"call_id": id, "type": "hangup", "cause": "normal",
            "at": "2026-11-27T10:01:00Z"}));
    }
    for n in 0..3 {
        let id = format!("missed-{n}");
        events.push(
            json!({"call_id": id, "type": "ringing", "from": "+74959998877",
            "extensions": ["101"], "at": format!("2026-11-27T11:0{n}:00Z")}),
        );
        events.push(json!({"call_id": id, "type": "hangup", "cause": "cancel",
            "at": format!("2026-11-27T11:0{n}:30Z")}));
    }

    // Act
    post_all_at_once(&app, &events).await;

    // Assert
    for n in 0..30 {
        let call = app.call_by_pbx_id(&format!("conc-{n}")).await;
        assert_eq!(call["state"], "completed", "{call}");
        assert_eq!(call["wait_seconds"], 7, "{call}");
        assert_eq!(call["talk_seconds"], 53, "{call}");
        assert_eq!(call["answered_extension"], "102", "{call}");
    }
    assert_eq!(app.calls().await.len(), 33, "one call per PBX call");
    let open = app.callbacks("open").await;
    assert_eq!(open.len(), 1, "one task for the number: {open:?}");
    assert_eq!(open[0]["attempts"], 3, "{}", open[0]);
}

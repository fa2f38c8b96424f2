//! Tests of the Zammad parser: every fixture in `tests/fixtures/zammad/`, the field rules, and
//! property tests that no input makes it panic.

use axum::http::HeaderValue;
use proptest::prelude::*;

use super::*;

/// A fixture's name and text.
macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../tests/fixtures/zammad/", $name)),
        )
    };
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

fn headers(content_type: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(CONTENT_TYPE, v);
    }
    h
}

fn parse_as(content_type: &str, body: &str) -> Result<Vec<CallEvent>, ParseError> {
    parse(&headers(content_type), body.as_bytes())
}

/// The one call most fixtures describe, as Zammad's documentation shows it.
fn doc_call(kind: EventKind) -> CallEvent {
    CallEvent {
        pbx_call_id: "4991155921769858278-1".into(),
        kind,
        direction: Some(Direction::Inbound),
        from: Some("4930600000000".into()),
        to: Some("4930609854180".into()),
        ..CallEvent::default()
    }
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn every_fixture_parses_into_its_event() {
    let ringing = CallEvent {
        agent_names: names(&["Alice Smith", "Bob Smith"]),
        queue: Some("support".into()),
        ..doc_call(EventKind::Ringing)
    };
    let answered = CallEvent {
        agent_names: names(&["Alice Smith"]),
        extension: Some("4930609854180".into()),
        ..doc_call(EventKind::Answered)
    };
    let hung_up = CallEvent {
        cause: Some(HangupCause::Normal),
        extension: Some("4930609854180".into()),
        ..doc_call(EventKind::Hangup)
    };
    let forwarded = CallEvent {
        pbx_call_id: "4991155921769858278-2".into(),
        cause: Some(HangupCause::Forwarded),
        ..doc_call(EventKind::Hangup)
    };
    let not_answered = CallEvent {
        pbx_call_id: "4991155921769858278-3".into(),
        cause: Some(HangupCause::NoAnswer),
        ..doc_call(EventKind::Hangup)
    };
    let anonymous = CallEvent {
        pbx_call_id: "7c1e9a2b-anon".into(),
        from: Some("anonymous".into()),
        agent_names: names(&["Alice Smith"]),
        ..doc_call(EventKind::Ringing)
    };
    // Outbound: `from` is the company's number, `to` the client, exactly as sent.
    let outbound = CallEvent {
        pbx_call_id: "out-5521-77".into(),
        direction: Some(Direction::Outbound),
        from: Some("4930609811111".into()),
        to: Some("4930600000000".into()),
        agent_names: names(&["Alice Smith"]),
        ..doc_call(EventKind::Ringing)
    };
    let table: &[((&str, &str), &str, &CallEvent)] = &[
        (fixture!("newcall.form"), FORM, &ringing),
        (fixture!("newcall.json"), JSON, &ringing),
        (fixture!("answer.form"), FORM, &answered),
        (fixture!("answer.json"), JSON, &answered),
        (fixture!("hangup.form"), FORM, &hung_up),
        (fixture!("hangup.json"), JSON, &hung_up),
        (fixture!("forwarded.json"), JSON, &forwarded),
        (fixture!("no-answer.form"), FORM, &not_answered),
        (fixture!("anonymous.form"), FORM, &anonymous),
        (fixture!("outbound.json"), JSON, &outbound),
    ];
    for ((name, body), content_type, expected) in table {
        let events = parse_as(content_type, body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = CallEvent {
            raw: (*body).to_owned(),
            ..(*expected).clone()
        };
        assert_eq!(events, vec![expected], "{name}");
    }
}

#[test]
fn content_types_other_than_form_and_json_are_refused() {
    for (content_type, shown) in [
        ("", "(none)"),
        ("text/plain", "text/plain"),
        ("multipart/form-data; boundary=x", "multipart/form-data"),
    ] {
        let result = parse_as(content_type, "event=newCall&callId=1");
        assert_eq!(
            result,
            Err(ParseError::UnsupportedContentType(shown.into())),
            "{content_type:?}"
        );
    }
}

#[test]
fn content_type_parameters_and_case_are_ignored() {
    let body = "event=newCall&callId=c1";
    assert!(parse_as("application/x-www-form-urlencoded; charset=UTF-8", body).is_ok());
    assert!(
        parse_as(
            "Application/JSON; charset=utf-8",
            r#"{"event":"newCall","callId":"c1"}"#
        )
        .is_ok()
    );
}

/// A short name of an error's kind and field, for tables.
fn error_kind(e: &ParseError) -> String {
    match e {
        ParseError::Missing(field) => format!("missing {field}"),
        ParseError::Invalid { field, .. } => format!("invalid {field}"),
        ParseError::Malformed(_) => "malformed".into(),
        ParseError::UnsupportedContentType(_) => "content type".into(),
    }
}

#[test]
fn bad_fields_are_reported_by_name() {
    let long_id = format!("event=newCall&callId={}", "x".repeat(251));
    let cases = [
        (FORM, "event=newCall", "missing callId"),
        (FORM, "event=newCall&callId=", "missing callId"),
        (FORM, "callId=c1", "missing event"),
        (FORM, "event=dtmf&callId=c1", "invalid event"),
        (
            FORM,
            "event=newCall&callId=c1&direction=inbound",
            "invalid direction",
        ),
        (FORM, "event=hangup&callId=c1&cause=weird", "invalid cause"),
        (FORM, &long_id, "invalid callId"),
        (
            JSON,
            r#"{"event":"newCall","callId":{"a":1}}"#,
            "invalid callId",
        ),
        (
            JSON,
            r#"{"event":"newCall","callId":"c1","user":[1,{}]}"#,
            "invalid user",
        ),
        (JSON, r#"[{"event":"newCall","callId":"c1"}]"#, "malformed"),
        (JSON, "{not json", "malformed"),
    ];
    for (content_type, body, expected) in cases {
        let err = parse_as(content_type, body).expect_err(body);
        assert_eq!(error_kind(&err), expected, "{body}");
    }
    assert!(parse_as(FORM, &format!("event=newCall&callId={}", "x".repeat(250))).is_ok());
}

#[test]
fn agents_come_from_user_arrays_repeated_users_or_a_single_string() {
    let cases = [
        (FORM, "event=newCall&callId=c&user[]=A&user[]=B"),
        (FORM, "event=newCall&callId=c&user=A&user=B"),
        (
            FORM,
            "event=newCall&callId=c&user%5B%5D=A&user=&user%5B%5D=B",
        ),
        (
            JSON,
            r#"{"event":"newCall","callId":"c","user":["A","B",""]}"#,
        ),
    ];
    for (content_type, body) in cases {
        let events = parse_as(content_type, body).expect(body);
        assert_eq!(events[0].agent_names, names(&["A", "B"]), "{body}");
    }
    let single = parse_as(JSON, r#"{"event":"answer","callId":"c","user":"A"}"#).unwrap();
    assert_eq!(single[0].agent_names, names(&["A"]));
}

#[test]
fn absent_empty_and_numeric_values_are_read_leniently() {
    let events = parse_as(
        JSON,
        r#"{"event":"newCall","callId":42,"from":4930600000000,"to":"","queue":null}"#,
    )
    .unwrap();
    let e = &events[0];
    assert_eq!(
        (e.pbx_call_id.as_str(), e.from.as_deref()),
        ("42", Some("4930600000000"))
    );
    assert_eq!(
        (e.to.as_deref(), e.queue.as_deref(), e.direction),
        (None, None, None)
    );
    let last_wins = parse_as(FORM, "event=newCall&callId=c&from=1&from=2&xcid=ignored").unwrap();
    assert_eq!(last_wins[0].from.as_deref(), Some("2"));
}

#[test]
fn a_cause_is_kept_only_on_hang_ups() {
    let answered = parse_as(FORM, "event=answer&callId=c&cause=busy").unwrap();
    assert_eq!(answered[0].cause, None);
    let causes = [
        ("normalClearing", HangupCause::Normal),
        ("busy", HangupCause::Busy),
        ("cancel", HangupCause::Cancel),
        ("noAnswer", HangupCause::NoAnswer),
        ("congestion", HangupCause::Failed),
        ("notFound", HangupCause::Failed),
        ("forwarded", HangupCause::Forwarded),
    ];
    for (text, expected) in causes {
        let events = parse_as(FORM, &format!("event=hangup&callId=c&cause={text}")).unwrap();
        assert_eq!(events[0].cause, Some(expected), "{text}");
    }
}

/// Every fixture with its content type, for the mutation property test.
const FIXTURES: &[(&str, (&str, &str))] = &[
    (FORM, fixture!("newcall.form")),
    (JSON, fixture!("newcall.json")),
    (FORM, fixture!("answer.form")),
    (JSON, fixture!("answer.json")),
    (FORM, fixture!("hangup.form")),
    (JSON, fixture!("hangup.json")),
    (JSON, fixture!("forwarded.json")),
    (FORM, fixture!("no-answer.form")),
    (FORM, fixture!("anonymous.form")),
    (JSON, fixture!("outbound.json")),
];

/// A fixture with some bytes flipped, inserted or deleted.
fn mutated_fixture() -> impl Strategy<Value = (&'static str, Vec<u8>)> {
    let edits = prop::collection::vec((0..3u8, any::<prop::sample::Index>(), any::<u8>()), 1..8);
    (prop::sample::select(FIXTURES), edits).prop_map(|((content_type, (_, body)), edits)| {
        let mut bytes = body.as_bytes().to_vec();
        for (op, at, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] ^= byte | 1,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => {}
            }
        }
        (content_type, bytes)
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512), json in any::<bool>()) {
        let _ = parse(&headers(if json { JSON } else { FORM }), &body);
    }

    #[test]
    fn mutated_fixtures_never_panic((content_type, body) in mutated_fixture()) {
        let _ = parse(&headers(content_type), &body);
    }
}

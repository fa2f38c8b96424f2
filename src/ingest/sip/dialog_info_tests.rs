//! Tests of the dialog-info reader: states, causes, parties and broken documents.

use super::*;

fn doc(dialogs: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" \
         version=\"3\" state=\"full\" entity=\"sip:101@pbx.example.com\">{dialogs}</dialog-info>"
    )
}

fn dialog(attrs: &str, inner: &str) -> String {
    format!("<dialog id=\"d1\" call-id=\"c1@pbx\" {attrs}>{inner}</dialog>")
}

const PARTIES: &str = "<local><identity display=\"Office 101\">sip:101@pbx.example.com</identity></local>\
    <remote><identity display=\"Ivan\">sip:+74951234567@pbx.example.com</identity></remote>";

fn one(attrs: &str, inner: &str) -> CallEvent {
    let mut events = events(doc(&dialog(attrs, inner)).as_bytes()).expect("a valid document");
    assert_eq!(events.len(), 1);
    events.remove(0)
}

#[test]
fn states_map_to_kinds_and_terminations_to_causes() {
    let cases: &[(&str, EventKind, Option<HangupCause>)] = &[
        ("<state>trying</state>", EventKind::Ringing, None),
        ("<state>proceeding</state>", EventKind::Ringing, None),
        ("<state> Early </state>", EventKind::Ringing, None),
        ("<state>confirmed</state>", EventKind::Answered, None),
        (
            "<state>terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::Normal),
        ),
        (
            "<state event=\"remote-bye\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::Normal),
        ),
        (
            "<state event=\"replaced\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::Normal),
        ),
        (
            "<state event=\"cancelled\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::Cancel),
        ),
        (
            "<state event=\"rejected\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::Rejected),
        ),
        (
            "<state event=\"rejected\" code=\"486\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::Busy),
        ),
        (
            "<state event=\"rejected\" code=\"480\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::NoAnswer),
        ),
        (
            "<state event=\"timeout\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::NoAnswer),
        ),
        (
            "<state event=\"no-answer\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::NoAnswer),
        ),
        (
            "<state event=\"error\">terminated</state>",
            EventKind::Hangup,
            Some(HangupCause::Failed),
        ),
    ];
    for (state, kind, cause) in cases {
        let e = one("", state);
        assert_eq!((e.kind, e.cause), (*kind, *cause), "{state}");
        assert_eq!(
            e.pbx_call_id, "c1@pbx",
            "the dialog's call-id, not the NOTIFY's"
        );
    }
}

#[test]
fn direction_decides_who_is_caller_and_what_the_phone_did() {
    let early = format!("<state>early</state>{PARTIES}");
    let confirmed = format!("<state>confirmed</state>{PARTIES}");
    let inbound = one("direction=\"recipient\"", &early);
    assert_eq!(inbound.direction, Some(Direction::Inbound));
    assert_eq!(
        (inbound.from.as_deref(), inbound.to.as_deref()),
        (Some("+74951234567"), Some("101"))
    );
    assert_eq!(
        (inbound.extensions, inbound.extension),
        (vec!["101".to_owned()], None)
    );
    let answered = one("direction=\"recipient\"", &confirmed);
    assert_eq!(
        (answered.extensions.len(), answered.extension.as_deref()),
        (0, Some("101"))
    );
    let outbound = one("direction=\"initiator\"", &early);
    assert_eq!(outbound.direction, Some(Direction::Outbound));
    assert_eq!(
        (outbound.from.as_deref(), outbound.to.as_deref()),
        (Some("101"), Some("+74951234567"))
    );
    assert_eq!(
        (outbound.extensions.len(), outbound.extension.as_deref()),
        (0, Some("101"))
    );
    let unknown = one("", &early);
    assert_eq!(
        (unknown.direction, unknown.from.as_deref()),
        (None, Some("+74951234567"))
    );
}

#[test]
fn missing_identities_fall_back_to_target_and_entity() {
    let e = one(
        "direction=\"recipient\"",
        "<state>early</state><remote><target uri=\"sip:+7495@10.0.0.1\"/></remote>",
    );
    assert_eq!(
        (e.from.as_deref(), e.to.as_deref()),
        (Some("+7495"), Some("101")),
        "entity is the local side"
    );
    let hidden = one("direction=\"recipient\"", "<state>early</state>");
    assert_eq!((hidden.from, hidden.withheld), (None, false));
    let anonymous =
        "<state>early</state><remote><identity>sip:anonymous@anonymous.invalid</identity></remote>";
    assert!(one("direction=\"recipient\"", anonymous).withheld);
}

#[test]
fn each_dialog_is_one_event_whose_raw_text_is_the_element() {
    let first = dialog("", "<state>confirmed</state>");
    let second = "<dialog id=\"only-id\"><state>early</state></dialog>";
    let events = events(doc(&format!("{first}\n  {second}")).as_bytes()).unwrap();
    let ids: Vec<_> = events
        .iter()
        .map(|e| (e.pbx_call_id.as_str(), e.raw.as_str()))
        .collect();
    assert_eq!(ids, vec![("c1@pbx", first.as_str()), ("only-id", second)]);
    let idle = "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"1\" state=\"full\" entity=\"sip:101@pbx\"/>";
    assert_eq!(super::events(idle.as_bytes()), Ok(vec![]));
}

#[test]
fn broken_documents_are_refused() {
    let cases = [
        "",
        "   ",
        "<presence/>",
        "<dialog-info><dialog id=\"a\"><state>early</state></dialog>",
        "<dialog-info><dialog id=\"a\"><state>early</dialog></state></dialog-info>",
        "<dialog-info/><dialog-info/>",
        "<!DOCTYPE x [<!ENTITY a \"b\">]><dialog-info/>",
    ];
    for body in cases {
        assert!(
            matches!(events(body.as_bytes()), Err(ParseError::Malformed(_))),
            "{body}"
        );
    }
    let bad_state = doc(&dialog("", "<state>ringing</state>"));
    assert!(matches!(
        events(bad_state.as_bytes()),
        Err(ParseError::Invalid { field: "state", .. })
    ));
    let no_id = doc("<dialog><state>early</state></dialog>");
    assert_eq!(
        events(no_id.as_bytes()),
        Err(ParseError::Missing("dialog id"))
    );
    assert!(events(&[0xff, 0xfe]).is_err());
}

#[test]
fn dialog_call_ids_are_capped_like_sip_call_ids() {
    let long = doc(&format!(
        "<dialog id=\"{}\"><state>early</state></dialog>",
        "x".repeat(251)
    ));
    assert!(matches!(
        events(long.as_bytes()),
        Err(ParseError::Invalid {
            field: "dialog id",
            ..
        })
    ));
}

//! Every fixture in `tests/fixtures/sip/` with its exact events, the content-type and size
//! checks, and property tests: no input makes the parser panic or hang.

use std::{sync::mpsc, time::Duration};

use axum::http::HeaderValue;
use proptest::prelude::*;

use super::*;
use crate::ingest::{Direction, EventKind, HangupCause};

/// A fixture's name and bytes.
macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../../../tests/fixtures/sip/", $name)).as_slice(),
        )
    };
}

const FIXTURES: &[(&str, &[u8])] = &[
    fixture!("invite-pai.sip"),
    fixture!("invite-rpid.sip"),
    fixture!("invite-privacy-id.sip"),
    fixture!("invite-diversion.sip"),
    fixture!("invite-compact-lf.sip"),
    fixture!("invite-tel-from.sip"),
    fixture!("ringing-180.sip"),
    fixture!("ok-200-invite.sip"),
    fixture!("cancel.sip"),
    fixture!("bye.sip"),
    fixture!("busy-486.sip"),
    fixture!("fork-487.sip"),
    fixture!("bye-481.sip"),
    fixture!("options.sip"),
    fixture!("register.sip"),
    fixture!("notify-dialog.sip"),
    fixture!("garbage.bin"),
    fixture!("http-request.txt"),
];

fn sip_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("message/sip"));
    h
}

/// The call of most fixtures: carrier → DID 74950000000 → phone 101.
const CALL: &str = "a84b4c76e66710@203.0.113.7";

fn ev(call_id: &str, kind: EventKind) -> CallEvent {
    CallEvent {
        pbx_call_id: call_id.into(),
        kind,
        ..CallEvent::default()
    }
}

fn ringing(call_id: &str, from: &str, to: &str, extensions: &[&str]) -> CallEvent {
    CallEvent {
        direction: Some(Direction::Inbound),
        from: Some(from.into()),
        to: Some(to.into()),
        extensions: extensions.iter().map(|x| (*x).to_owned()).collect(),
        ..ev(call_id, EventKind::Ringing)
    }
}

fn hangup(call_id: &str, cause: HangupCause) -> CallEvent {
    CallEvent {
        cause: Some(cause),
        ..ev(call_id, EventKind::Hangup)
    }
}

/// What each fixture must give, `raw` aside (checked on its own).
fn expected(name: &str) -> Result<Vec<CallEvent>, &'static str> {
    let did = "74950000000";
    Ok(match name {
        "invite-pai.sip" => vec![ringing(CALL, "+74951234567", did, &["101"])],
        "invite-rpid.sip" => {
            vec![ringing(
                "3c26700857b1d4a97f1a4c4b2e1b9f22@198.51.100.20:5060",
                "+78123334455",
                did,
                &[],
            )]
        }
        "invite-privacy-id.sip" => {
            vec![CallEvent {
                withheld: true,
                ..ringing("8b2e9c1d4f3a@203.0.113.7", "+74951112233", did, &[])
            }]
        }
        "invite-diversion.sip" => vec![CallEvent {
            forwarded_from: Some("74957777777".into()),
            ..ringing("d1v3r510n-77@203.0.113.7", "+74951234567", did, &[])
        }],
        "invite-compact-lf.sip" => {
            vec![ringing(
                "5f1b6c0e-9d1a-4a5e-8f3e-2c6b7d8e9f00",
                "+74997654321",
                "102",
                &["102"],
            )]
        }
        "invite-tel-from.sip" => vec![ringing(
            "ims-4411-2b9d@192.0.2.50",
            "+79161234567",
            "+74950000000",
            &[],
        )],
        "ok-200-invite.sip" => vec![CallEvent {
            extension: Some("101".into()),
            ..ev(CALL, EventKind::Answered)
        }],
        "cancel.sip" => vec![hangup(CALL, HangupCause::Cancel)],
        "bye.sip" => vec![hangup(CALL, HangupCause::Normal)],
        "busy-486.sip" => vec![hangup("b5y-9a8b7c6d@203.0.113.7", HangupCause::Busy)],
        "ringing-180.sip" | "fork-487.sip" | "bye-481.sip" | "options.sip" | "register.sip" => {
            vec![]
        }
        "notify-dialog.sip" => vec![
            ringing(
                "c9a1f3e2-early@203.0.113.7",
                "+74951234567",
                "101",
                &["101"],
            ),
            CallEvent {
                direction: Some(Direction::Inbound),
                from: Some("+78123334455".into()),
                to: Some("101".into()),
                extension: Some("101".into()),
                ..ev("d4e5f6a7-confirmed@203.0.113.7", EventKind::Answered)
            },
            CallEvent {
                direction: Some(Direction::Outbound),
                from: Some("101".into()),
                to: Some("74957654321".into()),
                ..hangup("f0e1d2c3-terminated@10.0.0.21", HangupCause::Busy)
            },
        ],
        "garbage.bin" | "http-request.txt" => return Err("malformed"),
        other => panic!("no expectation for fixture {other}"),
    })
}

/// The raw text an event must keep: the message, or for dialog-info the `<dialog>` element.
fn expected_raw(text: &str, event: &CallEvent) -> String {
    let attr = format!("call-id=\"{}\"", event.pbx_call_id);
    match text.find(&attr) {
        Some(at) => {
            let start = text[..at].rfind("<dialog ").expect("the element's start");
            let end =
                at + text[at..].find("</dialog>").expect("the element's end") + "</dialog>".len();
            text[start..end].to_owned()
        }
        None => text.to_owned(),
    }
}

#[test]
fn every_fixture_parses_into_exactly_its_events() {
    for (name, bytes) in FIXTURES {
        let text = String::from_utf8_lossy(bytes);
        match (parse(&sip_headers(), bytes), expected(name)) {
            (Ok(events), Ok(want)) => {
                let mut got = Vec::new();
                for e in events {
                    assert_eq!(
                        e.raw,
                        expected_raw(&text, &e),
                        "{name}: raw of {}",
                        e.pbx_call_id
                    );
                    got.push(CallEvent {
                        raw: String::new(),
                        ..e
                    });
                }
                assert_eq!(got, want, "{name}");
            }
            (Err(ParseError::Malformed(_)), Err("malformed")) => {}
            (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn only_message_sip_is_accepted() {
    for (content_type, shown) in [
        (None, "(none)"),
        (Some("text/plain"), "text/plain"),
        (Some("message/sipfrag"), "message/sipfrag"),
    ] {
        let mut h = HeaderMap::new();
        if let Some(ct) = content_type {
            h.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        assert_eq!(
            parse(&h, FIXTURES[0].1),
            Err(ParseError::UnsupportedContentType(shown.into()))
        );
    }
    let mut h = HeaderMap::new();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("Message/SIP; charset=utf-8"),
    );
    assert!(parse(&h, FIXTURES[0].1).is_ok());
}

#[test]
fn messages_over_64_kib_are_refused() {
    let mut big = FIXTURES[0].1.to_vec();
    big.resize(message::MAX_MESSAGE + 1, b'a');
    assert!(matches!(
        parse(&sip_headers(), &big),
        Err(ParseError::Malformed(_))
    ));
}

/// Parses on another thread; `Err` names a panic or a parse that did not return in time.
fn parse_in_time(body: Vec<u8>) -> Result<(), &'static str> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| parse(&sip_headers(), &body));
        let _ = tx.send(outcome.is_ok());
    });
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(true) => Ok(()),
        Ok(false) | Err(mpsc::RecvTimeoutError::Disconnected) => Err("the parser panicked"),
        Err(mpsc::RecvTimeoutError::Timeout) => Err("the parser did not return within 5 s"),
    }
}

/// A fixture with some bytes flipped, inserted or deleted.
fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
    let edits = prop::collection::vec((0..3u8, any::<prop::sample::Index>(), any::<u8>()), 1..12);
    (prop::sample::select(FIXTURES), edits).prop_map(|((_, body), edits)| {
        let mut bytes = body.to_vec();
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
        bytes
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_or_hang(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        prop_assert_eq!(parse_in_time(body), Ok(()));
    }

    #[test]
    fn mutated_fixtures_never_panic_or_hang(body in mutated_fixture()) {
        prop_assert_eq!(parse_in_time(body), Ok(()));
    }

    #[test]
    fn sip_shaped_noise_never_panics_or_hangs(
        lines in prop::collection::vec("[A-Za-z:;<>@\"=, \t\r\n/.0-9-]{0,60}", 0..40),
    ) {
        let text = format!("INVITE sip:101@pbx SIP/2.0\r\n{}", lines.join("\r\n"));
        prop_assert_eq!(parse_in_time(text.into_bytes()), Ok(()));
    }
}

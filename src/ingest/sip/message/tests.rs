//! Tests of the pre-pass and rsip reading in `message.rs`.

use super::*;

const INVITE: &str = "INVITE sip:101@pbx.example.com SIP/2.0\r\n\
    Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-1\r\n\
    From: <sip:+74951234567@carrier.example.net>;tag=a1\r\n\
    To: <sip:74950000000@pbx.example.com>\r\n\
    Call-ID: a84b4c76e66710@203.0.113.7\r\n\
    CSeq: 102 INVITE\r\n\
    Content-Length: 4\r\n\
    \r\n\
    v=0\n";

fn parsed(text: &str) -> SipMessage {
    parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text:?}"))
}

#[test]
fn a_request_is_read_into_start_line_core_headers_and_body() {
    let msg = parsed(INVITE);
    let uri = "sip:101@pbx.example.com".to_owned();
    assert_eq!(
        msg.start,
        StartLine::Request {
            method: Method::Invite,
            uri
        }
    );
    assert_eq!(
        (msg.call_id.as_str(), &msg.cseq_method),
        ("a84b4c76e66710@203.0.113.7", &Method::Invite)
    );
    assert_eq!(msg.header("to"), Some("<sip:74950000000@pbx.example.com>"));
    assert_eq!(msg.body, b"v=0\n");
}

#[test]
fn bare_lf_folded_lines_compact_names_and_odd_spacing_are_normalised() {
    let text = "\r\n\r\nINVITE  tel:+74950000000 SIP/2.0\n\
        v: SIP/2.0/UDP 10.0.0.5\n\
        f: \"Ivan\"\n  <sip:+7495@carrier>;tag=1\n\
        t :<tel:+74950000000>\n\
        i:\tabc@10.0.0.5\n\
        CSeq: 1 INVITE\n\
        X-Long: one,\n\ttwo\n\
        l: 0\n\n";
    let msg = parsed(text);
    let uri = "tel:+74950000000".to_owned();
    assert_eq!(
        msg.start,
        StartLine::Request {
            method: Method::Invite,
            uri
        }
    );
    assert_eq!(msg.call_id, "abc@10.0.0.5");
    assert_eq!(
        msg.header("From"),
        Some("\"Ivan\" <sip:+7495@carrier>;tag=1")
    );
    assert_eq!(msg.header("To"), Some("<tel:+74950000000>"));
    assert_eq!(msg.header("Via"), Some("SIP/2.0/UDP 10.0.0.5"));
    assert_eq!(msg.header("x-long"), Some("one, two"));
}

#[test]
fn responses_and_unknown_methods_are_read() {
    let headers = "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\n";
    let cases = [
        (
            format!("SIP/2.0 486 Busy Here\r\n{headers}CSeq: 1 INVITE\r\n\r\n"),
            StartLine::Response { code: 486 },
            Method::Invite,
        ),
        (
            format!("SIP/2.0 200\r\n{headers}CSeq: 2 BYE\r\n\r\n"),
            StartLine::Response { code: 200 },
            Method::Bye,
        ),
        (
            format!("SIP/2.0 180 Звонок\r\n{headers}CSeq: 1 INVITE\r\n\r\n"),
            StartLine::Response { code: 180 },
            Method::Invite,
        ),
        (
            format!("PUBLISH sip:a@b SIP/2.0\r\n{headers}CSeq: 1 PUBLISH\r\n\r\n"),
            StartLine::Request {
                method: Method::Other("PUBLISH".into()),
                uri: "sip:a@b".into(),
            },
            Method::Other("PUBLISH".into()),
        ),
        (
            format!("NEWMETHOD sip:a@b SIP/2.0\r\n{headers}CSeq: 1 NEWMETHOD\r\n\r\n"),
            StartLine::Request {
                method: Method::Other("NEWMETHOD".into()),
                uri: "sip:a@b".into(),
            },
            Method::Other("NEWMETHOD".into()),
        ),
    ];
    for (text, start, cseq_method) in cases {
        let msg = parsed(&text);
        assert_eq!((msg.start, msg.cseq_method), (start, cseq_method), "{text}");
    }
}

#[test]
fn content_length_cuts_trailing_octets_and_a_longer_one_is_tolerated() {
    let with = |length: &str, body: &str| {
        INVITE
            .replace("Content-Length: 4", length)
            .replace("v=0\n", body)
    };
    assert_eq!(
        parsed(&with("Content-Length: 3", "v=0\nINVITE sip:x")).body,
        b"v=0"
    );
    assert_eq!(parsed(&with("Content-Length: 99", "v=0\n")).body, b"v=0\n");
    assert_eq!(parsed(&with("X-No-Length: 1", "v=0\n")).body, b"v=0\n");
    assert!(parse(with("Content-Length: -1", "").as_bytes()).is_err());
}

#[test]
fn utf8_display_names_are_kept_and_other_bytes_replaced_not_refused() {
    let cyrillic = parsed(&INVITE.replace("From: <", "From: \"Иван Петров\" <"));
    assert!(
        cyrillic
            .header("From")
            .is_some_and(|f| f.starts_with("\"Иван Петров\" <sip:"))
    );
    let mut bytes = INVITE
        .replace("From: <", "From: \"Jos\u{e9}\" <")
        .into_bytes();
    let at = bytes
        .windows(2)
        .position(|w| w == "é".as_bytes())
        .expect("the é");
    bytes.splice(at..at + 2, [0xE9]);
    let msg = parse(&bytes).expect("Latin-1 in a display name");
    assert!(
        msg.header("From")
            .is_some_and(|f| f.starts_with("\"Jos\u{FFFD}\""))
    );
}

#[test]
fn broken_messages_are_refused_with_a_reason() {
    let missing = |h: &str| {
        INVITE
            .lines()
            .filter(|l| !l.starts_with(h))
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    let cases: Vec<(String, ParseError)> = vec![
        (String::new(), malformed("empty message")),
        ("\r\n\r\n".into(), malformed("empty message")),
        (
            "hello world".into(),
            malformed("the first line is not a SIP request or status line"),
        ),
        (
            "INVITE sip:a@b SIP/3.0\r\n\r\n".into(),
            malformed("the first line is not a SIP request or status line"),
        ),
        (
            "INVITE nocolon SIP/2.0\r\n\r\n".into(),
            malformed("the first line is not a SIP request or status line"),
        ),
        (
            "SIP/2.0 99 Low\r\n\r\n".into(),
            malformed("bad status code"),
        ),
        (
            "SIP/2.0 2000 OK\r\n\r\n".into(),
            malformed("bad status code"),
        ),
        (
            INVITE.replace("Via:", " Via:"),
            malformed("a folded line before any header"),
        ),
        (
            INVITE.replace("CSeq:", "CSeq"),
            malformed("a header line without a colon"),
        ),
        (
            INVITE.replace("Via:", "V i a:"),
            malformed("a header name that is not a token"),
        ),
        (
            INVITE.replace("CSeq: 102 INVITE", "CSeq: 102"),
            malformed("bad CSeq"),
        ),
        (missing("Call-ID"), ParseError::Missing("Call-ID")),
        (missing("CSeq"), ParseError::Missing("CSeq")),
        (missing("From"), ParseError::Missing("From")),
        (missing("To"), ParseError::Missing("To")),
        (
            format!("{INVITE}{}", "x".repeat(MAX_MESSAGE)),
            malformed("the message is larger than 64 KiB"),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text.as_bytes()), Err(expected), "{text:?}");
    }
}

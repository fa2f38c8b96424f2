//! Tests of the message → event rules that the fixtures in `tests/fixtures/sip/` do not show.

use super::*;
use crate::ingest::sip::message;

/// A message with the given start line and extra headers; From/To/Call-ID/CSeq filled in.
fn msg(start: &str, cseq: &str, headers: &str) -> SipMessage {
    let text = format!(
        "{start}\r\nFrom: <sip:+74951234567@carrier>;tag=f1\r\nCall-ID: c1@host\r\nCSeq: {cseq}\r\n{headers}\r\n"
    );
    message::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn kinds(m: &SipMessage) -> Vec<(EventKind, Option<HangupCause>)> {
    events(m, "raw")
        .expect("events")
        .iter()
        .map(|e| (e.kind, e.cause))
        .collect()
}

/// The event kind and cause a response gives, if any.
type Outcome = Option<(EventKind, Option<HangupCause>)>;

#[test]
fn responses_to_invite_map_by_status_code() {
    use HangupCause::*;
    let table: &[(u16, Outcome)] = &[
        (100, None),
        (180, None),
        (183, None),
        (200, Some((EventKind::Answered, None))),
        (302, None),
        (401, None),
        (403, Some((EventKind::Hangup, Some(Failed)))),
        (404, Some((EventKind::Hangup, Some(Failed)))),
        (407, None),
        (408, Some((EventKind::Hangup, Some(NoAnswer)))),
        (422, None),
        (480, Some((EventKind::Hangup, Some(NoAnswer)))),
        (486, Some((EventKind::Hangup, Some(Busy)))),
        (487, None),
        (488, Some((EventKind::Hangup, Some(Failed)))),
        (491, None),
        (500, Some((EventKind::Hangup, Some(Failed)))),
        (503, Some((EventKind::Hangup, Some(Failed)))),
        (600, Some((EventKind::Hangup, Some(Busy)))),
        (603, Some((EventKind::Hangup, Some(Rejected)))),
        (604, Some((EventKind::Hangup, Some(Failed)))),
    ];
    for (code, expected) in table {
        let m = msg(
            &format!("SIP/2.0 {code} Reason"),
            "1 INVITE",
            "To: <sip:101@pbx>;tag=t1\r\n",
        );
        assert_eq!(
            kinds(&m),
            expected.iter().copied().collect::<Vec<_>>(),
            "{code}"
        );
        let to_bye = msg(
            &format!("SIP/2.0 {code} Reason"),
            "2 BYE",
            "To: <sip:101@pbx>;tag=t1\r\n",
        );
        assert_eq!(kinds(&to_bye), vec![], "{code} to a BYE");
    }
}

#[test]
fn the_answering_extension_is_the_to_user_else_the_contact_user() {
    let cases = [
        (
            "To: <sip:101@pbx>;tag=t\r\nContact: <sip:102@10.0.0.2>\r\n",
            Some("101"),
        ),
        (
            "To: <sip:74950000000@pbx>;tag=t\r\nContact: <sip:102@10.0.0.2>\r\n",
            Some("102"),
        ),
        (
            "To: <sip:74950000000@pbx>;tag=t\r\nContact: <sip:a8f3e2@10.0.0.2>\r\n",
            None,
        ),
    ];
    for (headers, expected) in cases {
        let e = events(&msg("SIP/2.0 200 OK", "1 INVITE", headers), "raw").unwrap();
        assert_eq!(e[0].extension.as_deref(), expected, "{headers}");
    }
}

#[test]
fn invites_inside_a_dialog_or_replacing_one_start_no_call() {
    let re_invite = msg(
        "INVITE sip:101@10.0.0.2 SIP/2.0",
        "2 INVITE",
        "To: <sip:101@pbx>;tag=t1\r\n",
    );
    let replaces = msg(
        "INVITE sip:102@pbx SIP/2.0",
        "1 INVITE",
        "To: <sip:102@pbx>\r\nReplaces: x@h;to-tag=1;from-tag=2\r\n",
    );
    assert_eq!(kinds(&re_invite), vec![]);
    assert_eq!(kinds(&replaces), vec![]);
}

#[test]
fn an_extension_calling_a_number_is_outbound() {
    let text = "INVITE sip:74951234567@pbx SIP/2.0\r\nFrom: \"Office\" <sip:101@pbx>;tag=1\r\n\
                To: <sip:74951234567@pbx>\r\nCall-ID: out1\r\nCSeq: 1 INVITE\r\n\r\n";
    let m = message::parse(text.as_bytes()).unwrap();
    let e = &events(&m, text).unwrap()[0];
    assert_eq!(
        (e.direction, e.extension.as_deref()),
        (Some(Direction::Outbound), Some("101"))
    );
    assert_eq!(
        (e.from.as_deref(), e.to.as_deref(), e.extensions.len()),
        (Some("101"), Some("74951234567"), 0)
    );
    let internal = msg(
        "INVITE sip:102@pbx SIP/2.0",
        "1 INVITE",
        "To: <sip:102@pbx>\r\n",
    );
    let e = &events(&internal, "raw").unwrap()[0];
    assert_eq!(
        (e.direction, e.extensions.clone()),
        (Some(Direction::Inbound), vec!["102".to_owned()])
    );
}

#[test]
fn a_cancel_for_a_call_completed_elsewhere_is_not_a_hang_up() {
    let to = "To: <sip:102@pbx>\r\n";
    let elsewhere = format!("{to}Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n");
    assert_eq!(
        kinds(&msg("CANCEL sip:102@pbx SIP/2.0", "1 CANCEL", &elsewhere)),
        vec![]
    );
    let q850 = format!("{to}Reason: Q.850;cause=16\r\n");
    let cancel = vec![(EventKind::Hangup, Some(HangupCause::Cancel))];
    assert_eq!(
        kinds(&msg("CANCEL sip:102@pbx SIP/2.0", "1 CANCEL", &q850)),
        cancel
    );
}

#[test]
fn a_refer_to_an_extension_is_a_transfer() {
    let headers = "To: <sip:101@pbx>;tag=t\r\nr: <sip:102@pbx?Replaces=abc%40h%3Bto-tag%3D1>\r\n";
    let e = events(
        &msg("REFER sip:+7495@carrier SIP/2.0", "3 REFER", headers),
        "raw",
    )
    .unwrap();
    assert_eq!(
        (e[0].kind, e[0].extension.as_deref()),
        (EventKind::Transferred, Some("102"))
    );
    let external = "To: <sip:101@pbx>;tag=t\r\nRefer-To: <sip:+74957777777@carrier>\r\n";
    assert_eq!(
        kinds(&msg("REFER sip:+7495@carrier SIP/2.0", "3 REFER", external)),
        vec![]
    );
}

#[test]
fn the_correlation_header_replaces_the_call_id_and_ids_are_capped() {
    let headers = format!("To: <sip:101@pbx>\r\n{CORRELATION_HEADER}: trunk-leg-77\r\n");
    let e = events(&msg("BYE sip:101@pbx SIP/2.0", "5 BYE", &headers), "raw").unwrap();
    assert_eq!(e[0].pbx_call_id, "trunk-leg-77");
    let long = format!(
        "To: <sip:101@pbx>\r\n{CORRELATION_HEADER}: {}\r\n",
        "x".repeat(251)
    );
    let err = events(&msg("BYE sip:101@pbx SIP/2.0", "5 BYE", &long), "raw").unwrap_err();
    assert!(
        matches!(
            err,
            ParseError::Invalid {
                field: "Call-ID",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn notifies_of_other_packages_carry_no_call() {
    let mwi = "To: <sip:101@pbx>;tag=t\r\nEvent: message-summary\r\nContent-Type: application/simple-message-summary\r\n\r\nMessages-Waiting: yes";
    let empty_dialog =
        "To: <sip:101@pbx>;tag=t\r\nEvent: dialog\r\nContent-Type: application/dialog-info+xml\r\n";
    for headers in [mwi, empty_dialog] {
        assert_eq!(
            kinds(&msg(
                "NOTIFY sip:orderline@host SIP/2.0",
                "4 NOTIFY",
                headers
            )),
            vec![],
            "{headers}"
        );
    }
}

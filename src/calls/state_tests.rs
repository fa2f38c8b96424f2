//! Exhaustive tests of the call state machine: every lifecycle case of the issue, and every
//! order in which the events of those cases can arrive.

use super::*;

fn ev(kind: EventKind, at: i64) -> CallEvent {
    CallEvent {
        pbx_call_id: "c1".into(),
        kind,
        at: Some(at),
        ..CallEvent::default()
    }
}

fn ringing(at: i64, exts: &[&str]) -> CallEvent {
    CallEvent {
        extensions: exts.iter().map(|s| s.to_string()).collect(),
        ..ev(EventKind::Ringing, at)
    }
}

fn answered(at: i64, ext: &str) -> CallEvent {
    CallEvent {
        extension: Some(ext.into()),
        ..ev(EventKind::Answered, at)
    }
}

fn hangup(at: i64, cause: HangupCause) -> CallEvent {
    CallEvent {
        cause: Some(cause),
        ..ev(EventKind::Hangup, at)
    }
}

/// Arrival order = slice order.
fn run(events: &[CallEvent]) -> (CallState, Vec<bool>) {
    let timed: Vec<TimedEvent> = events
        .iter()
        .enumerate()
        .map(|(i, e)| TimedEvent {
            at: e.at.unwrap_or(0),
            seq: i as i64,
            event: e.clone(),
        })
        .collect();
    derive(&timed, false).expect("at least one event")
}

fn permutations(v: &[CallEvent]) -> Vec<Vec<CallEvent>> {
    if v.len() <= 1 {
        return vec![v.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..v.len() {
        let mut rest = v.to_vec();
        let head = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, head.clone());
            out.push(p);
        }
    }
    out
}

/// The state must not depend on the order of arrival.
fn same_in_every_order(events: &[CallEvent]) -> CallState {
    let expected = run(events).0;
    for p in permutations(events) {
        assert_eq!(
            run(&p).0,
            expected,
            "arrival order {:?}",
            p.iter().map(|e| e.kind).collect::<Vec<_>>()
        );
    }
    expected
}

#[test]
fn an_answered_call_is_completed_with_wait_and_talk_times() {
    let s = same_in_every_order(&[
        ringing(0, &["101"]),
        answered(12_000, "101"),
        hangup(72_000, HangupCause::Normal),
    ]);
    assert_eq!(s.state, State::Completed);
    assert_eq!((s.wait_seconds(), s.talk_seconds()), (Some(12), Some(60)));
    assert_eq!(s.answered_extension.as_deref(), Some("101"));
}

#[test]
fn a_call_that_ends_unanswered_is_missed_with_its_ring_time_as_wait() {
    let s = same_in_every_order(&[ringing(0, &["101"]), hangup(8_000, HangupCause::Cancel)]);
    assert_eq!(s.state, State::Missed);
    assert_eq!((s.wait_seconds(), s.talk_seconds()), (Some(8), None));
    assert_eq!(s.cause, Some(HangupCause::Cancel));
}

#[test]
fn a_call_ringing_three_extensions_is_one_call_answered_by_one() {
    let s = same_in_every_order(&[
        ringing(0, &["101", "102", "103"]),
        answered(5_000, "102"),
        hangup(65_000, HangupCause::Normal),
    ]);
    assert_eq!(s.state, State::Completed);
    assert_eq!(s.extensions, vec!["101", "102", "103"]);
    assert_eq!(s.answered_extension.as_deref(), Some("102"));
}

#[test]
fn a_call_forwarded_before_anyone_answered_is_not_missed() {
    let s = same_in_every_order(&[ringing(0, &["101"]), hangup(20_000, HangupCause::Forwarded)]);
    assert_eq!(s.state, State::Completed);
    assert!(s.forwarded);
    assert_eq!(s.answered_at, None);
}

#[test]
fn a_transfer_moves_the_answered_call_to_the_new_extension() {
    let transfer = CallEvent {
        extension: Some("103".into()),
        ..ev(EventKind::Transferred, 30_000)
    };
    let s = same_in_every_order(&[
        ringing(0, &["101"]),
        answered(3_000, "101"),
        transfer,
        hangup(90_000, HangupCause::Normal),
    ]);
    assert!(s.transferred);
    assert_eq!(s.answered_extension.as_deref(), Some("103"));
    assert_eq!(s.extensions, vec!["101", "103"]);
}

#[test]
fn a_duplicate_event_changes_nothing() {
    let once = run(&[ringing(0, &["101"]), answered(4_000, "101")]).0;
    let twice = run(&[
        ringing(0, &["101"]),
        answered(4_000, "101"),
        answered(4_000, "101"),
    ])
    .0;
    assert_eq!(once, twice);
}

#[test]
fn an_answer_that_arrives_before_the_ring_creates_the_call_and_is_merged() {
    let (alone, _) = run(&[answered(4_000, "101")]);
    assert_eq!(alone.state, State::Answered);
    let (merged, _) = run(&[answered(4_000, "101"), ringing(0, &["101", "102"])]);
    assert_eq!(merged.started_at, 0);
    assert_eq!(merged.wait_seconds(), Some(4));
    assert_eq!(merged.extensions, vec!["101", "102"]);
}

#[test]
fn an_event_after_the_end_is_late_and_never_reopens_the_call() {
    let (s, late) = run(&[
        ringing(0, &["101"]),
        hangup(5_000, HangupCause::NoAnswer),
        answered(9_000, "101"),
    ]);
    assert_eq!(s.state, State::Missed);
    assert_eq!(late, vec![false, false, true]);
}

#[test]
fn a_recording_link_after_the_end_is_still_kept() {
    let rec = CallEvent {
        recording_url: Some("https://pbx/rec/1.wav".into()),
        ..hangup(70_000, HangupCause::Normal)
    };
    let (s, late) = run(&[
        ringing(0, &[]),
        answered(1_000, "101"),
        hangup(60_000, HangupCause::Normal),
        rec,
    ]);
    assert_eq!(s.recording_url.as_deref(), Some("https://pbx/rec/1.wav"));
    assert_eq!(late, vec![false, false, false, true]);
}

#[test]
fn a_hangup_without_cause_is_normal_when_answered_and_cancel_when_not() {
    let no_cause = |at| ev(EventKind::Hangup, at);
    assert_eq!(
        run(&[ringing(0, &[]), answered(1, "101"), no_cause(2)])
            .0
            .cause,
        Some(HangupCause::Normal)
    );
    assert_eq!(
        run(&[ringing(0, &[]), no_cause(2)]).0.cause,
        Some(HangupCause::Cancel)
    );
}

#[test]
fn a_blocked_call_stays_blocked_whatever_happens() {
    let timed: Vec<TimedEvent> = [
        ringing(0, &["101"]),
        answered(1_000, "101"),
        hangup(2_000, HangupCause::Normal),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, e)| TimedEvent {
        at: e.at.unwrap(),
        seq: i as i64,
        event: e,
    })
    .collect();
    let (s, _) = derive(&timed, true).unwrap();
    assert_eq!(s.state, State::Blocked);
    assert!(s.is_ended());
}

#[test]
fn the_first_stated_direction_wins() {
    let out = CallEvent {
        direction: Some(Direction::Outbound),
        ..ringing(0, &[])
    };
    let inb = CallEvent {
        direction: Some(Direction::Inbound),
        ..answered(1_000, "101")
    };
    assert_eq!(
        run(&[out.clone(), inb.clone()]).0.direction,
        Direction::Outbound
    );
    assert_eq!(run(&[inb, out]).0.direction, Direction::Inbound);
    assert_eq!(run(&[ringing(0, &[])]).0.direction, Direction::Inbound);
}

#[test]
fn equal_times_order_ringing_answer_and_hangup_sensibly() {
    let s = same_in_every_order(&[
        ringing(0, &["101"]),
        answered(0, "101"),
        hangup(0, HangupCause::Normal),
    ]);
    assert_eq!(s.state, State::Completed);
}

#[test]
fn a_hangup_stamped_before_the_answer_makes_the_answer_late() {
    let (s, _) = run(&[
        ringing(0, &[]),
        answered(10_000, "101"),
        hangup(9_000, HangupCause::Normal),
    ]);
    // Sorted by time the hang-up comes first, so the answer is late and the call missed:
    // the PBX's own clock is the only order we have.
    assert_eq!(s.state, State::Missed);
}

#[test]
fn no_events_derive_no_call() {
    assert!(derive(&[], false).is_none());
}

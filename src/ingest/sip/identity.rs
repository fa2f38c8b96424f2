//! Who calls, whether they withheld their number, and who forwarded the call — read from an
//! INVITE's identity headers (reference §7.2).
//!
//! * Caller: the first of P-Asserted-Identity (RFC 3325; its `tel:` URI when it carries both a
//!   `sip:` and a `tel:` one), Remote-Party-ID (the `party=calling` one, or one without `party`),
//!   From. orderline sits behind the PBX or proxy that decides which peers it trusts, so a PAI
//!   that reaches it is taken as asserted.
//! * Withheld: `Privacy` lists `id` (RFC 3325), or a calling Remote-Party-ID says
//!   `privacy=full` or `privacy=uri`, or From or the chosen identity is anonymous
//!   (`anonymous@anonymous.invalid`, `anonymous`/`restricted`/… users, no user part). The number
//!   is still given when a PAI carries it; the service decides what may be shown.
//! * Forwarded from: the first Diversion (RFC 5806 lists the most recent diversion first),
//!   else, in History-Info (RFC 7044), the entry that the last redirected target came from:
//!   the target is the last entry marked by a RFC 4458 `cause=` URI parameter or an `mp=` tag,
//!   and the forwarding entry is the one its `mp` names or its parent index (`1.1` → `1`).

use super::address::{self, Address, uri_param};
use super::message::SipMessage;

/// The caller of an INVITE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// The number or extension, as the URI's user part.
    pub user: Option<String>,
    /// The caller asked for their number to be withheld.
    pub withheld: bool,
}

/// Reads the caller from PAI, Remote-Party-ID and From.
pub fn caller(msg: &SipMessage) -> Caller {
    let pai: Vec<Address> = msg
        .headers("P-Asserted-Identity")
        .flat_map(address::list)
        .collect();
    let pai = pai.iter().find(|a| a.is_tel()).or(pai.first()).copied();
    let rpid = msg
        .headers("Remote-Party-ID")
        .flat_map(address::list)
        .find(|a| {
            a.param("party")
                .is_none_or(|p| p.eq_ignore_ascii_case("calling"))
        });
    let from = msg.header("From").and_then(address::address);
    let chosen = pai.or(rpid).or(from);
    let rpid_private = rpid
        .and_then(|a| a.param("privacy"))
        .is_some_and(|p| p.eq_ignore_ascii_case("full") || p.eq_ignore_ascii_case("uri"));
    let withheld = privacy_id(msg)
        || rpid_private
        || from.is_some_and(|a| a.is_anonymous())
        || chosen.is_none_or(|a| a.is_anonymous());
    Caller {
        user: chosen.and_then(|a| a.user()),
        withheld,
    }
}

/// `Privacy: id` (the values may be separated by `;` or, from some carriers, `,`).
fn privacy_id(msg: &SipMessage) -> bool {
    msg.headers("Privacy")
        .flat_map(|v| v.split([';', ',']))
        .any(|p| p.trim().eq_ignore_ascii_case("id"))
}

/// The number the call was forwarded from: Diversion, else History-Info.
pub fn forwarded_from(msg: &SipMessage) -> Option<String> {
    if let Some(diversion) = msg.headers("Diversion").flat_map(address::list).next() {
        return diversion.user();
    }
    let entries: Vec<Address> = msg
        .headers("History-Info")
        .flat_map(address::list)
        .collect();
    let (at, target) = entries
        .iter()
        .enumerate()
        .rfind(|(_, e)| uri_param(e.uri, "cause").is_some() || e.param("mp").is_some())?;
    let source_index = match target.param("mp") {
        Some(mp) if !mp.is_empty() => Some(mp),
        _ => target
            .param("index")
            .and_then(|i| i.rsplit_once('.'))
            .map(|(parent, _)| parent),
    };
    let by_index = source_index.and_then(|s| entries.iter().find(|e| e.param("index") == Some(s)));
    // Without indexes, History-Info is still in the order the call took.
    let source = by_index.or_else(|| at.checked_sub(1).and_then(|i| entries.get(i)))?;
    source.user()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::sip::message;

    const FROM: &str = "<sip:+74951234567@carrier>;tag=1";

    fn invite(from: &str, headers: &str) -> SipMessage {
        let text = format!(
            "INVITE sip:101@pbx SIP/2.0\r\nFrom: {from}\r\nTo: <sip:74950000000@pbx>\r\n\
             Call-ID: c1\r\nCSeq: 1 INVITE\r\n{headers}\r\n"
        );
        message::parse(text.as_bytes()).expect("a valid INVITE")
    }

    fn caller_of(headers: &str) -> (Option<String>, bool) {
        let c = caller(&invite(FROM, headers));
        (c.user, c.withheld)
    }

    #[test]
    fn the_caller_is_read_from_pai_then_rpid_then_from() {
        let cases: &[(&str, Option<&str>, bool)] = &[
            ("", Some("+74951234567"), false),
            (
                "P-Asserted-Identity: <sip:+74957654321@carrier;user=phone>\r\n",
                Some("+74957654321"),
                false,
            ),
            (
                "P-Asserted-Identity: <sip:+7111@carrier>, <tel:+7222>\r\n",
                Some("+7222"),
                false,
            ),
            (
                "Remote-Party-ID: <sip:+7333@carrier>;party=calling;privacy=off\r\n",
                Some("+7333"),
                false,
            ),
            (
                "Remote-Party-ID: <sip:101@pbx>;party=called\r\n",
                Some("+74951234567"),
                false,
            ),
            (
                "Remote-Party-ID: <sip:+7333@c>\r\nP-Asserted-Identity: <sip:+7444@c>\r\n",
                Some("+7444"),
                false,
            ),
        ];
        for (headers, user, withheld) in cases {
            assert_eq!(
                caller_of(headers),
                (user.map(str::to_owned), *withheld),
                "{headers}"
            );
        }
    }

    #[test]
    fn privacy_marks_the_caller_withheld_even_with_a_number() {
        let cases = [
            "Privacy: id\r\n",
            "Privacy: header;id\r\n",
            "Privacy: user, ID\r\n",
            "Remote-Party-ID: <sip:+7333@c>;party=calling;privacy=full\r\n",
        ];
        for headers in cases {
            assert!(caller_of(headers).1, "{headers}");
        }
        assert!(!caller_of("Privacy: none\r\n").1);
        let anonymous = "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=2";
        let asserted = caller(&invite(anonymous, "P-Asserted-Identity: <sip:+7444@c>\r\n"));
        assert_eq!(
            asserted,
            Caller {
                user: Some("+7444".into()),
                withheld: true
            }
        );
        let nothing_else = caller(&invite(anonymous, ""));
        assert_eq!(
            nothing_else,
            Caller {
                user: Some("anonymous".into()),
                withheld: true
            }
        );
    }

    #[test]
    fn the_forwarding_number_comes_from_diversion_then_history_info() {
        let cases: &[(&str, Option<&str>)] = &[
            ("", None),
            (
                "Diversion: <sip:74957777777@carrier>;reason=no-answer;counter=1\r\n",
                Some("74957777777"),
            ),
            (
                "Diversion: <tel:+74957777777>;reason=unconditional, <sip:111@x>;reason=user-busy\r\n",
                Some("+74957777777"),
            ),
            (
                "History-Info: <sip:74957777777@carrier>;index=1, <sip:74950000000@pbx;cause=408>;index=1.1\r\n",
                Some("74957777777"),
            ),
            (
                "History-Info: <sip:7001@a>;index=1, <sip:7002@b>;index=1.1;mp=1, <sip:101@c>;index=1.1.1;rc=1.1\r\n",
                Some("7001"),
            ),
            (
                "History-Info: <sip:7001@a>, <sip:7002@b;cause=302>\r\n",
                Some("7001"),
            ),
            (
                "History-Info: <sip:74950000000@pbx>;index=1, <sip:101@10.0.0.21>;index=1.1;rc=1\r\n",
                None,
            ),
        ];
        for (headers, expected) in cases {
            assert_eq!(
                forwarded_from(&invite(FROM, headers)).as_deref(),
                *expected,
                "{headers}"
            );
        }
    }
}

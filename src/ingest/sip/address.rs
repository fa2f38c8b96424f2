//! Addresses in header values (`"Name" <sip:user@host;user=phone>;tag=x`, RFC 3261 §20.10) and
//! the user part of `sip:`, `sips:` and `tel:` URIs (RFC 3966).
//!
//! Scanned by hand rather than with rsip's typed headers: rsip 0.4.0 reads `tel:+7495…` as host
//! `tel` with port 7495 (no error, a wrong answer), fails on quoted display names with commas or
//! `<`, and on IPv6 hosts; and P-Asserted-Identity, Remote-Party-ID, Diversion and History-Info
//! are comma-separated lists it has no type for. Only what orderline needs is read: the URI,
//! the header parameters after it, and the URI's user part.

/// One address of a header value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address<'a> {
    /// The URI, without `<>`.
    pub uri: &'a str,
    /// The header parameters after the address (`;tag=1;party=calling`), or empty.
    pub params: &'a str,
}

/// What PBXs and carriers put in the user part in place of a withheld number (RFC 3323 and
/// common practice; the same list as `domain::phone`).
const ANONYMOUS_USERS: &[&str] = &[
    "anonymous",
    "unknown",
    "restricted",
    "private",
    "withheld",
    "unavailable",
    "blocked",
];

impl<'a> Address<'a> {
    /// The URI's user part: the number or extension (see [`uri_user`]).
    pub fn user(&self) -> Option<String> {
        uri_user(self.uri)
    }

    /// The value of a header parameter (`;party=calling` → `calling`); `Some("")` when it has none.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        param(self.params, name)
    }

    /// True for a `tel:` URI.
    pub fn is_tel(&self) -> bool {
        scheme(self.uri).is_some_and(|(s, _)| s.eq_ignore_ascii_case("tel"))
    }

    /// True when the address itself says the caller is withheld: no user part, a user such as
    /// `anonymous`, or the RFC 3323 host `anonymous.invalid`.
    pub fn is_anonymous(&self) -> bool {
        let host = self.uri.split_once('@').map_or("", |(_, host)| host);
        let anonymous_host = host
            .get(..17)
            .is_some_and(|h| h.eq_ignore_ascii_case("anonymous.invalid"));
        anonymous_host
            || self
                .user()
                .is_none_or(|u| ANONYMOUS_USERS.iter().any(|a| u.eq_ignore_ascii_case(a)))
    }
}

/// Splits a header value into its addresses. Commas inside quotes or `<>` do not split.
pub fn list(value: &str) -> Vec<Address<'_>> {
    let (mut parts, mut start, mut quoted, mut escaped, mut angle) =
        (Vec::new(), 0, false, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' if !angle => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts.into_iter().filter_map(address).collect()
}

/// Reads one address: `name-addr` (`"Name" <uri>;params`) or a bare `addr-spec` (`uri;params`,
/// where everything after the first `;` belongs to the header, RFC 3261 §20).
pub fn address(text: &str) -> Option<Address<'_>> {
    let text = text.trim();
    let (mut quoted, mut escaped) = (false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => {
                let rest = &text[i + 1..];
                let (uri, params) = rest.split_once('>')?;
                return non_empty(uri.trim(), params.trim());
            }
            _ => {}
        }
    }
    if quoted {
        return None;
    }
    let (uri, params) = text.find(';').map_or((text, ""), |i| text.split_at(i));
    non_empty(uri.trim(), params.trim())
}

fn non_empty<'a>(uri: &'a str, params: &'a str) -> Option<Address<'a>> {
    (!uri.is_empty()).then_some(Address { uri, params })
}

/// The user part of a `sip:`/`sips:` URI (before `@`, without password or user parameters) or
/// the number of a `tel:` URI (before its parameters), percent-decoded. `None` for other
/// schemes and for URIs without a user.
pub fn uri_user(uri: &str) -> Option<String> {
    let (scheme, rest) = scheme(uri)?;
    let user = if scheme.eq_ignore_ascii_case("tel") {
        rest.split([';', '?']).next()?
    } else if scheme.eq_ignore_ascii_case("sip") || scheme.eq_ignore_ascii_case("sips") {
        let (userinfo, _) = rest.split_once('@')?;
        userinfo.split([':', ';']).next()?
    } else {
        return None;
    };
    let user = percent_decode(user.trim());
    (!user.is_empty()).then_some(user)
}

/// The value of a `;name=value` parameter of a URI (RFC 4458 `cause`), after its host.
pub fn uri_param<'a>(uri: &'a str, name: &str) -> Option<&'a str> {
    let after_user = uri.split_once('@').map_or(uri, |(_, host)| host);
    let without_headers = after_user.split('?').next().unwrap_or(after_user);
    without_headers
        .find(';')
        .and_then(|i| param(&without_headers[i..], name))
}

/// True for a user part that is an internal extension: 2 to 6 digits (as `domain::phone`).
pub fn is_extension(user: &str) -> bool {
    (2..=6).contains(&user.len()) && user.bytes().all(|b| b.is_ascii_digit())
}

fn scheme(uri: &str) -> Option<(&str, &str)> {
    uri.trim().split_once(':')
}

fn param<'a>(params: &'a str, name: &str) -> Option<&'a str> {
    params.split(';').map(str::trim).find_map(|p| {
        let (key, value) = p.split_once('=').unwrap_or((p, ""));
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"'))
    })
}

/// Decodes `%XX` escapes; a `%` without two hex digits stays as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_come_from_sip_sips_and_tel_uris() {
        let cases = [
            (
                "\"Ivan Petrov\" <sip:+74951234567@carrier.example.net;user=phone>;tag=as6d",
                Some("+74951234567"),
            ),
            ("<tel:+74951234567>", Some("+74951234567")),
            (
                "<tel:+7-495-123-45-67;phone-context=+7>",
                Some("+7-495-123-45-67"),
            ),
            ("sip:101@pbx.example.com;tag=1", Some("101")),
            ("<sips:alice:secret@example.com>", Some("alice")),
            ("<sip:user;par=u%40example.net@example.com>", Some("user")),
            (
                "<sip:%2B74951234567@[2001:db8::1]:5060>",
                Some("+74951234567"),
            ),
            ("\"A, <odd> \\\"name\\\"\" <sip:202@pbx>", Some("202")),
            (
                "Anonymous<sip:anonymous@anonymous.invalid>",
                Some("anonymous"),
            ),
            ("<sip:pbx.example.com>", None),
            ("<mailto:a@example.com>", None),
            ("<>", None),
            ("\"unterminated <sip:1@x>", None),
        ];
        for (value, expected) in cases {
            let user = address(value).and_then(|a| a.user());
            assert_eq!(user.as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn lists_split_only_at_top_level_commas() {
        let value = "\"Petrov, Ivan\" <sip:+7495@carrier;user=phone>, <tel:+7495>;x=1 ,";
        let users: Vec<_> = list(value).iter().map(|a| (a.user(), a.params)).collect();
        assert_eq!(
            users,
            vec![(Some("+7495".into()), ""), (Some("+7495".into()), ";x=1")]
        );
    }

    #[test]
    fn anonymous_addresses_are_recognised() {
        let cases = [
            (
                "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=9fx",
                true,
            ),
            ("<sip:+74951234567@anonymous.invalid>", true),
            ("<tel:anonymous>", true),
            ("<sip:Restricted@carrier.example.net>", true),
            ("<sip:carrier.example.net>", true),
            ("<sip:+74951234567@carrier.example.net>", false),
        ];
        for (value, expected) in cases {
            assert_eq!(
                address(value).map(|a| a.is_anonymous()),
                Some(expected),
                "{value}"
            );
        }
    }

    #[test]
    fn parameters_are_read_from_the_header_and_from_the_uri() {
        let a = address("<sip:74950000000@pbx;cause=408?Reason=SIP%3Bcause%3D302>;index=1.1;mp=1")
            .unwrap();
        assert_eq!(
            (a.param("index"), a.param("MP"), a.param("rc")),
            (Some("1.1"), Some("1"), None)
        );
        assert_eq!(uri_param(a.uri, "cause"), Some("408"));
        assert_eq!(
            uri_param("sip:1@h?X=1;cause=2", "cause"),
            None,
            "a URI header is not a parameter"
        );
    }

    #[test]
    fn extensions_are_two_to_six_digits() {
        for (user, expected) in [
            ("101", true),
            ("12", true),
            ("123456", true),
            ("1", false),
            ("1234567", false),
            ("+101", false),
            ("10a", false),
        ] {
            assert_eq!(is_extension(user), expected, "{user}");
        }
    }
}

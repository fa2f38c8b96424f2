//! Phone numbers: parsed once into E.164 with the configured default region.
//!
//! Every number that reaches the database or the caller matching goes through
//! [`PhoneNumber::parse`] (what a person typed) or [`CallerNumber::classify`] (what a PBX sent),
//! so matching only ever compares normalised `+74951234567` strings.
//!
//! rlibphonenumber (a port of Google's libphonenumber) does most of the work. With region `RU` it
//! already reads the trunk prefix `8`, a leading `7` without `+`, bare 10-digit national numbers,
//! the `8-10` / `810` international prefix, full-width digits and the extension labels `доб`,
//! `ext`, `x`, `#`, `;ext=` and `,,`. What this module adds in front of it:
//!
//! * its own extension split, so that letters are refused instead of being read as vanity letters
//!   (the library turns `8 495 ABC-45-67` into `+74952224567`), and `вн.` works too;
//! * `00` as an international prefix even where the region's own prefix is different (RU: `810`);
//! * a leading space read as the `+` that an unencoded query string turned into a space;
//! * a cap on the input length, and an `is_valid()` check with a reason a person can act on;
//! * [`PhoneNumber::parse_international_fallback`] for PBXs that drop the `+`.

use std::borrow::Cow;
use std::fmt;

use rlibphonenumber::{
    NumberLengthType, PHONE_NUMBER_UTIL, ParseError, PhoneNumberFormat, ValidationError,
};

/// Longer input is refused before parsing: no real number with an extension needs more, and the
/// cap bounds the work an attacker can cause per request.
const MAX_INPUT_CHARS: usize = 64;

/// PBX extensions are short; a longer "extension" is more likely a second number.
const MAX_EXTENSION_DIGITS: usize = 10;

/// Words that introduce an extension, compared case-insensitively (`доб.`, `Ext:`, `x`).
const EXTENSION_LABELS: &[&str] = &[
    "доб",
    "добавочный",
    "вн",
    "внутр",
    "внутренний",
    "x",
    "ext",
    "extn",
    "extension",
];

/// What PBXs and SIP carriers put in place of a withheld number (RFC 3323 and common practice).
const ANONYMOUS_NAMES: &[&str] = &[
    "anonymous",
    "unknown",
    "restricted",
    "private",
    "withheld",
    "unavailable",
    "blocked",
];

/// The default region used to read national numbers (`RU`, `DE`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneRegion(rlibphonenumber::Region);

impl PhoneRegion {
    /// Parses a two-letter ISO 3166 region code.
    pub fn parse(code: &str) -> Result<Self, String> {
        // The library accepts any two letters (`XX`); only a region with numbering metadata can
        // read national numbers, so anything else is refused here, at startup.
        code.trim()
            .parse::<rlibphonenumber::Region>()
            .ok()
            .filter(|&region| {
                PHONE_NUMBER_UTIL
                    .get_country_code_for_region(region)
                    .is_some()
            })
            .map(PhoneRegion)
            .ok_or_else(|| format!("`{code}` is not a known two-letter region code"))
    }
    /// The wrapped rlibphonenumber region.
    pub fn region(self) -> rlibphonenumber::Region {
        self.0
    }
}

/// A valid external phone number in E.164 form, with an optional extension.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    extension: Option<String>,
}

/// Why a text is not a usable phone number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// The text is empty or only punctuation.
    #[error("the number is empty")]
    Empty,
    /// Anything else, with a reason for a person.
    #[error("{0}")]
    Invalid(String),
}

/// What a caller's number turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallerNumber {
    /// A valid external number.
    External(PhoneNumber),
    /// A short internal extension (2–6 digits): never a client's number.
    Internal(String),
    /// No number: withheld, anonymous, restricted.
    Anonymous,
    /// Something that is not a valid number.
    Invalid(PhoneError),
}

impl PhoneNumber {
    /// Parses what a person or a PBX wrote into E.164.
    ///
    /// National numbers are read in `region`; numbers with `+`, `00` or the region's own
    /// international prefix (`8-10` in RU) are read as international.
    pub fn parse(raw: &str, region: PhoneRegion) -> Result<Self, PhoneError> {
        Self::parse_with(raw, region, false)
    }

    /// Like [`parse`](Self::parse), but when the number is not valid in `region` it is retried as
    /// if it had a leading `+`: Zammad and sipgate send `4930600000000` for `+4930600000000`.
    ///
    /// This is not part of `parse` on purpose: a person who mistypes a national number (one digit
    /// missing) must get an error, not a valid number in some other country. A PBX sends whole
    /// numbers, so there the retry is far more likely right than wrong. A text that is valid both
    /// ways (`4930901820`: Ivanovo region or Berlin) keeps the national reading.
    pub fn parse_international_fallback(
        raw: &str,
        region: PhoneRegion,
    ) -> Result<Self, PhoneError> {
        Self::parse_with(raw, region, true)
    }

    /// Wraps an E.164 string that was validated before, such as a value read back from the
    /// database. It is not checked again, so that reading rows costs no parsing.
    pub fn from_e164_unchecked(e164: String) -> Self {
        debug_assert!(e164.starts_with('+'), "not E.164: {}", mask_digits(&e164));
        PhoneNumber {
            e164,
            extension: None,
        }
    }

    /// The number in E.164 (`+74951234567`).
    pub fn e164(&self) -> &str {
        &self.e164
    }
    /// The extension written after the number (`доб. 123`), if any.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }
    /// The number with all but the last 4 digits masked, for logs and restricted roles.
    pub fn masked(&self) -> String {
        mask_digits(&self.e164)
    }

    /// Tries the readings of `raw` in order and keeps the first valid one. When none is valid, the
    /// reason given is the one for the text as written, which is what the person can fix.
    fn parse_with(raw: &str, region: PhoneRegion, fallback: bool) -> Result<Self, PhoneError> {
        let written = Written::read(raw)?;
        if written.space_was_plus {
            let with_plus = format!("+{}", written.number);
            if let Ok(number) = written.parse_valid(&with_plus, region) {
                return Ok(number);
            }
        }
        let as_written = written.parse_valid(&with_00_as_plus(written.number), region);
        if as_written.is_ok() || !fallback || written.has_international_prefix() {
            return as_written;
        }
        let with_plus = format!("+{}", written.number);
        written.parse_valid(&with_plus, region).or(as_written)
    }
}

/// A text split into the number part and the extension, before the library sees it.
struct Written<'a> {
    /// The number as written, without the extension; contains at least one digit, no letters.
    number: &'a str,
    extension: Option<&'a str>,
    /// The text was a space followed by a digit: a `+` that an unencoded URL turned into a space.
    space_was_plus: bool,
}

impl<'a> Written<'a> {
    fn read(raw: &'a str) -> Result<Self, PhoneError> {
        if raw.chars().nth(MAX_INPUT_CHARS).is_some() {
            return Err(invalid(format!("longer than {MAX_INPUT_CHARS} characters")));
        }
        let space_was_plus = space_stands_for_plus(raw);
        let (number, extension) = split_extension(strip_tel_scheme(raw.trim()))?;
        if !number.chars().any(char::is_numeric) {
            return Err(PhoneError::Empty);
        }
        Ok(Written {
            number,
            extension,
            space_was_plus,
        })
    }

    /// Whether the fallback `+` would be pointless: the text already says it is international.
    fn has_international_prefix(&self) -> bool {
        self.number.starts_with(['+', '＋']) || self.number.starts_with("00")
    }

    /// Parses one reading with the library and keeps it only if the number is valid.
    fn parse_valid(&self, text: &str, region: PhoneRegion) -> Result<PhoneNumber, PhoneError> {
        let parsed = PHONE_NUMBER_UTIL
            .parse(text, Some(region.0))
            .map_err(explain_parse_error)?;
        if !parsed.is_valid() {
            return Err(explain_invalid(&parsed));
        }
        // The library only finds an extension here in forms our split does not know (`- 12#`).
        let found_by_library = parsed.extension.as_deref().filter(|e| !e.is_empty());
        Ok(PhoneNumber {
            e164: parsed.format_as(PhoneNumberFormat::E164).into_owned(),
            extension: self.extension.or(found_by_library).map(str::to_owned),
        })
    }
}

/// A single space and then a digit: the `+` of `+74951234567` sent unencoded in a query string
/// arrives as a space. The `+` reading is only kept when it is valid, so a stray space before a
/// national number is mostly harmless; ` 84951234567` is the exception (a valid `+84` number).
fn space_stands_for_plus(raw: &str) -> bool {
    raw.strip_prefix(' ')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// `00` is the ITU-recommended international prefix and many people and PBXs (3CX "Zeros") use it
/// even where the official one differs (RU: `810`). No national number starts with `00`, so the
/// rewrite cannot change a national reading; where `00` is the official prefix it is a no-op.
fn with_00_as_plus(number: &str) -> Cow<'_, str> {
    match number.strip_prefix("00") {
        Some(rest) => Cow::Owned(format!("+{rest}")),
        None => Cow::Borrowed(number),
    }
}

/// Drops an RFC 3966 `tel:` scheme, which would otherwise count as letters.
fn strip_tel_scheme(text: &str) -> &str {
    if starts_with_ignore_case(text, "tel:") {
        &text[4..]
    } else {
        text
    }
}

/// Splits `+7 495 123-45-67 (доб. 123)` into the number and `123`.
///
/// The extension starts at the first letter, `#`, `,` or `;`. A letter must begin a known label:
/// any other letter is refused, because the library would silently read it as a keypad digit.
fn split_extension(text: &str) -> Result<(&str, Option<&str>), PhoneError> {
    let Some(start) = text.find(|c: char| c.is_alphabetic() || matches!(c, '#' | ',' | ';')) else {
        return Ok((text, None));
    };
    // Drops the `(` or `, ` between the number and the label; a number always ends with a digit.
    let number = text[..start].trim_end_matches(|c: char| !c.is_numeric());
    let after_label = skip_extension_label(&text[start..])?;
    let digits_end = after_label
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after_label.len());
    let (digits, tail) = after_label.split_at(digits_end);
    let tail = tail.trim_matches(|c: char| c.is_whitespace() || matches!(c, ')' | '#'));
    if tail.contains(char::is_alphabetic) {
        return Err(contains_letters());
    }
    if !tail.is_empty() {
        return Err(invalid("has more characters after the extension".into()));
    }
    if digits.len() > MAX_EXTENSION_DIGITS {
        return Err(invalid(format!(
            "the extension is longer than {MAX_EXTENSION_DIGITS} digits"
        )));
    }
    Ok((number, (!digits.is_empty()).then_some(digits)))
}

/// Skips the marker (`#`, `,,`, `;ext=`, `доб.`, `x`) and returns what follows it.
fn skip_extension_label(text: &str) -> Result<&str, PhoneError> {
    let text = text.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '#' | ',' | ';'));
    let word_end = text
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(text.len());
    let (word, rest) = text.split_at(word_end);
    if !word.is_empty()
        && !EXTENSION_LABELS
            .iter()
            .any(|label| same_letters(word, label))
    {
        return Err(contains_letters());
    }
    Ok(rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ':' | '=' | '-')))
}

/// Case-insensitive comparison that also works for Cyrillic, without allocating.
fn same_letters(word: &str, lowercase: &str) -> bool {
    word.chars()
        .flat_map(char::to_lowercase)
        .eq(lowercase.chars())
}

fn explain_parse_error(error: ParseError) -> PhoneError {
    invalid(
        match error {
            ParseError::InvalidCountryCode => "has an unknown country code",
            ParseError::NotANumber(_) => "is not a phone number",
            ParseError::TooShortAfterIdd | ParseError::TooShortNsn => "is too short for a number",
            ParseError::TooLongNsn => "is too long for a number",
        }
        .into(),
    )
}

/// Says why a number the library could read is still not valid (`too short for a number in RU`).
fn explain_invalid(number: &rlibphonenumber::PhoneNumber) -> PhoneError {
    let code = number.country_code;
    let place = match PHONE_NUMBER_UTIL.get_region_for_country_code(code) {
        Some(region) => format!("in {region}"),
        None => format!("with country code +{code}"),
    };
    invalid(match number.is_possible_with_reason() {
        Err(ValidationError::TooShort) => format!("too short for a number {place}"),
        Err(ValidationError::TooLong) => format!("too long for a number {place}"),
        Err(ValidationError::InvalidLength) => {
            format!("wrong number of digits for a number {place}")
        }
        Err(ValidationError::InvalidCountryCode) => format!("unknown country code +{code}"),
        Ok(NumberLengthType::IsPossibleLocalOnly) => {
            format!("too short for a number {place}: is the area code missing?")
        }
        Ok(NumberLengthType::IsPossible) => format!("not a valid number {place}"),
    })
}

fn contains_letters() -> PhoneError {
    invalid("contains letters".into())
}

fn invalid(reason: String) -> PhoneError {
    PhoneError::Invalid(reason)
}

impl CallerNumber {
    /// Classifies a caller id as a PBX sends it: a bare number, `anonymous`, a SIP or tel URI
    /// (`sip:+74951234567@carrier;user=phone`), or an internal extension.
    ///
    /// PBXs often drop the `+`, so numbers get [`PhoneNumber::parse_international_fallback`].
    pub fn classify(raw: &str, region: PhoneRegion) -> Self {
        let Some(user) = caller_id_user(raw) else {
            return CallerNumber::Anonymous;
        };
        // Checked before parsing, so that an extension like `101` can never match a client.
        if is_internal_extension(user) {
            return CallerNumber::Internal(user.to_owned());
        }
        let number = if space_stands_for_plus(raw) {
            raw
        } else {
            user
        };
        match PhoneNumber::parse_international_fallback(number, region) {
            Ok(number) => CallerNumber::External(number),
            Err(PhoneError::Empty) => CallerNumber::Anonymous,
            Err(error) => CallerNumber::Invalid(error),
        }
    }
}

/// The user part of a caller id, or `None` when the caller id itself says it is withheld.
///
/// `"Anonymous" <sip:anonymous@anonymous.invalid>` → `None`, `<unknown>` → `None`,
/// `sip:+74951234567@carrier;user=phone` → `+74951234567`, `74951234567` → itself.
fn caller_id_user(raw: &str) -> Option<&str> {
    let mut text = raw.trim();
    if let (Some(open), Some(close)) = (text.find('<'), text.rfind('>')) {
        text = text.get(open + 1..close).unwrap_or(text);
    }
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '"');
    let text = strip_sip_scheme(text);
    let (user, host) = match text.split_once('@') {
        Some((user, host)) => (user, Some(host)),
        None => (text, None),
    };
    let host_is_anonymous = host.is_some_and(|h| starts_with_ignore_case(h, "anonymous.invalid"));
    let user_is_anonymous = ANONYMOUS_NAMES.iter().any(|n| user.eq_ignore_ascii_case(n));
    (!user.is_empty() && !host_is_anonymous && !user_is_anonymous).then_some(user)
}

/// Drops `sip:`, `sips:` or `tel:` from a URI; other text is returned unchanged.
fn strip_sip_scheme(text: &str) -> &str {
    ["sip:", "sips:", "tel:"]
        .iter()
        .find(|scheme| starts_with_ignore_case(text, scheme))
        .map_or(text, |scheme| &text[scheme.len()..])
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// 2–6 ASCII digits and nothing else: an internal PBX extension.
fn is_internal_extension(user: &str) -> bool {
    let user = user.trim();
    (2..=6).contains(&user.len()) && user.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.e164
    }
}

/// Masks every digit but the last four (`+7*******4567`). Used for anything that is logged.
pub fn mask_digits(s: &str) -> String {
    let total = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 4 <= total { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "phone_tests.rs"]
mod tests;

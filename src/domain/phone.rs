//! Phone numbers: parsed once into E.164 with the configured default region.
//!
//! STUB: the real implementation is being written (rlibphonenumber). The public API below is the
//! contract the rest of the crate uses.

use std::fmt;

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
                rlibphonenumber::PHONE_NUMBER_UTIL
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
    pub fn parse(raw: &str, _region: PhoneRegion) -> Result<Self, PhoneError> {
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        Ok(PhoneNumber { e164: format!("+{digits}"), extension: None })
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
}

impl CallerNumber {
    /// Classifies a caller id as a PBX sends it.
    pub fn classify(raw: &str, region: PhoneRegion) -> Self {
        match PhoneNumber::parse(raw, region) {
            Ok(n) => CallerNumber::External(n),
            Err(PhoneError::Empty) => CallerNumber::Anonymous,
            Err(e) => CallerNumber::Invalid(e),
        }
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
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

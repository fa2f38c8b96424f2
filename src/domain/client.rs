//! The client: a validated draft (what is written) and the stored record (what is read).

use serde::{Deserialize, Serialize};

use super::phone::PhoneNumber;

/// Person or business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    /// A private person.
    #[default]
    Person,
    /// A company.
    Business,
}

impl ClientKind {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Person => "person",
            ClientKind::Business => "business",
        }
    }
    /// Parses stored text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(ClientKind::Person),
            "business" => Some(ClientKind::Business),
            _ => None,
        }
    }
}

/// A phone of a draft: normalised number plus what was typed.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneDraft {
    /// The normalised number.
    pub number: PhoneNumber,
    /// As entered.
    pub raw: String,
    /// "mobile", "office", …
    pub label: Option<String>,
    /// The number to call first.
    pub primary: bool,
}

/// The business profile: what a manager needs to understand a business client.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BusinessProfile {
    /// Their product range.
    pub sells: Option<String>,
    /// Their end customers.
    pub sells_to: Option<String>,
    /// Their price segment ("economy", "premium", …).
    pub price_segment: Option<String>,
    /// Number of employees.
    pub employees: Option<i64>,
}

/// A client as it will be written: every field already validated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientDraft {
    /// Id in the previous system.
    pub external_id: Option<String>,
    /// Display name (required, trimmed, non-empty).
    pub name: String,
    /// Person or business.
    pub kind: ClientKind,
    /// Company name.
    pub company: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Delivery addresses, first is the usual one.
    pub addresses: Vec<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Preferences in words ("calls after 14:00", "invoice by e-mail").
    pub preferences: Option<String>,
    /// Personal manager (a user id).
    pub personal_manager_id: Option<i64>,
    /// Business profile.
    pub profile: BusinessProfile,
    /// Never call proactively.
    pub do_not_call: bool,
    /// Phones, deduplicated by number, at most one primary.
    pub phones: Vec<PhoneDraft>,
}

impl ClientDraft {
    /// The lowercased text the client search matches against.
    pub fn search_text(&self) -> String {
        let parts = [
            Some(self.name.as_str()),
            self.company.as_deref(),
            self.email.as_deref(),
        ];
        parts
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }

    /// Removes repeated numbers (keeping the first) and makes sure exactly one phone is primary
    /// when there are any.
    pub fn normalise_phones(&mut self) {
        let mut seen = std::collections::HashSet::new();
        self.phones
            .retain(|p| seen.insert(p.number.e164().to_owned()));
        let first_primary = self.phones.iter().position(|p| p.primary).unwrap_or(0);
        for (i, p) in self.phones.iter_mut().enumerate() {
            p.primary = i == first_primary;
        }
    }
}

/// Trims a text field; empty becomes `None`.
pub fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

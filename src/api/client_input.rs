//! The client as the JSON API reads and writes it, and its validation into a `ClientDraft`.

use serde::{Deserialize, Serialize};

use crate::{
    db::clients::Client,
    domain::{
        PhoneNumber, PhoneRegion,
        client::{BusinessProfile, ClientDraft, ClientKind, PhoneDraft, clean},
        time::rfc3339,
    },
    error::{AppError, AppResult},
};

const MAX_TEXT: usize = 2_000;
const MAX_PHONES: usize = 20;

/// A phone on input: a plain string or an object.
#[derive(Deserialize, Serialize, Clone)]
#[serde(untagged)]
pub enum PhoneInput {
    /// `"+7 495 123-45-67"`.
    Text(String),
    /// `{ "number": "…", "label"?: "…", "primary"?: bool }`.
    Object {
        /// The number as written.
        number: String,
        /// Label.
        #[serde(default)]
        label: Option<String>,
        /// Primary.
        #[serde(default)]
        primary: bool,
    },
}

/// A client on input (create, replace, or — merged onto the stored one — patch).
#[derive(Deserialize, Serialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    external_id: Option<String>,
    name: Option<String>,
    kind: Option<ClientKind>,
    company: Option<String>,
    #[serde(default)]
    phones: Vec<PhoneInput>,
    email: Option<String>,
    #[serde(default)]
    addresses: Vec<String>,
    notes: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    preferences: Option<String>,
    personal_manager_id: Option<i64>,
    #[serde(default)]
    profile: BusinessProfile,
    #[serde(default)]
    do_not_call: bool,
}

impl ClientInput {
    /// Validates every field; the first problem is a 422 naming its field.
    pub fn into_draft(self, region: PhoneRegion) -> AppResult<ClientDraft> {
        let name = clean(self.name.as_deref())
            .ok_or_else(|| AppError::invalid("name", "a name is required"))?;
        let email = clean(self.email.as_deref());
        if let Some(e) = &email
            && (!e.contains('@') || e.len() > 254)
        {
            return Err(AppError::invalid("email", "not an e-mail address"));
        }
        if self.phones.len() > MAX_PHONES {
            return Err(AppError::invalid(
                "phones",
                format!("at most {MAX_PHONES} numbers"),
            ));
        }
        if self.profile.employees.is_some_and(|n| n < 0) {
            return Err(AppError::invalid("profile.employees", "cannot be negative"));
        }
        let phones = self
            .phones
            .into_iter()
            .enumerate()
            .map(|(i, p)| phone_draft(i, p, region))
            .collect::<AppResult<Vec<_>>>()?;
        let mut draft = ClientDraft {
            external_id: clean(self.external_id.as_deref()),
            name,
            kind: self.kind.unwrap_or_default(),
            company: clean(self.company.as_deref()),
            email,
            addresses: self
                .addresses
                .iter()
                .filter_map(|a| clean(Some(a)))
                .collect(),
            notes: clean(self.notes.as_deref()),
            tags: dedup(self.tags.iter().filter_map(|t| clean(Some(t))).collect()),
            preferences: clean(self.preferences.as_deref()),
            personal_manager_id: self.personal_manager_id,
            profile: self.profile,
            do_not_call: self.do_not_call,
            phones,
        };
        check_lengths(&draft)?;
        draft.normalise_phones();
        Ok(draft)
    }

    /// The stored client as input, so a patch can be merged onto it.
    pub fn from_client(c: &Client) -> Self {
        ClientInput {
            external_id: c.external_id.clone(),
            name: Some(c.name.clone()),
            kind: Some(c.kind),
            company: c.company.clone(),
            phones: c
                .phones
                .iter()
                .map(|p| PhoneInput::Object {
                    number: p.raw.clone(),
                    label: p.label.clone(),
                    primary: p.is_primary,
                })
                .collect(),
            email: c.email.clone(),
            addresses: c.addresses.clone(),
            notes: c.notes.clone(),
            tags: c.tags.clone(),
            preferences: c.preferences.clone(),
            personal_manager_id: c.personal_manager_id,
            profile: c.profile.clone(),
            do_not_call: c.do_not_call,
        }
    }
}

fn phone_draft(i: usize, p: PhoneInput, region: PhoneRegion) -> AppResult<PhoneDraft> {
    let (raw, label, primary) = match p {
        PhoneInput::Text(t) => (t, None, false),
        PhoneInput::Object {
            number,
            label,
            primary,
        } => (number, label, primary),
    };
    let number = PhoneNumber::parse(&raw, region)
        .map_err(|e| AppError::invalid(format!("phones[{i}]"), e.to_string()))?;
    Ok(PhoneDraft {
        number,
        raw: raw.trim().to_owned(),
        label: clean(label.as_deref()),
        primary,
    })
}

fn check_lengths(d: &ClientDraft) -> AppResult<()> {
    let fields = [
        ("external_id", d.external_id.as_deref()),
        ("name", Some(d.name.as_str())),
        ("company", d.company.as_deref()),
        ("notes", d.notes.as_deref()),
        ("preferences", d.preferences.as_deref()),
        ("profile.sells", d.profile.sells.as_deref()),
        ("profile.sells_to", d.profile.sells_to.as_deref()),
        ("profile.price_segment", d.profile.price_segment.as_deref()),
    ];
    for (field, value) in fields {
        if value.is_some_and(|v| v.chars().count() > MAX_TEXT) {
            return Err(AppError::invalid(
                field,
                format!("at most {MAX_TEXT} characters"),
            ));
        }
    }
    check_no_nul(d)
}

/// PostgreSQL cannot store U+0000 in text (it would be a 500 there and stored on SQLite), so it
/// is refused on input, with the field that holds it.
fn check_no_nul(d: &ClientDraft) -> AppResult<()> {
    let single = [
        ("external_id".to_owned(), d.external_id.as_deref()),
        ("name".to_owned(), Some(d.name.as_str())),
        ("company".to_owned(), d.company.as_deref()),
        ("email".to_owned(), d.email.as_deref()),
        ("notes".to_owned(), d.notes.as_deref()),
        ("preferences".to_owned(), d.preferences.as_deref()),
        ("profile.sells".to_owned(), d.profile.sells.as_deref()),
        ("profile.sells_to".to_owned(), d.profile.sells_to.as_deref()),
        (
            "profile.price_segment".to_owned(),
            d.profile.price_segment.as_deref(),
        ),
    ];
    let lists = d
        .addresses
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("addresses[{i}]"), Some(a.as_str())))
        .chain(
            d.tags
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("tags[{i}]"), Some(t.as_str()))),
        )
        .chain(d.phones.iter().enumerate().flat_map(|(i, p)| {
            [p.raw.as_str(), p.label.as_deref().unwrap_or("")]
                .map(|v| (format!("phones[{i}]"), Some(v)))
        }));
    match single
        .into_iter()
        .chain(lists)
        .find(|(_, v)| v.is_some_and(|v| v.contains('\0')))
    {
        Some((field, _)) => Err(AppError::invalid(field, "must not contain a NUL character")),
        None => Ok(()),
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert(t.to_lowercase()));
    v
}

/// A phone on output.
#[derive(Serialize)]
pub struct PhoneOut {
    /// E.164.
    pub number: String,
    /// As entered.
    pub raw: String,
    /// Extension after the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Primary.
    pub primary: bool,
}

/// A client on output.
#[derive(Serialize)]
pub struct ClientOut {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    name: String,
    kind: ClientKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<String>,
    phones: Vec<PhoneOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    addresses: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferences: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    personal_manager_id: Option<i64>,
    profile: BusinessProfile,
    do_not_call: bool,
    created_at: String,
    updated_at: String,
}

impl From<Client> for ClientOut {
    fn from(c: Client) -> Self {
        ClientOut {
            id: c.id,
            external_id: c.external_id,
            name: c.name,
            kind: c.kind,
            company: c.company,
            phones: c
                .phones
                .into_iter()
                .map(|p| PhoneOut {
                    number: p.e164,
                    raw: p.raw,
                    extension: p.extension,
                    label: p.label,
                    primary: p.is_primary,
                })
                .collect(),
            email: c.email,
            addresses: c.addresses,
            notes: c.notes,
            tags: c.tags,
            preferences: c.preferences,
            personal_manager_id: c.personal_manager_id,
            profile: c.profile,
            do_not_call: c.do_not_call,
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

//! The pure part of an import: a new client from a row, the stored client as a draft, and the
//! merge of a row onto it.

use crate::db::clients::Client;
use crate::domain::client::{ClientDraft, ClientKind, PhoneDraft};
use crate::domain::phone::{PhoneNumber, PhoneRegion};
use crate::import::{ClientRow, ImportedPhone};

/// A client made from the row alone: a business when a company is given.
pub(super) fn new_client(row: &ClientRow) -> ClientDraft {
    let kind = match row.company {
        Some(_) => ClientKind::Business,
        None => ClientKind::Person,
    };
    let mut draft = ClientDraft {
        external_id: row.external_id.clone(),
        name: row.name.clone(),
        kind,
        company: row.company.clone(),
        email: row.email.clone(),
        addresses: row.address.iter().cloned().collect(),
        notes: row.notes.clone(),
        tags: row.tags.clone(),
        phones: row.phones.iter().map(phone_draft).collect(),
        ..ClientDraft::default()
    };
    draft.normalise_phones();
    draft
}

fn phone_draft(phone: &ImportedPhone) -> PhoneDraft {
    PhoneDraft {
        number: phone.number.clone(),
        raw: phone.raw.clone(),
        label: None,
        primary: false,
    }
}

/// The stored client as a draft, every field kept, so that writing it back changes nothing.
pub(super) fn stored_draft(c: &Client) -> ClientDraft {
    let phones = c.phones.iter().map(|p| PhoneDraft {
        number: stored_number(&p.e164, p.extension.as_deref()),
        raw: p.raw.clone(),
        label: p.label.clone(),
        primary: p.is_primary,
    });
    ClientDraft {
        external_id: c.external_id.clone(),
        name: c.name.clone(),
        kind: c.kind,
        company: c.company.clone(),
        email: c.email.clone(),
        addresses: c.addresses.clone(),
        notes: c.notes.clone(),
        tags: c.tags.clone(),
        preferences: c.preferences.clone(),
        personal_manager_id: c.personal_manager_id,
        profile: c.profile.clone(),
        do_not_call: c.do_not_call,
        phones: phones.collect(),
    }
}

/// A stored number with its extension. `PhoneNumber` has no constructor taking an extension, so
/// one is parsed from `+E164 доб. N` (the stored number is valid, so it parses); if it ever
/// did not, the number is kept without its extension rather than dropped.
fn stored_number(e164: &str, extension: Option<&str>) -> PhoneNumber {
    let plain = || PhoneNumber::from_e164_unchecked(e164.to_owned());
    let Some(ext) = extension else {
        return plain();
    };
    // The text starts with `+`, so the region only satisfies the signature.
    PhoneRegion::parse("RU")
        .ok()
        .and_then(|region| PhoneNumber::parse(&format!("{e164} доб. {ext}"), region).ok())
        .filter(|n| n.e164() == e164)
        .unwrap_or_else(plain)
}

/// The row merged onto a stored client: non-empty cells replace the name, company, e-mail and
/// notes; the address becomes the first one unless the client has it already; phones and tags
/// are added to the stored ones (an import never deletes a number an operator added, and a
/// number the client has keeps its stored text, extension and label). Fields the file has no
/// column for (kind, profile, manager, do-not-call, preferences) stay.
pub(super) fn merge(mut d: ClientDraft, row: &ClientRow) -> ClientDraft {
    d.name.clone_from(&row.name);
    for (field, cell) in [
        (&mut d.company, &row.company),
        (&mut d.email, &row.email),
        (&mut d.notes, &row.notes),
    ] {
        if cell.is_some() {
            field.clone_from(cell);
        }
    }
    if let Some(address) = &row.address
        && !d.addresses.contains(address)
    {
        d.addresses.insert(0, address.clone());
    }
    for phone in &row.phones {
        if !d
            .phones
            .iter()
            .any(|p| p.number.e164() == phone.number.e164())
        {
            d.phones.push(phone_draft(phone));
        }
    }
    for tag in &row.tags {
        if !d.tags.contains(tag) {
            d.tags.push(tag.clone());
        }
    }
    d.normalise_phones();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{RowOutcome, open};

    fn ru() -> PhoneRegion {
        PhoneRegion::parse("RU").unwrap()
    }

    fn row(csv: &str) -> ClientRow {
        let text = format!("external_id;name;company;phones;email;address;notes;tags\n{csv}\n");
        match open(text.as_bytes(), ru()).unwrap().next() {
            Some(RowOutcome::Row { row, .. }) => row,
            other => panic!("{other:?}"),
        }
    }

    fn e164s(d: &ClientDraft) -> Vec<&str> {
        d.phones.iter().map(|p| p.number.e164()).collect()
    }

    #[test]
    fn a_new_client_is_a_business_when_a_company_is_given() {
        let person = new_client(&row("1;Иван;;+7 916 123 45 67;;;;"));
        let business = new_client(&row("2;Иван;ООО Ромашка;;;;;"));
        assert_eq!(
            (person.kind, business.kind),
            (ClientKind::Person, ClientKind::Business)
        );
        assert!(person.phones[0].primary);
    }

    #[test]
    fn merging_the_same_row_again_changes_nothing() {
        let first = row(
            "1;Иван;ООО Ромашка;+7 916 123 45 67 доб. 12, 8 495 123-45-67;i@x.ru;Москва;n;a, b",
        );
        let stored = new_client(&first);
        assert_eq!(merge(stored.clone(), &first), stored);
    }

    #[test]
    fn merging_keeps_what_the_file_has_no_value_for_and_adds_phones_and_tags() {
        let mut stored = new_client(&row(
            "1;Иван;ООО Ромашка;8 495 123-45-67;i@x.ru;Москва;old;a",
        ));
        stored.do_not_call = true;
        stored.phones[0].raw = "as an operator typed it".into();

        let merged = merge(
            stored.clone(),
            &row("1;Иван И.;;+7 916 123 45 67, 8 495 123-45-67;;Тверь;;b, a"),
        );

        assert_eq!(merged.name, "Иван И.");
        assert_eq!(
            (merged.company.as_deref(), merged.notes.as_deref()),
            (Some("ООО Ромашка"), Some("old"))
        );
        assert_eq!(merged.addresses, ["Тверь", "Москва"]);
        assert_eq!(e164s(&merged), ["+74951234567", "+79161234567"]);
        assert_eq!(merged.phones[0].raw, "as an operator typed it");
        assert_eq!(merged.tags, ["a", "b"]);
        assert!(merged.do_not_call);
    }

    #[test]
    fn a_stored_extension_survives_the_round_trip() {
        let number = stored_number("+74951234567", Some("12"));
        assert_eq!(
            (number.e164(), number.extension()),
            ("+74951234567", Some("12"))
        );
        assert_eq!(stored_number("+74951234567", None).extension(), None);
    }
}

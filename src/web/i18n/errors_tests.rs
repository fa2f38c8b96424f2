//! Tests of `errors.rs`: the table's shape, translations, and a walk over the sources that
//! finds every validation message without its Russian twin.

use super::*;

const RU: Language = Language::Ru;

#[test]
fn every_entry_has_as_many_places_in_both_languages() {
    for (en, ru) in MESSAGES {
        assert_eq!(en.matches("{}").count(), ru.matches("{}").count(), "{en}");
        assert!(!ru.is_empty() && !en.is_empty());
    }
    for (i, (en, _)) in MESSAGES.iter().enumerate() {
        let shadowed = MESSAGES[..i].iter().any(|(earlier, _)| *earlier == *en);
        assert!(!shadowed, "{en} twice");
    }
}

#[test]
fn messages_are_translated_with_their_numbers_and_fields_named() {
    assert_eq!(message(RU, "choose an outcome"), "выберите результат");
    assert_eq!(
        message(RU, "at most 2000 characters"),
        "не больше 2000 символов"
    );
    assert_eq!(
        with_field(RU, Some("callback_at"), "say when to call back"),
        "Когда перезвонить: укажите, когда перезвонить"
    );
    assert_eq!(
        message(
            RU,
            "too short for a number in RU: is the area code missing?"
        ),
        "слишком короткий для номера (RU): не пропущен код города?"
    );
    assert_eq!(
        message(RU, "too long for a number in DE"),
        "слишком длинный для номера (DE)"
    );
    assert_eq!(
        message(RU, "Olga is working on this task"),
        "с этой задачей уже работает Olga"
    );
    assert_eq!(
        message(RU, "user 7 is not an active operator"),
        "пользователь 7 — не активный оператор"
    );
}

/// The message argument of an `AppError::invalid(` call whose text follows: the second
/// argument, when it is a string literal or a `format!` of one (else None: a message made
/// at run time, such as a phone number's reason).
fn message_argument(call: &str) -> Option<String> {
    let (mut depth, mut args, mut current) = (1, Vec::new(), String::new());
    let mut chars = call.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' if depth == 1 => break,
            ')' | ']' => depth -= 1,
            ',' if depth == 1 => {
                args.push(std::mem::take(&mut current));
                continue;
            }
            '"' => {
                current.push('"');
                while let Some(c) = chars.next() {
                    match c {
                        // An escaped character, kept apart from the quotes.
                        '\\' => {
                            current.extend(chars.next().map(|c| if c == '"' { '\u{1}' } else { c }))
                        }
                        '"' => break,
                        c => current.push(c),
                    }
                }
                current.push('"');
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    args.push(current);
    let arg = args.get(1)?.trim();
    let arg = arg.strip_prefix("format!(").unwrap_or(arg).trim_start();
    let literal = arg.strip_prefix('"')?;
    Some(literal[..literal.find('"')?].replace('\u{1}', "\""))
}

/// `{NAME}` and `{}` in a format string become a sample value.
fn sample(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |k| open + k + 1);
        out.push_str(&rest[..open]);
        out.push('7');
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_validation_message_in_the_sources_has_its_russian_twin() {
    // Walks src/ for `AppError::invalid(field, "message")`: a new message without a
    // translation fails here instead of showing English on a Russian page.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![root];
    let (mut checked, mut missing) = (0, Vec::new());
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs")
                || path.ends_with("errors.rs")
                || path.ends_with("errors_tests.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("AppError::invalid(") {
                let call = &text[at + "AppError::invalid(".len()..];
                let Some(msg) = message_argument(call) else {
                    continue;
                };
                checked += 1;
                let english = sample(&msg);
                if message(RU, &english) == english {
                    missing.push(format!("{}: {msg}", path.display()));
                }
            }
        }
    }
    assert!(
        checked > 80,
        "only {checked} messages found: is the walk broken?"
    );
    assert!(
        missing.is_empty(),
        "no Russian for:\n{}",
        missing.join("\n")
    );
}

#[test]
fn english_and_unknown_messages_stay_as_they_are() {
    assert_eq!(
        with_field(Language::En, Some("outcome"), "choose an outcome"),
        "outcome: choose an outcome"
    );
    assert_eq!(message(RU, "something new"), "something new");
    assert_eq!(
        with_field(RU, Some("weird"), "missing"),
        "weird: не указано"
    );
    // A pattern matches whole messages only, and a place is never empty.
    assert_eq!(message(RU, "at most  characters"), "at most  characters");
    assert_eq!(
        message(RU, "choose an outcome now"),
        "choose an outcome now"
    );
}

//! Tests of `phone.rs`.

use super::*;
use proptest::prelude::*;

fn ru() -> PhoneRegion {
    PhoneRegion::parse("RU").unwrap()
}

fn e164(raw: &str) -> String {
    match PhoneNumber::parse(raw, ru()) {
        Ok(number) => number.e164().to_owned(),
        Err(error) => panic!("{raw:?} was refused: {error}"),
    }
}

fn reason(raw: &str) -> String {
    match PhoneNumber::parse(raw, ru()) {
        Ok(number) => panic!("{raw:?} was accepted as {number}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn every_written_form_of_a_number_gives_the_same_e164() {
    let table: &[(&str, &[&str])] = &[
        (
            "+74951234567",
            &[
                "8 (495) 123-45-67",
                "+7 495 123 45 67",
                "+7 (495) 123-45-67",
                "+7-495-123-45-67",
                "74951234567",
                "84951234567",
                "4951234567",
                "(495) 123-45-67",
                "8.495.123.45.67",
                "00 7 495 123 45 67",
                "+7 8 495 123 45 67",
                " 74951234567",
                "tel:+74951234567",
                "８ (４９５) １２３-４５-６７",
            ],
        ),
        (
            "+78005553535",
            &["8 800 555-35-35", "+7 800 555 35 35", "88005553535"],
        ),
        ("+78123159883", &["8 (812) 315-98-83", "+7 (812) 315-98-83"]),
        (
            "+79161234567",
            &["7 916 123 45 67", "9161234567", "8 916 123-45-67"],
        ),
        (
            "+49301234567",
            &[
                "8-10-49-30-1234567",
                "810 49 30 1234567",
                "00 49 30 1234567",
                "+49 30 1234567",
            ],
        ),
        (
            "+380441234567",
            &["+380 44 123 4567", "810 380 44 123 4567", "00380441234567"],
        ),
    ];
    for (expected, forms) in table {
        for form in *forms {
            assert_eq!(e164(form), *expected, "written as {form:?}");
        }
    }
}

#[test]
fn an_extension_is_kept_apart_from_the_number() {
    let forms = [
        "+7 495 123-45-67 доб. 123",
        "+7 495 123-45-67 доб.123",
        "+7 495 123-45-67 Доб 123",
        "+7 495 123-45-67, доб. 123",
        "+7 495 123-45-67 (доб. 123)",
        "+7 495 123-45-67 вн. 123",
        "+7 495 123-45-67 добавочный 123",
        "+7 495 123-45-67 ext. 123",
        "+7 495 123-45-67 Ext: 123",
        "+7 495 123-45-67 x123",
        "+7 495 123-45-67 #123",
        "+74951234567,,123",
        "tel:+74951234567;ext=123",
        "8 (495) 123-45-67 доб. 123",
    ];
    for form in forms {
        let number = PhoneNumber::parse(form, ru()).unwrap();
        assert_eq!(number.e164(), "+74951234567", "written as {form:?}");
        assert_eq!(number.extension(), Some("123"), "written as {form:?}");
    }
}

#[test]
fn a_number_without_extension_has_none() {
    let number = PhoneNumber::parse("+7 495 123-45-67", ru()).unwrap();
    assert_eq!(number.extension(), None);
    let trailing_hash = PhoneNumber::parse("84951234567#", ru()).unwrap();
    assert_eq!(trailing_hash.extension(), None);
}

#[test]
fn invalid_numbers_are_refused_with_a_reason_a_person_can_act_on() {
    let table = [
        ("123", "too short for a number in RU"),
        ("+7 916 123 45 6", "too short for a number in RU"),
        (
            "+7 495 123 45 67 89",
            "wrong number of digits for a number in RU",
        ),
        ("8 495 ABC-45-67", "contains letters"),
        ("1-800-FLOWERS", "contains letters"),
        ("abc", "contains letters"),
        (
            "+7 495 123-45-67 доб. 12345678901",
            "the extension is longer than 10 digits",
        ),
        (
            "+7 495 123-45-67, 8 495 123-45-68",
            "has more characters after the extension",
        ),
        (
            "8 495 123 45 67 8 495 123 45 68",
            "is too long for a number",
        ),
        ("+7", "is not a phone number"),
        (
            "0 495 123 45 67",
            "wrong number of digits for a number in RU",
        ),
    ];
    for (raw, expected) in table {
        assert_eq!(reason(raw), expected, "for {raw:?}");
    }
}

#[test]
fn empty_or_punctuation_only_text_is_empty() {
    for raw in ["", "   ", "-", "() -", "+"] {
        assert_eq!(
            PhoneNumber::parse(raw, ru()),
            Err(PhoneError::Empty),
            "for {raw:?}"
        );
    }
}

#[test]
fn input_longer_than_the_cap_is_refused_before_parsing() {
    let long = format!("+7 495 123 45 67{}", " ".repeat(MAX_INPUT_CHARS));
    assert_eq!(reason(&long), "longer than 64 characters");
}

#[test]
fn a_leading_space_before_digits_stands_for_plus() {
    assert_eq!(e164(" 74951234567"), "+74951234567");
    assert_eq!(e164(" 4930600000000"), "+4930600000000");
    // When the `+` reading is not valid, the text is read as written.
    assert_eq!(e164(" 9161234567"), "+79161234567");
}

#[test]
fn parse_does_not_guess_a_missing_plus() {
    assert_eq!(
        reason("4930600000000"),
        "wrong number of digits for a number in RU"
    );
}

#[test]
fn the_international_fallback_reads_numbers_sent_without_plus() {
    let table = [
        ("4930600000000", "+4930600000000"),
        ("380441234567", "+380441234567"),
        ("16502530000", "+16502530000"),
        // Valid national numbers keep their national reading.
        ("84951234567", "+74951234567"),
        ("74951234567", "+74951234567"),
        ("9161234567", "+79161234567"),
        // Valid both ways (Ivanovo region or Berlin): the national reading wins.
        ("4930901820", "+74930901820"),
    ];
    for (raw, expected) in table {
        let number = PhoneNumber::parse_international_fallback(raw, ru()).unwrap();
        assert_eq!(number.e164(), expected, "for {raw:?}");
    }
}

#[test]
fn the_international_fallback_reports_the_national_reason_when_both_fail() {
    let error = PhoneNumber::parse_international_fallback("123", ru()).unwrap_err();
    assert_eq!(error.to_string(), "too short for a number in RU");
}

#[test]
fn withheld_caller_ids_are_anonymous() {
    let forms = [
        "",
        "  ",
        "anonymous",
        "Anonymous",
        "ANONYMOUS",
        "unknown",
        "<unknown>",
        "restricted",
        "private",
        "withheld",
        "unavailable",
        "anonymous@anonymous.invalid",
        "sip:anonymous@anonymous.invalid",
        "\"Anonymous\" <sip:anonymous@anonymous.invalid>",
        "sip:restricted@carrier.example.net",
        "sip:+74951234567@anonymous.invalid",
        "tel:anonymous",
        "sip:@pbx.example.com",
    ];
    for raw in forms {
        assert_eq!(
            CallerNumber::classify(raw, ru()),
            CallerNumber::Anonymous,
            "for {raw:?}"
        );
    }
}

#[test]
fn short_digit_strings_are_internal_extensions_never_clients() {
    let table = [
        ("12", "12"),
        ("101", "101"),
        (" 2001 ", "2001"),
        ("123456", "123456"),
        ("sip:101@pbx.local", "101"),
    ];
    for (raw, extension) in table {
        let expected = CallerNumber::Internal(extension.into());
        assert_eq!(CallerNumber::classify(raw, ru()), expected, "for {raw:?}");
    }
}

#[test]
fn external_caller_ids_are_parsed_in_every_pbx_form() {
    let table = [
        ("74951234567", "+74951234567"),
        ("+74951234567", "+74951234567"),
        (" 74951234567", "+74951234567"),
        ("84951234567", "+74951234567"),
        ("4930600000000", "+4930600000000"),
        (
            "sip:+74951234567@carrier.example.net;user=phone",
            "+74951234567",
        ),
        (
            "\"Ivan Petrov\" <sip:+74951234567@carrier.example.net;user=phone>",
            "+74951234567",
        ),
        ("tel:+74951234567", "+74951234567"),
    ];
    for (raw, expected) in table {
        match CallerNumber::classify(raw, ru()) {
            CallerNumber::External(number) => {
                assert_eq!(number.e164(), expected, "for {raw:?}")
            }
            other => panic!("{raw:?} was classified as {other:?}"),
        }
    }
}

#[test]
fn caller_ids_that_are_not_numbers_are_invalid_with_a_reason() {
    let table = [
        ("1", "is not a phone number"),
        (
            "1234567",
            "too short for a number in RU: is the area code missing?",
        ),
        ("sip:alice@example.com", "contains letters"),
        ("client:alice", "contains letters"),
    ];
    for (raw, expected) in table {
        let invalid = CallerNumber::Invalid(PhoneError::Invalid(expected.into()));
        assert_eq!(CallerNumber::classify(raw, ru()), invalid, "for {raw:?}");
    }
}

#[test]
fn mask_digits_keeps_only_the_last_four_digits() {
    assert_eq!(mask_digits("+74951234567"), "+*******4567");
    assert_eq!(mask_digits("+7 495 123-45-67"), "+* *** ***-45-67");
    assert_eq!(mask_digits("123"), "123");
    assert_eq!(e164_number().masked(), "+*******4567");
}

fn e164_number() -> PhoneNumber {
    PhoneNumber::parse("8 (495) 123-45-67", ru()).unwrap()
}

#[test]
fn a_number_read_back_from_the_database_equals_the_parsed_one() {
    let stored = PhoneNumber::from_e164_unchecked("+74951234567".into());
    assert_eq!(stored, e164_number());
    assert_eq!(stored.to_string(), "+74951234567");
    assert_eq!(stored.as_ref(), "+74951234567");
}

#[test]
fn region_codes_are_read_in_any_case_and_unknown_ones_refused() {
    assert_eq!(PhoneRegion::parse(" ru ").unwrap(), ru());
    assert!(PhoneRegion::parse("XX").is_err());
    assert!(PhoneRegion::parse("001").is_err());
    assert!(PhoneRegion::parse("").is_err());
}

proptest! {
    #[test]
    fn no_text_makes_parse_or_classify_panic(raw in any::<String>()) {
        let _ = PhoneNumber::parse(&raw, ru());
        let _ = PhoneNumber::parse_international_fallback(&raw, ru());
        let _ = CallerNumber::classify(&raw, ru());
    }

    #[test]
    fn no_digits_with_punctuation_make_parse_or_classify_panic(
        raw in "[ 0-9+()#,;.x*-]{0,80}|[ 0-9доб.ext:]{0,80}",
    ) {
        let _ = PhoneNumber::parse(&raw, ru());
        let _ = CallerNumber::classify(&raw, ru());
    }

    #[test]
    fn no_long_text_makes_parse_or_classify_panic(raw in "\\PC{60,400}") {
        let _ = PhoneNumber::parse(&raw, ru());
        let _ = CallerNumber::classify(&raw, ru());
    }

    #[test]
    fn parsing_a_parsed_number_again_gives_the_same_number(raw in "[ 0-9+()-]{1,20}") {
        if let Ok(number) = PhoneNumber::parse_international_fallback(&raw, ru()) {
            prop_assert!(number.e164().starts_with('+'));
            prop_assert!(number.e164()[1..].bytes().all(|b| b.is_ascii_digit()));
            let again = PhoneNumber::parse(number.e164(), ru()).unwrap();
            prop_assert_eq!(again.e164(), number.e164());
        }
    }
}

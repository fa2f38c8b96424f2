//! Pure rules for single cells: splitting the phone and tag lists, trimming, and shortening a
//! value for a problem report.

/// Characters that separate several phones in one cell.
const PHONE_SEPARATORS: [char; 3] = [',', ';', '/'];

/// Words that start an extension (`доб. 12`, `ext 12`, `x12`, `вн. 12`, `#12`).
const EXTENSION_MARKERS: [&str; 6] = ["доб", "ext", "вн.", "вн ", "x", "#"];

/// How much of a value a problem report quotes.
const QUOTED_CHARS: usize = 60;

/// Trims a cell; an empty one is `None`.
pub(crate) fn clean(cell: &str) -> Option<String> {
    let trimmed = cell.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Splits a phone cell on `,` `;` `/`, trimmed, empty pieces dropped.
///
/// A piece that starts with an extension marker stays with the number before it, so
/// `+7 495 123-45-67, доб. 12` is one phone (the separator is kept for the phone parser).
pub(crate) fn split_phones(cell: &str) -> Vec<&str> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let ends = cell
        .match_indices(PHONE_SEPARATORS)
        .map(|(i, _)| i)
        .chain([cell.len()]);
    for end in ends {
        let piece = cell[start..end].trim();
        match ranges.last_mut() {
            Some(last) if starts_extension(piece) => last.1 = end,
            _ if !piece.is_empty() => ranges.push((start, end)),
            _ => {}
        }
        start = (end + 1).min(cell.len());
    }
    ranges.into_iter().map(|(s, e)| cell[s..e].trim()).collect()
}

fn starts_extension(piece: &str) -> bool {
    let lower = piece.to_lowercase();
    EXTENSION_MARKERS.iter().any(|m| lower.starts_with(m))
}

/// Splits a tag cell on `,` or `;`: trimmed, empty tags dropped, the first of equal tags kept.
pub(crate) fn split_tags(cell: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in cell
        .split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// The value as a problem report quotes it: at most [`QUOTED_CHARS`] characters, then `…`.
pub(crate) fn quoted(value: &str) -> String {
    match value.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_split_on_comma_semicolon_and_slash() {
        let cell = "8 (495) 123-45-67, +7 916 123 45 67; +49 30 1234567 / 8-800-555-35-35";
        assert_eq!(
            split_phones(cell),
            [
                "8 (495) 123-45-67",
                "+7 916 123 45 67",
                "+49 30 1234567",
                "8-800-555-35-35"
            ]
        );
    }

    #[test]
    fn an_extension_stays_with_its_number() {
        assert_eq!(
            split_phones("+7 495 123-45-67 доб. 12"),
            ["+7 495 123-45-67 доб. 12"]
        );
        assert_eq!(
            split_phones("+7 495 123-45-67, доб. 12; +7 916 123 45 67 / Ext 3"),
            ["+7 495 123-45-67, доб. 12", "+7 916 123 45 67 / Ext 3"]
        );
    }

    #[test]
    fn empty_phone_pieces_are_dropped() {
        assert_eq!(split_phones(" ,; 8 916 123-45-67 ;; "), ["8 916 123-45-67"]);
        assert!(split_phones("").is_empty());
    }

    #[test]
    fn an_extension_with_no_number_before_it_is_kept_as_a_piece() {
        assert_eq!(split_phones("доб. 12"), ["доб. 12"]);
    }

    #[test]
    fn tags_are_split_trimmed_and_deduplicated() {
        assert_eq!(
            split_tags(" опт; VIP ,,опт, розница ;"),
            ["опт", "VIP", "розница"]
        );
    }

    #[test]
    fn clean_trims_and_turns_empty_into_none() {
        assert_eq!(clean("  Иван \r"), Some("Иван".to_owned()));
        assert_eq!(clean(" \t "), None);
    }

    #[test]
    fn quoted_shortens_long_values_on_a_character_boundary() {
        let long = "ж".repeat(100);
        assert_eq!(quoted(&long).chars().count(), QUOTED_CHARS + 1);
        assert!(quoted(&long).ends_with('…'));
        assert_eq!(quoted("abc"), "abc");
    }
}

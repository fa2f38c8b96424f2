//! Filling a text template: `{0}`, `{1}`, … stand for the arguments.
//!
//! Why numbered places rather than `format!`: the words of a page live in tables, one line per
//! language, and a Russian sentence often puts the numbers in another order than the English
//! one ("{0} clients with orders between {1} and {2}" against "с {1} по {2} …: {0}").

use std::fmt::Display;

/// `template` with each `{n}` replaced by `args[n]`, in one pass (an argument's own text is
/// never scanned again, so user input with braces stays as typed). Anything else is kept.
pub fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let arg = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|i| args.get(i));
        match arg {
            Some(a) if after[digits..].starts_with('}') => {
                out.push_str(&a.to_string());
                rest = &after[digits + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn places_are_filled_in_any_order_once() {
        assert_eq!(fill("{1} of {0}", &[&"a", &2]), "2 of a");
        assert_eq!(fill("{0}{0}", &[&"{0}"]), "{0}{0}");
        assert_eq!(fill("{} {x} {9} {", &[&1]), "{} {x} {9} {");
    }
}

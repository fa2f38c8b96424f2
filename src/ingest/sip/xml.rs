//! A small XML tokenizer, enough for RFC 4235 dialog-info bodies: elements, attributes, text,
//! the five predefined entities and character references.
//!
//! Hand-written instead of adding `quick-xml`: the documents are tiny (the message is at most
//! 64 KiB), only a dozen element names matter, and a tokenizer that has no DTD support cannot
//! be made to expand entities (a DOCTYPE is refused). It runs in one pass, without recursion.
//! Comments and processing instructions are skipped; CDATA is text. Namespace prefixes are
//! dropped from element names (`<d:dialog>` is `dialog`).

use std::borrow::Cow;

/// One piece of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// `<name attrs>` or, with `empty`, `<name attrs/>`.
    Start {
        /// The element's local name.
        name: &'a str,
        /// The raw attribute text, read with [`attribute`].
        attrs: &'a str,
        /// A self-closing element.
        empty: bool,
    },
    /// `</name>`.
    End {
        /// The element's local name.
        name: &'a str,
    },
    /// Text between tags, entities decoded.
    Text(Cow<'a, str>),
}

/// Tokens of a document with their byte offsets.
pub struct Tokens<'a> {
    src: &'a str,
    pos: usize,
}

/// Tokenizes a document.
pub fn tokens(src: &str) -> Tokens<'_> {
    Tokens { src, pos: 0 }
}

impl<'a> Iterator for Tokens<'a> {
    /// The token, where it starts and where it ends; or why the document is not XML.
    type Item = Result<(Token<'a>, usize, usize), &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (src, start) = (self.src, self.pos);
            let rest = &src[start..];
            if rest.is_empty() {
                return None;
            }
            let token = match self.step(rest) {
                Ok(Some(token)) => token,
                Ok(None) => continue,
                Err(e) => {
                    self.pos = self.src.len();
                    return Some(Err(e));
                }
            };
            return Some(Ok((token, start, self.pos)));
        }
    }
}

impl<'a> Tokens<'a> {
    /// Reads one token at `rest`, or skips markup that carries nothing (`Ok(None)`).
    fn step(&mut self, rest: &'a str) -> Result<Option<Token<'a>>, &'static str> {
        if !rest.starts_with('<') {
            let text = &rest[..rest.find('<').unwrap_or(rest.len())];
            self.pos += text.len();
            return Ok(Some(Token::Text(decode(text))));
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let text = self.through(body, "]]>", 9)?;
            return Ok(Some(Token::Text(Cow::Borrowed(text))));
        }
        if let Some(body) = rest.strip_prefix("<!--") {
            self.through(body, "-->", 4)?;
            return Ok(None);
        }
        if let Some(body) = rest.strip_prefix("<?") {
            self.through(body, "?>", 2)?;
            return Ok(None);
        }
        if rest.starts_with("<!") {
            return Err("a DOCTYPE or other declaration");
        }
        let end = tag_end(rest).ok_or("an unterminated tag")?;
        self.pos += end + 1;
        let inner = &rest[1..end];
        if let Some(name) = inner.strip_prefix('/') {
            return Ok(Some(Token::End {
                name: local(name.trim()),
            }));
        }
        let (inner, empty) = inner
            .strip_suffix('/')
            .map_or((inner, false), |i| (i, true));
        let name_end = inner
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        if name.is_empty() {
            return Err("a tag without a name");
        }
        Ok(Some(Token::Start {
            name: local(name),
            attrs: &inner[name_end..],
            empty,
        }))
    }

    /// Moves past `body` up to and including `end`; returns the text before `end`.
    fn through(
        &mut self,
        body: &'a str,
        end: &str,
        opener: usize,
    ) -> Result<&'a str, &'static str> {
        let at = body
            .find(end)
            .ok_or("an unterminated comment, CDATA or declaration")?;
        self.pos += opener + at + end.len();
        Ok(&body[..at])
    }
}

/// The index of the `>` that closes the tag at the start of `s`, skipping quoted values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            (None, '<') if i > 0 => return None,
            _ => {}
        }
    }
    None
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The decoded value of an attribute (prefixes on attribute names are ignored too).
pub fn attribute<'a>(attrs: &'a str, name: &str) -> Option<Cow<'a, str>> {
    let mut rest = attrs;
    loop {
        let (key, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let (value, tail) = after[1..].split_once(quote)?;
        if local(key.trim()) == name {
            return Some(decode(value));
        }
        rest = tail;
    }
}

/// Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#…;`; anything else stays as written.
pub fn decode(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest[1..]
            .find(';')
            .map(|end| &rest[1..=end])
            .filter(|e| e.len() <= 10);
        match entity.and_then(entity_char) {
            Some(c) => {
                out.push(c);
                rest = &rest[entity.map_or(1, |e| e.len() + 2)..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity_char(entity: &str) -> Option<char> {
    match entity {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = entity.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(src: &str) -> Result<Vec<Token<'_>>, &'static str> {
        tokens(src).map(|t| t.map(|(token, _, _)| token)).collect()
    }

    #[test]
    fn elements_attributes_and_text_are_tokenized() {
        let src = "<?xml version=\"1.0\"?><!-- c --><d:a x='1>2' y=\"&amp;\"><b/>t&lt;&#x41;&#66;&bogus;<![CDATA[<z>]]></d:a>";
        let tokens = all(src).unwrap();
        assert_eq!(tokens.len(), 5);
        let Token::Start { name, attrs, empty } = &tokens[0] else {
            panic!("{:?}", tokens[0])
        };
        assert_eq!((*name, *empty), ("a", false));
        assert_eq!(attribute(attrs, "x").as_deref(), Some("1>2"));
        assert_eq!(attribute(attrs, "y").as_deref(), Some("&"));
        assert_eq!(attribute(attrs, "z"), None);
        assert_eq!(
            tokens[1],
            Token::Start {
                name: "b",
                attrs: "",
                empty: true
            }
        );
        assert_eq!(tokens[2], Token::Text("t<AB&bogus;".into()));
        assert_eq!(tokens[3], Token::Text("<z>".into()));
        assert_eq!(tokens[4], Token::End { name: "a" });
    }

    #[test]
    fn offsets_cover_each_token() {
        let src = "<a>hi</a>";
        let spans: Vec<_> = tokens(src)
            .map(|t| t.map(|(_, s, e)| &src[s..e]))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(spans, vec!["<a>", "hi", "</a>"]);
    }

    #[test]
    fn broken_markup_and_doctypes_are_errors() {
        for src in [
            "<a",
            "<a x='1>",
            "<!-- open",
            "<![CDATA[ x",
            "<!DOCTYPE a [<!ENTITY x 'y'>]><a/>",
            "< >",
            "<a <b>",
        ] {
            assert!(all(src).is_err(), "{src}");
        }
    }
}

//! markdown-it 12's decoding of backslash escapes and character references,
//! where it differs from pulldown-cmark's: in text (its `escape` and
//! `entity` inline rules) a numeric reference to a code point it deems
//! invalid (a surrogate, a control character, a noncharacter) is U+FFFD; in
//! a link destination (`unescapeAll`) such a reference stays as it was
//! written. pulldown-cmark decodes most of those to the code point itself.
//! Named references are the HTML5 ones, from html5ever's table. Linear.

use std::borrow::Cow;

use html5ever::data::NAMED_ENTITIES;

/// Where the source is decoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    /// Inline text: an invalid numeric reference is U+FFFD.
    Text,
    /// A link destination or title (`unescapeAll`): it stays as written.
    Destination,
}

/// markdown-it's `isValidEntityCode`.
pub fn valid_code(c: u32) -> bool {
    !((0xd800..=0xdfff).contains(&c)
        || (0xfdd0..=0xfdef).contains(&c)
        || c & 0xfffe == 0xfffe
        || c <= 0x08
        || c == 0x0b
        || (0x0e..=0x1f).contains(&c)
        || (0x7f..=0x9f).contains(&c)
        || c > 0x10ffff)
}

/// Whether pulldown-cmark may have decoded a reference to `c` where
/// markdown-it did not (or wrote U+FFFD): text holding none of these reads
/// the same under both.
pub fn differs(c: char) -> bool {
    c == '\u{fffd}' || !valid_code(u32::from(c))
}

/// The source `src` of text, a destination or a title, decoded as
/// markdown-it decodes it in `place`.
pub fn unescape(src: &str, place: Place) -> Cow<'_, str> {
    if !src.contains(['\\', '&']) {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(at) = rest.find(['\\', '&']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (decoded, used) = match rest.strip_prefix('\\') {
            Some(escaped) => match escaped.chars().next() {
                Some(c) if c.is_ascii_punctuation() => (Some(Cow::Owned(c.to_string())), 2),
                _ => (None, 1),
            },
            None => reference(rest, place),
        };
        match decoded {
            Some(d) => out.push_str(&d),
            None => out.push_str(&rest[..used]),
        }
        rest = &rest[used..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character reference at the start of `s` (which starts with `&`):
/// what it decodes to and its length, or `None` and 1 when it is none.
fn reference(s: &str, place: Place) -> (Option<Cow<'static, str>>, usize) {
    let b = s.as_bytes();
    // `&` then a letter (or `#`) and 1 to 31 letters or digits, then `;`.
    let name_len = b[1..]
        .iter()
        .take(32)
        .enumerate()
        .take_while(|&(i, c)| c.is_ascii_alphanumeric() || (i == 0 && *c == b'#'))
        .count();
    let name = &s[1..1 + name_len];
    if name_len < 2 || b.get(1 + name_len) != Some(&b';') || name_len > 32 {
        return (None, 1);
    }
    let used = name_len + 2;
    if let Some(digits) = name.strip_prefix('#') {
        let (hex, digits) = match digits.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, digits),
        };
        let radix = if hex { 16 } else { 10 };
        let run = digits
            .bytes()
            .take_while(|c| (*c as char).is_digit(radix))
            .count();
        let code = digits[..run].bytes().fold(0u32, |n, c| {
            n.saturating_mul(radix)
                .saturating_add((c as char).to_digit(radix).unwrap_or(0))
        });
        let valid = valid_code(code).then(|| char::from_u32(code)).flatten();
        return match place {
            // The `entity` rule: `&#x` then 1 to 6 hex digits, or `&#` and
            // 1 to 7 digits, and nothing else before `;`.
            Place::Text => {
                if run != digits.len() || run == 0 || run > if hex { 6 } else { 7 } {
                    return (None, 1);
                }
                let c = valid.unwrap_or('\u{fffd}');
                (Some(Cow::Owned(c.to_string())), used)
            }
            // `unescapeAll` reads the digits that start the name (up to 8)
            // and keeps the reference as written when the code is invalid.
            Place::Destination => {
                if run == 0 {
                    return (None, 1);
                }
                match valid {
                    Some(c) => (Some(Cow::Owned(c.to_string())), used),
                    None => (None, used),
                }
            }
        };
    }
    if !b[1].is_ascii_alphabetic() {
        return (None, 1);
    }
    let mut key = String::with_capacity(name_len + 1);
    key.push_str(name);
    key.push(';');
    match NAMED_ENTITIES.get(key.as_str()) {
        Some(&(c1, c2)) if c1 != 0 => {
            let decoded: String = [c1, c2]
                .into_iter()
                .filter(|&c| c != 0)
                .filter_map(char::from_u32)
                .collect();
            (Some(Cow::Owned(decoded)), used)
        }
        _ => (None, 1),
    }
}

/// The source of an inline link's destination, from the `](` that ends its
/// text (markdown-it's `parseLinkDestination`), without its `<>`; `None`
/// when there is none.
pub fn inline_destination(tail: &str) -> Option<&str> {
    let rest = tail.strip_prefix("](")?;
    let rest = rest.trim_start_matches([' ', '\t', '\n']);
    let b = rest.as_bytes();
    if let Some(inner) = rest.strip_prefix('<') {
        let mut i = 0;
        let ib = inner.as_bytes();
        while i < ib.len() {
            match ib[i] {
                b'\n' | b'<' => return None,
                b'>' => return Some(&inner[..i]),
                b'\\' if i + 1 < ib.len() => i += 2,
                _ => i += 1,
            }
        }
        return None;
    }
    let mut level = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | 0..=0x1f | 0x7f => break,
            b'\\' if i + 1 < b.len() => {
                if b[i + 1] == b' ' {
                    break;
                }
                i += 2;
                continue;
            }
            b'(' => {
                level += 1;
                if level > 32 {
                    return None;
                }
            }
            b')' if level == 0 => break,
            b')' => level -= 1,
            _ => {}
        }
        i += 1;
    }
    (i > 0 && level == 0).then(|| rest.get(..i)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_destinations() {
        let text = |s| unescape(s, Place::Text).into_owned();
        let dest = |s| unescape(s, Place::Destination).into_owned();
        assert_eq!(
            text(r"&#74;ava\:&amp;&nope;&#xD800;&#1;&#x3A;&#1234567;&"),
            "Java:&&nope;\u{fffd}\u{fffd}:\u{fffd}&"
        );
        assert_eq!(
            text("&#12345678; &#x1234567; &#xZ; \\a \\"),
            "&#12345678; &#x1234567; &#xZ; \\a \\"
        );
        assert_eq!(
            dest("&#xD800;&#x25;&#1;&#x41zz;&#65;&amp;\\&amp;"),
            "&#xD800;%&#1;AA&&amp;"
        );
        assert_eq!(dest("&#x;&#;&ngE;"), "&#x;&#;\u{2267}\u{338}");
        assert_eq!(text("plain"), "plain");
    }

    #[test]
    fn destinations_from_source() {
        assert_eq!(inline_destination("](&#xD800;)"), Some("&#xD800;"));
        assert_eq!(inline_destination("](\n <a b\\>c> \"t\")"), Some("a b\\>c"));
        assert_eq!(inline_destination("](a(b)c \"t\")"), Some("a(b)c"));
        assert_eq!(inline_destination("](<a\nb>)"), None);
        assert_eq!(inline_destination("]()"), None);
        assert_eq!(inline_destination("x"), None);
    }

    #[test]
    /// A long run of references and escapes is decoded whole (how its time
    /// grows is measured by the hostile-input suite, never by a timed test).
    fn long_input() {
        let src = "&#1;\\&&amp;&#x;&".repeat(50_000);
        assert!(unescape(&src, Place::Text).len() > 50_000);
        assert!(unescape(&src, Place::Destination).len() > 50_000);
    }
}

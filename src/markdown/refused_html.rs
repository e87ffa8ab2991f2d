//! markdown-it 12 reads inline comments, processing instructions,
//! declarations and CDATA sections by its `HTML_TAG_RE` (CommonMark 0.30's
//! rules), which refuses some of what pulldown-cmark (CommonMark 0.31)
//! reads as HTML: `<!-- a -- b -->`, `<!-->`, `<!doctype html>`, an
//! unclosed `<![CDATA[`. The site then shows the `<` as a character and
//! parses the rest as markdown; the browser would hide them (a comment, or
//! everything up to the next `>`).
//!
//! [`refused`] finds those `<`; the markdown phase parses again with each
//! replaced by [`PLACEHOLDER`], a character pulldown-cmark reads as text and
//! as punctuation (as `<`, for emphasis flanking), of the same length so that
//! every offset stays the same; [`unverified`] names the top-level blocks
//! where a placeholder did not end up in plain text (it made a link
//! destination or a reference definition: those blocks are parsed as
//! before); [`restore`] writes the `<` back.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::slug::is_js_whitespace;

/// What replaces a refused `<` in the second parse.
pub(super) const PLACEHOLDER: u8 = b'%';

/// The length of markdown-it's `HTML_TAG_RE` match at the start of `s` for
/// what starts with `<!` or `<?` (its comment, processing instruction,
/// declaration and CDATA alternatives), or `None`.
pub(super) fn markdown_it_match(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.starts_with(b"<!---->") {
        return Some(7);
    }
    if let Some(rest) = b.strip_prefix(b"<!--") {
        // `<!--(?:-?[^>-])(?:-?[^-])*-->`: no `>` or `->` first, no `--`
        // before the end, no `-` right before it.
        let mut i = match rest {
            [b'-', c, ..] if *c != b'>' && *c != b'-' => 2,
            [c, ..] if *c != b'>' && *c != b'-' => 1,
            _ => return None,
        };
        loop {
            match &rest[i..] {
                [b'-', b'-', b'>', ..] => return Some(4 + i + 3),
                [b'-', b'-', ..] | [b'-'] | [] => return None,
                [b'-', _, ..] => i += 2,
                [_, ..] => i += 1,
            }
        }
    }
    if b.starts_with(b"<?") {
        // `<[?][\s\S]*?[?]>`
        return s[2..].find("?>").map(|at| 2 + at + 2);
    }
    if let Some(rest) = s.strip_prefix("<!") {
        // `<![A-Z]+\s+[^>]*>`
        let letters = rest.bytes().take_while(u8::is_ascii_uppercase).count();
        let after = &rest[letters..];
        let spaces: usize = after
            .chars()
            .take_while(|&c| is_js_whitespace(c))
            .map(char::len_utf8)
            .sum();
        if letters > 0 && spaces > 0 {
            let tail = &after[spaces..];
            return tail.find('>').map(|at| 2 + letters + spaces + at + 1);
        }
        // `<!\[CDATA\[[\s\S]*?\]\]>`
        if rest.starts_with("[CDATA[") {
            return s[9..].find("]]>").map(|at| 9 + at + 3);
        }
    }
    None
}

/// The offsets (in `text`, whose byte 0 is at `offset` in the events'
/// ranges) of the raw inline HTML among `events` that markdown-it refuses:
/// a comment, processing instruction, declaration or CDATA section it
/// would not read as HTML at all within the same paragraph, heading, cell
/// or tight list item. (HTML it reads with another extent than
/// pulldown-cmark is left as it is.)
pub(super) fn refused(
    text: &str,
    offset: usize,
    events: &[(Event<'_>, Range<usize>)],
) -> Vec<usize> {
    let mut found = Vec::new();
    // The ends of the open elements whose inline content markdown-it reads
    // as one: the search for a terminator stops there.
    let mut containers: Vec<usize> = Vec::new();
    let mut memo = Memo::default();
    for (event, range) in events {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item) => {
                containers.push(range.end - offset);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => {
                containers.pop();
            }
            Event::InlineHtml(html) if html.starts_with("<!") || html.starts_with("<?") => {
                let at = range.start - offset;
                let end = containers
                    .last()
                    .copied()
                    .unwrap_or(text.len())
                    .min(text.len());
                if at < end && memo.refuses(text, at, end) {
                    found.push(at);
                }
            }
            _ => {}
        }
    }
    found
}

/// The last search for each terminator of [`markdown_it_match`]'s
/// unbounded alternatives (`?>`, `>`, `]]>`): markdown-it looks for it from
/// each `<` again, quadratic over many of them in one paragraph.
#[derive(Default)]
struct Memo {
    /// Per terminator: searched from, up to, found at.
    found: [Option<(usize, usize, Option<usize>)>; 3],
}

impl Memo {
    /// Whether markdown-it refuses the `<` at `at`, reading up to `end`.
    /// (Stripping a block quote's `>` from its lines, as markdown-it does,
    /// never turns a refusal into a match: the `\n` stays.)
    fn refuses(&mut self, text: &str, at: usize, end: usize) -> bool {
        let s = &text[at..end];
        let (kind, from) = if s.starts_with("<!--") {
            // Its scan stops at the first `--`: each stretch is read once.
            return markdown_it_match(s).is_none();
        } else if s.starts_with("<?") {
            (0, at + 2)
        } else if s.starts_with("<![CDATA[") {
            (2, at + 9)
        } else {
            let rest = &s[2..];
            let letters = rest.bytes().take_while(u8::is_ascii_uppercase).count();
            let spaces: usize = rest[letters..]
                .chars()
                .take_while(|&c| is_js_whitespace(c))
                .map(char::len_utf8)
                .sum();
            if letters == 0 || spaces == 0 {
                return true;
            }
            (1, at + 2 + letters + spaces)
        };
        let terminator = ["?>", ">", "]]>"][kind];
        let known = self.found[kind].filter(|&(start, stop, hit)| {
            start <= from && stop == end && hit.is_none_or(|h| h >= from)
        });
        let hit = match known {
            Some((_, _, hit)) => hit,
            None => {
                let hit = text[from.min(end)..end].find(terminator).map(|h| h + from);
                self.found[kind] = Some((from, end, hit));
                hit
            }
        };
        hit.is_none()
    }
}

/// `text` with a [`PLACEHOLDER`] at each of `at`.
pub(super) fn with_placeholders(text: &str, at: &[usize]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &i in at {
        bytes[i] = PLACEHOLDER;
    }
    // Only ASCII `<` was replaced, by ASCII: still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

/// The top-level blocks (their ranges in `text`) of `events`.
pub(super) fn top_level(events: &[(Event<'_>, Range<usize>)], offset: usize) -> Vec<Range<usize>> {
    let mut depth = 0usize;
    let mut blocks = Vec::new();
    for (event, range) in events {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    blocks.push(range.start - offset..range.end - offset);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => blocks.push(range.start - offset..range.end - offset),
            _ => {}
        }
    }
    blocks
}

/// The open links of a walk over events: whether each is an autolink.
#[derive(Default)]
struct Links(Vec<bool>);

impl Links {
    /// Takes the next event; returns whether it is inside an autolink.
    fn in_autolink(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Start(Tag::Link { link_type, .. }) => {
                self.0
                    .push(matches!(link_type, LinkType::Autolink | LinkType::Email));
            }
            Event::End(TagEnd::Link) => {
                self.0.pop();
            }
            _ => {}
        }
        self.0.last().copied().unwrap_or(false)
    }
}

/// A text event whose text is exactly its source (`parsed[range]`), not
/// an autolink's: a placeholder in it is a character of the text.
fn plain_text<'e>(
    event: &'e Event<'_>,
    range: &Range<usize>,
    parsed: &str,
    in_autolink: bool,
) -> Option<&'e str> {
    match event {
        Event::Text(t) if !in_autolink && parsed.get(range.clone()) == Some(&**t) => Some(t),
        _ => None,
    }
}

/// The indexes in `blocks` of the top-level blocks holding a placeholder
/// (`at`, sorted) that is not a character of plain text in `events`, the
/// parse of `parsed`.
pub(super) fn unverified(
    parsed: &str,
    offset: usize,
    events: &[(Event<'_>, Range<usize>)],
    at: &[usize],
    blocks: &[Range<usize>],
) -> Vec<usize> {
    let mut ok = vec![false; at.len()];
    let mut links = Links::default();
    for (event, range) in events {
        let range = range.start - offset..range.end - offset;
        let in_autolink = links.in_autolink(event);
        if plain_text(event, &range, parsed, in_autolink).is_some() {
            let first = at.partition_point(|&p| p < range.start);
            for (i, &p) in at.iter().enumerate().skip(first) {
                if p >= range.end {
                    break;
                }
                ok[i] = true;
            }
        }
    }
    let mut failed: Vec<usize> = at
        .iter()
        .zip(&ok)
        .filter(|(_, ok)| !**ok)
        .map(|(&p, _)| blocks.partition_point(|b| b.end <= p))
        .collect();
    failed.dedup();
    failed
}

/// `events` (the parse of `parsed`) with a `<` for each placeholder at `at`
/// (sorted; each one verified to be in plain text).
pub(super) fn restore(
    parsed: &str,
    offset: usize,
    events: Vec<(Event<'_>, Range<usize>)>,
    at: &[usize],
) -> Vec<(Event<'static>, Range<usize>)> {
    let mut links = Links::default();
    events
        .into_iter()
        .map(|(event, range)| {
            let local = range.start - offset..range.end - offset;
            let in_autolink = links.in_autolink(&event);
            let first = at.partition_point(|&p| p < local.start);
            let inside = at.get(first).is_some_and(|&p| p < local.end);
            let restored = match plain_text(&event, &local, parsed, in_autolink) {
                Some(text) if inside => {
                    let mut bytes = text.as_bytes().to_vec();
                    for &p in at[first..].iter().take_while(|&&p| p < local.end) {
                        bytes[p - local.start] = b'<';
                    }
                    String::from_utf8(bytes).ok()
                }
                _ => None,
            };
            match restored {
                Some(text) => (Event::Text(CowStr::from(text)), range),
                None => (event.into_static(), range),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::markdown_it_match;

    #[test]
    fn markdown_it_html_tag_re() {
        let cases: &[(&str, Option<usize>)] = &[
            ("<!---->", Some(7)),
            ("<!-- a -->", Some(10)),
            ("<!-- a -- b -->", None),
            ("<!-->", None),
            ("<!--->", None),
            ("<!-- a--->", None),
            ("<!---a-->x", Some(9)),
            ("<!-- a -> b -->", Some(15)),
            ("<!-- a", None),
            ("<?php x ?> y", Some(10)),
            ("<??>", Some(4)),
            ("<?>", None),
            ("<!DOCTYPE html> x", Some(15)),
            ("<!doctype html>", None),
            ("<!A>", None),
            ("<!A\u{a0}b>", Some(7)),
            ("<![CDATA[ a ]> b ]]>c", Some(20)),
            ("<![CDATA[ a ]>", None),
            ("<!x", None),
        ];
        for (s, expect) in cases {
            assert_eq!(markdown_it_match(s), *expect, "{s}");
        }
    }
}

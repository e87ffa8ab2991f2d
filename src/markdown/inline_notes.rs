//! markdown-it-footnote's inline notes, `^[text]`: a footnote written where
//! it is referenced. pulldown-cmark has none (`^` and the brackets are
//! text), so [`rewrite`] finds them in its events: a `^` right before a `[`
//! written as text, up to the `]` that closes it as markdown-it counts
//! (brackets written as text, outside links, code and raw HTML), both in the
//! same element. Each becomes a footnote reference labelled [`LABEL`]
//! followed by the note as a footnote definition with the same label,
//! inside the paragraph; the rewrite of the markdown phase numbers them in
//! order with the other footnotes and moves each note to the footnotes
//! section. A note whose brackets pulldown-cmark put in different elements
//! (`^[a *b] c*`) is left as text.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// The label of every inline note: no footnote label can hold a blank line.
pub const LABEL: &str = "\n\n^[]";

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Whether `event`, at `range` of a parse of `text` (whose byte 0 is at
/// `offset`), is text written as it reads.
fn literal(event: &Event<'_>, range: &Range<usize>, text: &str, offset: usize) -> bool {
    matches!(event, Event::Text(t)
        if text.get(range.start - offset..range.end - offset) == Some(&**t))
}

/// Whether the character at `at` in `text` is escaped: an odd run of
/// backslashes before it (in text, pulldown-cmark's event for an escaped
/// character starts at the character).
fn escaped(text: &str, at: usize) -> bool {
    text[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// `events` (a parse of `text`, whose byte 0 is at `offset` in the events'
/// ranges) with each inline note as a reference and a definition (see the
/// module's documentation).
pub fn rewrite<'a>(text: &str, offset: usize, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    if !text.contains("^[") {
        return events;
    }
    let events = merge_literal_text(text, offset, events);
    let notes = find(text, offset, &events);
    if notes.is_empty() {
        return events;
    }
    split(events, &notes)
}

/// Joins adjacent text events that are each written as they read (their
/// union is too): a `^` and its `[` are often apart. A run is joined at
/// once: joining pairwise copies it again at each step.
fn merge_literal_text<'a>(text: &str, offset: usize, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    let mut out: Vec<Spanned<'a>> = Vec::with_capacity(events.len());
    // The run of literal text events being joined: its range, and its first event.
    let mut run: Option<(Range<usize>, Spanned<'a>)> = None;
    let flush = |out: &mut Vec<Spanned<'a>>, run: Option<(Range<usize>, Spanned<'a>)>| {
        if let Some((range, first)) = run {
            if range == first.1 {
                out.push(first);
            } else {
                let t = &text[range.start - offset..range.end - offset];
                out.push((Event::Text(CowStr::from(t.to_owned())), range));
            }
        }
    };
    for (event, range) in events {
        if literal(&event, &range, text, offset) {
            match &mut run {
                Some((joined, _)) if joined.end == range.start => joined.end = range.end,
                _ => {
                    flush(&mut out, run.take());
                    run = Some((range.clone(), (event, range)));
                }
            }
            continue;
        }
        flush(&mut out, run.take());
        out.push((event, range));
    }
    flush(&mut out, run);
    out
}

/// The inline notes of `events`: where each `^` and its closing `]` are
/// (body offsets), in order, none inside another.
fn find(text: &str, offset: usize, events: &[Spanned<'_>]) -> Vec<(usize, usize)> {
    /// An open `[`: where it is, the element it is in, whether `^` is before it.
    struct Open {
        at: usize,
        element: usize,
        caret: bool,
    }
    // Per element whose inline content markdown-it reads as one: the open
    // brackets. Emphasis and strikethrough are read through; links, images
    // and code blocks are skipped whole.
    let mut sequences: Vec<Vec<Open>> = Vec::new();
    // The open elements: an id each, and whether it is skipped.
    let mut elements: Vec<(usize, bool)> = Vec::new();
    let mut next_id = 0;
    let mut notes: Vec<(usize, usize)> = Vec::new();
    for (event, range) in events {
        match event {
            Event::Start(tag) => {
                next_id += 1;
                let skipped = elements.last().is_some_and(|e| e.1)
                    || matches!(
                        tag,
                        Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock
                    );
                if matches!(
                    tag,
                    Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item
                ) {
                    sequences.push(Vec::new());
                }
                elements.push((next_id, skipped));
            }
            Event::End(end) => {
                elements.pop();
                if matches!(
                    end,
                    TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item
                ) {
                    sequences.pop();
                }
            }
            Event::Text(t) if literal(event, range, text, offset) => {
                let (Some(&(element, false)), Some(sequence)) =
                    (elements.last(), sequences.last_mut())
                else {
                    continue;
                };
                for (i, b) in t.bytes().enumerate() {
                    let at = range.start + i;
                    if !matches!(b, b'[' | b']') || escaped(text, at - offset) {
                        continue;
                    }
                    match b {
                        b'[' => sequence.push(Open {
                            at,
                            element,
                            caret: i > 0
                                && t.as_bytes()[i - 1] == b'^'
                                && !escaped(text, at - offset - 1),
                        }),
                        b']' => {
                            if let Some(open) = sequence.pop() {
                                if open.caret && open.element == element {
                                    notes.push((open.at - 1, at));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    // Inner notes close first: keep the outermost ones, in order.
    notes.sort_unstable();
    let mut outer: Vec<(usize, usize)> = Vec::with_capacity(notes.len());
    for note in notes {
        if outer.last().is_none_or(|last| note.0 > last.1) {
            outer.push(note);
        }
    }
    outer
}

/// `events` with each note of `notes` (in order) cut out of its text
/// events: the text before `^`, the reference, the definition's start, the
/// note, the definition's end, the text after `]`.
fn split<'a>(events: Vec<Spanned<'a>>, notes: &[(usize, usize)]) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len() + notes.len() * 4);
    // Each cut: where, how many bytes it drops, and what it puts there.
    let mut cuts: Vec<(usize, usize, Option<Range<usize>>)> = Vec::with_capacity(notes.len() * 2);
    for &(caret, close) in notes {
        cuts.push((caret, 2, Some(caret..close + 1)));
        cuts.push((close, 1, None));
    }
    let mut next = 0;
    for (event, range) in events {
        let Event::Text(t) = &event else {
            out.push((event, range));
            continue;
        };
        if cuts.get(next).is_none_or(|c| c.0 >= range.end) {
            out.push((event, range));
            continue;
        }
        let mut from = range.start;
        while let Some(&(at, len, ref note)) = cuts.get(next).filter(|c| c.0 < range.end) {
            if at > from {
                let piece = &t[from - range.start..at - range.start];
                out.push((Event::Text(CowStr::from(piece.to_owned())), from..at));
            }
            match note {
                Some(whole) => {
                    out.push((Event::FootnoteReference(LABEL.into()), whole.clone()));
                    out.push((
                        Event::Start(Tag::FootnoteDefinition(LABEL.into())),
                        whole.clone(),
                    ));
                }
                None => out.push((Event::End(TagEnd::FootnoteDefinition), at..at + len)),
            }
            from = at + len;
            next += 1;
        }
        if from < range.end {
            let piece = &t[from - range.start..];
            out.push((Event::Text(CowStr::from(piece.to_owned())), from..range.end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser};

    use super::*;

    fn notes(src: &str) -> Vec<&str> {
        let events: Vec<_> = Parser::new_ext(src, Options::ENABLE_FOOTNOTES)
            .into_offset_iter()
            .collect();
        let events = merge_literal_text(src, 0, events);
        find(src, 0, &events)
            .into_iter()
            .map(|(a, b)| &src[a..=b])
            .collect()
    }

    #[test]
    fn finds_notes_as_markdown_it_counts_brackets() {
        assert_eq!(
            notes("a^[b] c ^[d [e] f] \\^[g] ^[h"),
            ["^[b]", "^[d [e] f]"]
        );
        assert_eq!(notes("a^[b *c* `]` [d](u)] e"), ["^[b *c* `]` [d](u)]"]);
        assert_eq!(notes("*a^[b* c]"), Vec::<&str>::new());
        assert_eq!(notes("^[a ^[b] c]"), ["^[a ^[b] c]"]);
        assert_eq!(notes("[a ^[b] c](u)"), Vec::<&str>::new());
        assert_eq!(notes("- a ^[b]\n- \\^[c] ^\\[d]\n"), ["^[b]"]);
    }
}

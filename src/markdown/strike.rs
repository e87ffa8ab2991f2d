//! markdown-it 12's `~~` strikethrough over a block's events: which tildes
//! strike is decided again by markdown-it's rules (`rules_inline/strikethrough.js`
//! and `balance_pairs.js`), in linear time.
//!
//! pulldown-cmark strikes `~` and `~~` runs of equal length only and leaves
//! longer runs as text; markdown-it cuts every run of two or more tildes into
//! `~~` delimiters (an odd run keeps one `~` as text), whose opening and
//! closing follow the run's flanking (`a~~"foo"~~` does not strike), and
//! pairs them as emphasis is paired. pulldown-cmark's own strikethrough is
//! kept for the structure around it (a `~~` pair closed before a `**` pair
//! wins, as in markdown-it): its delimiters are turned back into text, and
//! the tildes of each inline container (paragraph, heading, cell, tight
//! item, emphasis, link, image) are paired on their own, as markdown-it's
//! matched pairs seal their content.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::linkify::is_p;

type Spanned<'a> = (Event<'a>, Range<usize>);

/// markdown-it's `isWhiteSpace` (a UTF-16 code unit: astral characters never are).
fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// markdown-it's `isMdAsciiPunct(c) || isPunctChar(c)`, on a UTF-16 code
/// unit: an astral character (a surrogate there) never is.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (c as u32) < 0x10000 && is_p(c)
}

/// How markdown-it reads the edges of an inline container: a tilde run at
/// its start or end sees a space there (`Space`), or the source character
/// (`Source`).
#[derive(Clone, Copy, PartialEq)]
enum Edge {
    Space,
    Source,
}

/// One `~~` delimiter: its source position, whether it may open or close,
/// and (markdown-it's `end`) the closer it was paired with.
struct Delim {
    at: usize,
    open: bool,
    close: bool,
    end: Option<usize>,
    /// The opener a closer was paired with.
    opener: Option<usize>,
    /// Which source run it belongs to (pairs of one run are adjacent tokens).
    run: usize,
}

enum Item<'a> {
    Event(Spanned<'a>),
    /// The odd `~` a run keeps as text, at this source position.
    Lone(usize),
    /// A `~~` delimiter, by its index in [`Level::delims`].
    Pair(usize),
}

/// An open container of the walk.
struct Level<'a> {
    /// Whether tildes in its text are delimiters (an inline container).
    inline: bool,
    start: Edge,
    end: Edge,
    items: Vec<Item<'a>>,
    delims: Vec<Delim>,
    /// Source text not yet cut into items (adjacent text events).
    pending: Option<Range<usize>>,
    runs: usize,
}

impl<'a> Level<'a> {
    fn new(tag: Option<&Tag<'_>>) -> Self {
        let (inline, start, end) = match tag {
            Some(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::TableCell
                | Tag::Item
                | Tag::Image { .. },
            ) => (true, Edge::Space, Edge::Space),
            Some(Tag::Link { .. }) => (true, Edge::Source, Edge::Space),
            Some(Tag::Emphasis | Tag::Strong | Tag::Superscript | Tag::Subscript) => {
                (true, Edge::Source, Edge::Source)
            }
            _ => (false, Edge::Source, Edge::Source),
        };
        Level {
            inline,
            start,
            end,
            items: Vec::new(),
            delims: Vec::new(),
            pending: None,
            runs: 0,
        }
    }
}

/// Whether the block has tildes that markdown-it could read differently.
fn has_tildes(events: &[Spanned<'_>]) -> bool {
    events.iter().any(|(e, _)| match e {
        Event::Start(Tag::Strikethrough) => true,
        Event::Text(t) => t.contains('~'),
        _ => false,
    })
}

/// The block's events with strikethrough decided by markdown-it's rules:
/// every `Strikethrough` of the result is a `~~` pair (its range starts
/// with the opener and ends with the closer).
pub(super) fn markdown_it<'a>(body: &'a str, events: &[Spanned<'a>]) -> Vec<Spanned<'a>> {
    if !has_tildes(events) {
        return events.to_vec();
    }
    let mut stack = vec![Level::new(None)];
    for (event, range) in events {
        let top = stack.len() - 1;
        let as_text = match event {
            Event::Start(Tag::Strikethrough) => {
                Some(range.start..range.start + delimiter_len(body, range))
            }
            Event::End(TagEnd::Strikethrough) => {
                Some(range.end - delimiter_len(body, range)..range.end)
            }
            Event::Text(t) if stack[top].inline && body.get(range.clone()) == Some(&**t) => {
                Some(range.clone())
            }
            _ => None,
        };
        if let Some(text) = as_text {
            let level = &mut stack[top];
            match &mut level.pending {
                Some(p) if p.end == text.start => p.end = text.end,
                _ => {
                    flush(body, level, Some(event));
                    level.pending = Some(text);
                }
            }
            continue;
        }
        flush(body, &mut stack[top], Some(event));
        match event {
            Event::Start(tag) => {
                stack[top]
                    .items
                    .push(Item::Event((event.clone(), range.clone())));
                stack.push(Level::new(Some(tag)));
            }
            Event::End(_) if top > 0 => {
                let level = stack.pop();
                let parent = &mut stack[top - 1].items;
                if let Some(level) = level {
                    close(level, parent);
                }
                parent.push(Item::Event((event.clone(), range.clone())));
            }
            _ => stack[top]
                .items
                .push(Item::Event((event.clone(), range.clone()))),
        }
    }
    let mut out = Vec::with_capacity(events.len() + 8);
    while let Some(mut level) = stack.pop() {
        flush(body, &mut level, None);
        match stack.last_mut() {
            Some(parent) => close(level, &mut parent.items),
            None => {
                let mut items = Vec::new();
                close(level, &mut items);
                out.extend(items.into_iter().filter_map(|item| match item {
                    Item::Event(e) => Some(e),
                    _ => None,
                }));
            }
        }
    }
    out
}

/// How many tildes a pulldown-cmark strikethrough's delimiters have.
fn delimiter_len(body: &str, range: &Range<usize>) -> usize {
    if body[range.clone()].starts_with("~~") {
        2
    } else {
        1
    }
}

/// Cuts the level's pending text into items: text, and each tilde run as
/// markdown-it tokenizes it. `next` is the event after the text.
fn flush<'a>(body: &'a str, level: &mut Level<'a>, next: Option<&Event<'_>>) {
    let Some(text) = level.pending.take() else {
        return;
    };
    if !level.inline {
        level.items.push(text_item(body, text));
        return;
    }
    let bytes = body.as_bytes();
    let mut from = text.start;
    let mut at = text.start;
    while at < text.end {
        if bytes[at] != b'~' || escaped(bytes, at) {
            at += 1;
            continue;
        }
        let run_start = at;
        while at < text.end && bytes[at] == b'~' {
            at += 1;
        }
        let len = at - run_start;
        if len < 2 {
            continue;
        }
        if from < run_start {
            level.items.push(text_item(body, from..run_start));
        }
        from = at;
        let before = if run_start == text.start {
            match level.items.last() {
                None if level.start == Edge::Space => ' ',
                Some(Item::Event((Event::SoftBreak | Event::HardBreak, _))) => '\n',
                _ => body[..run_start].chars().next_back().unwrap_or(' '),
            }
        } else {
            body[..run_start].chars().next_back().unwrap_or(' ')
        };
        let after = if at == text.end {
            match next {
                None | Some(Event::End(_)) if level.end == Edge::Space => ' ',
                Some(Event::SoftBreak | Event::HardBreak) => '\n',
                _ => body[at..].chars().next().unwrap_or(' '),
            }
        } else {
            body[at..].chars().next().unwrap_or(' ')
        };
        let (open, close) = flanking(before, after);
        if len % 2 == 1 {
            level.items.push(Item::Lone(run_start));
        }
        let run = level.runs;
        level.runs += 1;
        for k in 0..len / 2 {
            level.items.push(Item::Pair(level.delims.len()));
            level.delims.push(Delim {
                at: at - len + len % 2 + 2 * k,
                open,
                close,
                end: None,
                opener: None,
                run,
            });
        }
    }
    if from < text.end {
        level.items.push(text_item(body, from..text.end));
    }
}

fn text_item<'a>(body: &'a str, range: Range<usize>) -> Item<'a> {
    Item::Event((Event::Text(CowStr::Borrowed(&body[range.clone()])), range))
}

/// Whether the character at `at` is backslash-escaped (an odd number of
/// backslashes right before it).
fn escaped(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// markdown-it's `scanDelims(…, canSplitWord = true)`: (can open, can close).
fn flanking(before: char, after: char) -> (bool, bool) {
    let (before_space, after_space) = (is_whitespace(before), is_whitespace(after));
    let (before_punct, after_punct) = (is_punct(before), is_punct(after));
    let left = !after_space && (!after_punct || before_space || before_punct);
    let right = !before_space && (!before_punct || after_space || after_punct);
    (left, right)
}

/// Pairs the level's delimiters and appends its items, as events, to the
/// parent's items.
fn close<'a>(mut level: Level<'a>, parent: &mut Vec<Item<'a>>) {
    balance(&mut level.delims);
    // markdown-it's postProcess: a run's lone `~` right before a closer
    // moves after the run's consecutive closers.
    let mut items = level.items;
    let mut i = 0;
    while i + 1 < items.len() {
        let closes =
            |item: &Item<'_>| matches!(item, Item::Pair(d) if level.delims[*d].opener.is_some());
        if matches!(items[i], Item::Lone(_)) && closes(&items[i + 1]) {
            let mut j = i + 1;
            while j + 1 < items.len() && closes(&items[j + 1]) {
                j += 1;
            }
            items[i..=j].rotate_left(1);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    let delims = &level.delims;
    parent.extend(items.into_iter().map(|item| match item {
        Item::Event(e) => Item::Event(e),
        Item::Lone(at) => Item::Event((Event::Text(CowStr::Borrowed("~")), at..at + 1)),
        Item::Pair(d) => {
            let at = delims[d].at;
            match (delims[d].end, delims[d].opener) {
                (Some(end), _) => {
                    Item::Event((Event::Start(Tag::Strikethrough), at..delims[end].at + 2))
                }
                (None, Some(open)) => {
                    Item::Event((Event::End(TagEnd::Strikethrough), delims[open].at..at + 2))
                }
                (None, None) => Item::Event((Event::Text(CowStr::Borrowed("~~")), at..at + 2)),
            }
        }
    }));
}

/// markdown-it's `processDelimiters` for one marker, without emphasis's
/// "rule of 3" (strikethrough's delimiters have length 0): each closer, in
/// order, takes the nearest opener before its own run that no earlier pair
/// encloses. `jumps` skip what earlier pairs enclosed and `bottom` what a
/// failed search already saw, so the work stays linear.
fn balance(delims: &mut [Delim]) {
    let mut bottom = [None::<usize>; 2];
    let mut jumps = vec![0usize; delims.len()];
    let mut header = 0;
    let mut last: Option<usize> = None;
    for closer in 0..delims.len() {
        let same_run = last.is_some_and(|l| l + 1 == closer && delims[l].run == delims[closer].run);
        if !same_run {
            header = closer;
        }
        last = Some(closer);
        if !delims[closer].close {
            continue;
        }
        let slot = usize::from(delims[closer].open);
        // Openers are searched from just before the closer's run down to
        // (not including) the bottom a failed search left.
        let mut opener = header.checked_sub(jumps[header] + 1);
        let searched_from = opener;
        let mut matched = false;
        while let Some(o) = opener.filter(|&o| bottom[slot].is_none_or(|b| o > b)) {
            if delims[o].open && delims[o].end.is_none() {
                let last_jump = match o.checked_sub(1) {
                    Some(p) if !delims[p].open => jumps[p] + 1,
                    _ => 0,
                };
                jumps[closer] = closer - o + last_jump;
                jumps[o] = last_jump;
                delims[closer].open = false;
                delims[closer].opener = Some(o);
                delims[o].end = Some(closer);
                delims[o].close = false;
                matched = true;
                last = None;
                break;
            }
            opener = o.checked_sub(jumps[o] + 1);
        }
        if !matched {
            if let Some(from) = searched_from {
                bottom[slot] = Some(from);
            }
        }
    }
}

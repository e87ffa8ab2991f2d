//! markdown-it 12's table rule (`rules_block/table.js`) over the top-level
//! blocks of a parse, for the markdown-it dialect.
//!
//! pulldown-cmark's GFM tables and markdown-it's differ where a table may
//! start and end: markdown-it's table interrupts a paragraph, refuses a
//! delimiter row such as `-::-` or `- | -` (a list item there), and ends at
//! a row indented four columns or more. Each top-level paragraph, setext
//! heading and table whose lines markdown-it reads differently is cut into
//! pieces by markdown-it's rule, and each piece is parsed again on its own
//! (a table with pulldown-cmark's tables, anything else without). Since
//! markdown-it tries its table rule first, any other top-level block (a
//! list item, an ATX heading, a block quote) whose first line and the next
//! start a table becomes one too. A table piece that pulldown-cmark does
//! not read as one whole table is built from its cells, each read as inline
//! text on its own; a cell with an escaped `|` (markdown-it drops the
//! backslash before reading the cell) leaves the block as pulldown-cmark
//! read it. Each line is parsed at most twice, so the work stays linear;
//! tables inside containers are pulldown-cmark's.

use std::ops::Range;

use pulldown_cmark::{Alignment, Event, HeadingLevel, Tag, TagEnd};

type Spanned<'a> = (Event<'a>, Range<usize>);

/// One line of a block: its byte range without the line ending, and where
/// the next line starts.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

/// A piece of a block as markdown-it reads it: a table (its source and its
/// lines, by index), or anything else.
enum Piece {
    Table(Range<usize>, Range<usize>),
    Other(Range<usize>),
}

/// Parses a text on its own, with or without pulldown-cmark's tables
/// (resolving references as the whole text does): its events, ranges
/// relative to that text.
pub(super) type Parse<'p> = dyn FnMut(&str, bool) -> Vec<Spanned<'static>> + 'p;

/// The matching end of the block starting at `events[i]`.
fn block_end(events: &[Spanned<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    for (j, (event, _)) in events.iter().enumerate().skip(i) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            return j;
        }
    }
    events.len() - 1
}

/// Rewrites the top-level blocks of `events` (a parse of `text`, ranges
/// relative to it) that markdown-it's table rule reads differently: a
/// paragraph, setext heading or table, and any block whose first line and
/// the next (in it or in the block right after) start a table, since
/// markdown-it tries its table rule before any other.
pub(super) fn markdown_it<'a>(
    text: &str,
    events: Vec<Spanned<'a>>,
    parse: &mut Parse<'_>,
) -> Vec<Spanned<'a>> {
    if !text.contains('|') {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        if !matches!(event, Event::Start(_)) {
            out.push(events[i].clone());
            i += 1;
            continue;
        }
        let end = block_end(&events, i);
        let block_start = text[..range.start].rfind('\n').map_or(0, |n| n + 1);
        let full_kind = match event {
            Event::Start(Tag::Paragraph | Tag::Table(_)) => true,
            Event::Start(Tag::Heading { .. }) => !text[range.clone()].starts_with('#'),
            _ => false,
        };
        // Any table starts on a line with a `|`; for other blocks than
        // those, only on the first line.
        let first_line_end = text[block_start..]
            .find('\n')
            .map_or(text.len(), |n| block_start + n);
        let scanned = if full_kind {
            &text[block_start..range.end.max(block_start)]
        } else {
            &text[block_start..first_line_end]
        };
        if !scanned.contains('|') {
            out.extend_from_slice(&events[i..=end]);
            i = end + 1;
            continue;
        }
        let mut lines = lines(text, block_start..range.end);
        // A one-line block (an ATX heading) may be a table's header with
        // the next block's first line its delimiter row.
        let mut last = end;
        if let (1, Some((_, next))) = (lines.len(), events.get(end + 1)) {
            let adjacent = text
                .get(lines[0].next..next.start)
                .is_some_and(|gap| gap.bytes().all(is_space));
            if adjacent {
                last = block_end(&events, end + 1);
                lines = self::lines(text, block_start..events[last].1.end.max(next.end));
            }
        }
        let full = last == end && full_kind;
        let is_table = matches!(event, Event::Start(Tag::Table(_)));
        // A parse of a piece would not see the footnote definitions elsewhere.
        let footnotes = || {
            events[i..=last]
                .iter()
                .any(|(e, _)| matches!(e, Event::FootnoteReference(_)))
        };
        let rewritten = if !footnotes() {
            rewrite(text, &lines, full, is_table && last == end, parse)
        } else {
            None
        };
        match rewritten {
            Some(replacement) => {
                out.extend(replacement);
                i = last + 1;
            }
            // The next block, if it was looked at too, gets its own turn.
            None => {
                out.extend_from_slice(&events[i..=end]);
                i = end + 1;
            }
        }
    }
    out
}

/// `text[range]` parsed on its own, its ranges relative to `text`.
fn piece(
    parse: &mut Parse<'_>,
    text: &str,
    range: Range<usize>,
    tables: bool,
) -> Vec<Spanned<'static>> {
    parse(&text[range.clone()], tables)
        .into_iter()
        .map(|(e, r)| (e, r.start + range.start..r.end + range.start))
        .collect()
}

/// The block of `lines` parsed again piece by piece, or `None` when
/// markdown-it reads it as pulldown-cmark did (or it cannot be shown to).
/// `full`: the lines are one paragraph, setext heading or table, whose
/// every line markdown-it may start a table on; else only a table on the
/// first line changes anything.
fn rewrite<'a>(
    text: &str,
    lines: &[Line],
    full: bool,
    is_table: bool,
    parse: &mut Parse<'_>,
) -> Option<Vec<Spanned<'a>>> {
    let pieces = pieces(text, lines);
    match pieces.as_slice() {
        [Piece::Table(..)] if is_table => return None,
        [Piece::Other(_)] if full && !is_table => return None,
        [Piece::Table(_, rows), ..] if !full && rows.start == 0 => {}
        _ if !full => return None,
        _ => {}
    }
    let mut out = Vec::new();
    for (k, p) in pieces.iter().enumerate() {
        match p {
            Piece::Table(r, rows) => {
                let events = piece(parse, text, r.clone(), true);
                if is_one_table(&events) {
                    out.extend(events);
                } else {
                    // pulldown-cmark reads no table there (a one-column
                    // delimiter row without `|`, tabs around cells, a
                    // header that starts a list): the table is built from
                    // its cells.
                    out.extend(build(text, &lines[rows.clone()], r.clone(), parse)?);
                }
            }
            Piece::Other(r) => {
                let events = piece(parse, text, r.clone(), false);
                // A list or block quote ending here would take the next
                // piece's table lines as its lazy continuation in markdown-it.
                if k + 1 < pieces.len() && ends_in_container(&events) {
                    return None;
                }
                out.extend(events);
            }
        }
    }
    Some(out)
}

/// Whether `events` are exactly one top-level table.
fn is_one_table(events: &[Spanned<'_>]) -> bool {
    matches!(events.first(), Some((Event::Start(Tag::Table(_)), _)))
        && matches!(events.last(), Some((Event::End(TagEnd::Table), _)))
        && events[1..events.len() - 1]
            .iter()
            .all(|(e, _)| !matches!(e, Event::Start(Tag::Table(_))))
}

/// Whether the last top-level block of `events` is a list or block quote.
fn ends_in_container(events: &[Spanned<'_>]) -> bool {
    matches!(
        events.last(),
        Some((Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)), _))
    )
}

/// The lines of `text[range]`, without their line endings.
fn lines(text: &str, range: Range<usize>) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = range.start;
    for piece in text[range.clone()].split_inclusive('\n') {
        let end = start + piece.trim_end_matches(['\n', '\r']).len();
        out.push(Line {
            start,
            end,
            next: start + piece.len(),
        });
        start += piece.len();
    }
    out
}

/// Cuts a block's lines into tables and the rest, by markdown-it's table rule.
fn pieces(text: &str, lines: &[Line]) -> Vec<Piece> {
    let span = |a: usize, b: usize| lines[a].start..lines[b - 1].next;
    let mut out = Vec::new();
    let mut from = 0;
    let mut k = 0;
    while k + 1 < lines.len() {
        if !table_start(text, lines[k], lines[k + 1]) {
            k += 1;
            continue;
        }
        if from < k {
            out.push(Piece::Other(span(from, k)));
        }
        let mut end = k + 2;
        while end < lines.len() && is_row(text, lines[end]) {
            end += 1;
        }
        out.push(Piece::Table(span(k, end), k..end));
        from = end;
        k = end;
    }
    if from < lines.len() {
        out.push(Piece::Other(span(from, lines.len())));
    }
    out
}

/// The table of `lines` (header, delimiter row, rows) built as markdown-it
/// builds it, each cell's content parsed on its own (as a paragraph: a cell
/// that pulldown-cmark would read as another block, or that holds an
/// escaped `|`, whose backslash markdown-it drops before reading the cell,
/// gives `None`).
fn build(
    text: &str,
    lines: &[Line],
    range: Range<usize>,
    parse: &mut Parse<'_>,
) -> Option<Vec<Spanned<'static>>> {
    let (header, delimiter) = (*lines.first()?, *lines.get(1)?);
    let aligns = table_columns(text, header, delimiter)?;
    let mut out = vec![(Event::Start(Tag::Table(aligns.clone())), range.clone())];
    let header_range = header.start..header.end;
    out.push((Event::Start(Tag::TableHead), header_range.clone()));
    row(text, header, aligns.len(), &mut out, parse)?;
    out.push((Event::End(TagEnd::TableHead), header_range));
    for &line in &lines[2..] {
        out.push((Event::Start(Tag::TableRow), line.start..line.end));
        row(text, line, aligns.len(), &mut out, parse)?;
        out.push((Event::End(TagEnd::TableRow), line.start..line.end));
    }
    out.push((Event::End(TagEnd::Table), range));
    Some(out)
}

/// The first `columns` cells of `line` (empty ones where it has fewer).
fn row(
    text: &str,
    line: Line,
    columns: usize,
    out: &mut Vec<Spanned<'static>>,
    parse: &mut Parse<'_>,
) -> Option<()> {
    let cells = cells(text, line);
    for k in 0..columns {
        let cell = cells.get(k).cloned().unwrap_or(line.end..line.end);
        out.push((Event::Start(Tag::TableCell), cell.clone()));
        if !cell.is_empty() {
            out.extend(inline(text, cell.clone(), parse)?);
        }
        out.push((Event::End(TagEnd::TableCell), cell));
    }
    Some(())
}

/// The inline content of a cell, as markdown-it reads it: the cell's text
/// parsed as a paragraph, after a no-break space (which starts no block
/// and, being whitespace, reads like the start of a line), taken back out.
/// `None` for a cell with an escaped `|` (markdown-it drops its backslash
/// before it reads the cell).
fn inline(text: &str, cell: Range<usize>, parse: &mut Parse<'_>) -> Option<Vec<Spanned<'static>>> {
    const LEAD: &str = "\u{a0}";
    if text[cell.clone()].contains("\\|") {
        return None;
    }
    let events = parse(&format!("{LEAD}{}", &text[cell.clone()]), false);
    let (Some((Event::Start(Tag::Paragraph), _)), Some((Event::End(TagEnd::Paragraph), _))) =
        (events.first(), events.last())
    else {
        return None;
    };
    let inner = &events[1..events.len() - 1];
    let at = |p: usize| p.saturating_sub(LEAD.len()) + cell.start;
    let mut out = Vec::with_capacity(inner.len());
    for (k, (event, r)) in inner.iter().enumerate() {
        let range = at(r.start)..at(r.end);
        match event {
            Event::Text(t) if k == 0 => {
                let rest = t.strip_prefix(LEAD)?;
                if !rest.is_empty() {
                    out.push((Event::Text(rest.to_owned().into()), range));
                }
            }
            _ if k == 0 => return None,
            _ => out.push((event.clone(), range)),
        }
    }
    Some(out)
}

/// markdown-it's `escapedSplit` of a trimmed line, without an empty first
/// and last cell: each cell's source, trimmed.
fn cells(text: &str, line: Line) -> Vec<Range<usize>> {
    let (_, rest) = indent(&text[line.start..line.end]);
    let trimmed = super::slug::js_trim(rest);
    let start = line.end - rest.len()
        + (rest.len() - rest.trim_start_matches(super::slug::is_js_whitespace).len());
    let end = start + trimmed.len();
    let mut out = Vec::new();
    let mut from = start;
    let mut escaped = false;
    for (at, &b) in text.as_bytes()[..end].iter().enumerate().skip(start) {
        if b == b'|' && !escaped {
            out.push(from..at);
            from = at + 1;
        }
        escaped = b == b'\\';
    }
    out.push(from..end);
    if out.first().is_some_and(|c| c.is_empty()) {
        out.remove(0);
    }
    if out.last().is_some_and(|c| c.is_empty()) {
        out.pop();
    }
    out.into_iter()
        .map(|c| {
            let cell = &text[c.clone()];
            let lead = cell.len() - cell.trim_start_matches(super::slug::is_js_whitespace).len();
            let kept = super::slug::js_trim(cell).len();
            c.start + lead..c.start + lead + kept
        })
        .collect()
}

/// The line's indentation in columns (tabs to the next multiple of 4) and
/// its text after the indentation (markdown-it's `sCount` and `tShift`).
fn indent(line: &str) -> (usize, &str) {
    let mut columns = 0;
    for (at, c) in line.char_indices() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => return (columns, &line[at..]),
        }
    }
    (columns, "")
}

/// markdown-it's `isSpace`: a space or a tab.
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Whether `header` and `delimiter` start a markdown-it table.
fn table_start(text: &str, header: Line, delimiter: Line) -> bool {
    table_columns(text, header, delimiter).is_some()
}

/// The columns' alignments when `header` and `delimiter` start a
/// markdown-it table.
fn table_columns(text: &str, header: Line, delimiter: Line) -> Option<Vec<Alignment>> {
    let (indent_d, rest) = indent(&text[delimiter.start..delimiter.end]);
    if indent_d >= 4 {
        return None;
    }
    let bytes = rest.as_bytes();
    let (&first, &second) = (bytes.first()?, bytes.get(1)?);
    let delimiter_char = |b: u8| matches!(b, b'|' | b'-' | b':');
    if !delimiter_char(first) || !(delimiter_char(second) || is_space(second)) {
        return None;
    }
    // A list item, not a delimiter row.
    if first == b'-' && is_space(second) {
        return None;
    }
    if !bytes[2..].iter().all(|&b| delimiter_char(b) || is_space(b)) {
        return None;
    }
    let columns: Vec<&str> = rest.split('|').collect();
    let mut aligns = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let t = column.trim_matches([' ', '\t']);
        if t.is_empty() {
            if i == 0 || i == columns.len() - 1 {
                continue;
            }
            return None;
        }
        let inner = t.strip_prefix(':').unwrap_or(t);
        let inner = inner.strip_suffix(':').unwrap_or(inner);
        if inner.is_empty() || !inner.bytes().all(|b| b == b'-') {
            return None;
        }
        aligns.push(match (t.starts_with(':'), t.ends_with(':')) {
            (true, true) => Alignment::Center,
            (false, true) => Alignment::Right,
            (true, false) => Alignment::Left,
            (false, false) => Alignment::None,
        });
    }
    let (indent_h, head) = indent(&text[header.start..header.end]);
    let head = super::slug::js_trim(head);
    if !head.contains('|') || indent_h >= 4 {
        return None;
    }
    let count = header_columns(head);
    (count != 0 && count == aligns.len()).then_some(aligns)
}

/// How many cells markdown-it's `escapedSplit` finds in a trimmed row,
/// without an empty first and last one.
fn header_columns(row: &str) -> usize {
    let bytes = row.as_bytes();
    let mut cells = 1;
    let mut escaped = false;
    let mut first_empty = None;
    let mut last_start = 0;
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'|' && !escaped {
            if cells == 1 {
                first_empty = Some(at == 0);
            }
            cells += 1;
            last_start = at + 1;
        }
        escaped = b == b'\\';
    }
    let mut count = cells;
    if first_empty == Some(true) || (cells == 1 && row.is_empty()) {
        count -= 1;
    }
    if count > 0 && last_start == bytes.len() && cells > 1 {
        count -= 1;
    }
    count
}

/// Whether markdown-it's table goes on at `line`: not blank, indented less
/// than four columns, and starting no block that ends a table (a fence, a
/// block quote, a rule, a list item, an HTML block that may interrupt a
/// paragraph, a heading).
fn is_row(text: &str, line: Line) -> bool {
    let (columns, rest) = indent(&text[line.start..line.end]);
    if columns >= 4 || super::slug::js_trim(rest).is_empty() {
        return false;
    }
    !(is_fence(rest)
        || rest.starts_with('>')
        || is_rule(rest)
        || is_list_item(rest)
        || is_html_block(rest)
        || is_heading(rest))
}

fn is_fence(rest: &str) -> bool {
    let Some(marker) = rest.bytes().next().filter(|&b| b == b'`' || b == b'~') else {
        return false;
    };
    let run = rest.bytes().take_while(|&b| b == marker).count();
    run >= 3 && !(marker == b'`' && rest[run..].contains('`'))
}

fn is_rule(rest: &str) -> bool {
    let Some(marker) = rest
        .bytes()
        .next()
        .filter(|b| matches!(b, b'*' | b'-' | b'_'))
    else {
        return false;
    };
    let mut count = 0;
    for b in rest.bytes() {
        if b == marker {
            count += 1;
        } else if !is_space(b) {
            return false;
        }
    }
    count >= 3
}

fn is_list_item(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    let after = match bytes.first() {
        Some(b'*' | b'-' | b'+') => 1,
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return false;
            }
            digits + 1
        }
        _ => return false,
    };
    bytes.get(after).is_none_or(|&b| is_space(b))
}

fn is_heading(rest: &str) -> bool {
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    (1..=HeadingLevel::H6 as usize).contains(&level)
        && rest.as_bytes().get(level).is_none_or(|&b| is_space(b))
}

/// The HTML blocks of markdown-it that may interrupt a paragraph (its
/// `HTML_SEQUENCES` 1 to 6).
fn is_html_block(rest: &str) -> bool {
    const BLOCK_NAMES: &[&str] = &[
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "section",
        "source",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ];
    let Some(tag) = rest.strip_prefix('<') else {
        return false;
    };
    if tag.starts_with("!--") || tag.starts_with('?') || tag.starts_with("![CDATA[") {
        return true;
    }
    if tag
        .strip_prefix('!')
        .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_uppercase()))
    {
        return true;
    }
    let name_ends = |t: &str, name: &str, close: bool| {
        t.get(..name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && match t[name.len()..].chars().next() {
                None => true,
                Some(c) => {
                    c.is_whitespace() || c == '>' || (close && t[name.len()..].starts_with("/>"))
                }
            }
    };
    if ["script", "pre", "style", "textarea"]
        .iter()
        .any(|name| name_ends(tag, name, false))
    {
        return true;
    }
    let tag = tag.strip_prefix('/').unwrap_or(tag);
    BLOCK_NAMES.iter().any(|name| name_ends(tag, name, true))
}

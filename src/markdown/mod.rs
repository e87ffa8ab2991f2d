//! The markdown phase: pulldown-cmark, configured here and nowhere else.
//!
//! Phases, in order, over the body's event stream:
//! 1. [`parser_options`] parses with the preset's extensions.
//! 2. `blocks` cuts the stream into top-level blocks, each with its source
//!    lines, and groups blocks that raw HTML ties together into units.
//! 3. `transform` rewrites each block's events into the preset's output
//!    conventions (heading anchors, soft breaks, linkify, footnotes, …) and
//!    reports what the sanitizer will remove.
//! 4. Each unit is written with pulldown-cmark's HTML writer, sanitized by
//!    [`crate::sanitize::Policy`] (or taken from the [`UnitCache`] when the
//!    previous render sanitized the same HTML) and tagged with its source
//!    lines (`data-line`, `data-line-end` on its first element).
//!
//! # Defaults
//!
//! Nothing here depends on which site is previewed: every switch is read
//! from the profile's `[markdown]` section ([`crate::profile::Markdown`],
//! whose `# Defaults` are documented in [`crate::profile`]).
//!
//! | profile switch | pulldown-cmark option (set in [`parser_options`] only) |
//! |----------------|------------------------------------------|
//! | `tables` | `ENABLE_TABLES` (the markdown-it dialect parses a top-level block again in pieces, a table with it and the rest without: `piece_options`, `tables`) |
//! | `footnotes` other than `"none"` | `ENABLE_FOOTNOTES` |
//! | `strikethrough` | `ENABLE_STRIKETHROUGH` (the markdown-it dialect then pairs tildes again by markdown-it's rules: `strike`) |
//! | `task_lists` | `ENABLE_TASKLISTS` |
//! | `heading_attributes` | `ENABLE_HEADING_ATTRIBUTES` |
//! | `smart_punctuation` | `ENABLE_SMART_PUNCTUATION` |
//!
//! The output conventions (soft breaks as `<br>`, linkify, heading ids and
//! anchors, footnote markup, external link `rel`, the summary marker, and the
//! markdown-it dialect's `trim()`, `<s>`, cell styles and refused link
//! schemes) are applied by `transform` from the same switches.

mod blocks;
mod inline_notes;
pub mod linkify;
mod mdurl;
mod refused_html;
pub mod slug;
mod strike;
mod tables;
mod transform;
mod unescape;
pub mod zola_slug;

use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::Arc;

use foldhash::HashMap;
use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options as CmarkOptions, Parser, Tag};
use unicase::UniCase;

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::profile::{Footnotes, Markdown};
use crate::sanitize::{add_attributes_to_first_element, Policy, TASK_PLACEHOLDERS};
use crate::Heading;

/// How deeply elements may nest, markdown and raw HTML together. Deeper
/// markdown is flattened (its content kept) and deeper raw HTML is shown as
/// text, with a warning. Posts never come near it; it bounds the sanitizer's
/// work, which grows with depth (HTML parsers walk the open-element stack).
pub const MAX_NESTING: usize = 128;

/// The pulldown-cmark extensions a profile's `[markdown]` switches on. The
/// one place they are set.
pub fn parser_options(markdown: &Markdown) -> CmarkOptions {
    let mut options = CmarkOptions::empty();
    let switches = [
        (markdown.tables, CmarkOptions::ENABLE_TABLES),
        (
            markdown.footnotes != Footnotes::None,
            CmarkOptions::ENABLE_FOOTNOTES,
        ),
        (markdown.strikethrough, CmarkOptions::ENABLE_STRIKETHROUGH),
        (markdown.task_lists, CmarkOptions::ENABLE_TASKLISTS),
        (
            markdown.heading_attributes,
            CmarkOptions::ENABLE_HEADING_ATTRIBUTES,
        ),
        (
            markdown.smart_punctuation,
            CmarkOptions::ENABLE_SMART_PUNCTUATION,
        ),
    ];
    for (on, option) in switches {
        if on {
            options |= option;
        }
    }
    options
}

/// The options a piece of a top-level block is parsed again with
/// ([`tables`], the markdown-it dialect): the profile's, with pulldown-cmark's
/// tables only for a piece markdown-it reads as a table.
fn piece_options(markdown: &Markdown, table: bool) -> CmarkOptions {
    let mut options = parser_options(markdown);
    options.set(CmarkOptions::ENABLE_TABLES, table);
    options
}

/// The rendered body.
#[derive(Debug, Default)]
pub struct Body {
    /// The units, in order; the footnotes section, if any, is the last one.
    /// The body's HTML is the concatenation of their tagged HTML.
    pub units: Vec<Unit>,
    /// Headings in document order.
    pub outline: Vec<Heading>,
    /// Words in the body's text.
    pub words: usize,
}

/// Sanitized units of the previous render, keyed by exactly what the
/// sanitizer was given (the unit's unsanitized HTML), so an unchanged unit is
/// not sanitized again. The sanitizer is a pure function of that input and
/// the policy, so a hit is always right; [`crate::Renderer`] empties the cache
/// when the options change. Only the latest render's units are kept.
#[derive(Debug, Default)]
pub struct UnitCache {
    previous: HashMap<(String, usize), Arc<str>>,
    current: HashMap<(String, usize), Arc<str>>,
    /// Units sanitized in the latest render (the others were cache hits).
    pub sanitized: usize,
}

impl UnitCache {
    /// Forgets every unit.
    pub fn clear(&mut self) {
        self.previous.clear();
        self.current.clear();
    }

    /// The sanitized `raw`, written with `tasks` task-list placeholders
    /// (see [`Policy::clean_unit`]).
    fn clean(
        &mut self,
        raw: String,
        has_raw_html: bool,
        tasks: usize,
        policy: &Policy,
    ) -> Arc<str> {
        // foldhash: fast on long keys, and seeded per process, so crafted
        // collisions cannot turn the cache quadratic. The count of markdown's
        // task placeholders is part of the key: the same string with a
        // placeholder written by raw HTML is cleaned differently.
        match self.current.entry((raw, tasks)) {
            Entry::Occupied(seen) => seen.get().clone(),
            Entry::Vacant(new) => {
                let clean = match self.previous.remove(new.key()) {
                    Some(clean) => clean,
                    None => {
                        self.sanitized += 1;
                        Arc::from(policy.clean_unit(&new.key().0, has_raw_html, tasks))
                    }
                };
                new.insert(clean).clone()
            }
        }
    }

    fn start(&mut self) {
        self.previous = std::mem::take(&mut self.current);
        self.sanitized = 0;
    }

    fn finish(&mut self) {
        self.previous.clear();
    }
}

/// How much a document's reference links may expand in all (the bytes of
/// their destinations and titles) for the body to be parsed in pieces.
/// pulldown-cmark stops expanding references past a budget of at least this
/// many bytes per parse: below it, no parse ever reaches its budget, so a
/// piece expands exactly the references the whole document would.
const PIECEWISE_EXPANSION: usize = 100_000;

/// What one render of a body keeps for the next render of the same post, so
/// that an edit costs what it touched, not what the post holds.
///
/// The body is tiled by its units, each starting where a top-level block
/// starts (the first at 0) and ending where the next starts. An edit is
/// parsed again in a window: from the unit before the one it starts in, to
/// the first unit after it whose text and start line are untouched, plus two
/// units of lookahead. The window counts only if the parse puts a unit
/// boundary exactly there, so the parser's state there is the one a parse of
/// the whole body would have, and every unit after it parses as before. The
/// units outside the window are not parsed again: their sanitized HTML and
/// what they added to the body-wide state (words, outline, slugs,
/// diagnostics) are replayed, or, when the state they read changed (a slug
/// taken above them), they are parsed and rewritten on their own.
///
/// Reference definitions anywhere are resolved for a window through
/// pulldown-cmark's broken-link callback. A window that holds or held a
/// reference (even one the dialect refuses) or footnote definition, a body
/// with a footnote definition inside a block quote or a list (no unit
/// records it), or one whose references expand past
/// `PIECEWISE_EXPANSION` is parsed whole. So is a
/// body whose window would start, or whose unit would be parsed again on
/// its own, in the paragraph a definition opened (see
/// `continues_definition`): only a parse from above the definition
/// reads it as the whole parse does.
#[derive(Debug, Default)]
pub struct Session {
    /// The sanitized units, by their unsanitized HTML.
    pub cache: UnitCache,
    previous: Option<Previous>,
    /// The bytes of body the latest render parsed (the whole body when it
    /// was not rendered in pieces).
    pub parsed_bytes: usize,
}

impl Session {
    /// Forgets everything (the options changed).
    pub fn clear(&mut self) {
        self.cache.clear();
        self.previous = None;
    }
}

#[derive(Debug)]
struct Previous {
    body: String,
    records: Vec<Record>,
    /// The body's reference definitions by their normalized label, first
    /// definition first, and where they are.
    refdefs: RefDefs,
    refdef_spans: Vec<Range<usize>>,
    /// The labels of the body's footnote definitions, sorted: a reference
    /// parses as one only when its label is defined, so when they change,
    /// the body is parsed whole.
    footnote_labels: Vec<String>,
    /// Whether the body must be parsed whole next time.
    whole: bool,
}

/// One unit of a render, kept for the next one.
#[derive(Debug)]
struct Record {
    /// Where the unit starts in the body; it ends where the next one starts.
    start: usize,
    /// Its sanitized HTML, with lines relative to the line of `start`.
    unit: Option<Unit>,
    contribution: transform::Contribution,
    /// The bytes its reference links expanded to.
    expansion: usize,
    /// The labels of its footnote references, in order.
    footnote_references: Vec<String>,
    /// The source of its footnote definitions, each ending in a blank line.
    footnote_definitions: String,
    /// The labels of its footnote definitions.
    footnote_labels: Vec<String>,
}

/// The longest common prefix and suffix of `a` and `b`, in bytes, not
/// overlapping in either and both at char boundaries.
pub(crate) fn common_ends(a: &str, b: &str) -> (usize, usize) {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let limit = x.len().min(y.len());
    // Compare in blocks first: byte by byte is slow in wasm.
    const BLOCK: usize = 64;
    let mut p = 0;
    while p + BLOCK <= limit && x[p..p + BLOCK] == y[p..p + BLOCK] {
        p += BLOCK;
    }
    while p < limit && x[p] == y[p] {
        p += 1;
    }
    while !a.is_char_boundary(p) {
        p -= 1;
    }
    let room = limit - p;
    let mut s = 0;
    while s + BLOCK <= room
        && x[x.len() - s - BLOCK..x.len() - s] == y[y.len() - s - BLOCK..y.len() - s]
    {
        s += BLOCK;
    }
    while s < room && x[x.len() - s - 1] == y[y.len() - s - 1] {
        s += 1;
    }
    while !a.is_char_boundary(a.len() - s) {
        s -= 1;
    }
    (p, s)
}

/// Renders the markdown body that starts at byte `body_start` of `source`,
/// reusing what `session` kept from the previous render of the same post.
pub fn render_body(
    source: &str,
    body_start: usize,
    options: &Markdown,
    index: &LineIndex,
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
    session: &mut Session,
) -> Body {
    session.cache.start();
    let body = &source[body_start..];
    let first_diagnostic = diagnostics.len();
    let previous = session.previous.take();
    let rendered = previous.and_then(|previous| {
        let out = render_in_pieces(
            body,
            body_start,
            options,
            index,
            policy,
            diagnostics,
            &mut session.cache,
            previous,
        );
        if out.is_none() {
            // Whatever the attempt added is dropped; the whole parse below
            // adds it again.
            diagnostics.truncate(first_diagnostic);
        }
        out
    });
    let (out, previous, parsed) = match rendered {
        Some(done) => done,
        None => render_whole(
            body,
            body_start,
            options,
            index,
            policy,
            diagnostics,
            &mut session.cache,
        ),
    };
    session.cache.finish();
    session.previous = Some(previous);
    session.parsed_bytes = parsed;
    out
}

/// Reference definitions: normalized label → (destination, title).
type RefDefs = HashMap<UniCase<String>, (String, String)>;

/// Events with their byte ranges in the body.
type Spanned<'a> = Vec<(Event<'a>, Range<usize>)>;

/// A reference definition of a parse: its label, destination, title, where
/// it is, and whether the dialect refuses it (then it defines nothing, but
/// a window touching it is still parsed whole, like one touching any
/// definition: see [`parse_text`]).
type RefDef = (String, String, String, Range<usize>, bool);

/// Parses `text`, which starts at byte `offset` of the body, resolving
/// references missing from it with `refdefs` and footnote references with
/// the footnote definitions in `appendix` (parsed after `text`, their events
/// dropped). Returns its events (with body offsets) and its own reference
/// definitions; `None` when `text` does not end where the appendix can
/// start a block of its own (an unclosed fence would swallow it).
fn parse<'a>(
    text: &'a str,
    offset: usize,
    options: &Markdown,
    refdefs: &RefDefs,
    appendix: &str,
) -> Option<(Spanned<'a>, Vec<RefDef>)> {
    if appendix.is_empty() {
        return Some(parse_text(text, offset, options, refdefs));
    }
    let joined = format!("{text}\n\n{appendix}");
    let (events, own) = parse_text(&joined, 0, options, refdefs);
    let cut = text.len() + 2;
    let mut window = Vec::with_capacity(events.len());
    let mut appended = false;
    for (event, range) in events {
        if range.start >= cut {
            appended |=
                range.start == cut && matches!(event, Event::Start(Tag::FootnoteDefinition(_)));
            break;
        }
        if range.end > cut {
            return None;
        }
        // The blank line joining the appendix is not the window's.
        let end = range.end.min(text.len());
        window.push((
            event.into_static(),
            range.start.min(end) + offset..end + offset,
        ));
    }
    if !appended {
        return None;
    }
    let own = own
        .into_iter()
        .filter(|d| d.3.start < text.len())
        .map(|def| shifted(def, offset))
        .collect();
    Some((window, own))
}

/// `def` with its span moved `offset` bytes on.
fn shifted((label, dest, title, span, refused): RefDef, offset: usize) -> RefDef {
    (
        label,
        dest,
        title,
        span.start + offset..span.end + offset,
        refused,
    )
}

/// How many times [`parse_text`] parses again for HTML markdown-it refuses
/// that the previous parse revealed (inside refused HTML) at most.
const REFUSED_HTML_ROUNDS: usize = 3;

/// [`parse`] without an appendix. In the markdown-it dialect: definitions
/// and inline HTML markdown-it refuses are text, and top-level blocks its
/// table rule reads differently are parsed again piece by piece
/// ([`tables`]); with markdown-it-footnote's footnotes, inline notes become
/// footnotes (see [`inline_notes`]).
fn parse_text<'a>(
    text: &'a str,
    offset: usize,
    options: &Markdown,
    refdefs: &RefDefs,
) -> (Spanned<'a>, Vec<RefDef>) {
    let (events, own) = parse_refusing_definitions(text, offset, options, refdefs);
    if options.footnotes != Footnotes::MarkdownIt {
        return (events, own);
    }
    (inline_notes::rewrite(text, offset, events), own)
}

/// In the markdown-it dialect, the inline HTML markdown-it refuses is text
/// (see [`refused_html`]): `text` is parsed again with placeholders for its
/// `<`, in each top-level block where they all end up in plain text.
fn parse_refusing_html<'a>(
    text: &'a str,
    offset: usize,
    options: &Markdown,
    refdefs: &RefDefs,
) -> (Spanned<'a>, Vec<RefDef>) {
    let first = parse_once(text, offset, options, refdefs);
    if !options.markdown_it() {
        return first;
    }
    let mut at = refused_html::refused(text, offset, &first.0);
    if at.is_empty() {
        return first;
    }
    let blocks = refused_html::top_level(&first.0, offset);
    for round in 1.. {
        let parsed = refused_html::with_placeholders(text, &at);
        let (events, own) = parse_once(&parsed, offset, options, refdefs);
        let revealed = refused_html::refused(&parsed, offset, &events);
        if round < REFUSED_HTML_ROUNDS && !revealed.is_empty() {
            at.extend(revealed);
            at.sort_unstable();
            continue;
        }
        let failed = refused_html::unverified(&parsed, offset, &events, &at, &blocks);
        if failed.is_empty() {
            return (refused_html::restore(&parsed, offset, events, &at), own);
        }
        // Those blocks are parsed as pulldown-cmark reads them; the others
        // come out the same (the block structure is the same).
        at.retain(|&p| {
            let block = blocks.partition_point(|b| b.end <= p);
            failed.binary_search(&block).is_err()
        });
        if at.is_empty() {
            return first;
        }
        let parsed = refused_html::with_placeholders(text, &at);
        let (events, own) = parse_once(&parsed, offset, options, refdefs);
        return (refused_html::restore(&parsed, offset, events, &at), own);
    }
    first
}

/// In the markdown-it dialect, a reference definition whose destination
/// markdown-it refuses (`javascript:` and the like, see
/// [`mdurl::valid_link`]) is no definition: its lines are a paragraph's.
/// Such a text is parsed again with the `[` of each of those definitions
/// replaced by a placeholder byte (so that nothing moves), and the
/// placeholder turned back into `[` in the events' text. The refused
/// definitions are returned too, marked, so that a window touching one is
/// parsed whole (a later duplicate of a label is no definition for
/// pulldown-cmark, refused or not, so only a window's own parse sees it).
/// With markdown-it-footnote's footnotes, the footnote definitions and
/// references it refuses are parsed again the same way, with their `^`
/// held by another placeholder (see [`refused_footnotes`]).
fn parse_refusing_definitions<'a>(
    text: &'a str,
    offset: usize,
    options: &Markdown,
    refdefs: &RefDefs,
) -> (Spanned<'a>, Vec<RefDef>) {
    let (events, own) = parse_refusing_html(text, offset, options, refdefs);
    if !options.markdown_it() {
        return (events, own);
    }
    let (mut refused_defs, kept): (Vec<RefDef>, Vec<RefDef>) = own.into_iter().partition(|d| {
        !mdurl::valid_link(&mdurl::normalize_link(&d.1))
            && text.as_bytes().get(d.3.start - offset) == Some(&b'[')
    });
    let notes = refused_footnotes(text, offset, options, &events);
    if refused_defs.is_empty() && notes.is_empty() {
        return (events, kept);
    }
    let mut refused: Vec<usize> = refused_defs.iter().map(|d| d.3.start - offset).collect();
    drop(events);
    let mut bytes = text.as_bytes().to_vec();
    for &at in &refused {
        bytes[at] = REFUSED_DEFINITION;
    }
    for &at in &notes {
        bytes[at] = REFUSED_NOTE;
    }
    refused.extend(notes);
    refused.sort_unstable();
    // An ASCII byte replaced by another: still UTF-8.
    let patched = String::from_utf8(bytes).unwrap_or_default();
    let (events, mut own) = parse_refusing_html(&patched, offset, options, refdefs);
    for d in &mut refused_defs {
        d.4 = true;
    }
    own.append(&mut refused_defs);
    let restore = |s: &CowStr<'_>| {
        CowStr::from(
            s.replace(REFUSED_DEFINITION as char, "[")
                .replace(REFUSED_NOTE as char, "^"),
        )
    };
    let events = events
        .into_iter()
        .map(|(event, range)| {
            let first = refused.partition_point(|&at| at + offset < range.start);
            let holds = refused
                .get(first)
                .is_some_and(|&at| at + offset < range.end);
            let event = match event {
                Event::Text(t) if holds => Event::Text(restore(&t)),
                Event::Code(t) if holds => Event::Code(restore(&t)),
                e => e,
            };
            (event.into_static(), range)
        })
        .collect();
    (events, own)
}

/// What stands for the `[` of a reference definition markdown-it refuses
/// while it is parsed again (see [`parse_text`]).
const REFUSED_DEFINITION: u8 = 0x01;

/// What stands for the `^` of a footnote definition markdown-it-footnote
/// refuses while it is parsed again: then `[^ a]: b` is what markdown-it
/// reads it as, a paragraph or a link's reference definition.
const REFUSED_NOTE: u8 = 0x02;

/// Where the `^` of each footnote definition and reference
/// markdown-it-footnote refuses stands (relative to `text`): a definition
/// whose label holds a space or a line break, which pulldown-cmark's labels
/// may; a reference whose label is no definition's label as written, since
/// markdown-it-footnote matches labels exactly where pulldown-cmark folds
/// their case (`[^Note]` with only `[^note]:` defined is text on the site,
/// or a link's text, as markdown-it reads it then).
fn refused_footnotes(
    text: &str,
    offset: usize,
    options: &Markdown,
    events: &[(Event<'_>, Range<usize>)],
) -> Vec<usize> {
    if options.footnotes != Footnotes::MarkdownIt {
        return vec![];
    }
    // Where an event's `^` is, and its label as written.
    let caret = |range: &Range<usize>| {
        let at = range.start.checked_sub(offset)?;
        let rest = text.get(at..)?.strip_prefix("[^")?;
        Some((at + 1, &rest[..rest.find(']')?]))
    };
    let mut defined = foldhash::HashSet::default();
    let mut refused = Vec::new();
    for (event, range) in events {
        if let Event::Start(Tag::FootnoteDefinition(label)) = event {
            defined.insert(label.as_ref());
            refused.extend(
                caret(range).and_then(|(at, written)| written.contains([' ', '\n']).then_some(at)),
            );
        }
    }
    for (event, range) in events {
        if let Event::FootnoteReference(label) = event {
            if !defined.contains(label.as_ref()) {
                refused.extend(caret(range).map(|(at, _)| at));
            }
        }
    }
    refused
}

/// One parse of `text`, ranges and definitions at `offset`. For the
/// markdown-it dialect, top-level blocks that markdown-it's table rule
/// reads differently are parsed again piece by piece ([`tables`]).
fn parse_once<'a>(
    text: &'a str,
    offset: usize,
    options: &Markdown,
    refdefs: &RefDefs,
) -> (Spanned<'a>, Vec<RefDef>) {
    let (events, own) = parse_with(text, parser_options(options), refdefs);
    let events = if options.markdown_it() && options.tables {
        // Pieces resolve references as the whole text does: its own
        // definitions first, then those from elsewhere.
        let mut all: Option<RefDefs> = None;
        let mut parse = |source: &str, tables: bool| {
            let all = all.get_or_insert_with(|| {
                let mut all = refdefs.clone();
                for (label, dest, title, _, _) in &own {
                    all.insert(UniCase::new(label.clone()), (dest.clone(), title.clone()));
                }
                all
            });
            let (events, _) = parse_with(source, piece_options(options, tables), all);
            events
                .into_iter()
                .map(|(e, r)| (e.into_static(), r))
                .collect()
        };
        tables::markdown_it(text, events, &mut parse)
    } else {
        events
    };
    let events = events
        .into_iter()
        .map(|(e, r)| (e, r.start + offset..r.end + offset))
        .collect();
    let own = own.into_iter().map(|def| shifted(def, offset)).collect();
    (events, own)
}

/// Parses `text` with `cmark`, resolving missing references with
/// `refdefs`: its events and its own reference definitions, ranges
/// relative to `text`.
fn parse_with<'a>(
    text: &'a str,
    cmark: CmarkOptions,
    refdefs: &RefDefs,
) -> (Spanned<'a>, Vec<RefDef>) {
    let parser = Parser::new_with_broken_link_callback(
        text,
        cmark,
        Some(|link: BrokenLink<'a>| {
            let (dest, title) = refdefs.get(&UniCase::new(link.reference.to_string()))?;
            Some((CowStr::from(dest.clone()), CowStr::from(title.clone())))
        }),
    )
    .into_offset_iter();
    let own = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| {
            (
                label.to_owned(),
                def.dest.to_string(),
                def.title.as_deref().unwrap_or("").to_owned(),
                def.span.clone(),
                false,
            )
        })
        .collect();
    (parser.collect(), own)
}

/// The labels of the footnote definitions of `records`, sorted.
fn footnote_labels(records: &[Record]) -> Vec<String> {
    let mut labels: Vec<String> = records
        .iter()
        .flat_map(|r| r.footnote_labels.iter().cloned())
        .collect();
    labels.sort_unstable();
    labels
}

/// Appends a footnote definition's source, ending it with a blank line.
fn push_definition(definitions: &mut String, source: &str) {
    definitions.push_str(source.trim_end_matches(['\n', '\r']));
    definitions.push_str("\n\n");
}

/// The labels of the footnote references among `events`, in order.
fn footnote_references<'e>(
    events: &'e [(Event<'_>, Range<usize>)],
) -> impl Iterator<Item = &'e str> {
    events.iter().filter_map(|(e, _)| match e {
        Event::FootnoteReference(label) => Some(&**label),
        _ => None,
    })
}

/// Whether `events` hold a footnote definition inside another block (a
/// block quote, a list): a body with one is parsed whole.
fn nested_footnote_definition(events: &[(Event<'_>, Range<usize>)]) -> bool {
    let mut depth = 0usize;
    events.iter().any(|(e, _)| match e {
        Event::Start(Tag::FootnoteDefinition(label))
            if depth > 0 && &**label != inline_notes::LABEL =>
        {
            true
        }
        Event::Start(_) => {
            depth += 1;
            false
        }
        Event::End(_) => {
            depth = depth.saturating_sub(1);
            false
        }
        _ => false,
    })
}

/// Parses and renders the whole body.
fn render_whole(
    body: &str,
    body_start: usize,
    options: &Markdown,
    index: &LineIndex,
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
    cache: &mut UnitCache,
) -> (Body, Previous, usize) {
    let (events, own) = parse_text(body, 0, options, &RefDefs::default());
    let mut refdefs = RefDefs::default();
    let mut refdef_spans = Vec::new();
    for (label, dest, title, span, refused) in own {
        if !refused {
            refdefs.insert(UniCase::new(label), (dest, title));
        }
        refdef_spans.push(span);
    }
    let mut ctx = transform::Context::new(
        body,
        body_start,
        options,
        index,
        policy,
        diagnostics,
        footnote_references(&events),
    );
    let mut out = Body::default();
    let mut records = Vec::new();
    let mut parsed = body.len();
    Env {
        body,
        body_start,
        options,
        index,
        policy,
        cache,
        refdefs: &refdefs,
        refdef_spans: &refdef_spans,
        definitions: "",
        out: &mut out,
        kept: &mut records,
        parsed: &mut parsed,
    }
    .transform(&mut ctx, &events, 0, body.len());
    finish(ctx, cache, policy, &mut out);
    let expansion: usize = records.iter().map(|r| r.expansion).sum();
    let previous = Previous {
        body: body.to_owned(),
        footnote_labels: footnote_labels(&records),
        records,
        refdefs,
        refdef_spans,
        whole: expansion >= PIECEWISE_EXPANSION || nested_footnote_definition(&events),
    };
    (out, previous, body.len())
}

/// Ends a render: the footnotes section, then what the context gathered.
fn finish(
    mut ctx: transform::Context<'_, '_>,
    cache: &mut UnitCache,
    policy: &Policy,
    out: &mut Body,
) {
    if let Some((footnotes, tasks)) = ctx.footnotes_section() {
        // Footnote content may hold raw HTML.
        let html = cache.clean(footnotes, true, tasks, policy);
        out.units.push(Unit { html, lines: None });
    }
    out.outline = std::mem::take(&mut ctx.outline);
    out.words = ctx.words;
}

/// Renders `body` by parsing only around what changed since `previous`.
/// `None` when it must be parsed whole.
#[allow(clippy::too_many_arguments)]
fn render_in_pieces(
    body: &str,
    body_start: usize,
    options: &Markdown,
    index: &LineIndex,
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
    cache: &mut UnitCache,
    mut previous: Previous,
) -> Option<(Body, Previous, usize)> {
    if previous.whole || previous.records.is_empty() {
        return None;
    }
    let olds = std::mem::take(&mut previous.records);
    let old = previous.body.as_str();
    let (prefix, suffix) = common_ends(old, body);
    let old_end = old.len() - suffix;
    let new_end = body.len() - suffix;
    let shift = |at: usize| at - old_end + new_end;
    // The unit the edit starts in, and the one before it: an edit at a
    // unit's start can change how the unit before it ends.
    let at = olds.partition_point(|r| r.start <= prefix).max(1) - 1;
    let before = at.saturating_sub(1);
    let window_start = olds[before].start;
    if continues_definition(old, &previous.refdef_spans, window_start) {
        // The definition is in the unit before: a window from there holds it.
        return None;
    }
    // The first unit after the edit whose whole first line is untouched.
    let untouched = |r: &Record| {
        r.start >= old_end && old[..r.start].rfind('\n').is_some_and(|nl| nl >= old_end)
    };
    let mut after = (at + 1..olds.len())
        .find(|&i| untouched(&olds[i]))
        .unwrap_or(olds.len());
    let new_start_of = |i: usize| olds.get(i).map_or(body.len(), |r| shift(r.start));
    let mut parsed = 0;
    // Grow the window until its end is a block boundary of its own parse.
    let (events, blocks, window_end) = loop {
        let window_end = new_start_of(after);
        let parse_end = new_start_of((after + 2).min(olds.len()));
        let old_window_end = olds.get(after).map_or(old.len(), |r| r.start);
        let text = &body[window_start..parse_end];
        let touches_refdef = previous
            .refdef_spans
            .iter()
            .any(|s| s.start < old_window_end && s.end > window_start);
        if touches_refdef {
            return None;
        }
        let outside: String = olds[..before]
            .iter()
            .chain(&olds[after..])
            .map(|r| r.footnote_definitions.as_str())
            .collect();
        let (events, own) = parse(text, window_start, options, &previous.refdefs, &outside)?;
        if !own.is_empty() {
            return None;
        }
        parsed += text.len();
        let blocks = blocks::split(&events);
        if window_end == body.len()
            || blocks
                .iter()
                .any(|b| line_start_of_block(body, b.source.start) == window_end)
        {
            break (events, blocks, window_end);
        }
        // Grow geometrically: a fence opened at the top costs a few
        // parses, not one per unit.
        after = (after + (after - before).max(1)).min(olds.len());
    };
    let window_blocks = &blocks
        [..blocks.partition_point(|b| line_start_of_block(body, b.source.start) < window_end)];
    if nested_footnote_definition(&events) {
        // Its label and source are not recorded for the units around it.
        return None;
    }
    if before == 0 && window_blocks.is_empty() {
        // The window is the body's start and holds no block: the units
        // would not tile the body from 0.
        return None;
    }
    // The footnotes of the new body: the window's, and those of the units
    // around it. A reference parses as one only when its label is defined,
    // so changed labels mean a whole parse.
    let window_events = window_blocks.last().map_or(0, |b| b.events.end);
    let mut definitions = String::new();
    let mut labels = Vec::new();
    for record in &olds[..before] {
        definitions.push_str(&record.footnote_definitions);
        labels.extend(record.footnote_labels.iter().cloned());
    }
    for block in window_blocks {
        if let Some((Event::Start(Tag::FootnoteDefinition(label)), _)) =
            events.get(block.events.start)
        {
            push_definition(&mut definitions, &body[block.source.clone()]);
            labels.push(label.to_string());
        }
    }
    for record in &olds[after..] {
        definitions.push_str(&record.footnote_definitions);
        labels.extend(record.footnote_labels.iter().cloned());
    }
    labels.sort_unstable();
    if labels != previous.footnote_labels {
        return None;
    }
    let references = olds[..before]
        .iter()
        .flat_map(|r| r.footnote_references.iter().map(String::as_str))
        .chain(footnote_references(&events[..window_events]))
        .chain(
            olds[after..]
                .iter()
                .flat_map(|r| r.footnote_references.iter().map(String::as_str)),
        );
    let mut ctx = transform::Context::new(
        body,
        body_start,
        options,
        index,
        policy,
        diagnostics,
        references,
    );
    let mut out = Body::default();
    let mut kept = Vec::with_capacity(olds.len() + 4);
    let ends: Vec<usize> = (0..olds.len())
        .map(|i| {
            if i < before {
                olds[i + 1].start
            } else if i >= after {
                new_start_of(i + 1)
            } else {
                0 // in the window: not kept
            }
        })
        .collect();
    // The window holds no definition: the others only move.
    let moved = |at: usize| if at >= old_end { shift(at) } else { at };
    for span in &mut previous.refdef_spans {
        *span = moved(span.start)..moved(span.end);
    }
    let mut env = Env {
        body,
        body_start,
        options,
        index,
        policy,
        cache,
        refdefs: &previous.refdefs,
        refdef_spans: &previous.refdef_spans,
        definitions: &definitions,
        out: &mut out,
        kept: &mut kept,
        parsed: &mut parsed,
    };
    let mut olds = olds.into_iter().enumerate();
    for (i, record) in olds.by_ref().take(before) {
        let start = record.start;
        env.keep(&mut ctx, record, start, ends[i])?;
    }
    if !env.transform(&mut ctx, &events, window_start, window_end) {
        // Raw HTML left open at the window's end ties it to what follows.
        return None;
    }
    for (i, record) in olds.skip(after - before) {
        let start = shift(record.start);
        env.keep(&mut ctx, record, start, ends[i])?;
    }
    finish(ctx, cache, policy, &mut out);
    let expansion: usize = kept.iter().map(|r| r.expansion).sum();
    previous.body.clear();
    previous.body.push_str(body);
    previous.footnote_labels = labels;
    previous.records = kept;
    previous.whole = expansion >= PIECEWISE_EXPANSION;
    Some((out, previous, parsed))
}

/// What rendering units needs besides the body-wide [`transform::Context`].
struct Env<'a, 'r> {
    body: &'a str,
    body_start: usize,
    options: &'r Markdown,
    index: &'r LineIndex<'r>,
    policy: &'r Policy,
    cache: &'r mut UnitCache,
    refdefs: &'r RefDefs,
    /// Where the body's reference definitions are.
    refdef_spans: &'r [Range<usize>],
    /// Every footnote definition of the body, for parsing a unit on its own.
    definitions: &'r str,
    out: &'r mut Body,
    kept: &'r mut Vec<Record>,
    parsed: &'r mut usize,
}

impl<'a> Env<'a, '_> {
    /// Keeps a unit of the previous render, now at `start..end` of the body:
    /// replays it, or parses and rewrites it on its own when the state it
    /// reads changed. `None` when that is not possible.
    fn keep(
        &mut self,
        ctx: &mut transform::Context<'a, '_>,
        mut record: Record,
        start: usize,
        end: usize,
    ) -> Option<()> {
        let base_line = self.index.line(self.body_start + start);
        if ctx.replay(&record.contribution, base_line) {
            if let Some(unit) = &record.unit {
                self.out.units.push(Unit {
                    html: unit.html.clone(),
                    lines: unit
                        .lines
                        .map(|(first, last)| (first + base_line, last + base_line)),
                });
            }
            record.start = start;
            self.kept.push(record);
            return Some(());
        }
        if continues_definition(self.body, self.refdef_spans, start) {
            return None;
        }
        let text = &self.body[start..end];
        let (events, own) = parse(text, start, self.options, self.refdefs, self.definitions)?;
        if !own.is_empty() {
            return None;
        }
        *self.parsed += text.len();
        self.transform(ctx, &events, start, end).then_some(())
    }

    /// Rewrites, sanitizes and records the units of `events` (with body
    /// offsets) whose blocks start before `end`, the first unit starting at
    /// `start`. Returns whether no raw HTML is left open at the end.
    fn transform(
        &mut self,
        ctx: &mut transform::Context<'a, '_>,
        events: &[(Event<'a>, Range<usize>)],
        start: usize,
        end: usize,
    ) -> bool {
        let mut unit_events = Vec::new();
        let mut unit_lines: Option<(u32, u32)> = None;
        // Whether the unit holds author-written raw HTML (then the sanitizer
        // makes sure its output is a fixed point of the browser's parser).
        let mut unit_raw_html = false;
        let mut unit_expansion = 0;
        let mut unit_footnotes = (Vec::new(), String::new(), Vec::new());
        let mut unit_start: Option<usize> = None;
        let mut open_html: Vec<String> = Vec::new();
        let mut mark = ctx.mark();
        let mut first = true;
        for block in blocks::split(events) {
            if line_start_of_block(self.body, block.source.start) >= end {
                break;
            }
            let this_start = *unit_start.get_or_insert(if std::mem::take(&mut first) {
                start
            } else {
                line_start_of_block(self.body, block.source.start)
            });
            let block_events = &events[block.events.clone()];
            unit_expansion += expansion(block_events);
            unit_footnotes
                .0
                .extend(footnote_references(block_events).map(str::to_owned));
            if let Some((Event::Start(Tag::FootnoteDefinition(label)), _)) = block_events.first() {
                push_definition(&mut unit_footnotes.1, &self.body[block.source.clone()]);
                unit_footnotes.2.push(label.to_string());
            }
            unit_raw_html |= block_events
                .iter()
                .any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
            if let Some(transformed) = ctx.block(block_events, &mut open_html) {
                // A block's range may end with blank lines: they are not its lines.
                let text = self.body[block.source.clone()].trim_end();
                let first = self.index.line(self.body_start + block.source.start);
                let last = self
                    .index
                    .line(self.body_start + block.source.start + text.len().saturating_sub(1));
                unit_lines = Some(unit_lines.map_or((first, last), |(f, _)| (f, last)));
                unit_events.extend(transformed);
            }
            // Raw HTML left open ties the next block into the same unit: the
            // sanitizer must see them together, as a browser would.
            if open_html.is_empty() {
                let raw_html = std::mem::take(&mut unit_raw_html);
                let lines = unit_lines.take();
                let expansion = std::mem::take(&mut unit_expansion);
                let footnotes = std::mem::take(&mut unit_footnotes);
                self.record(
                    ctx,
                    &mark,
                    this_start,
                    &mut unit_events,
                    (lines, raw_html, expansion),
                    footnotes,
                );
                unit_start = None;
                mark = ctx.mark();
            }
        }
        if let Some(this_start) = unit_start {
            let lines = unit_lines.take();
            self.record(
                ctx,
                &mark,
                this_start,
                &mut unit_events,
                (lines, unit_raw_html, unit_expansion),
                unit_footnotes,
            );
        }
        open_html.is_empty()
    }

    /// Writes, sanitizes and tags one unit, then records it. `about` is
    /// its lines, whether it holds raw HTML, and its reference expansion.
    fn record(
        &mut self,
        ctx: &transform::Context<'a, '_>,
        mark: &transform::Mark,
        start: usize,
        events: &mut Vec<Event<'a>>,
        about: (Option<(u32, u32)>, bool, usize),
        footnotes: (Vec<String>, String, Vec<String>),
    ) {
        let (lines, raw_html, expansion) = about;
        let base_line = self.index.line(self.body_start + start);
        let unit = (!events.is_empty()).then(|| {
            let mut raw = String::new();
            let tasks = write_html(&mut raw, events.drain(..));
            // Line numbers are added after sanitizing, so a unit that only
            // moved (lines inserted above it) is still a cache hit.
            let html = self.cache.clean(raw, raw_html, tasks, self.policy);
            let lines = lines.filter(|_| starts_with_element(&html));
            self.out.units.push(Unit {
                html: html.clone(),
                lines,
            });
            let relative = |(first, last): (u32, u32)| {
                (
                    first.saturating_sub(base_line),
                    last.saturating_sub(base_line),
                )
            };
            Unit {
                html,
                lines: lines.map(relative),
            }
        });
        self.kept.push(Record {
            start,
            unit,
            contribution: ctx.contribution(mark, base_line),
            expansion,
            footnote_references: footnotes.0,
            footnote_definitions: footnotes.1,
            footnote_labels: footnotes.2,
        });
    }
}

/// Writes `events` as HTML with pulldown-cmark's writer, each task-list
/// marker as its placeholder (the sanitizer turns them into disabled
/// checkboxes). Returns how many markers it wrote.
pub(crate) fn write_html<'a>(out: &mut String, events: impl Iterator<Item = Event<'a>>) -> usize {
    let mut tasks = 0;
    let events = events.map(|event| match event {
        Event::TaskListMarker(checked) => {
            tasks += 1;
            // pulldown-cmark's writer ends its checkbox with a newline too.
            Event::InlineHtml(CowStr::from(format!(
                "{}\n",
                TASK_PLACEHOLDERS[usize::from(checked)]
            )))
        }
        other => other,
    });
    pulldown_cmark::html::push_html(out, events);
    tasks
}

/// Where the unit of a top-level block starting at `at` starts: at the start
/// of its line. pulldown-cmark starts the range of an indented code block,
/// and of an HTML block indented by one to three spaces, after the
/// indentation; a unit starting mid-line would be parsed again, in a window,
/// without its indentation (`code\nbar` read as a paragraph).
fn line_start_of_block(body: &str, at: usize) -> usize {
    let line = body[..at].rfind('\n').map_or(0, |i| i + 1);
    if body[line..at].bytes().all(|b| b == b' ' || b == b'\t') {
        line
    } else {
        at
    }
}

/// Whether the unit starting at `at` continues the paragraph a reference
/// definition opened (one of `spans` is on the line before it, no blank
/// line between). The parser's state there is not a fresh one (`003. ok`
/// cannot start a list inside a paragraph): no parse may start there.
fn continues_definition(body: &str, spans: &[Range<usize>], at: usize) -> bool {
    let Some(before) = body[..at].strip_suffix('\n') else {
        return false;
    };
    let line = before.rfind('\n').map_or(0, |i| i + 1);
    !before[line..].trim().is_empty() && spans.iter().any(|s| s.start < at && s.end > line)
}

/// The bytes the reference links among `events` expand to (what
/// pulldown-cmark counts against its expansion budget).
fn expansion(events: &[(Event<'_>, Range<usize>)]) -> usize {
    events
        .iter()
        .map(|(e, _)| match e {
            Event::Start(
                Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                }
                | Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    ..
                },
            ) if !matches!(
                link_type,
                LinkType::Inline | LinkType::Autolink | LinkType::Email | LinkType::WikiLink { .. }
            ) =>
            {
                dest_url.len() + title.len()
            }
            _ => 0,
        })
        .sum()
}

/// Whether sanitized `html` starts (after white space) with an element, the
/// one that carries its unit's line attributes.
fn starts_with_element(html: &str) -> bool {
    let html = html.trim_start().as_bytes();
    html.first() == Some(&b'<') && html.get(1).is_some_and(u8::is_ascii_alphabetic)
}

/// One unit of the body: sanitized HTML, and the source lines its first
/// element is tagged with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The sanitized HTML, without line attributes: it stays the same when
    /// only the unit's position in the file changes. Shared with the
    /// renderer's cache, so keeping a unit costs no copy.
    pub html: Arc<str>,
    /// The unit's first and last source line (1-based), when its HTML starts
    /// with an element to carry them.
    pub lines: Option<(u32, u32)>,
}

impl Unit {
    /// The line attributes, as inserted into the first element's start tag.
    pub fn line_attributes(first: u32, last: u32) -> String {
        format!(" data-line=\"{first}\" data-line-end=\"{last}\"")
    }

    /// Appends the unit's HTML, its first element tagged with its lines.
    pub fn push_tagged(&self, out: &mut String) {
        let start = out.len();
        out.push_str(&self.html);
        if let Some((first, last)) = self.lines {
            let mut tail = out.split_off(start);
            add_attributes_to_first_element(&mut tail, &Self::line_attributes(first, last));
            out.push_str(&tail);
        }
    }

    /// The unit's HTML with its first element tagged with its lines.
    pub fn tagged(&self) -> String {
        let mut out = String::with_capacity(self.html.len() + 40);
        self.push_tagged(&mut out);
        out
    }
}

#[cfg(test)]
mod tests;

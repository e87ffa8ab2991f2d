//! Rewrites each top-level block's events into the preset's output
//! conventions, and collects what the rest of the preview needs from them:
//! the outline, the word count, the footnotes, and the diagnostics about raw
//! HTML and link targets the sanitizer will remove.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::inline_notes::LABEL as INLINE_NOTE;
use super::linkify::{find_links, pretest};
use super::mdurl::{normalize_link, normalize_link_text, valid_link};
use super::slug::{is_js_whitespace, Slugger};
use super::unescape::{self, Place};
use super::MAX_NESTING;
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::profile::{AnchorPosition, Footnotes, HeadingIds, Markdown};
use crate::sanitize::{url_removal_reason, Policy};
use crate::Heading;

type Spanned<'a> = (Event<'a>, Range<usize>);

/// State that spans the whole body.
pub struct Context<'a, 'c> {
    body: &'a str,
    body_start: usize,
    md: &'c Markdown,
    index: &'c LineIndex<'c>,
    policy: &'c Policy,
    diagnostics: &'c mut Vec<Diagnostic>,
    slugger: Slugger,
    /// Footnote label (normalized) → number (1-based, in order of first reference).
    footnote_numbers: HashMap<String, usize>,
    /// How many references each footnote has, and how many were written so far.
    footnote_refs: HashMap<String, (usize, usize)>,
    /// Footnote label → its definition's transformed content, first definition wins.
    footnote_defs: HashMap<String, Vec<Event<'a>>>,
    /// The outline so far.
    pub outline: Vec<Heading>,
    /// Words so far.
    pub words: usize,
    in_word: bool,
    reported_depth: bool,
    /// Elements written so far (markdown, raw HTML start tags, generated markup).
    elements: usize,
    reported_elements: bool,
    /// Whether [`MAX_DIAGNOSTICS`] was reached (and said).
    reported_cap: bool,
    /// How many times output depended on more than the block's own source
    /// and the slugs: a limit reached, a footnote.
    context_reads: usize,
    /// Whether the summary marker was written (only the first `<!-- more -->` is one).
    summary_marked: bool,
    /// How many inline notes were referenced so far.
    inline_notes: usize,
}

/// Where the [`Context`] stood before a unit: [`Context::contribution`]
/// tells what the unit added since.
pub struct Mark {
    words: usize,
    elements: usize,
    outline: usize,
    diagnostics: usize,
    slugs: usize,
    context_reads: usize,
}

/// What one unit added to the body-wide state, kept so that a later render
/// of the same unit, with its source unchanged, can add it again without
/// parsing or rewriting the unit ([`Context::replay`]). Lines are relative
/// to the line the unit starts on.
#[derive(Debug, Clone, Default)]
pub struct Contribution {
    words: usize,
    elements: usize,
    outline: Vec<Heading>,
    /// The slugs the unit's headings took, with their bases.
    slugs: Vec<(String, String)>,
    diagnostics: Vec<Diagnostic>,
    /// Whether the unit read nothing from the body-wide state but the slugs:
    /// no limit was near, no footnote involved. Only then is it replayed.
    replayable: bool,
}

/// How many diagnostics the markdown phase adds at most (then one more
/// saying so). Each one's column costs a walk over its line, so thousands
/// of removed tags on one long line were quadratic (tests/browser/dos.test.js);
/// nobody reads past the first few hundred anyway.
pub const MAX_DIAGNOSTICS: usize = 500;

/// How many elements a post may have. Posts have a few thousand at most; the
/// sanitizer's work is per element (about 1.5 µs natively, more in wasm), so
/// element-dense input (`x[^1] ` is five elements in six bytes) must be
/// bounded for a render to stay well under a second. Beyond it, markdown is
/// flattened (its text kept), generated markup (heading anchors, `<br>`,
/// footnote references) becomes text, the footnotes section's notes lose
/// their items, and raw HTML is shown as text, with one warning.
pub const MAX_ELEMENTS: usize = 20_000;

/// Per-block state of the event rewrite.
#[derive(Default)]
struct Walk {
    /// Whether the enclosing inline block passed linkify's pretest.
    linkify_here: bool,
    code_block: bool,
    links: usize,
    images: usize,
    raw_links: usize,
    heading: Option<(usize, String)>,
    table_alignments: Vec<Alignment>,
    table_head: bool,
    table_column: usize,
    /// For each open element, whether it is kept (not cut for depth).
    kept: Vec<bool>,
    /// For each open link or image: the source text to show after its
    /// content when markdown-it would not have made it a link.
    literal_links: Vec<Option<String>>,
    /// Whether the table's `<tbody>` is open (markdown-it's markup).
    table_body: bool,
    /// For each open table cell, its element (markdown-it's markup).
    cells: Vec<&'static str>,
}

/// The key of the `n`th inline note (from 0) among the footnotes: each is
/// a footnote of its own, though all have the same label.
fn inline_note_key(n: usize) -> String {
    format!("{INLINE_NOTE}{n}")
}

/// A footnote label as the profile's footnotes match it: markdown-it-footnote
/// case-insensitively, Zola's bottom footnotes as written.
fn footnote_key(md: &Markdown, label: &str) -> String {
    match md.footnotes {
        Footnotes::Bottom => label.to_owned(),
        _ => label.to_lowercase(),
    }
}

impl<'a, 'c> Context<'a, 'c> {
    /// Prepares the body-wide state; `footnote_references` are the labels
    /// of every footnote reference of the body, in order (they are numbered
    /// by their first reference).
    pub fn new<'l>(
        body: &'a str,
        body_start: usize,
        md: &'c Markdown,
        index: &'c LineIndex<'c>,
        policy: &'c Policy,
        diagnostics: &'c mut Vec<Diagnostic>,
        footnote_references: impl IntoIterator<Item = &'l str>,
    ) -> Self {
        let mut footnote_numbers = HashMap::new();
        let mut footnote_refs: HashMap<String, (usize, usize)> = HashMap::new();
        if md.numbered_footnotes() {
            let mut inline_notes = 0;
            for label in footnote_references {
                let key = if label == INLINE_NOTE {
                    inline_notes += 1;
                    inline_note_key(inline_notes - 1)
                } else {
                    footnote_key(md, label)
                };
                let next = footnote_numbers.len() + 1;
                footnote_numbers.entry(key.clone()).or_insert(next);
                footnote_refs.entry(key).or_default().0 += 1;
            }
        }
        Context {
            body,
            body_start,
            md,
            index,
            policy,
            diagnostics,
            slugger: Slugger::new(match md.heading_ids {
                HeadingIds::Zola => 1,
                _ => 2,
            }),
            footnote_numbers,
            footnote_refs,
            footnote_defs: HashMap::new(),
            outline: Vec::new(),
            words: 0,
            in_word: false,
            reported_depth: false,
            elements: 0,
            reported_elements: false,
            reported_cap: false,
            context_reads: 0,
            summary_marked: false,
            inline_notes: 0,
        }
    }

    /// Where the state stands now.
    pub fn mark(&self) -> Mark {
        Mark {
            words: self.words,
            elements: self.elements,
            outline: self.outline.len(),
            diagnostics: self.diagnostics.len(),
            slugs: self.slugger.mark(),
            context_reads: self.context_reads,
        }
    }

    /// What was added since `mark`, with lines made relative to `base_line`.
    pub fn contribution(&self, mark: &Mark, base_line: u32) -> Contribution {
        let relative = |line: u32| line.saturating_sub(base_line);
        Contribution {
            words: self.words - mark.words,
            elements: self.elements - mark.elements,
            outline: self.outline[mark.outline..]
                .iter()
                .map(|h| Heading {
                    line: relative(h.line),
                    ..h.clone()
                })
                .collect(),
            slugs: self
                .slugger
                .since(mark.slugs)
                .map(|(base, slug)| (base.to_owned(), slug.to_owned()))
                .collect(),
            diagnostics: self.diagnostics[mark.diagnostics..]
                .iter()
                .map(|d| Diagnostic {
                    line: relative(d.line),
                    ..d.clone()
                })
                .collect(),
            replayable: self.context_reads == mark.context_reads
                && !self.reported_cap
                && self.diagnostics.len() < MAX_DIAGNOSTICS,
        }
    }

    /// Adds a unit's earlier `contribution` again, for the same source now
    /// starting on `base_line`. Returns `false`, changing nothing, when the
    /// unit would now come out differently (a heading above took its slug,
    /// a limit is near): then the unit must be rewritten.
    pub fn replay(&mut self, contribution: &Contribution, base_line: u32) -> bool {
        let c = contribution;
        if !c.replayable
            || self.reported_cap
            || self.elements + c.elements > MAX_ELEMENTS
            || self.diagnostics.len() + c.diagnostics.len() >= MAX_DIAGNOSTICS
        {
            return false;
        }
        let mark = self.slugger.mark();
        for (base, slug) in &c.slugs {
            if self.slugger.unique(base.clone()) != *slug {
                self.slugger.rollback(mark);
                return false;
            }
        }
        self.words += c.words;
        self.elements += c.elements;
        self.outline.extend(c.outline.iter().map(|h| Heading {
            line: h.line + base_line,
            ..h.clone()
        }));
        self.diagnostics
            .extend(c.diagnostics.iter().map(|d| Diagnostic {
                line: d.line + base_line,
                ..d.clone()
            }));
        true
    }

    /// Rewrites one top-level block. `open_html` is the stack of raw HTML
    /// elements left open so far; the block's raw HTML updates it. Returns
    /// `None` when the block renders elsewhere (footnote definitions).
    pub fn block(
        &mut self,
        events: &[Spanned<'a>],
        open_html: &mut Vec<String>,
    ) -> Option<Vec<Event<'a>>> {
        let events = self.prepare(events);
        self.in_word = false;
        if self.md.numbered_footnotes() {
            if let Some((Event::Start(Tag::FootnoteDefinition(label)), _)) = events.first() {
                self.context_reads += 1;
                let key = footnote_key(self.md, label);
                let inner = &events[1..events.len() - 1];
                let content = self.rewrite(inner, open_html);
                if self.footnote_numbers.contains_key(&key) {
                    self.footnote_defs.entry(key).or_insert(content);
                }
                return None;
            }
        }
        Some(self.rewrite(&events, open_html))
    }

    /// Merges adjacent text events (pulldown-cmark splits text at delimiter
    /// runs; linkify must see whole runs) and trims paragraph and heading
    /// content the way JavaScript's `trim()` does in markdown-it.
    fn prepare(&self, events: &[Spanned<'a>]) -> Vec<Spanned<'a>> {
        let struck;
        let events = if self.md.markdown_it() && self.md.strikethrough {
            struck = super::strike::markdown_it(self.body, events);
            &struck[..]
        } else {
            events
        };
        let mut out: Vec<Spanned<'a>> = Vec::with_capacity(events.len());
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            let run = events[i..]
                .iter()
                .take_while(|(e, _)| matches!(e, Event::Text(_)))
                .count();
            if run > 1 {
                // Join the whole run at once: joining pairwise is quadratic.
                let mut joined = String::new();
                for (e, _) in &events[i..i + run] {
                    if let Event::Text(t) = e {
                        joined.push_str(t);
                    }
                }
                out.push((
                    Event::Text(CowStr::from(joined)),
                    range.start..events[i + run - 1].1.end,
                ));
                i += run;
            } else {
                out.push((event.clone(), range.clone()));
                i += 1;
            }
        }
        if self.md.markdown_it() {
            self.markdown_it_references(&mut out);
            normalize_links(&mut out);
            out = self.drop_blank_lines(out);
            for i in 0..out.len() {
                // Tight list items hold their paragraph's inline content
                // directly: markdown-it trims it all the same.
                if matches!(
                    out[i].0,
                    Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item)
                ) {
                    self.trim_text(&mut out, i + 1, true);
                }
                // Text right before a nested list ends a tight item's paragraph.
                if i > 0 && matches!(out[i].0, Event::Start(Tag::List(_))) {
                    self.trim_text(&mut out, i - 1, false);
                }
                if matches!(
                    out[i].0,
                    Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
                ) && i > 0
                {
                    self.trim_text(&mut out, i - 1, false);
                }
            }
        }
        out
    }

    /// Decodes numeric character references as markdown-it does where
    /// pulldown-cmark decodes them otherwise (see [`super::unescape`]): in
    /// text, a reference to an invalid code point is U+FFFD; in an inline
    /// link's destination it stays as written. Only events holding such a
    /// code point are read again from their source, and a text is replaced
    /// only when its source decodes to the same text but for those code
    /// points.
    fn markdown_it_references(&self, events: &mut [Spanned<'a>]) {
        for i in 0..events.len() {
            let range = events[i].1.clone();
            match &events[i].0 {
                Event::Text(text) if text.chars().any(unescape::differs) => {
                    let Some(source) = self.body.get(range).filter(|s| s.contains("&#")) else {
                        continue;
                    };
                    let decoded = unescape::unescape(source, Place::Text);
                    let same = |a: &str, b: &str| {
                        let plain = |c: char| if unescape::differs(c) { '\u{fffd}' } else { c };
                        a.chars().map(plain).eq(b.chars().map(plain))
                    };
                    if same(&decoded, text) {
                        let decoded = CowStr::from(decoded.into_owned());
                        events[i].0 = Event::Text(decoded);
                    }
                }
                Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    ..
                }) if dest_url.chars().any(unescape::differs) => {
                    let end = matching_end(events, i);
                    let text_end = if end > i + 1 {
                        events[end - 1].1.end
                    } else {
                        range.start
                    };
                    let tail = self
                        .body
                        .get(text_end.max(range.start)..range.end)
                        .unwrap_or("");
                    let written = tail
                        .find(']')
                        .and_then(|at| unescape::inline_destination(&tail[at..]))
                        .map(|d| unescape::unescape(d, Place::Destination))
                        .filter(|d| d.contains("&#"));
                    if let (Some(written), Event::Start(Tag::Link { dest_url, .. })) =
                        (written, &mut events[i].0)
                    {
                        *dest_url = CowStr::from(written.into_owned());
                    }
                }
                _ => {}
            }
        }
    }

    /// Drops the lines of white space (`\f`, U+00A0, …: what pulldown-cmark
    /// does not take for a blank line) that start or end a paragraph,
    /// heading or tight item's text with the breaks around them: markdown-it
    /// trims the whole inline source with JavaScript's `trim()`, newlines
    /// included, so they leave no `<br>`. A backslash hard break then ends
    /// the text: it is a backslash.
    fn drop_blank_lines(&self, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
        let mut out: Vec<Spanned<'a>> = Vec::with_capacity(events.len());
        let mut leading = false;
        for (event, range) in events {
            match &event {
                Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item) => leading = true,
                Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
                | Event::Start(Tag::List(_)) => {
                    leading = false;
                    self.drop_trailing_lines(&mut out);
                }
                Event::SoftBreak if leading => continue,
                Event::HardBreak if leading && !self.body[range.clone()].starts_with('\\') => {
                    continue
                }
                Event::Text(text) if leading && self.literal_blank(text, &range) => continue,
                _ => leading = false,
            }
            out.push((event, range));
        }
        out
    }

    /// Pops the breaks and blank text that end `out` (see [`Self::drop_blank_lines`]).
    fn drop_trailing_lines(&self, out: &mut Vec<Spanned<'a>>) {
        while let Some((event, range)) = out.last_mut() {
            match event {
                Event::HardBreak if self.body[range.clone()].starts_with('\\') => {
                    *event = Event::Text(CowStr::Borrowed("\\"));
                    return;
                }
                Event::SoftBreak | Event::HardBreak => {}
                Event::Text(text) if self.literal_blank(text, range) => {}
                _ => return,
            }
            out.pop();
        }
    }

    /// Whether `text` (at `range`) is all JavaScript white space written
    /// literally in the source.
    fn literal_blank(&self, text: &str, range: &Range<usize>) -> bool {
        let source = &self.body[range.clone()];
        text.len() <= source.len()
            && text
                .chars()
                .rev()
                .zip(source.chars().rev())
                .all(|(a, b)| a == b && is_js_whitespace(a))
    }

    /// Trims JavaScript whitespace from the start (or end) of the text event
    /// at `i`, but only whitespace written literally in the source: markdown-it
    /// trims the source before it decodes entities such as `&nbsp;`.
    fn trim_text(&self, events: &mut [Spanned<'a>], i: usize, start: bool) {
        let Some((Event::Text(text), range)) = events.get_mut(i) else {
            return;
        };
        let source = &self.body[range.clone()];
        let cut = if start {
            let n = text
                .chars()
                .zip(source.chars())
                .take_while(|&(a, b)| a == b && is_js_whitespace(a))
                .map(|(a, _)| a.len_utf8())
                .sum::<usize>();
            (n > 0).then(|| text[n..].to_owned())
        } else {
            let n = text
                .chars()
                .rev()
                .zip(source.chars().rev())
                .take_while(|&(a, b)| a == b && is_js_whitespace(a))
                .map(|(a, _)| a.len_utf8())
                .sum::<usize>();
            (n > 0).then(|| text[..text.len() - n].to_owned())
        };
        if let Some(cut) = cut {
            *text = CowStr::from(cut);
        }
    }

    fn rewrite(&mut self, events: &[Spanned<'a>], open_html: &mut Vec<String>) -> Vec<Event<'a>> {
        let md = self.md;
        let markdown_it = md.markdown_it();
        let mut out = Vec::with_capacity(events.len() + 4);
        let mut walk = Walk {
            linkify_here: true,
            ..Walk::default()
        };
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            i += 1;
            if let Event::Start(Tag::FootnoteDefinition(label)) = event {
                if md.footnotes == Footnotes::MarkdownIt && &**label != INLINE_NOTE {
                    // A definition inside a block quote or a list: it goes
                    // to the footnotes section all the same.
                    self.context_reads += 1;
                    let end = matching_end(events, i - 1);
                    let content = self.rewrite(&events[i..end], open_html);
                    let key = footnote_key(md, label);
                    if self.footnote_numbers.contains_key(&key) {
                        self.footnote_defs.entry(key).or_insert(content);
                    }
                    i = end + 1;
                    continue;
                }
                if &**label == INLINE_NOTE {
                    // An inline note, right after its reference: a
                    // paragraph of the footnotes section.
                    let end = matching_end(events, i - 1);
                    let mut note = Vec::with_capacity(end + 2 - i);
                    note.push((Event::Start(Tag::Paragraph), range.clone()));
                    note.extend_from_slice(&events[i..end]);
                    note.push((Event::End(TagEnd::Paragraph), range.clone()));
                    let content = self.rewrite(&note, open_html);
                    let key = inline_note_key(self.inline_notes.saturating_sub(1));
                    self.footnote_defs.entry(key).or_insert(content);
                    i = end + 1;
                    continue;
                }
            }
            // Bound the nesting the sanitizer sees: an HTML parser's work
            // grows with depth on every element, so depth must be bounded
            // for the whole render to stay linear.
            match event {
                Event::Start(_) => {
                    let deep = walk.kept.len() + open_html.len() >= MAX_NESTING;
                    let fits = !deep && self.budget(1, range.start);
                    walk.kept.push(fits);
                    if !fits {
                        if deep {
                            self.too_deep(range.start);
                        }
                        continue;
                    }
                }
                Event::End(_) if walk.kept.pop() == Some(false) => continue,
                _ => {}
            }
            if md.linkify
                && matches!(
                    event,
                    Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
                )
            {
                // markdown-it linkifies an inline block only when its whole
                // source passes linkify-it's pretest.
                walk.linkify_here = pretest(&self.body[own_source(events, i - 1)]);
            }
            match event {
                // markdown-it writes an image's alt as its text alone
                // (`renderInlineAsText`): text, soft breaks as newlines
                // (never `<br>`), nested images' text; inline code, raw
                // HTML and hard breaks give nothing.
                Event::SoftBreak if markdown_it && walk.images > 0 => {
                    out.push(Event::Text(CowStr::Borrowed("\n")));
                }
                Event::Code(_) | Event::InlineHtml(_) | Event::HardBreak
                    if markdown_it && walk.images > 0 => {}
                Event::Html(_) => {
                    // Scan the block's whole run of lines at once: a tag may span lines.
                    let run = events[i - 1..]
                        .iter()
                        .take_while(|(e, _)| matches!(e, Event::Html(_)))
                        .count();
                    let lines: Vec<CowStr<'a>> = events[i - 1..i - 1 + run]
                        .iter()
                        .map(|(e, _)| match e {
                            Event::Html(h) => self.summary_marker(h),
                            _ => CowStr::Borrowed(""),
                        })
                        .collect();
                    i += run - 1;
                    if !md.raw_html {
                        out.extend(lines.into_iter().map(Event::Text));
                        continue;
                    }
                    let raw: String = lines.iter().map(|h| &**h).collect();
                    let fits = self.scan_html(&raw, range.start, walk.kept.len(), open_html);
                    out.extend(lines.into_iter().map(|h| {
                        if fits {
                            Event::Html(h)
                        } else {
                            Event::Text(h)
                        }
                    }));
                }
                Event::InlineHtml(h) => {
                    let h = &self.summary_marker(h);
                    if !md.raw_html {
                        out.push(Event::Text(h.clone()));
                        continue;
                    }
                    let fits = self.scan_html(h, range.start, walk.kept.len(), open_html);
                    let lower = h.trim_start_matches('<').to_ascii_lowercase();
                    if !fits {
                        out.push(Event::Text(h.clone()));
                        continue;
                    } else if is_tag(&lower, "a") {
                        walk.raw_links += 1;
                    } else if lower.starts_with('/') && is_tag(&lower[1..], "a") {
                        walk.raw_links = walk.raw_links.saturating_sub(1);
                    }
                    out.push(Event::InlineHtml(h.clone()));
                }
                Event::Start(Tag::Heading { .. }) => {
                    walk.heading = Some((out.len(), String::new()));
                    out.push(event.clone());
                }
                Event::End(TagEnd::Heading(level)) => {
                    if let Some((at, title)) = walk.heading.take() {
                        let line = self.index.line(self.body_start + range.start);
                        let id = self.heading_id(&mut out[at], &title, range.start);
                        let anchor = md
                            .heading_anchor
                            .as_ref()
                            .filter(|_| id.is_some() && md.heading_ids != HeadingIds::None);
                        if let Some(anchor) = anchor {
                            let id = id.as_deref().unwrap_or_default();
                            if self.budget(1, range.start) {
                                let mut escaped = String::new();
                                let _ = escape_html(&mut escaped, id);
                                let html = Event::InlineHtml(CowStr::from(
                                    anchor.html.replace("{id}", &escaped),
                                ));
                                match anchor.position {
                                    AnchorPosition::Start => out.insert(at + 1, html),
                                    AnchorPosition::End => out.push(html),
                                }
                            }
                        }
                        self.outline.push(Heading {
                            level: *level as u8,
                            text: super::slug::js_trim(&title).to_owned(),
                            id: id.unwrap_or_default(),
                            line,
                        });
                    }
                    out.push(event.clone());
                }
                Event::Text(text) => {
                    // Zola's heading text takes image alt text too.
                    if walk.images == 0 || md.heading_ids == HeadingIds::Zola {
                        if let Some((_, title)) = &mut walk.heading {
                            title.push_str(text);
                        }
                    }
                    if walk.images == 0 {
                        self.count_words(text);
                    }
                    if md.linkify
                        && walk.linkify_here
                        && !walk.code_block
                        && walk.links == 0
                        && walk.images == 0
                        && walk.raw_links == 0
                    {
                        linkify_into(text, &mut out);
                    } else {
                        out.push(event.clone());
                    }
                }
                Event::Code(code) => {
                    if let Some((_, title)) = &mut walk.heading {
                        title.push_str(code);
                    }
                    self.count_words(code);
                    out.push(event.clone());
                }
                Event::SoftBreak => {
                    self.in_word = false;
                    out.push(if md.breaks && self.budget(1, range.start) {
                        Event::InlineHtml(CowStr::Borrowed("<br>\n"))
                    } else {
                        Event::SoftBreak
                    });
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if markdown_it => {
                    // markdown-it's language is the info string's first word
                    // by JavaScript's `\s` (`\f` too), pulldown-cmark's by spaces.
                    walk.code_block = true;
                    let lang = info
                        .split(is_js_whitespace)
                        .find(|word| !word.is_empty())
                        .unwrap_or_default();
                    out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(
                        CowStr::from(lang.to_owned()),
                    ))));
                }
                Event::Start(Tag::CodeBlock(_)) => {
                    walk.code_block = true;
                    out.push(event.clone());
                }
                Event::End(TagEnd::CodeBlock) => {
                    walk.code_block = false;
                    out.push(event.clone());
                }
                Event::Start(
                    Tag::Link {
                        dest_url,
                        link_type,
                        ..
                    }
                    | Tag::Image {
                        dest_url,
                        link_type,
                        ..
                    },
                ) if markdown_it && !valid_link(dest_url) => {
                    // markdown-it refuses these destinations, so the site
                    // shows the link's source as text: open bracket, content
                    // (still parsed), and the rest of the source.
                    let image = matches!(event, Event::Start(Tag::Image { .. }));
                    self.report(
                        range.start,
                        Severity::Warning,
                        format!(
                            "this {} is shown as text, as the site shows it: the scheme of `{}` is never allowed",
                            if image { "image" } else { "link" },
                            // As written: the destination is normalized by now.
                            normalize_link_text(dest_url),
                        ),
                    );
                    let end = matching_end(events, i - 1);
                    let inner = (i < end).then(|| (events[i].1.start, events[end - 1].1.end));
                    match (link_type, inner) {
                        (LinkType::Autolink | LinkType::Email, _) | (_, None) => {
                            out.push(Event::Text(text_of(&self.body[range.clone()])));
                            // Its content and end are consumed here too.
                            walk.kept.pop();
                            i = end + 1;
                        }
                        (_, Some((first, last))) => {
                            let first = first.max(range.start);
                            let last = last.min(range.end).max(first);
                            out.push(Event::Text(text_of(&self.body[range.start..first])));
                            walk.literal_links
                                .push(Some(text_of(&self.body[last..range.end]).into_string()));
                        }
                    }
                }
                Event::Start(Tag::Link {
                    dest_url, title, ..
                }) => {
                    walk.links += 1;
                    walk.literal_links.push(None);
                    let internal = md
                        .internal_link_prefix
                        .as_deref()
                        .is_some_and(|prefix| dest_url.starts_with(prefix));
                    if internal {
                        self.report(
                            range.start,
                            Severity::Info,
                            format!(
                                "`{}` names another page by its file: the site writes that \
                                 page's address when it builds (and fails if there is no such \
                                 file); the preview cannot know it, so the link has no target here",
                                dest_url.trim()
                            ),
                        );
                        out.push(Event::InlineHtml(CowStr::Borrowed("<a>")));
                        continue;
                    }
                    self.check_url(dest_url, range.start, "link");
                    out.push(external_link(md, dest_url, title).unwrap_or_else(|| event.clone()));
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    walk.images += 1;
                    walk.literal_links.push(None);
                    self.check_url(dest_url, range.start, "image");
                    out.push(event.clone());
                }
                Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                    match walk.literal_links.pop().flatten() {
                        Some(tail) => out.push(Event::Text(tail.into())),
                        None => {
                            if *end == TagEnd::Link {
                                walk.links = walk.links.saturating_sub(1);
                            } else {
                                walk.images = walk.images.saturating_sub(1);
                            }
                            out.push(event.clone());
                        }
                    }
                }
                // Paired by markdown-it's rules in `prepare` (`strike`).
                // Paired by markdown-it's rules in `prepare`; an image's
                // alt text keeps only the text.
                Event::Start(Tag::Strikethrough) if markdown_it && walk.images == 0 => {
                    out.push(Event::InlineHtml("<s>".into()));
                }
                Event::End(TagEnd::Strikethrough) if markdown_it && walk.images == 0 => {
                    out.push(Event::InlineHtml("</s>".into()));
                }
                // markdown-it's table markup: `style="text-align:…"` cells,
                // and a `<tbody>` only when the table has a body row.
                Event::Start(Tag::Table(alignments)) if markdown_it => {
                    walk.table_alignments = alignments.clone();
                    walk.table_body = false;
                    out.push(Event::Html("<table>\n".into()));
                }
                Event::End(TagEnd::Table) if markdown_it => {
                    out.push(Event::Html(if walk.table_body {
                        "</tbody>\n</table>\n".into()
                    } else {
                        "</table>\n".into()
                    }));
                }
                Event::Start(Tag::TableHead) => {
                    walk.table_head = true;
                    walk.table_column = 0;
                    out.push(if markdown_it {
                        Event::Html("<thead>\n<tr>\n".into())
                    } else {
                        event.clone()
                    });
                }
                Event::End(TagEnd::TableHead) => {
                    walk.table_head = false;
                    out.push(if markdown_it {
                        Event::Html("</tr>\n</thead>\n".into())
                    } else {
                        event.clone()
                    });
                }
                Event::Start(Tag::TableRow) => {
                    walk.table_column = 0;
                    out.push(if !markdown_it {
                        event.clone()
                    } else if walk.table_body {
                        Event::Html("<tr>\n".into())
                    } else {
                        walk.table_body = true;
                        Event::Html("<tbody>\n<tr>\n".into())
                    });
                }
                Event::End(TagEnd::TableRow) if markdown_it => {
                    out.push(Event::Html("</tr>\n".into()));
                }
                Event::Start(Tag::TableCell) if markdown_it => {
                    let cell = if walk.table_head { "th" } else { "td" };
                    let align = match walk.table_alignments.get(walk.table_column) {
                        Some(Alignment::Left) => " style=\"text-align:left\"",
                        Some(Alignment::Center) => " style=\"text-align:center\"",
                        Some(Alignment::Right) => " style=\"text-align:right\"",
                        _ => "",
                    };
                    walk.table_column += 1;
                    walk.cells.push(cell);
                    out.push(Event::Html(format!("<{cell}{align}>").into()));
                }
                Event::End(TagEnd::TableCell) if markdown_it => {
                    let cell = walk.cells.pop().unwrap_or("td");
                    out.push(Event::Html(format!("</{cell}>\n").into()));
                }
                Event::FootnoteReference(label) if md.numbered_footnotes() => {
                    self.context_reads += 1;
                    let key = if &**label == INLINE_NOTE {
                        self.inline_notes += 1;
                        inline_note_key(self.inline_notes - 1)
                    } else {
                        footnote_key(md, label)
                    };
                    let n = self.footnote_numbers.get(&key).copied().unwrap_or(0);
                    if !self.budget(2, range.start) {
                        out.push(Event::Text(CowStr::from(format!("[{n}]"))));
                        continue;
                    }
                    let seen = self.footnote_refs.get_mut(&key).map_or(0, |r| {
                        r.1 += 1;
                        r.1 - 1
                    });
                    out.push(Event::InlineHtml(CowStr::from(footnote_reference(
                        md.footnotes,
                        label,
                        n,
                        seen,
                    ))));
                }
                Event::HardBreak | Event::Rule | Event::End(_) => {
                    self.in_word = false;
                    out.push(event.clone());
                }
                _ => out.push(event.clone()),
            }
        }
        out
    }

    /// The footnotes section that ends the document (markdown-it-footnote's
    /// or Zola's bottom footnotes), or `None` when no footnote is
    /// referenced, with how many task-list markers it wrote (see
    /// [`super::write_html`]).
    pub fn footnotes_section(&mut self) -> Option<(String, usize)> {
        if self.footnote_defs.is_empty() {
            return None;
        }
        let mut notes: Vec<(usize, String)> = self
            .footnote_numbers
            .iter()
            .filter(|(key, _)| self.footnote_defs.contains_key(*key))
            .map(|(key, n)| (*n, key.clone()))
            .collect();
        notes.sort();
        let mut tasks = 0;
        let bottom = self.md.footnotes == Footnotes::Bottom;
        let mut html = String::from(if bottom {
            "<section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n"
        } else {
            "<hr class=\"footnotes-sep\">\n<section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n"
        });
        for (n, key) in notes {
            let mut content = self.footnote_defs.remove(&key).unwrap_or_default();
            // The references written as links (all of them, unless the
            // element budget ran out).
            let refs = self.footnote_refs.get(&key).map_or(1, |r| r.1.max(1));
            let end = self.body.len();
            // The item and its first back-reference are elements too: past
            // the budget, a note is its text alone (inline notes make
            // thousands of notes in a few kilobytes).
            if !self.budget(2, end) {
                tasks += super::write_html(&mut html, content.into_iter());
                html.push('\n');
                continue;
            }
            let refs = 1 + (1..refs).take_while(|_| self.budget(1, end)).count();
            let mut name = String::new();
            let _ = escape_html(&mut name, &key);
            let backrefs: String = (0..refs)
                .map(|k| match (bottom, k) {
                    (true, 0) => format!(" <a href=\"#fr-{name}-1\">\u{21a9}</a>"),
                    (true, k) => format!(" <a href=\"#fr-{name}-{}\">\u{21a9}{}</a>", k + 1, k + 1),
                    (false, 0) => format!(" <a href=\"#fnref{n}\" class=\"footnote-backref\">\u{21a9}\u{fe0e}</a>"),
                    (false, k) => format!(" <a href=\"#fnref{n}:{k}\" class=\"footnote-backref\">\u{21a9}\u{fe0e}</a>"),
                })
                .collect();
            let backrefs = Event::InlineHtml(CowStr::from(backrefs));
            if matches!(content.last(), Some(Event::End(TagEnd::Paragraph))) {
                content.insert(content.len() - 1, backrefs);
            } else {
                content.push(backrefs);
            }
            if bottom {
                html.push_str(&format!("<li id=\"fn-{name}\">"));
            } else {
                html.push_str(&format!("<li id=\"fn{n}\" class=\"footnote-item\">"));
            }
            tasks += super::write_html(&mut html, content.into_iter());
            html.push_str("</li>\n");
        }
        html.push_str("</ol>\n</section>\n");
        Some((html, tasks))
    }

    /// Gives a heading its id (set on its start event `start`) by the
    /// profile's rule, from its text `title`; `at` is where it is in the body.
    /// `None` when the rule gives it none (an empty slug is still an id).
    fn heading_id(&mut self, start: &mut Event<'a>, title: &str, at: usize) -> Option<String> {
        let Event::Start(Tag::Heading { id, .. }) = start else {
            return None;
        };
        let explicit = id.as_ref().map(|i| i.to_string());
        let chosen = match (self.md.heading_ids, explicit) {
            (HeadingIds::None, explicit) => explicit,
            (HeadingIds::MarkdownItAnchor, _) => {
                Some(self.slugger.slug(super::slug::js_trim(title)))
            }
            (HeadingIds::Zola, Some(explicit)) => Some(self.slugger.take(explicit)),
            (HeadingIds::Zola, None) => {
                let (slug, covered) = super::zola_slug::slugify(title);
                if !covered {
                    self.report(
                        at,
                        Severity::Info,
                        "this heading has characters the preview does not transliterate \
                         (a script other than Latin, Greek or Cyrillic): its id may differ \
                         from the one the site gives it",
                    );
                }
                Some(self.slugger.unique(slug))
            }
        };
        *id = chosen.clone().map(CowStr::from);
        chosen
    }

    /// `html` with the profile's summary marker in place of a `<!-- more -->`
    /// comment in it, when this is the body's first one. Any such comment
    /// makes the unit depend on the units above it.
    fn summary_marker(&mut self, html: &CowStr<'a>) -> CowStr<'a> {
        let Some(marker) = &self.md.summary_marker else {
            return html.clone();
        };
        if !is_more_comment(html) {
            return html.clone();
        }
        self.context_reads += 1;
        if std::mem::replace(&mut self.summary_marked, true) {
            return html.clone();
        }
        CowStr::from(marker.clone())
    }

    /// Scans raw HTML (reports removals, counts words, tracks open
    /// elements). Returns `false`, undoing the scan, when the HTML would nest
    /// deeper than [`MAX_NESTING`] below `depth` markdown elements: the
    /// caller then shows it as text.
    fn scan_html(
        &mut self,
        html: &str,
        body_offset: usize,
        depth: usize,
        open_html: &mut Vec<String>,
    ) -> bool {
        self.in_word = false;
        self.note_unreported();
        let saved = (open_html.clone(), self.diagnostics.len());
        let scan = self.policy.scan_within(
            html,
            self.body_start + body_offset,
            self.index,
            (self.diagnostics.len() < MAX_DIAGNOSTICS).then_some(&mut *self.diagnostics),
            open_html,
            MAX_NESTING.saturating_sub(depth),
        );
        let deep = depth + scan.deepest > MAX_NESTING;
        if deep || self.elements + scan.elements > MAX_ELEMENTS {
            *open_html = saved.0;
            self.diagnostics.truncate(saved.1);
            if deep {
                self.too_deep(body_offset);
            } else {
                self.budget(scan.elements, body_offset);
            }
            return false;
        }
        self.elements += scan.elements;
        self.words += scan.words;
        true
    }

    /// Takes `n` elements from the post's [`MAX_ELEMENTS`]; when they do not
    /// fit, reports it (once per post) and returns `false`.
    fn budget(&mut self, n: usize, body_offset: usize) -> bool {
        if self.elements + n <= MAX_ELEMENTS {
            self.elements += n;
            return true;
        }
        self.context_reads += 1;
        if !self.reported_elements {
            self.reported_elements = true;
            self.diagnostics.push(self.index.diagnostic(
                self.body_start + body_offset,
                Severity::Warning,
                format!(
                    "the post has more than {MAX_ELEMENTS} elements: from here on markdown \
                     is shown without its markup and raw HTML as text"
                ),
            ));
        }
        false
    }

    /// Reports, once per post, that nesting was cut at [`MAX_NESTING`].
    fn too_deep(&mut self, body_offset: usize) {
        self.context_reads += 1;
        if !self.reported_depth {
            self.reported_depth = true;
            self.diagnostics.push(self.index.diagnostic(
                self.body_start + body_offset,
                Severity::Warning,
                format!(
                    "elements nest more than {MAX_NESTING} levels deep from here on: deeper \
                     markdown is flattened and deeper raw HTML is shown as text"
                ),
            ));
        }
    }

    /// Past [`MAX_DIAGNOSTICS`], says once that the rest are not listed.
    fn note_unreported(&mut self) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS && !self.reported_cap {
            self.reported_cap = true;
            self.context_reads += 1;
            self.diagnostics.push(self.index.diagnostic(
                self.body_start + self.body.len(),
                Severity::Warning,
                format!(
                    "more than {MAX_DIAGNOSTICS} problems: the sanitizer still removes what it \
                     must, but the rest are not listed"
                ),
            ));
        }
    }

    /// Adds a diagnostic at byte `body_offset` of the body, unless
    /// [`MAX_DIAGNOSTICS`] was reached (which it says, once).
    fn report(&mut self, body_offset: usize, severity: Severity, message: impl Into<String>) {
        self.note_unreported();
        if !self.reported_cap {
            self.diagnostics.push(self.index.diagnostic(
                self.body_start + body_offset,
                severity,
                message,
            ));
        }
    }

    fn check_url(&mut self, url: &str, body_offset: usize, what: &str) {
        self.note_unreported();
        if self.reported_cap {
            return;
        }
        if let Some(why) = url_removal_reason(url) {
            self.diagnostics.push(self.index.diagnostic(
                self.body_start + body_offset,
                Severity::Warning,
                format!("removed the {what} target: {why}"),
            ));
        }
    }

    fn count_words(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.in_word = false;
            } else if !self.in_word {
                self.in_word = true;
                self.words += 1;
            }
        }
    }
}

/// Whether `html` holds a `<!--\s*more\s*-->` comment (any case), as
/// Zola's summary divider matches it.
fn is_more_comment(html: &str) -> bool {
    html.match_indices("<!--").any(|(at, _)| {
        let rest = html[at + 4..].trim_start();
        rest.get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("more"))
            && rest[4..].trim_start().starts_with("-->")
    })
}

/// The start tag of a link written in markdown to an `http(s):` URL, with
/// the profile's `rel` words (Zola's `external_links_*`); `None` when it
/// gets none.
fn external_link<'a>(md: &Markdown, dest: &str, title: &str) -> Option<Event<'a>> {
    let rel = &md.external_links.rel;
    if rel.is_empty() || !(dest.starts_with("http://") || dest.starts_with("https://")) {
        return None;
    }
    let mut html = String::from("<a rel=\"");
    let _ = escape_html(&mut html, &rel.join(" "));
    html.push_str("\" href=\"");
    let _ = escape_href(&mut html, dest);
    html.push('"');
    if !title.is_empty() {
        html.push_str(" title=\"");
        let _ = escape_html(&mut html, title);
        html.push('"');
    }
    html.push('>');
    Some(Event::InlineHtml(CowStr::from(html)))
}

/// A numbered footnote reference: footnote `n`, its use number `seen`
/// (0 for the first), in markdown-it-footnote's or Zola's markup.
fn footnote_reference(style: Footnotes, label: &str, n: usize, seen: usize) -> String {
    if style == Footnotes::Bottom {
        let mut name = String::new();
        let _ = escape_html(&mut name, label);
        return format!(
            "<sup class=\"footnote-reference\" id=\"fr-{name}-{}\"><a href=\"#fn-{name}\">{n}</a></sup>",
            seen + 1
        );
    }
    let sub = if seen > 0 {
        format!(":{seen}")
    } else {
        String::new()
    };
    format!(
        "<sup class=\"footnote-ref\"><a href=\"#fn{n}\" id=\"fnref{n}{sub}\">[{n}{sub}]</a></sup>"
    )
}

/// markdown-it's link normalization, applied to what pulldown-cmark parsed:
/// each link's and image's destination as markdown-it writes it
/// (`normalizeLink`), and an autolink's text as it shows it
/// (`normalizeLinkText`). An email autolink keeps its `mailto:`-less
/// destination (the HTML writer adds it) but is normalized with it, as
/// markdown-it does.
fn normalize_links(events: &mut [Spanned<'_>]) {
    for i in 0..events.len() {
        let (Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            ..
        })) = &mut events[i].0
        else {
            continue;
        };
        let email = *link_type == LinkType::Email;
        let autolink = email || *link_type == LinkType::Autolink;
        *dest_url = if email {
            let full = normalize_link(&format!("mailto:{dest_url}"));
            CowStr::from(full.strip_prefix("mailto:").unwrap_or(&full).to_owned())
        } else {
            CowStr::from(normalize_link(dest_url))
        };
        if let Some((Event::Text(text), _)) = events.get_mut(i + 1).filter(|_| autolink) {
            *text = CowStr::from(normalize_link_text(text));
        }
    }
}

/// The index of the `End` event matching the `Start` at `start`.
fn matching_end(events: &[Spanned<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// The source of the inline block that starts at `events[at]`. A list item's
/// own inline content ends where its first nested list starts (markdown-it's
/// inline token of a tight item holds only that). Pretesting the whole item
/// instead made `- - - … a` quadratic: every level rescanned the rest of the
/// line (found by tests/browser/dos.test.js). The scan stops at the nested
/// list, so all items together cost linear time.
fn own_source(events: &[Spanned<'_>], at: usize) -> Range<usize> {
    let range = events[at].1.clone();
    if !matches!(events[at].0, Event::Start(Tag::Item)) {
        return range;
    }
    let mut depth = 0usize;
    for (event, r) in &events[at + 1..] {
        match event {
            Event::Start(Tag::List(_)) if depth == 0 => {
                return range.start..r.start.clamp(range.start, range.end);
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    range
}

/// Source shown as text where markdown-it would not make a link: with its
/// backslash escapes and character references decoded, as markdown-it's
/// inline rules decode that text (its other markup stays as written).
fn text_of<'a>(source: &str) -> CowStr<'a> {
    CowStr::from(unescape::unescape(source, Place::Text).into_owned())
}

/// Whether lowercase `s` (after `<` or `</`) starts with tag `name`.
fn is_tag(s: &str, name: &str) -> bool {
    s.strip_prefix(name).is_some_and(|rest| {
        rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
    })
}

/// Pushes `text` as text and links, linkifying bare URLs and emails (their
/// destinations and texts normalized as markdown-it's linkify rule does).
fn linkify_into<'a>(text: &CowStr<'a>, out: &mut Vec<Event<'a>>) {
    let links = find_links(text);
    if links.is_empty() {
        out.push(Event::Text(text.clone()));
        return;
    }
    let mut last = 0;
    for link in links {
        if link.range.start > last {
            out.push(Event::Text(CowStr::from(
                text[last..link.range.start].to_owned(),
            )));
        }
        // markdown-it shows a link found without its scheme with the
        // `http://` or `mailto:` it was given taken off again.
        let shown = normalize_link_text(&link.href);
        let added = link.href.len().saturating_sub(link.range.len());
        let prefix = link.href.get(..added).unwrap_or_default();
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: CowStr::from(normalize_link(&link.href)),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(CowStr::from(
            shown.strip_prefix(prefix).unwrap_or(&shown).to_owned(),
        )));
        out.push(Event::End(TagEnd::Link));
        last = link.range.end;
    }
    if last < text.len() {
        out.push(Event::Text(CowStr::from(text[last..].to_owned())));
    }
}

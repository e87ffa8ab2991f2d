//! The markdown phase: pulldown-cmark, configured here and nowhere else.
//!
//! Phases, in order, over the body's event stream:
//! 1. [`parser_options`] parses with the preset's extensions.
//! 2. [`blocks`] cuts the stream into top-level blocks, each with its source
//!    lines, and groups blocks that raw HTML ties together into units.
//! 3. [`transform`] rewrites each block's events into the preset's output
//!    conventions (heading anchors, soft breaks, linkify, footnotes, …) and
//!    reports what the sanitizer will remove.
//! 4. Each unit is written with pulldown-cmark's HTML writer, sanitized by
//!    [`crate::sanitize::Policy`] (or taken from the [`UnitCache`] when the
//!    previous render sanitized the same HTML) and tagged with its source
//!    lines (`data-line`, `data-line-end` on its first element).
//!
//! # Defaults
//!
//! | preset      | extensions                                              | output conventions |
//! |-------------|---------------------------------------------------------|--------------------|
//! | `eleventy`  | tables, footnotes, strikethrough (`~~` only)            | soft breaks as `<br>`, linkify, heading ids with `#` permalinks, markdown-it-footnote markup, `<s>`, `style="text-align:…"` cells, `[ ]` stays text, JavaScript `trim()` of paragraphs and headings |
//! | `commonmark`| tables, footnotes, strikethrough, task lists            | pulldown-cmark's own HTML |

mod blocks;
pub mod linkify;
pub mod slug;
mod transform;

use std::collections::hash_map::Entry;

use foldhash::HashMap;

use pulldown_cmark::{Event, Options as CmarkOptions, Parser};

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::options::{Options, Preset};
use crate::sanitize::{add_attributes_to_first_element, Policy};
use crate::Heading;

/// How deeply elements may nest, markdown and raw HTML together. Deeper
/// markdown is flattened (its content kept) and deeper raw HTML is shown as
/// text, with a warning. Posts never come near it; it bounds the sanitizer's
/// work, which grows with depth (HTML parsers walk the open-element stack).
pub const MAX_NESTING: usize = 128;

/// The pulldown-cmark extensions of each preset. The one place they are set.
pub fn parser_options(preset: Preset) -> CmarkOptions {
    let common = CmarkOptions::ENABLE_TABLES
        | CmarkOptions::ENABLE_FOOTNOTES
        | CmarkOptions::ENABLE_STRIKETHROUGH;
    match preset {
        Preset::Eleventy => common,
        Preset::Commonmark => common | CmarkOptions::ENABLE_TASKLISTS,
    }
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
    previous: HashMap<String, String>,
    current: HashMap<String, String>,
    /// Units sanitized in the latest render (the others were cache hits).
    pub sanitized: usize,
}

impl UnitCache {
    /// Forgets every unit.
    pub fn clear(&mut self) {
        self.previous.clear();
        self.current.clear();
    }

    fn clean(&mut self, raw: String, has_raw_html: bool, policy: &Policy) -> String {
        // foldhash: fast on long keys, and seeded per process, so crafted
        // collisions cannot turn the cache quadratic.
        match self.current.entry(raw) {
            Entry::Occupied(seen) => seen.get().clone(),
            Entry::Vacant(new) => {
                let clean = match self.previous.remove(new.key()) {
                    Some(clean) => clean,
                    None => {
                        self.sanitized += 1;
                        if has_raw_html {
                            policy.clean(new.key())
                        } else {
                            policy.clean_generated(new.key())
                        }
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

/// Renders the markdown body that starts at byte `body_start` of `source`,
/// sanitizing only the units `cache` has not seen.
pub fn render_body(
    source: &str,
    body_start: usize,
    options: &Options,
    index: &LineIndex,
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
    cache: &mut UnitCache,
) -> Body {
    cache.start();
    let body = &source[body_start..];
    let events: Vec<_> = Parser::new_ext(body, parser_options(options.preset))
        .into_offset_iter()
        .collect();
    let blocks = blocks::split(&events);
    let mut ctx = transform::Context::new(
        body,
        body_start,
        options.preset,
        index,
        policy,
        diagnostics,
        &events,
    );
    let mut out = Body::default();
    let mut unit_events = Vec::new();
    let mut unit_lines: Option<(u32, u32)> = None;
    // Whether the unit holds author-written raw HTML (then the sanitizer
    // makes sure its output is a fixed point of the browser's parser).
    let mut unit_raw_html = false;
    let mut open_html: Vec<String> = Vec::new();
    for block in &blocks {
        let transformed = ctx.block(&events[block.events.clone()], &mut open_html);
        let Some(transformed) = transformed else {
            continue;
        };
        // A block's range may end with blank lines: they are not its lines.
        let text = body[block.source.clone()].trim_end();
        let first = index.line(body_start + block.source.start);
        let last = index.line(body_start + block.source.start + text.len().saturating_sub(1));
        unit_lines = Some(unit_lines.map_or((first, last), |(f, _)| (f, last)));
        unit_raw_html |= events[block.events.clone()]
            .iter()
            .any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
        unit_events.extend(transformed);
        // Raw HTML left open ties the next block into the same unit: the
        // sanitizer must see them together, as a browser would.
        if open_html.is_empty() {
            let raw_html = std::mem::take(&mut unit_raw_html);
            flush_unit(
                &mut out.units,
                &mut unit_events,
                unit_lines.take(),
                raw_html,
                policy,
                cache,
            );
        }
    }
    flush_unit(
        &mut out.units,
        &mut unit_events,
        unit_lines.take(),
        unit_raw_html,
        policy,
        cache,
    );
    if let Some(footnotes) = ctx.footnotes_section() {
        // Footnote content may hold raw HTML.
        let html = cache.clean(footnotes, true, policy);
        out.units.push(Unit { html, lines: None });
    }
    cache.finish();
    out.outline = ctx.outline;
    out.words = ctx.words;
    out
}

/// Writes, sanitizes and tags one unit, then empties it.
fn flush_unit(
    units: &mut Vec<Unit>,
    events: &mut Vec<pulldown_cmark::Event<'_>>,
    lines: Option<(u32, u32)>,
    raw_html: bool,
    policy: &Policy,
    cache: &mut UnitCache,
) {
    if events.is_empty() {
        return;
    }
    let mut raw = String::new();
    pulldown_cmark::html::push_html(&mut raw, events.drain(..));
    // Line numbers are added after sanitizing, so a unit that only moved
    // (lines inserted above it) is still a cache hit.
    let html = cache.clean(raw, raw_html, policy);
    units.push(Unit {
        lines: lines.filter(|_| starts_with_element(&html)),
        html,
    });
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
    /// only the unit's position in the file changes.
    pub html: String,
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

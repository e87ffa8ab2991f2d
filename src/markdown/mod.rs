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
//!    [`crate::sanitize::Policy`] and tagged with its source lines
//!    (`data-line`, `data-line-end` on its first element).
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

use pulldown_cmark::{Options as CmarkOptions, Parser};

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
    /// Sanitized HTML.
    pub html: String,
    /// Headings in document order.
    pub outline: Vec<Heading>,
    /// Words in the body's text.
    pub words: usize,
}

/// Renders the markdown body that starts at byte `body_start` of `source`.
pub fn render_body(
    source: &str,
    body_start: usize,
    options: &Options,
    index: &LineIndex,
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Body {
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
        unit_events.extend(transformed);
        // Raw HTML left open ties the next block into the same unit: the
        // sanitizer must see them together, as a browser would.
        if open_html.is_empty() {
            flush_unit(&mut out.html, &mut unit_events, unit_lines.take(), policy);
        }
    }
    flush_unit(&mut out.html, &mut unit_events, unit_lines.take(), policy);
    if let Some(footnotes) = ctx.footnotes_section() {
        out.html.push_str(&policy.clean(&footnotes));
    }
    out.outline = ctx.outline;
    out.words = ctx.words;
    out
}

/// Writes, sanitizes and tags one unit, then empties it.
fn flush_unit(
    html: &mut String,
    events: &mut Vec<pulldown_cmark::Event<'_>>,
    lines: Option<(u32, u32)>,
    policy: &Policy,
) {
    if events.is_empty() {
        return;
    }
    let mut raw = String::new();
    pulldown_cmark::html::push_html(&mut raw, events.drain(..));
    let mut clean = policy.clean(&raw);
    if let Some((first, last)) = lines {
        add_attributes_to_first_element(
            &mut clean,
            &format!(" data-line=\"{first}\" data-line-end=\"{last}\""),
        );
    }
    html.push_str(&clean);
}

#[cfg(test)]
mod tests;

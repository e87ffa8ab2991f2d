//! post-preview: a post's source text in, everything its preview needs out.
//!
//! The crate's heart is one pure function, [`render`]: front matter plus
//! markdown (with raw HTML) in, a [`Preview`] out. It does no I/O, touches no
//! DOM, and never fails: every problem is a [`Diagnostic`] in the result.
//!
//! The phases, one module each, in the order [`render`] runs them:
//! [`front_matter`] → [`template`] → [`markdown`] → [`sanitize`] → [`header`].
//! The `wasm` module (only on `wasm32`) and the `post-preview` binary are thin
//! layers over [`render`].

#![warn(missing_docs)]

pub mod diagnostic;
pub mod front_matter;
pub mod header;
pub mod markdown;
pub mod options;
pub mod page;
pub mod patch;
pub mod sanitize;
pub mod template;

#[cfg(target_arch = "wasm32")]
mod wasm;

use serde::Serialize;

pub use crate::diagnostic::{Diagnostic, LineIndex, Severity};
pub use crate::front_matter::FrontMatter;
pub use crate::options::{Options, Preset};
pub use crate::page::standalone_page;

/// Everything the preview of one post shows.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    /// The typed front matter.
    pub front_matter: FrontMatter,
    /// The header the site's news layout shows (title, description, byline,
    /// date, tags), sanitized.
    pub header_html: String,
    /// The sanitized body.
    pub html: String,
    /// Every problem found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The body's headings, in document order.
    pub outline: Vec<Heading>,
    /// Word count and reading time.
    pub stats: Stats,
}

/// One heading of the outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's plain text.
    pub text: String,
    /// The heading's id in `html` (empty when the preset gives headings no id).
    pub id: String,
    /// The 1-based line of the heading in the file.
    pub line: u32,
}

/// Counts over the body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Words in the body's text (code included, markup excluded).
    pub words: usize,
    /// Minutes to read at 200 words per minute, rounded up; 0 for an empty body.
    pub reading_minutes: usize,
}

/// The largest source previewed, in bytes. Posts are far smaller (the
/// reference site's largest is 40 KB); the bound keeps time and memory in
/// check for anything pasted or opened by mistake.
pub const MAX_SOURCE_BYTES: usize = 8 << 20;

/// `source` cut to at most [`MAX_SOURCE_BYTES`], at a line end when there is one.
fn truncate(source: &str) -> &str {
    if source.len() <= MAX_SOURCE_BYTES {
        return source;
    }
    let mut end = MAX_SOURCE_BYTES;
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    match source[..end].rfind('\n') {
        Some(newline) => &source[..newline + 1],
        None => &source[..end],
    }
}

/// Words per minute used for [`Stats::reading_minutes`].
pub const WORDS_PER_MINUTE: usize = 200;

/// Renders a post. Never fails and never panics: problems are diagnostics,
/// broken front matter still renders the body.
pub fn render(source: &str, options: &Options) -> Preview {
    Renderer::new(options.clone()).render(source).preview
}

/// A preview together with its body's units, for patching a live preview.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The preview; its `html` is the concatenation of the units' tagged HTML.
    pub preview: Preview,
    /// The body's top-level units, in order: each one's sanitized HTML and
    /// source lines. Unchanged source gives identical HTML even when it moved,
    /// so a live preview replaces only the units whose HTML differs and
    /// re-tags the lines of the others.
    pub units: Vec<markdown::Unit>,
    /// How many units this render sanitized; the others came from the
    /// previous render.
    pub sanitized_units: usize,
    /// How many bytes of the body this render parsed: all of them the first
    /// time, then only around what changed (see [`markdown::Session`]).
    pub parsed_bytes: usize,
    /// Whether `preview.header_html` is the header of an earlier version: the
    /// front matter cannot be read now (a half-typed quote or list), so the
    /// header of the last version whose front matter could be read is shown
    /// instead of an empty one, until it can be read again (the error is in
    /// the diagnostics). Never true for the first render of a [`Renderer`],
    /// so never for [`render`].
    pub header_stale: bool,
}

impl Rendered {
    /// The body's HTML: the units' HTML, tagged with their lines, joined.
    pub fn html(&self) -> String {
        let mut html = String::with_capacity(self.units.iter().map(|u| u.html.len() + 40).sum());
        for unit in &self.units {
            unit.push_tagged(&mut html);
        }
        html
    }
}

/// Renders successive versions of one post, sanitizing only the units that
/// changed since the previous version. The result is always identical to
/// [`render`] of the same text.
pub struct Renderer {
    options: Options,
    session: markdown::Session,
    /// The sanitizer built from `options`, with the warning an unusable
    /// base URL gives (at line 1, whatever the text).
    policy: Option<(sanitize::Policy, Vec<Diagnostic>)>,
    /// The previous render's front matter and header: a keystroke in the
    /// body parses neither again.
    head: Option<Head>,
    /// The header of the last render whose front matter could be read, shown
    /// (marked stale) while it cannot: see [`Rendered::header_stale`].
    last_header: Option<String>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("options", &self.options)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// What a render derived from the front matter block alone.
#[derive(Debug)]
struct Head {
    /// The source up to the body's start: the block and its delimiters.
    prefix: String,
    parsed: front_matter::Parsed,
    header_html: String,
}

impl Renderer {
    /// A renderer with `options` and an empty cache.
    pub fn new(options: Options) -> Self {
        Renderer {
            options,
            session: markdown::Session::default(),
            policy: None,
            head: None,
            last_header: None,
        }
    }

    /// The options every render uses.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Changes the options; cached units are dropped when they differ.
    pub fn set_options(&mut self, options: Options) {
        if options != self.options {
            self.session.clear();
            self.policy = None;
            self.head = None;
            self.last_header = None;
            self.options = options;
        }
    }

    /// Renders `source`. Never fails and never panics. A source longer than
    /// [`MAX_SOURCE_BYTES`] is previewed up to the last line that fits.
    pub fn render(&mut self, source: &str) -> Rendered {
        let mut rendered = self.render_live(source);
        rendered.preview.html = rendered.html();
        rendered
    }

    /// [`Renderer::render`] for a live preview, which patches the body from
    /// [`Rendered::units`]: the preview's `html` is left empty, as joining
    /// the units costs as much as the whole body weighs. [`Rendered::html`]
    /// joins them when the HTML is wanted after all.
    pub fn render_live(&mut self, source: &str) -> Rendered {
        let options = &self.options;
        let full = source;
        let source = truncate(full);
        let index = LineIndex::new(source);
        let (policy, policy_diagnostics) = self.policy.get_or_insert_with(|| {
            let mut diagnostics = Vec::new();
            let policy = sanitize::Policy::new(options, &LineIndex::new(""), &mut diagnostics);
            (policy, diagnostics)
        });
        // The front matter and the header are parsed again only when the
        // block changed. A closed block (or none) ends where `split` says; an
        // unclosed opener is always parsed again, as the rest of the text
        // decides that it is unclosed.
        let end = match front_matter::split::split(source) {
            front_matter::split::Split::None { body_start } => Some(body_start),
            front_matter::split::Split::Block(block) => Some(block.body_start),
            front_matter::split::Split::Unclosed { .. } => None,
        };
        let head = match (end, self.head.take()) {
            (Some(end), Some(head)) if head.prefix == source[..end] => head,
            _ => {
                let parsed = front_matter::parse(source, &index);
                let header_html = header::render(&parsed.front_matter, policy);
                Head {
                    prefix: end.map_or_else(String::new, |end| source[..end].to_owned()),
                    parsed,
                    header_html,
                }
            }
        };
        let fm = head.parsed.clone();
        let header_stale = fm.broken && self.last_header.is_some();
        let header_html = match &self.last_header {
            Some(last) if fm.broken => last.clone(),
            _ => head.header_html.clone(),
        };
        if !fm.broken && self.last_header.as_ref() != Some(&header_html) {
            self.last_header = Some(header_html.clone());
        }
        // An unclosed block is not kept: its prefix would not say so.
        self.head = end.map(|_| head);
        let mut diagnostics = fm.diagnostics;
        if source.len() < full.len() {
            diagnostics.push(index.diagnostic(
                source.len(),
                Severity::Error,
                format!(
                    "the post is {} bytes, more than the limit of {MAX_SOURCE_BYTES} bytes \
                     ({} MiB): only the text before this line is previewed",
                    full.len(),
                    MAX_SOURCE_BYTES >> 20
                ),
            ));
        }
        diagnostics.extend_from_slice(policy_diagnostics);
        template::check(
            &source[fm.body_start..],
            fm.body_start,
            &index,
            &mut diagnostics,
        );
        let body = markdown::render_body(
            source,
            fm.body_start,
            options,
            &index,
            policy,
            &mut diagnostics,
            &mut self.session,
        );
        diagnostics.sort_by_key(|d| (d.line, d.column));
        let words = body.words;
        Rendered {
            preview: Preview {
                front_matter: fm.front_matter,
                header_html,
                html: String::new(),
                diagnostics,
                outline: body.outline,
                stats: Stats {
                    words,
                    reading_minutes: words.div_ceil(WORDS_PER_MINUTE),
                },
            },
            units: body.units,
            sanitized_units: self.session.cache.sanitized,
            parsed_bytes: self.session.parsed_bytes,
            header_stale,
        }
    }
}

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

/// Words per minute used for [`Stats::reading_minutes`].
pub const WORDS_PER_MINUTE: usize = 200;

/// Renders a post. Never fails and never panics: problems are diagnostics,
/// broken front matter still renders the body.
pub fn render(source: &str, options: &Options) -> Preview {
    let index = LineIndex::new(source);
    let fm = front_matter::parse(source, &index);
    let mut diagnostics = fm.diagnostics;
    let policy = sanitize::Policy::new(options, &index, &mut diagnostics);
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
        &policy,
        &mut diagnostics,
    );
    let header_html = header::render(&fm.front_matter, &policy);
    diagnostics.sort_by_key(|d| (d.line, d.column));
    let words = body.words;
    Preview {
        front_matter: fm.front_matter,
        header_html,
        html: body.html,
        diagnostics,
        outline: body.outline,
        stats: Stats {
            words,
            reading_minutes: words.div_ceil(WORDS_PER_MINUTE),
        },
    }
}

//! post-preview: a post's source text in, everything its preview needs out.
//!
//! The crate's heart is one pure function, [`render`]: front matter plus
//! markdown (with raw HTML) in, a [`Preview`] out. It does no I/O, touches no
//! DOM, and never fails: every problem is a [`Diagnostic`] in the result.
//!
//! The phases, one module each, in the order [`render`] runs them:
//! [`front_matter`] → [`template`] → [`markdown`] → [`sanitize`] → [`header`].
//! What differs between sites is a [`profile`], read by each phase.
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
pub mod profile;
pub mod sanitize;
pub mod template;

/// The header and permalink templates' engine: the crate
/// `post-preview-jinja` (`crates/jinja`).
pub use post_preview_jinja as jinja;

#[cfg(target_arch = "wasm32")]
mod wasm;

use std::sync::Arc;

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
    /// so never for [`render`], nor for a render of another document: one
    /// that shares less than half of the previous render's text (what the
    /// two have in common at the start and at the end), as when a host
    /// opens another post or the author pastes over the whole text.
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
    /// The profile `options` choose, with what was wrong with the choice.
    profile: Arc<profile::Resolved>,
    session: markdown::Session,
    /// The sanitizer, the base URL it resolves against, and the warning an
    /// unusable base URL gives (at line 1, whatever the text).
    policy: Option<(sanitize::Policy, Option<String>, Vec<Diagnostic>)>,
    /// The previous render's front matter and header: a keystroke in the
    /// body parses neither again.
    head: Option<Head>,
    /// The header of the last render whose front matter could be read, shown
    /// (marked stale) while it cannot: see [`Rendered::header_stale`].
    last_header: Option<String>,
    /// The previous render's source (truncated as it was rendered), to tell
    /// an edit from another document.
    previous_source: String,
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
    /// What relative URLs resolve against for this front matter.
    base: Option<String>,
    /// The sanitized header, or why the template failed; `None` until
    /// rendered (the policy it needs is built after the front matter).
    header: Option<Result<String, header::Failure>>,
}

/// Whether `new` is an edit of `old` rather than another text: what the two
/// share at the start and at the end is at least half of `old`. Nothing is
/// an edit of an empty text (a post pasted into an emptied editor is
/// another document).
fn edited_from(old: &str, new: &str) -> bool {
    if old.is_empty() {
        return false;
    }
    let (prefix, suffix) = markdown::common_ends(old, new);
    2 * (prefix + suffix) >= old.len()
}

impl Renderer {
    /// A renderer with `options` and an empty cache.
    pub fn new(options: Options) -> Self {
        Renderer {
            profile: profile::resolve(Some(options.profile_choice())),
            options,
            session: markdown::Session::default(),
            policy: None,
            head: None,
            last_header: None,
            previous_source: String::new(),
        }
    }

    /// The options every render uses.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Changes the options; cached units are dropped when they differ.
    pub fn set_options(&mut self, options: Options) {
        if options != self.options {
            if options.profile_choice() != self.options.profile_choice() {
                self.profile = profile::resolve(Some(options.profile_choice()));
            }
            self.session.clear();
            self.policy = None;
            self.head = None;
            self.last_header = None;
            self.options = options;
        }
    }

    /// The profile in use (the default when the chosen one is broken).
    pub fn profile(&self) -> &profile::Profile {
        &self.profile.profile
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
        let resolved = Arc::clone(&self.profile);
        let profile = &resolved.profile;
        let full = source;
        let source = truncate(full);
        let index = LineIndex::new(source);
        let site_base = options
            .base_url
            .as_deref()
            .or(profile.links.base_url.as_deref());
        // The front matter and the header are parsed again only when the
        // block changed. A closed block (or none) ends where `split` says; an
        // unclosed opener is always parsed again, as the rest of the text
        // decides that it is unclosed.
        let end = match front_matter::split::split(source) {
            front_matter::split::Split::None { body_start } => Some(body_start),
            front_matter::split::Split::Block(block) => Some(block.body_start),
            front_matter::split::Split::Unclosed { .. } => None,
        };
        let cached = self
            .head
            .take()
            .filter(|head| end.is_some_and(|end| head.prefix == source[..end]));
        let mut head = match cached {
            Some(head) => head,
            None => {
                let parsed = front_matter::parse_with(source, &index, &profile.front_matter);
                let page = header::Page {
                    front_matter: Some(&parsed.front_matter),
                    hidden_tags: &profile.header.hidden_tags,
                    base_url: site_base,
                    permalink: None,
                };
                // Page-relative URLs resolve against the permalink, when the
                // front matter gives one that is an absolute http(s) URL.
                let permalink = resolved.templates.permalink(&page).filter(|p| {
                    url::Url::parse(p).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
                });
                let base = match (profile.links.relative_to, &permalink) {
                    (profile::RelativeTo::Page, Some(permalink)) => Some(permalink.clone()),
                    _ => site_base.map(str::to_owned),
                };
                Head {
                    prefix: end.map_or_else(String::new, |end| source[..end].to_owned()),
                    parsed,
                    base,
                    header: None,
                }
            }
        };
        // The sanitizer resolves relative URLs against the base: a new base
        // means new HTML for units that did not change.
        if self
            .policy
            .as_ref()
            .is_none_or(|(_, base, _)| *base != head.base)
        {
            let mut diagnostics = Vec::new();
            let policy = sanitize::Policy::with_base(
                head.base.as_deref(),
                &LineIndex::new(""),
                &mut diagnostics,
            );
            self.session.clear();
            self.policy = Some((policy, head.base.clone(), diagnostics));
        }
        let Some((policy, _, policy_diagnostics)) = self.policy.as_ref() else {
            unreachable!("the policy was just built")
        };
        if head.header.is_none() {
            let page = header::Page {
                front_matter: Some(&head.parsed.front_matter),
                hidden_tags: &profile.header.hidden_tags,
                base_url: site_base,
                permalink: head.base.as_deref(),
            };
            head.header = Some(resolved.templates.header(&page, policy));
        }
        let fm = head.parsed.clone();
        let (fresh_header, header_error) = match &head.header {
            Some(Ok(html)) => (html.clone(), None),
            Some(Err(why)) => (String::new(), Some(why.clone())),
            None => (String::new(), None),
        };
        // While the front matter cannot be read, the last readable one's
        // header stays, marked stale; another document (opened, or pasted
        // over the whole text) does not inherit it. (Compared only then: the
        // comparison reads the whole text.)
        if fm.broken && self.last_header.is_some() && !edited_from(&self.previous_source, source) {
            self.last_header = None;
        }
        self.previous_source.clear();
        self.previous_source.push_str(source);
        let header_stale = fm.broken && self.last_header.is_some();
        let header_html = match &self.last_header {
            Some(last) if fm.broken => last.clone(),
            _ => fresh_header,
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
        diagnostics.extend_from_slice(&resolved.diagnostics);
        if let Some(why) = header_error {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                line: why.line,
                column: why.column,
                message: format!("{}; the header is left out", why.message),
                origin: Some("profile"),
            });
        }
        template::check(
            &source[fm.body_start..],
            fm.body_start,
            &profile.template,
            &index,
            &mut diagnostics,
        );
        let body = markdown::render_body(
            source,
            fm.body_start,
            &profile.markdown,
            &index,
            policy,
            &mut diagnostics,
            &mut self.session,
        );
        // The profile's problems (positions in the profile) first, then the post's.
        crate::diagnostic::sort(&mut diagnostics);
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

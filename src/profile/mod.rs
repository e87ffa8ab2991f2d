//! Site profiles: everything that is specific to one published site, as data.
//!
//! A profile is a TOML document. The built-in profiles ([`BUILTIN`]) are
//! written in the same format and embedded in the crate (`src/profile/*.toml`);
//! a CMS builder writes one for their own site. [`resolve`] turns the choice
//! in [`crate::Options`] (a built-in name, an alias, or a profile's text) into
//! a [`Resolved`] profile, with its header template compiled. A profile with a
//! mistake never stops a render: its problems are diagnostics at their own
//! line and column in the profile (with [`Diagnostic::origin`] `"profile"`),
//! and the built-in default is used instead.
//!
//! What a profile may change, and where it is read:
//!
//! | section          | read by                    | what it says |
//! |------------------|----------------------------|--------------|
//! | `[markdown]`     | [`crate::markdown`]        | dialect, extensions, heading ids and anchors, footnote markup, external links, the summary marker |
//! | `[links]`        | [`crate::Renderer`] → [`crate::sanitize::Policy`] | the site's base URL, and whether relative URLs resolve against it or against the page's permalink |
//! | `[front_matter]` | [`crate::front_matter`]    | accepted delimiters, the fields with their types, which are required, aliases, where the date comes from |
//! | `[template]`     | [`crate::template`]        | what in the body the site's template engine executes (Liquid, Zola shortcodes, nothing) |
//! | `[header]`       | [`crate::header`]          | the page header as a Jinja template, and the tags the site never shows |
//!
//! # Defaults
//!
//! Every key may be left out; a missing key takes the value below, which is
//! the `commonmark` profile: CommonMark as pulldown-cmark renders it, with
//! GFM tables, strikethrough, task lists and footnotes.
//!
//! | key | default | values |
//! |-----|---------|--------|
//! | `markdown.dialect` | `"pulldown-cmark"` | `"pulldown-cmark"` (its own parse and HTML), `"markdown-it"` (markdown-it 12's rules on top: JavaScript `trim()` of paragraphs and headings, tildes paired by markdown-it's delimiter rules (runs cut into `~~` pairs, a single `~` never strikes) and written `<s>`, top-level tables where markdown-it's table rule starts and ends them, `style="text-align:…"` cells and no empty `<tbody>`, `javascript:`/`vbscript:`/`file:`/`data:` links shown as text (its references and escapes decoded) and such reference definitions a paragraph, a reference to an invalid code point U+FFFD in text and kept as written in an inline link's destination, link destinations written as its `normalizeLink` writes them (Punycode host, `%` not before two hex digits as `%25`) and autolink text as its `normalizeLinkText` shows it, task list markers stay text) |
//! | `markdown.raw_html` | `true` | `false` shows raw HTML as text |
//! | `markdown.breaks` | `false` | soft line breaks as `<br>` |
//! | `markdown.linkify` | `false` | bare URLs, `www.` hosts and emails become links (linkify-it 3's rules; written as markdown-it writes them: Punycode host, percent-encoded) |
//! | `markdown.smart_punctuation` | `false` | curly quotes, dashes, ellipses |
//! | `markdown.tables`, `strikethrough`, `task_lists` | `true` | GFM extensions |
//! | `markdown.heading_attributes` | `false` | `# Title {#id .class}` |
//! | `markdown.footnotes` | `"pulldown-cmark"` | `"none"`, `"pulldown-cmark"` (its own markup, in place), `"markdown-it"` (markdown-it-footnote 3: numbered, a section at the end; inline notes `^[text]` too), `"bottom"` (Zola's `bottom_footnotes`: numbered by first use, a `<section class="footnotes">` at the end) |
//! | `markdown.heading_ids` | `"none"` | `"none"`, `"markdown-it-anchor"` (`encodeURIComponent` of the lowercased, dashed text; repeats `-2`, `-3`), `"zola"` (crate `slug`'s slugify of the text and inline code; repeats `-1`, `-2`; an explicit `{#id}` wins) |
//! | `markdown.heading_anchor` | none | `{ html = "…{id}…", position = "start" \| "end" }`: markup inserted in each heading with an id (`{id}` is the id, HTML-escaped) |
//! | `markdown.external_links` | `{ rel = [] }` | `rel` words for `http(s):` links written in markdown (Zola's `external_links_*`) |
//! | `markdown.summary_marker` | none | the HTML that replaces the first `<!-- more -->` comment |
//! | `markdown.internal_link_prefix` | none | links starting with it (Zola's `@/`) name another page's file: the site writes that page's address when it builds; the preview, which cannot know it, shows the link without a target and says so |
//! | `links.base_url` | none | the site's address; `Options::base_url` overrides it |
//! | `links.relative_to` | `"site"` | `"site"`: relative and site-root URLs resolve against `base_url`; `"page"`: against the page's `permalink` (a page-relative asset is next to the page, as Zola's colocated assets are) |
//! | `links.permalink` | none | a Jinja template of the page's address, from `site.base_url` and `page` (the front matter) |
//! | `front_matter.formats` | `["yaml", "toml"]` | which blocks are read: `---` YAML, `+++` TOML |
//! | `front_matter.date_from` | none | a field whose value is a path holding `YYYY/MM/DD` (Zola's `path`): the post's date comes from it |
//! | `front_matter.fields` | none | `[[front_matter.fields]]` tables: `key` (dotted for a nested key: `extra.team`), `type`, `required`, `recommended`, `missing` (why a missing value matters), `aliases`, `max_chars`, `requires` |
//! | `template.engine` | `"none"` | `"none"`, `"liquid"` (`{{` and `{%` are code: Eleventy, Jekyll), `"zola"` (`{{ name(…) }}` and `{% name(…) %}` are shortcode calls; an unknown one fails the build) |
//! | `template.shortcodes` | `[]` | the shortcodes a Zola site defines |
//! | `header.template` | `""` | Jinja (see `crate::jinja` for the syntax) over the front matter, autoescaped; its output is sanitized like everything else |
//! | `header.hidden_tags` | `[]` | tags the site never shows (removed from `tags` before the template sees them) |
//!
//! Field types: `text` (a string; a number reads as its text), `names` (text,
//! or a list of texts), `list` (a list of texts; a single string is read as
//! one, with a warning), `strings` (a list of texts, strictly), `date` (`YYYY-MM-DD` or a date-time with `Z` or an
//! offset, normalized to UTC), `bool`, `url` (http, https or relative),
//! `url-map` (names to URLs), `table` (a mapping), `date-path` (text holding
//! `YYYY/MM/DD/`), `any`. Fields named `title`, `description`, `byline`,
//! `date`, `tags`, `layout`, `index`, `draft`, `series`, `externalurl` and
//! `attachments` fill [`crate::FrontMatter`]'s fields of that name; every
//! other field, and every undeclared key, stays in its `extra`.

use std::sync::{Arc, OnceLock};

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::front_matter::Format;
use crate::header;

mod read;

/// The built-in profiles: name and TOML text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("rust-foundation", include_str!("rust-foundation.toml")),
    ("rust-blog", include_str!("rust-blog.toml")),
    ("commonmark", include_str!("commonmark.toml")),
];

/// Other names of built-in profiles (the presets of earlier versions).
pub const ALIASES: &[(&str, &str)] = &[("eleventy", "rust-foundation")];

/// The profile used when none is chosen, or when the chosen one is broken.
pub const DEFAULT: &str = "rust-foundation";

/// A site profile, as written (see the module's `# Defaults`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// What site it describes, for people.
    pub description: String,
    /// The markdown dialect and its output conventions.
    pub markdown: Markdown,
    /// How link and image URLs resolve.
    pub links: Links,
    /// The front matter the site reads.
    pub front_matter: FrontMatterRules,
    /// What in the body the site's template engine executes.
    pub template: TemplateChecks,
    /// The page header.
    pub header: Header,
}

/// Which parser rules the body follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Dialect {
    /// pulldown-cmark's own parse and HTML (Zola, mdBook and most Rust generators).
    #[default]
    PulldownCmark,
    /// markdown-it 12's rules, emulated on pulldown-cmark (Eleventy).
    MarkdownIt,
}

/// How footnotes are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Footnotes {
    /// Not parsed: `[^x]` is text.
    None,
    /// pulldown-cmark's own markup, definitions where they are written.
    #[default]
    PulldownCmark,
    /// markdown-it-footnote 3: numbered references, a section at the end,
    /// and inline notes (`^[text]`).
    MarkdownIt,
    /// Zola's `bottom_footnotes`: numbered by first use, a section at the end.
    Bottom,
}

/// How headings get their ids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HeadingIds {
    /// No ids (an explicit `{#id}` still applies with heading attributes).
    #[default]
    None,
    /// markdown-it-anchor 5's slugs; repeats get `-2`, `-3`, ….
    MarkdownItAnchor,
    /// Zola's: the `slug` crate's slugify; repeats get `-1`, `-2`, ….
    Zola,
}

/// Where the heading anchor goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AnchorPosition {
    /// Before the heading's text (Zola's `insert_anchor_links = "left"`).
    Start,
    /// After it (markdown-it-anchor's permalink).
    #[default]
    End,
}

/// Markup inserted in every heading that has an id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadingAnchor {
    /// The HTML; `{id}` stands for the heading's id, HTML-escaped.
    pub html: String,
    /// Before or after the heading's text.
    pub position: AnchorPosition,
}

/// What `http(s):` links written in markdown get.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalLinks {
    /// `rel` words (`external`, `nofollow`, …); none leaves links as written.
    pub rel: Vec<String>,
}

/// The `[markdown]` section. See the module's `# Defaults`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markdown {
    /// Which parser rules apply.
    pub dialect: Dialect,
    /// Raw HTML is kept (sanitized); `false` shows it as text.
    pub raw_html: bool,
    /// Soft line breaks as `<br>`.
    pub breaks: bool,
    /// Bare URLs and emails become links.
    pub linkify: bool,
    /// Typographic quotes and dashes.
    pub smart_punctuation: bool,
    /// GFM tables.
    pub tables: bool,
    /// `~~strike~~`.
    pub strikethrough: bool,
    /// `- [ ]` task list items.
    pub task_lists: bool,
    /// `{#id .class}` after a heading.
    pub heading_attributes: bool,
    /// Footnote syntax and markup.
    pub footnotes: Footnotes,
    /// Heading id rule.
    pub heading_ids: HeadingIds,
    /// The anchor inserted in headings with an id.
    pub heading_anchor: Option<HeadingAnchor>,
    /// What external links get.
    pub external_links: ExternalLinks,
    /// The HTML that replaces the first `<!-- more -->`.
    pub summary_marker: Option<String>,
    /// The prefix of links to another page by its file (Zola's `@/`), which
    /// the site resolves when it builds.
    pub internal_link_prefix: Option<String>,
}

impl Default for Markdown {
    #[inline(never)]
    fn default() -> Self {
        Markdown {
            dialect: Dialect::PulldownCmark,
            raw_html: true,
            breaks: false,
            linkify: false,
            smart_punctuation: false,
            tables: true,
            strikethrough: true,
            task_lists: true,
            heading_attributes: false,
            footnotes: Footnotes::PulldownCmark,
            heading_ids: HeadingIds::None,
            heading_anchor: None,
            external_links: ExternalLinks::default(),
            summary_marker: None,
            internal_link_prefix: None,
        }
    }
}

impl Markdown {
    /// Whether markdown-it's rules apply.
    pub fn markdown_it(&self) -> bool {
        self.dialect == Dialect::MarkdownIt
    }

    /// Whether footnotes are numbered and gathered in a section at the end.
    pub fn numbered_footnotes(&self) -> bool {
        matches!(self.footnotes, Footnotes::MarkdownIt | Footnotes::Bottom)
    }
}

/// What relative URLs resolve against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RelativeTo {
    /// The site's base URL.
    #[default]
    Site,
    /// The page's permalink.
    Page,
}

/// The `[links]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// The site's address.
    pub base_url: Option<String>,
    /// What relative URLs resolve against.
    pub relative_to: RelativeTo,
    /// A Jinja template of the page's address.
    pub permalink: Option<String>,
}

/// A front matter field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A string (a number reads as its text).
    Text,
    /// Text, or a list of texts.
    Names,
    /// A list of texts (a single string is read as one, with a warning).
    List,
    /// A list of texts, strictly (a single string is an error).
    Strings,
    /// A date or a date-time, normalized to UTC.
    Date,
    /// `true` or `false`.
    Bool,
    /// An http(s) or relative URL.
    Url,
    /// A mapping of names to URLs.
    UrlMap,
    /// A mapping.
    Table,
    /// Text holding `YYYY/MM/DD/` (Zola's `path`).
    DatePath,
    /// Anything.
    Any,
}

/// One `[[front_matter.fields]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    /// The key; dotted for a key of a table (`extra.team`).
    pub key: String,
    /// Its type.
    pub kind: FieldType,
    /// Missing is an error.
    pub required: bool,
    /// Missing is a warning.
    pub recommended: bool,
    /// Why a missing value matters, for the message.
    pub missing: Option<String>,
    /// Other keys read as this one (the first present wins).
    pub aliases: Vec<String>,
    /// A longer text gets a warning.
    pub max_chars: Option<usize>,
    /// Fields that must be present when this one is.
    pub requires: Vec<String>,
}

/// The `[front_matter]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterRules {
    /// The block formats read.
    pub formats: Vec<Format>,
    /// The field holding a `YYYY/MM/DD` path the date comes from.
    pub date_from: Option<String>,
    /// The fields, in order.
    pub fields: Vec<FieldSpec>,
}

impl Default for FrontMatterRules {
    #[inline(never)]
    fn default() -> Self {
        FrontMatterRules {
            formats: vec![Format::Yaml, Format::Toml],
            date_from: None,
            fields: Vec::new(),
        }
    }
}

/// Which template engine runs over the body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TemplateEngine {
    /// None: `{{` is text.
    #[default]
    None,
    /// Liquid (Eleventy, Jekyll): `{{` and `{%` are code.
    Liquid,
    /// Zola: `{{ name(…) }}` and `{% name(…) %}` call shortcodes.
    Zola,
}

/// The `[template]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateChecks {
    /// The engine.
    pub engine: TemplateEngine,
    /// The shortcodes the site defines (Zola).
    pub shortcodes: Vec<String>,
}

/// The `[header]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The Jinja template.
    pub template: String,
    /// Tags the site never shows.
    pub hidden_tags: Vec<String>,
}

/// A profile ready for rendering: the profile, its compiled templates, and
/// what was wrong with the choice (each problem at its line in the profile).
#[derive(Debug)]
pub struct Resolved {
    /// The profile in use.
    pub profile: Profile,
    /// Its header and permalink templates, compiled.
    pub templates: header::Templates,
    /// Problems with the chosen profile; when there are errors, `profile`
    /// is the built-in default.
    pub diagnostics: Vec<Diagnostic>,
}

/// The text of built-in profile `name` (an alias works too).
pub fn builtin_text(name: &str) -> Option<&'static str> {
    builtin_index(name).map(|index| BUILTIN[index].1)
}

/// Whether `choice` names a profile (rather than holding one's text).
fn is_name(choice: &str) -> bool {
    !choice.is_empty()
        && choice.len() <= 64
        && choice
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A diagnostic in the profile's text.
#[inline(never)]
fn profile_diagnostic(
    index: &LineIndex,
    offset: usize,
    severity: Severity,
    message: String,
) -> Diagnostic {
    Diagnostic {
        origin: Some("profile"),
        ..index.diagnostic(offset, severity, message)
    }
}

/// A profile ready to use, with its compiled templates.
pub type Usable = (Profile, header::Templates);

/// The most mistakes of one profile listed as diagnostics; one more (so
/// `MAX_MISTAKES + 1` at most), at the first of the others, says how many
/// others there are.
pub const MAX_MISTAKES: usize = 100;

/// Parses and checks a profile's text: the profile when it is usable, and
/// every problem, each at its line and column in `text` (errors make it
/// unusable; warnings do not), at most [`MAX_MISTAKES`] of them listed.
pub fn parse(text: &str) -> (Option<Usable>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let (profile, places) = match read::read(text) {
        Ok(read) => read,
        Err(errors) => {
            let problems: Vec<Diagnostic> = errors
                .into_iter()
                .map(|(at, message)| profile_diagnostic(&index, at, Severity::Error, message))
                .collect();
            return (None, listed(problems));
        }
    };
    let mut problems = Vec::new();
    // Where each template's text starts in the file, so that a template's
    // line and column are given in the file's.
    let placement = |at: Option<usize>| {
        let (line, column) = index.line_col(at.map_or(0, |at| read::string_start(text, at)));
        header::Placement { line, column }
    };
    let (header_at, permalink_at) = (placement(places.template), placement(places.permalink));
    let templates = match header::Templates::new(
        &profile.header.template,
        profile.links.permalink.as_deref(),
    ) {
        Ok(templates) => Some(templates.placed(header_at, permalink_at)),
        Err((which, line, column, message)) => {
            let at = if which == "permalink" {
                permalink_at
            } else {
                header_at
            };
            let (line, column) = at.map(line, column);
            problems.push(Diagnostic {
                severity: Severity::Error,
                line,
                column,
                message: format!("the {which} template is not valid: {message}"),
                origin: Some("profile"),
            });
            None
        }
    };
    if let Some(anchor) = &profile.markdown.heading_anchor {
        if profile.markdown.heading_ids == HeadingIds::None {
            problems.push(profile_diagnostic(
                &index,
                places.anchor_html,
                Severity::Warning,
                "`markdown.heading_anchor` has no effect with `heading_ids = \"none\"`".to_owned(),
            ));
        }
        if !anchor.html.contains("{id}") {
            problems.push(profile_diagnostic(
                &index,
                places.anchor_html,
                Severity::Warning,
                "`markdown.heading_anchor.html` never says `{id}`: every anchor links nowhere"
                    .to_owned(),
            ));
        }
    }
    let fields = &profile.front_matter.fields;
    let keys: foldhash::HashSet<&str> = fields.iter().map(|field| field.key.as_str()).collect();
    let declared = |key: &str| keys.contains(key);
    for (field, at) in fields.iter().zip(&places.requires) {
        for needed in &field.requires {
            if !declared(needed) {
                problems.push(profile_diagnostic(
                    &index,
                    *at,
                    Severity::Error,
                    format!(
                        "field `{}` requires `{needed}`, which is not a declared field",
                        field.key
                    ),
                ));
            }
        }
    }
    if let Some(from) = &profile.front_matter.date_from {
        if !declared(from) {
            problems.push(profile_diagnostic(
                &index,
                places.date_from,
                Severity::Error,
                format!("`front_matter.date_from` names `{from}`, which is not a declared field"),
            ));
        }
    }
    let has_error = problems.iter().any(|d| d.severity == Severity::Error);
    let problems = listed(problems);
    match templates {
        Some(templates) if !has_error => (Some((profile, templates)), problems),
        _ => (None, problems),
    }
}

/// `problems` sorted, at most [`MAX_MISTAKES`] of them: the one after
/// says how many more there are.
fn listed(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostic::sort(&mut problems);
    if problems.len() > MAX_MISTAKES {
        let more = problems.len() - MAX_MISTAKES;
        // As serious as the most serious of those it stands for.
        let severity = problems[MAX_MISTAKES..].iter().map(|d| d.severity).min();
        problems.truncate(MAX_MISTAKES + 1);
        let summary = &mut problems[MAX_MISTAKES];
        summary.severity = severity.unwrap_or(summary.severity);
        summary.message = format!(
            "{more} more mistakes in the profile from here on are not listed: \
             the first {MAX_MISTAKES} are"
        );
    }
    problems
}

/// Built-in profile number `index` of [`BUILTIN`], parsed once.
fn builtin(index: usize) -> Arc<Resolved> {
    static PARSED: [OnceLock<Arc<Resolved>>; BUILTIN.len()] =
        [const { OnceLock::new() }; BUILTIN.len()];
    PARSED[index]
        .get_or_init(|| {
            let (usable, diagnostics) = parse(BUILTIN[index].1);
            resolved(usable, diagnostics)
        })
        .clone()
}

/// A parsed profile with `diagnostics`. Without one, the empty profile:
/// the built-in profiles are tested to parse cleanly, so that is the last
/// resort.
fn resolved(usable: Option<Usable>, diagnostics: Vec<Diagnostic>) -> Arc<Resolved> {
    let (profile, templates) =
        usable.unwrap_or_else(|| (Profile::default(), header::Templates::empty()));
    Arc::new(Resolved {
        profile,
        templates,
        diagnostics,
    })
}

/// The index in [`BUILTIN`] of built-in profile `name` (an alias works too).
fn builtin_index(name: &str) -> Option<usize> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, target)| target);
    BUILTIN.iter().position(|(builtin, _)| *builtin == name)
}

/// Resolves the profile for `choice` (a built-in name, an alias, or a
/// profile's TOML text); `None` is the default. Never fails: a broken or
/// unknown choice gives the default, with the reason as diagnostics. A
/// built-in profile that is chosen is parsed once per process; the default
/// that stands in for a broken or unknown choice is parsed each time (a
/// copy of the parsed one weighed 1 KiB gzipped in the wasm module).
pub fn resolve(choice: Option<&str>) -> Arc<Resolved> {
    let default = builtin_index(DEFAULT).unwrap_or(0);
    let choice = choice.map(str::trim).filter(|c| !c.is_empty());
    let (usable, mut diagnostics) = match choice {
        None => return builtin(default),
        Some(name) if is_name(name) => {
            if let Some(index) = builtin_index(name) {
                return builtin(index);
            }
            let mut message = format!("unknown profile `{name}`: the built-in profiles are ");
            for (index, (builtin, _)) in BUILTIN.iter().enumerate() {
                if index > 0 {
                    message.push_str(", ");
                }
                message.push_str(builtin);
            }
            let unknown = Diagnostic {
                severity: Severity::Error,
                line: 1,
                column: 1,
                message,
                origin: Some("profile"),
            };
            (None, vec![unknown])
        }
        Some(text) => parse(text),
    };
    if usable.is_some() {
        return resolved(usable, diagnostics);
    }
    if let Some(first) = diagnostics.first_mut() {
        first.message.push_str("; the preview uses `");
        first.message.push_str(DEFAULT);
        first.message.push('`');
    }
    resolved(parse(BUILTIN[default].1).0, diagnostics)
}

#[cfg(test)]
mod tests;

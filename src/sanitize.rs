//! The sanitizer: the one place where the HTML policy is configured.
//!
//! Every piece of HTML that reaches the output passes through
//! [`Policy::clean`], which runs [ammonia] with the policy below. The same
//! policy data drives [`Policy::scan`], which tells the author what the
//! sanitizer will remove and where, so nothing vanishes silently.
//!
//! # Defaults
//!
//! The policy is an allowlist. Anything not listed is removed.
//!
//! - **Tags kept** ([`TAGS`]): text-level markup (`a`, `abbr`, `b`, `bdi`,
//!   `bdo`, `br`, `cite`, `code`, `del`, `dfn`, `em`, `i`, `ins`, `kbd`,
//!   `mark`, `q`, `s`, `samp`, `small`, `span`, `strong`, `sub`, `sup`,
//!   `time`, `u`, `var`, `wbr`), blocks (`blockquote`, `details`, `summary`,
//!   `div`, `p`, `pre`, `section`, `aside`, `header` (a profile's page
//!   header), `figure`, `figcaption`, `h1`–`h6`, `hr`, lists `ul` `ol` `li`
//!   `dl` `dt` `dd`, tables `table` `caption` `colgroup` `col` `thead`
//!   `tbody` `tfoot` `tr` `th` `td`), `img`, and `progress` (a bar, with
//!   `value` and `max` only: it takes no input). No form control is kept.
//! - **Task-list checkboxes** come from markdown only (`- [ ]`, `- [x]` in
//!   the `commonmark` preset), always `disabled`: each marker is written as a
//!   placeholder element ([`TASK_PLACEHOLDERS`]) that [`Policy::clean_unit`]
//!   keeps only when the unit holds exactly as many `<pp-task` as markdown
//!   wrote (so no raw HTML wrote one), and turns into the checkbox
//!   ([`CHECKBOXES`]) after sanitizing. Raw HTML can never write a checkbox:
//!   `input` is in no allowlist.
//! - **Tags removed with their content** ([`CLEAN_CONTENT_TAGS`]): scripts and
//!   styles, frames, objects and embeds, form controls (`input`, `button`,
//!   `select`, `textarea`), `svg` and
//!   `math` (namespace confusion is the root of ammonia's mXSS advisories),
//!   `template`, `noscript` and the other raw-text elements. Any other tag not
//!   kept (`form`, `meta`, `base`, `link`, `font`, unknown tags, …) is removed
//!   and its content kept.
//! - **Attributes** ([`GENERIC_ATTRIBUTES`], [`TAG_ATTRIBUTES`]): `class`,
//!   `id`, `title`, `lang`, `dir`, `aria-hidden` (heading anchors) and
//!   `style` (below) everywhere; `a`:
//!   `href`, `target`, `rel`; `img`: `src`, `alt`, `width`, `height`; table
//!   cells: `colspan`, `rowspan`; `align` on `p`, `div`, `h1`–`h6`, `table`,
//!   `td`, `th` (`left`, `right`, `center`, `justify`) and `img` (`left`,
//!   `right`, `top`, `middle`, `bottom`): presentational, as posts use them
//!   ([`ALIGN_VALUES`]); a few harmless structural ones (`ol start`,
//!   `li value`, `time datetime`, `details open`). Every event handler
//!   (`on*`), `srcset`, `ping`, `formaction`, `xlink:href`, `poster` and
//!   `name` are removed. Ids are kept as written (heading and footnote
//!   anchors must match the site); the preview renders in a shadow root, so
//!   they cannot clobber the host page's globals.
//! - **Inline styles** ([`STYLE_PROPERTIES`], [`STYLE_FUNCTIONS`]): a `style`
//!   attribute keeps the declarations that only lay out or colour the
//!   element itself: sizes, margins and padding, alignment, `display` and
//!   flex layout, `float`/`clear`, overflow, colours and backgrounds,
//!   borders, outlines and shadows, fonts and text decoration, lists. None
//!   of them can take the element out of the post's flow or stacking
//!   (`position`, `inset`/`top`/`left`…, `z-index`, `transform`, `filter`,
//!   `mask`, `clip-path` and `content` never pass), and the preview's host
//!   has `contain: content`, so what they paint stays inside the preview. A
//!   value may hold numbers, keywords, strings, colours and only the
//!   functions `rgb[a]`, `hsl[a]`, `calc`, `min`, `max`, `clamp` and `var`
//!   (which reads a custom property of the page's stylesheet, as posts use
//!   the site's colours; a post cannot define one): never `url(`,
//!   `image-set(`, `attr(`, `expression(` or any other, so a kept
//!   declaration loads nothing and runs nothing. A declaration with a CSS
//!   escape (`posi\74ion`), a comment, `@`, a brace or an angle bracket, or
//!   an unterminated string or parenthesis is removed whole; property names
//!   are matched case-insensitively, as browsers do (`-moz-binding` and
//!   `behavior` are not listed). An attribute whose declarations all pass is
//!   kept exactly as written; otherwise the kept ones are joined with `; `,
//!   and each removed declaration is reported at its position in the source
//!   (the first 100 of one attribute; the rest counted).
//! - **URLs** ([`URL_SCHEMES`]): `http`, `https`, `mailto` and relative URLs.
//!   Any other scheme is removed, however it is obfuscated: ammonia parses
//!   URLs with the WHATWG URL parser (after HTML entity decoding), as browsers
//!   do, so case, whitespace, control characters and entities change nothing.
//! - **Links**: `target` may only be `_blank`. Every link with
//!   `target="_blank"` gets a `rel` containing `noopener` and `noreferrer`;
//!   the author's other `rel` words (e.g. `nofollow`) are kept.
//! - **Relative URLs**: with `Options::base_url`, site-root and relative URLs
//!   of links and images are resolved against it; fragment-only URLs (`#id`)
//!   stay in-page. Without it they are kept as written, but only when a
//!   browser can resolve them (`//javascript:x` cannot: its port is invalid,
//!   so the attribute is removed).
//! - **Comments** are removed.
//! - **Fixed point**: the output is what a browser's parser gives back when
//!   it parses and serializes it again (output that changes is cleaned a
//!   second time: foster-parented table content, children of removed
//!   elements, misnested formatting elements), so nothing mutates between
//!   the sanitizer and the page.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use url::Url;

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::options::Options;

/// Tags that survive sanitizing. See the module's `# Defaults`.
pub const TAGS: &[&str] = &[
    "a",
    "abbr",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "progress",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Tags removed together with everything inside them.
pub const CLEAN_CONTENT_TAGS: &[&str] = &[
    "script",
    "style",
    "svg",
    "math",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "noembed",
    "noframes",
    "template",
    "input",
    "button",
    "textarea",
    "select",
    "title",
    "xmp",
    "plaintext",
    "audio",
    "video",
    "canvas",
    "portal",
    "fencedframe",
];

/// Attributes allowed on every kept tag (`style` filtered by [`STYLE_PROPERTIES`]).
pub const GENERIC_ATTRIBUTES: &[&str] = &[
    "aria-hidden",
    "class",
    "dir",
    "id",
    "lang",
    "style",
    "title",
];

/// Attributes allowed on specific tags (`align` filtered by [`ALIGN_VALUES`]).
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "target", "rel"]),
    ("img", &["src", "alt", "width", "height", "align"]),
    ("td", &["colspan", "rowspan", "align"]),
    ("th", &["colspan", "rowspan", "scope", "align"]),
    ("p", &["align"]),
    ("div", &["align"]),
    ("table", &["align"]),
    ("h1", &["align"]),
    ("h2", &["align"]),
    ("h3", &["align"]),
    ("h4", &["align"]),
    ("h5", &["align"]),
    ("h6", &["align"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("ol", &["start", "reversed"]),
    ("li", &["value"]),
    ("time", &["datetime"]),
    ("details", &["open"]),
    ("progress", &["value", "max"]),
];

/// The values `align` may take: on `img` the vertical ones too, elsewhere
/// the horizontal ones (matched case-insensitively, written lowercase).
pub const ALIGN_VALUES: &[(&str, &[&str])] = &[
    ("img", &["left", "right", "top", "middle", "bottom"]),
    ("*", &["left", "right", "center", "justify"]),
];

/// CSS properties a `style` attribute keeps: they lay out, size, colour or
/// decorate the element itself and nothing else. See the module's `# Defaults`.
pub const STYLE_PROPERTIES: &[&str] = &[
    // sizes
    "width",
    "height",
    "min-width",
    "min-height",
    "max-width",
    "max-height",
    "box-sizing",
    "aspect-ratio",
    // margins and padding
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    // alignment
    "text-align",
    "vertical-align",
    // display and flex layout
    "display",
    "flex",
    "flex-direction",
    "flex-wrap",
    "flex-flow",
    "flex-grow",
    "flex-shrink",
    "flex-basis",
    "order",
    "justify-content",
    "align-items",
    "align-content",
    "align-self",
    "gap",
    "row-gap",
    "column-gap",
    "float",
    "clear",
    "overflow",
    "overflow-x",
    "overflow-y",
    // colours and backgrounds (values never hold url(): see STYLE_FUNCTIONS)
    "color",
    "background",
    "background-color",
    "opacity",
    // borders, outlines, shadows
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-width",
    "border-style",
    "border-color",
    "border-radius",
    "border-collapse",
    "border-spacing",
    "outline",
    "box-shadow",
    // fonts and text
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "line-height",
    "letter-spacing",
    "word-spacing",
    "text-decoration",
    "text-decoration-color",
    "text-decoration-line",
    "text-decoration-style",
    "text-transform",
    "text-indent",
    "white-space",
    "word-break",
    "overflow-wrap",
    // lists and tables
    "list-style",
    "list-style-type",
    "list-style-position",
    "table-layout",
    "caption-side",
    "cursor",
];

/// The only CSS functions a kept declaration's value may call: colours and
/// arithmetic, and `var` (custom properties of the page's stylesheet; the
/// value's other functions, a fallback's included, are checked too).
/// Anything else (`url`, `image-set`, `attr`, `expression`, …) removes the
/// declaration.
pub const STYLE_FUNCTIONS: &[&str] = &[
    "rgb", "rgba", "hsl", "hsla", "calc", "min", "max", "clamp", "var",
];

/// Form controls: removed (with their content) and reported as such. The
/// only checkboxes in the output are markdown's own, see [`TASK_PLACEHOLDERS`].
pub const FORM_CONTROLS: &[&str] = &["input", "button", "select", "textarea"];

/// What markdown's task-list markers (unchecked, checked) are written as
/// before sanitizing: elements of no allowlist but the one
/// [`Policy::clean_unit`] uses when it can vouch that markdown wrote every
/// one of them.
pub const TASK_PLACEHOLDERS: [&str; 2] =
    ["<pp-task></pp-task>", "<pp-task-checked></pp-task-checked>"];

/// What each of [`TASK_PLACEHOLDERS`] becomes once the unit is sanitized:
/// a disabled checkbox, the markup pulldown-cmark gives task lists.
pub const CHECKBOXES: [&str; 2] = [
    r#"<input disabled="" type="checkbox">"#,
    r#"<input disabled="" checked="" type="checkbox">"#,
];

/// How every placeholder starts; raw HTML holding it (in any case) makes a
/// unit's placeholders untrusted.
const PLACEHOLDER_START: &str = "<pp-task";

/// The placeholders' tag names, allowed only by [`Policy`]'s `tasks` builder.
const PLACEHOLDER_TAGS: [&str; 2] = ["pp-task", "pp-task-checked"];

/// URL schemes allowed in `href` and `src`; relative URLs are allowed too.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Words every `rel` of a `target="_blank"` link contains.
pub const BLANK_REL: &[&str] = &["noopener", "noreferrer"];

/// The configured sanitizer.
pub struct Policy {
    builder: ammonia::Builder<'static>,
    /// The same policy, keeping [`TASK_PLACEHOLDERS`] too.
    tasks: ammonia::Builder<'static>,
}

impl Policy {
    /// Builds the policy. An unusable `options.base_url` is reported as a
    /// warning (line 1) and ignored.
    pub fn new(options: &Options, index: &LineIndex, diagnostics: &mut Vec<Diagnostic>) -> Self {
        Policy::with_base(options.base_url.as_deref(), index, diagnostics)
    }

    /// Builds the policy with `base` as the URL relative URLs resolve
    /// against (the site's base URL, or a page's permalink). An unusable
    /// base is reported as a warning (line 1) and ignored.
    pub fn with_base(
        base: Option<&str>,
        index: &LineIndex,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let base = base.and_then(|raw| match Url::parse(raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
            _ => {
                diagnostics.push(index.diagnostic(
                    0,
                    Severity::Warning,
                    format!(
                        "the base URL `{raw}` is not an absolute http(s) URL; \
                         relative URLs are left as written"
                    ),
                ));
                None
            }
        });
        let tasks = builder(base.clone(), &PLACEHOLDER_TAGS);
        Policy {
            builder: builder(base, &[]),
            tasks,
        }
    }

    /// Sanitizes an HTML fragment (parsed as the content of a `<div>`), and
    /// gives `target="_blank"` links their `rel` words.
    pub fn clean(&self, html: &str) -> String {
        self.clean_unit(html, true, 0)
    }

    /// [`Policy::clean`] for HTML that holds no author-written raw HTML: what
    /// pulldown-cmark and this crate write is escaped, well nested and free of
    /// foreign content, so the browser gives it back unchanged and one pass
    /// suffices. The sanitizer still runs: every piece of HTML passes it.
    pub fn clean_generated(&self, html: &str) -> String {
        self.clean_unit(html, false, 0)
    }

    /// Sanitizes a unit in which markdown wrote `tasks` task-list markers as
    /// [`TASK_PLACEHOLDERS`], with the fixed-point pass when it holds
    /// `raw_html`. The placeholders become [`CHECKBOXES`] only when the unit
    /// holds exactly `tasks` occurrences of `<pp-task` (in any case): then no
    /// raw HTML wrote one, since a start tag's name is never written any other
    /// way (no entity, no tree-builder step makes one). Otherwise every
    /// placeholder is removed like any tag not allowed.
    pub fn clean_unit(&self, html: &str, raw_html: bool, tasks: usize) -> String {
        let trusted = tasks > 0 && count_ignore_ascii_case(html, PLACEHOLDER_START) == tasks;
        let builder = if trusted { &self.tasks } else { &self.builder };
        let once = builder.clean(html).to_string();
        // The tree the sanitizer builds is not always the tree a browser
        // builds from its serialization: foster-parented table content, a
        // removed element's children hoisted into a parent that the parser
        // would have closed (`<h1><x><h2>`), misnested formatting elements.
        // Re-cleaning the output parses it as the browser will, so what we
        // emit is a fixed point of the browser's parser (the XSS suite
        // checks it). The second pass runs only on output that differs from
        // its input, and only for raw HTML.
        let cleaned = if !raw_html || once == html {
            once
        } else {
            let twice = builder.clean(&once).to_string();
            if twice == once {
                once
            } else {
                twice
            }
        };
        let cleaned = add_blank_rel(&cleaned);
        if trusted {
            TASK_PLACEHOLDERS
                .iter()
                .zip(CHECKBOXES)
                .fold(cleaned, |html, (from, to)| html.replace(from, to))
        } else {
            cleaned
        }
    }

    /// The sanitizer applied again to its own output (for checks that it is
    /// a fixed point): the checkboxes of task lists, which only markdown
    /// writes, are read as the placeholders they were written as.
    pub fn clean_again(&self, output: &str) -> String {
        let tasks = CHECKBOXES.iter().map(|c| output.matches(c).count()).sum();
        let html = TASK_PLACEHOLDERS
            .iter()
            .zip(CHECKBOXES)
            .fold(output.to_owned(), |html, (to, from)| html.replace(from, to));
        self.clean_unit(&html, true, tasks)
    }

    /// Whether a URL survives the policy: http(s), mailto, or relative.
    pub fn url_allowed(url: &str) -> bool {
        url_verdict(url).is_ok()
    }

    /// Scans the raw HTML `html`, which starts at byte `offset` of the file:
    /// reports, as warnings, what [`Policy::clean`] will remove from it, and
    /// updates `open`, the stack of elements left open (which ties blocks
    /// together).
    pub fn scan(
        &self,
        html: &str,
        offset: usize,
        index: &LineIndex,
        diagnostics: &mut Vec<Diagnostic>,
        open: &mut Vec<String>,
    ) -> Scan {
        self.scan_within(html, offset, index, Some(diagnostics), open, usize::MAX)
    }

    /// [`Policy::scan`] for a caller that rejects the HTML when elements nest
    /// deeper than `max_deepest` (open ones included): past it the scan stops
    /// and reports nothing, since its findings would be thrown away. (Their
    /// positions cost a walk over the line: on a long line of rejected tags
    /// that was quadratic, found by tests/browser/dos.test.js.) With
    /// `diagnostics` `None`, nothing is reported either (the caller has
    /// reported enough).
    pub fn scan_within(
        &self,
        html: &str,
        offset: usize,
        index: &LineIndex,
        diagnostics: Option<&mut Vec<Diagnostic>>,
        open: &mut Vec<String>,
        max_deepest: usize,
    ) -> Scan {
        let sink = ReportSink {
            state: RefCell::new(ReportState {
                deepest: open.len(),
                open: std::mem::take(open),
                max_deepest,
                ..ReportState::default()
            }),
        };
        tokenize(html, &sink);
        let state = sink.state.into_inner();
        *open = state.open;
        let Some(diagnostics) = diagnostics.filter(|_| state.deepest <= max_deepest) else {
            return Scan {
                words: state.words,
                deepest: state.deepest,
                elements: state.elements,
            };
        };
        // The tokenizer gives lines, not columns: find each start tag in the
        // text, in order, so repeated tags are told apart.
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(html.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut cursor = 0;
        for tag in state.start_tags {
            let line_start = line_starts
                .get((tag.line as usize).saturating_sub(1))
                .copied()
                .unwrap_or(0);
            let at = find_tag(html, cursor, &tag.name, line_start).unwrap_or(cursor);
            cursor = (at + 1).min(html.len());
            // A declaration is pointed at where it is written, when the
            // source spells it as the decoded value does (no entities): the
            // tag's text is searched once, left to right, so repeated
            // declarations each get their own place and a tag with many
            // costs its length, not its length times their number.
            let mut tag_text: Option<&str> = None;
            let mut within_cursor = 0;
            // Positions within a tag only move forward: count columns on
            // from the last one (a style of thousands of removed
            // declarations on one line would otherwise be quadratic).
            let mut last: Option<(usize, (u32, u32))> = None;
            for finding in tag.findings {
                let within = finding.needle.and_then(|needle| {
                    let text = *tag_text
                        .get_or_insert_with(|| html.get(at..tag_end(html, at)).unwrap_or(""));
                    let found = within_cursor + text.get(within_cursor..)?.find(&needle)?;
                    within_cursor = found + needle.len();
                    Some(found)
                });
                let position = offset + at + within.unwrap_or(0);
                let (line, column) = match last {
                    Some(from) => index.line_col_after(from, position),
                    None => index.line_col(position),
                };
                last = Some((position, (line, column)));
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    line,
                    column,
                    message: finding.message,
                    origin: None,
                });
            }
        }
        Scan {
            words: state.words,
            deepest: state.deepest,
            elements: state.elements,
        }
    }
}

/// The ammonia builder of the policy (see `# Defaults`), allowing
/// `extra_tags` besides [`TAGS`].
fn builder(base: Option<Url>, extra_tags: &[&'static str]) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().chain(extra_tags).copied().collect())
        .clean_content_tags(CLEAN_CONTENT_TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|&(tag, attrs)| (tag, attrs.iter().copied().collect::<HashSet<_>>()))
                .collect::<HashMap<_, _>>(),
        )
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    match base {
        Some(base) => {
            builder.url_relative(ammonia::UrlRelative::Custom(Box::new(ResolveAgainst(base))));
        }
        None => {
            builder.url_relative(ammonia::UrlRelative::Custom(Box::new(KeepIfResolvable)));
        }
    }
    builder
}

/// How many times `needle` (ASCII) occurs in `haystack`, ignoring ASCII case.
fn count_ignore_ascii_case(haystack: &str, needle: &str) -> usize {
    haystack
        .as_bytes()
        .windows(needle.len())
        .filter(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
        .count()
}

/// What [`Policy::scan`] learned about a piece of raw HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Words of its text content.
    pub words: usize,
    /// The most elements open at once while reading it (those open before included).
    pub deepest: usize,
    /// Its start tags (removed ones included): the elements it adds.
    pub elements: usize,
}

/// Resolves relative URLs against the base, keeping `#fragment` links in-page.
struct ResolveAgainst(Url);

impl ammonia::UrlRelativeEvaluate<'static> for ResolveAgainst {
    fn evaluate<'a>(&self, url: &'a str) -> Option<Cow<'a, str>> {
        if url.starts_with('#') {
            return Some(Cow::Borrowed(url));
        }
        self.0.join(url).ok().map(|u| Cow::Owned(u.into()))
    }
}

/// Keeps a relative URL as written, but only when a browser can resolve it:
/// `//javascript:x` is scheme-relative with an invalid port, which browsers
/// refuse to parse (a click lands on `about:blank#blocked`), so no scheme
/// check could ever apply to it.
struct KeepIfResolvable;

/// The base [`KeepIfResolvable`] and [`url_verdict`] resolve relative URLs against.
const PROBE_BASE: &str = "https://relative.invalid/dir/page";

impl ammonia::UrlRelativeEvaluate<'static> for KeepIfResolvable {
    fn evaluate<'a>(&self, url: &'a str) -> Option<Cow<'a, str>> {
        resolvable(url).then_some(Cow::Borrowed(url))
    }
}

/// Whether relative `url` resolves against an http(s) base, as in a browser.
fn resolvable(url: &str) -> bool {
    Url::parse(PROBE_BASE)
        .and_then(|base| base.join(url))
        .is_ok_and(|u| URL_SCHEMES.contains(&u.scheme()))
}

/// ammonia's per-attribute hook: `target` only `_blank`, `style` only the
/// declarations [`style_declarations`] keeps, `align` only [`ALIGN_VALUES`].
fn filter_attribute<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    match (element, attribute) {
        ("a", "target") => value
            .eq_ignore_ascii_case("_blank")
            .then_some(Cow::Borrowed("_blank")),
        (_, "style") => {
            let declarations = style_declarations(value);
            if declarations.iter().all(|d| d.removal.is_none()) {
                return Some(Cow::Borrowed(value));
            }
            let kept: Vec<&str> = declarations
                .iter()
                .filter(|d| d.removal.is_none())
                .map(|d| d.text)
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join("; ")))
        }
        (_, "align") => align_value(element, value).map(Cow::Borrowed),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// The value `align="value"` keeps on `element`, lowercase, if any.
fn align_value(element: &str, value: &str) -> Option<&'static str> {
    let allowed = ALIGN_VALUES
        .iter()
        .find(|(tag, _)| *tag == element || *tag == "*")
        .map_or(&[][..], |(_, values)| *values);
    allowed
        .iter()
        .copied()
        .find(|a| value.trim().eq_ignore_ascii_case(a))
}

/// One declaration of a `style` attribute: its text (trimmed, without the
/// `;`) and why it is removed.
struct Declaration<'a> {
    text: &'a str,
    removal: Option<String>,
}

/// Splits a `style` attribute's value into declarations (at `;` outside
/// strings and parentheses, as CSS does) and judges each by the policy.
fn style_declarations(style: &str) -> Vec<Declaration<'_>> {
    let mut out = vec![];
    let mut start = 0;
    let mut quote = None;
    let mut depth = 0usize;
    // A string that a line break ends is a CSS "bad string": the browser drops its declaration.
    let mut bad_string = false;
    let mut push = |from: usize, to: usize, incomplete: bool| {
        let raw = &style[from..to];
        let text = raw.trim_matches(|c: char| c.is_ascii_whitespace());
        if !text.is_empty() {
            let removal = if incomplete {
                Some(
                    "it is not a complete declaration (a string or parenthesis is not closed)"
                        .to_owned(),
                )
            } else {
                declaration_removal(text)
            };
            out.push(Declaration { text, removal });
        }
    };
    for (i, c) in style.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), '\n' | '\r' | '\u{c}') => {
                quote = None;
                bad_string = true;
            }
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ';') if depth == 0 => {
                push(start, i, bad_string);
                start = i + 1;
                bad_string = false;
            }
            _ => {}
        }
    }
    push(
        start,
        style.len(),
        bad_string || quote.is_some() || depth > 0,
    );
    out
}

/// Why the policy removes one `property: value` declaration, if it does.
fn declaration_removal(text: &str) -> Option<String> {
    if text.contains('\\') {
        return Some("CSS escapes are not allowed in styles".to_owned());
    }
    if text.contains("/*") || text.contains("*/") {
        return Some("comments are not allowed in styles".to_owned());
    }
    if let Some(c) = text.chars().find(|c| "{}<>@".contains(*c)) {
        return Some(format!("`{}` is not allowed in styles", c.escape_default()));
    }
    let Some((property, value)) = text.split_once(':') else {
        return Some("it is not a `property: value` declaration".to_owned());
    };
    let property = property.trim_matches(|c: char| c.is_ascii_whitespace());
    let name = property.to_ascii_lowercase();
    if !STYLE_PROPERTIES.contains(&name.as_str()) {
        return Some(format!(
            "the property `{property}` is not allowed (only properties that lay out or colour the element itself are)"
        ));
    }
    let value = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if value.is_empty() {
        return Some("it has no value".to_owned());
    }
    // Every `(` must open an allowed function: `name(` with no space between.
    for (at, _) in value.match_indices('(') {
        let before = &value[..at];
        let function = &before[before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(0, |i| i + 1)..];
        if !STYLE_FUNCTIONS.contains(&function.to_ascii_lowercase().as_str()) {
            return Some(format!(
                "`{function}(` is not allowed in styles (only {})",
                STYLE_FUNCTIONS.join(", ")
            ));
        }
    }
    None
}

/// Why a URL is refused, or `Ok` when it is allowed. Mirrors ammonia's check.
fn url_verdict(url: &str) -> Result<(), String> {
    match Url::parse(url) {
        Ok(parsed) if URL_SCHEMES.contains(&parsed.scheme()) => Ok(()),
        Ok(parsed) => Err(format!(
            "the URL scheme `{}:` is not allowed",
            parsed.scheme()
        )),
        Err(url::ParseError::RelativeUrlWithoutBase) if resolvable(url) => Ok(()),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            Err("the relative URL cannot be resolved (a browser would refuse it)".to_owned())
        }
        Err(e) => Err(format!("the URL is not valid ({e})")),
    }
}

/// Why a URL-valued attribute is removed, phrased for authors.
pub fn url_removal_reason(url: &str) -> Option<String> {
    url_verdict(url)
        .err()
        .map(|why| format!("{why} (only http, https, mailto and relative URLs are)"))
}

/// Adds [`BLANK_REL`] to every `<a … target="_blank" …>` start tag in
/// ammonia's serialized output, keeping the author's other `rel` words.
///
/// The scan relies on the serializer's canonical form: text and attribute
/// values are escaped, values are double-quoted and never contain `"`, so a
/// `<` outside a quoted value always starts a tag.
fn add_blank_rel(html: &str) -> String {
    if !html.contains("_blank") {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(start) = find_unquoted_tag_start(rest, "a") {
        let end = tag_end(rest, start);
        out.push_str(&rest[..start]);
        out.push_str(&rewrite_link_tag(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The byte offset of the next `<name` start tag in serialized HTML.
fn find_unquoted_tag_start(html: &str, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(pos) = html[i..].find('<') {
        let at = i + pos;
        let after = &html[at + 1..];
        if after.starts_with(name)
            && matches!(after.as_bytes().get(name.len()), Some(b' ' | b'>' | b'/'))
        {
            return Some(at);
        }
        // Skip this tag entirely, quoted values included.
        i = if bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
            tag_end(html, at)
        } else {
            at + 1
        };
    }
    None
}

/// The offset just past the `>` closing the tag that starts at `start`.
fn tag_end(html: &str, start: usize) -> usize {
    let mut quoted = false;
    for (i, b) in html.bytes().enumerate().skip(start) {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Rewrites one serialized `<a …>` start tag so a `_blank` target has its rel words.
fn rewrite_link_tag(tag: &str) -> Cow<'_, str> {
    if !tag.contains(" target=\"_blank\"") {
        return Cow::Borrowed(tag);
    }
    let merged = |existing: &str| {
        let mut words: Vec<&str> = existing.split_ascii_whitespace().collect();
        for w in BLANK_REL {
            if !words.iter().any(|x| x.eq_ignore_ascii_case(w)) {
                words.push(w);
            }
        }
        words.join(" ")
    };
    if let Some(at) = tag.find(" rel=\"") {
        let value_start = at + " rel=\"".len();
        let value_end = value_start + tag[value_start..].find('"').unwrap_or(0);
        Cow::Owned(format!(
            "{}{}{}",
            &tag[..value_start],
            merged(&tag[value_start..value_end]),
            &tag[value_end..]
        ))
    } else {
        let close = tag.len() - 1;
        Cow::Owned(format!(
            "{} rel=\"{}\"{}",
            &tag[..close],
            merged(""),
            &tag[close..]
        ))
    }
}

/// Adds `attrs` (already escaped, e.g. ` data-line="3"`) to the first start
/// tag of sanitized `html`, when `html` starts with an element. Returns
/// whether it did.
pub fn add_attributes_to_first_element(html: &mut String, attrs: &str) -> bool {
    let lead = html.len() - html.trim_start().len();
    let bytes = html.as_bytes();
    if bytes.get(lead) != Some(&b'<') || !bytes.get(lead + 1).is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let name_end = html[lead + 1..]
        .find(|c: char| !c.is_ascii_alphanumeric())
        .map_or(html.len(), |i| lead + 1 + i);
    html.insert_str(name_end, attrs);
    true
}

/// A start tag seen by the report, with what the sanitizer removes from it.
struct StartTag {
    /// Lowercase tag name, to locate it in the source.
    name: String,
    /// 1-based line within the reported chunk.
    line: u64,
    findings: Vec<Finding>,
}

/// One removal to report: its message, and the text to point at inside the
/// tag (a style declaration) when it can be found there, else the tag.
struct Finding {
    message: String,
    needle: Option<String>,
}

impl From<String> for Finding {
    fn from(message: String) -> Self {
        Finding {
            message,
            needle: None,
        }
    }
}

#[derive(Default)]
struct ReportState {
    start_tags: Vec<StartTag>,
    /// Elements opened and not yet closed, across calls.
    open: Vec<String>,
    /// The longest `open` has been.
    deepest: usize,
    /// Start tags seen.
    elements: usize,
    /// Past this depth, stop tracking: the caller rejects the HTML.
    max_deepest: usize,
    /// Open elements whose content is removed with them.
    removed_depth: Vec<String>,
    words: usize,
    /// Whether the previous character token ended inside a word.
    in_word: bool,
}

struct ReportSink {
    state: RefCell<ReportState>,
}

/// Runs html5ever's tokenizer (no tree builder) over `html` into `sink`.
/// Every tokenizer pass of the crate goes through here with the one sink
/// type below, so the tokenizer is compiled once: each sink type would be
/// another copy of it in the wasm (about 60 KB).
pub(crate) fn tokenize(html: &str, sink: &dyn TokenSink<Handle = ()>) {
    let tokenizer = Tokenizer::new(DynSink(sink), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(html.into());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
}

/// The one sink type [`tokenize`] instantiates the tokenizer with.
struct DynSink<'a>(&'a dyn TokenSink<Handle = ()>);

impl TokenSink for DynSink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        self.0.process_token(token, line)
    }

    fn end(&self) {
        self.0.end();
    }
}

impl TokenSink for ReportSink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        // Past the caller's bound the HTML is shown as text whatever else it
        // holds: stop tracking (unmatched end tags under a deep stack would
        // make the search below quadratic).
        if state.deepest > state.max_deepest {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                state.in_word = false;
                if tag.kind == TagKind::EndTag {
                    if state.removed_depth.last() == Some(&name) {
                        state.removed_depth.pop();
                    }
                    if let Some(at) = state.open.iter().rposition(|n| *n == name) {
                        state.open.truncate(at);
                    }
                    return TokenSinkResult::Continue;
                }
                state.elements += 1;
                if !tag.self_closing && !VOID_ELEMENTS.contains(&name.as_str()) {
                    state.open.push(name.clone());
                    state.deepest = state.deepest.max(state.open.len());
                }
                if !state.removed_depth.is_empty() {
                    return TokenSinkResult::Continue;
                }
                let mut findings: Vec<Finding> = vec![];
                let mut result = TokenSinkResult::Continue;
                let void = VOID_ELEMENTS.contains(&name.as_str());
                if CLEAN_CONTENT_TAGS.contains(&name.as_str()) {
                    let what = if void { "" } else { " and its content" };
                    let why = if FORM_CONTROLS.contains(&name.as_str()) {
                        "form controls are not allowed in posts"
                    } else {
                        "it is not allowed in posts"
                    };
                    findings.push(format!("removed <{name}>{what}: {why}").into());
                    // A void element has no content and no end tag.
                    if !tag.self_closing && !void {
                        state.removed_depth.push(name.clone());
                    }
                    if let Some(kind) = raw_kind(&name) {
                        result = TokenSinkResult::RawData(kind);
                    }
                } else if !TAGS.contains(&name.as_str()) {
                    findings.push(
                        format!(
                            "removed the <{name}> tag (its content is kept): it is not allowed in posts"
                        )
                        .into(),
                    );
                } else {
                    for attr in &tag.attrs {
                        if &*attr.name.local == "style" && attr.name.prefix.is_none() {
                            findings.extend(style_findings(&name, &attr.value));
                        } else if let Some(why) =
                            attribute_removal(&name, &attr.name.local, &attr.value)
                        {
                            findings.push(
                                format!(
                                    "removed the {} attribute from <{name}>: {why}",
                                    attr.name.local
                                )
                                .into(),
                            );
                        }
                    }
                }
                state.start_tags.push(StartTag {
                    name,
                    line,
                    findings,
                });
                result
            }
            Token::CharacterTokens(text) if state.removed_depth.is_empty() => {
                let mut words = 0;
                let mut in_word = state.in_word;
                for c in text.chars() {
                    if c.is_whitespace() {
                        in_word = false;
                    } else if !in_word {
                        in_word = true;
                        words += 1;
                    }
                }
                state.words += words;
                state.in_word = in_word;
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// Elements that never have content or an end tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link", "meta",
    "param", "source", "track", "wbr",
];

/// The tokenizer state a removed element's content is read in.
fn raw_kind(name: &str) -> Option<RawKind> {
    match name {
        "script" => Some(RawKind::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
        "textarea" | "title" => Some(RawKind::Rcdata),
        _ => None,
    }
}

/// Removed declarations of one `style` attribute reported one by one; the
/// rest are counted in one more finding (the markdown phase lists 500
/// problems at most anyway, and one tag is reported in one piece).
const MAX_STYLE_FINDINGS: usize = 100;

/// Each declaration the policy removes from `<tag style="style">`, to report.
fn style_findings(tag: &str, style: &str) -> Vec<Finding> {
    let mut findings: Vec<Finding> = vec![];
    let mut more = 0;
    for d in style_declarations(style) {
        let Some(why) = d.removal else { continue };
        if findings.len() == MAX_STYLE_FINDINGS {
            more += 1;
            continue;
        }
        let shown = match d.text.char_indices().nth(60) {
            Some((cut, _)) => format!("{}…", &d.text[..cut]),
            None => d.text.to_owned(),
        };
        findings.push(Finding {
            message: format!("removed `{shown}` from the style of <{tag}>: {why}"),
            needle: Some(d.text.to_owned()),
        });
    }
    if more > 0 {
        findings.push(
            format!("removed {more} more declarations from the style of <{tag}> (not listed)")
                .into(),
        );
    }
    findings
}

/// Why the policy removes attribute `attr="value"` from a kept `<tag>`, if it does.
fn attribute_removal(tag: &str, attr: &str, value: &str) -> Option<String> {
    let allowed = GENERIC_ATTRIBUTES.contains(&attr)
        || TAG_ATTRIBUTES
            .iter()
            .any(|(t, attrs)| *t == tag && attrs.contains(&attr));
    if !allowed {
        return Some(if attr.starts_with("on") {
            "event handlers never run in posts".to_owned()
        } else {
            "it is not allowed on this element".to_owned()
        });
    }
    if matches!(attr, "href" | "src") {
        return url_removal_reason(value);
    }
    if filter_attribute(tag, attr, value).is_none() {
        return Some(match attr {
            "target" => format!("target=\"{value}\" is not allowed, only _blank is"),
            _ => format!("{attr}=\"{value}\" is not one of the values allowed here"),
        });
    }
    None
}

/// Finds `<tag` (case-insensitive) at or after `from` in `html`, on or after
/// the line that starts at byte `line_start`.
///
/// Linear in the bytes it passes over: it neither copies nor lowercases the
/// rest of the chunk (that made scanning 10,000 nested tags quadratic, found
/// by tests/browser/dos.test.js).
fn find_tag(html: &str, from: usize, tag: &str, line_start: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let needle = tag.as_bytes();
    let mut i = from.max(line_start).min(bytes.len());
    while let Some(pos) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + pos;
        let name = &bytes[at + 1..];
        if name.len() >= needle.len() && name[..needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn check(html: &str, expect: Expect) {
        let index = LineIndex::new(html);
        let mut diagnostics = vec![];
        let policy = Policy::new(&Options::default(), &index, &mut diagnostics);
        policy.scan(html, 0, &index, &mut diagnostics, &mut vec![]);
        let mut out = policy.clean(html);
        for d in diagnostics {
            out.push_str(&format!("\n{d}"));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn keeps_what_authors_write() {
        check(
            r#"<p><u>under</u>&nbsp;<a href="https://x.org" title="t" target="_blank" rel="nofollow">x</a> <img src="/a.png" alt="a" width="10" height="20" title="i"></p>"#,
            expect![[
                r#"<p><u>under</u>&nbsp;<a href="https://x.org" title="t" target="_blank" rel="nofollow noopener noreferrer">x</a> <img src="/a.png" alt="a" width="10" height="20" title="i"></p>"#
            ]],
        );
    }

    #[test]
    fn blank_links_get_rel() {
        check(
            r#"<a target="_BLANK" href="/x">a</a><a href="/y" target="_self">b</a><a title='<a target="_blank">' href=z>c</a>"#,
            expect![[r#"
                <a target="_blank" href="/x" rel="noopener noreferrer">a</a><a href="/y">b</a><a title="&lt;a target=&quot;_blank&quot;&gt;" href="z">c</a>
                1:35: warning: removed the target attribute from <a>: target="_self" is not allowed, only _blank is"#]],
        );
    }

    #[test]
    fn removes_scripts_handlers_and_bad_schemes() {
        check(
            "<script>alert(1)</script><b onclick=\"x()\">b</b>\n<a href=\"JaVa&#x09;ScRiPt:alert(1)\">j</a><img src=\" data:image/png,x\">",
            expect![[r#"
                <b>b</b>
                <a>j</a><img>
                1:1: warning: removed <script> and its content: it is not allowed in posts
                1:26: warning: removed the onclick attribute from <b>: event handlers never run in posts
                2:1: warning: removed the href attribute from <a>: the URL scheme `javascript:` is not allowed (only http, https, mailto and relative URLs are)
                2:42: warning: removed the src attribute from <img>: the URL scheme `data:` is not allowed (only http, https, mailto and relative URLs are)"#]],
        );
    }

    #[test]
    fn removes_forms_frames_svg_meta() {
        check(
            r#"<form action="/x"><input type="text" name="q" value="v"></form><iframe src="https://x"></iframe><svg><a href="/s">s</a></svg><math><mi>x</mi></math><meta http-equiv="refresh" content="0"><base href="//evil"><link rel="stylesheet" href="x"><style>*{}</style>"#,
            expect![[r#"

                1:1: warning: removed the <form> tag (its content is kept): it is not allowed in posts
                1:19: warning: removed <input>: form controls are not allowed in posts
                1:64: warning: removed <iframe> and its content: it is not allowed in posts
                1:97: warning: removed <svg> and its content: it is not allowed in posts
                1:126: warning: removed <math> and its content: it is not allowed in posts
                1:149: warning: removed the <meta> tag (its content is kept): it is not allowed in posts
                1:188: warning: removed the <base> tag (its content is kept): it is not allowed in posts
                1:208: warning: removed the <link> tag (its content is kept): it is not allowed in posts
                1:240: warning: removed <style> and its content: it is not allowed in posts"#]],
        );
    }

    #[test]
    fn removes_every_form_control() {
        // Each is removed and reported at its position, void ones included;
        // findings after a void removed element (`<embed>`, `<input>`) are
        // still reported.
        check(
            "<input type=text><input type=password name=p><input type=checkbox disabled checked><input type=hidden value=v><input type=submit><input type=image src=x.png><input type=file><input>\n\
             <button type=submit>Go</button><select name=s><option>1</option></select><textarea>t</textarea><embed src=x><b onclick=x>b</b>",
            expect![[r#"

                <b>b</b>
                1:1: warning: removed <input>: form controls are not allowed in posts
                1:18: warning: removed <input>: form controls are not allowed in posts
                1:46: warning: removed <input>: form controls are not allowed in posts
                1:84: warning: removed <input>: form controls are not allowed in posts
                1:111: warning: removed <input>: form controls are not allowed in posts
                1:130: warning: removed <input>: form controls are not allowed in posts
                1:158: warning: removed <input>: form controls are not allowed in posts
                1:175: warning: removed <input>: form controls are not allowed in posts
                2:1: warning: removed <button> and its content: form controls are not allowed in posts
                2:32: warning: removed <select> and its content: form controls are not allowed in posts
                2:74: warning: removed <textarea> and its content: form controls are not allowed in posts
                2:96: warning: removed <embed>: it is not allowed in posts
                2:109: warning: removed the onclick attribute from <b>: event handlers never run in posts"#]],
        );
    }

    #[test]
    fn task_placeholders_only_when_markdown_wrote_them_all() {
        let index = LineIndex::new("");
        let policy = Policy::new(&Options::default(), &index, &mut vec![]);
        let [open, checked] = TASK_PLACEHOLDERS;
        let unit = format!("<ul><li>{open}a</li><li>{checked}b</li></ul>");
        expect![[r#"<ul><li><input disabled="" type="checkbox">a</li><li><input disabled="" checked="" type="checkbox">b</li></ul>"#]].assert_eq(&policy.clean_unit(&unit, false, 2));
        // One more `<pp-task` than markdown wrote (raw HTML wrote it, in any
        // case): none is trusted. Fewer: the same.
        let forged = format!("<ul><li>{open}a</li><li><PP-Task></pp-task>b</li></ul>");
        expect!["<ul><li>a</li><li>b</li></ul>"].assert_eq(&policy.clean_unit(&forged, true, 1));
        expect!["<ul><li>a</li><li>b</li></ul>"].assert_eq(&policy.clean_unit(&unit, false, 3));
        // Without markers the placeholders are tags like any not allowed.
        expect!["<ul><li>a</li><li>b</li></ul>"].assert_eq(&policy.clean(&unit));
        // The output is a fixed point of `clean_again`.
        let out = policy.clean_unit(&unit, false, 2);
        assert_eq!(policy.clean_again(&out), out);
    }

    #[test]
    fn unresolvable_relative_urls_are_removed() {
        // Found by tests/browser/xss.test.js (url-scheme-44): browsers cannot
        // parse `//javascript:x` (a non-numeric port) and navigate to
        // about:blank#blocked; no scheme check applies to it.
        check(
            r#"<a href="//javascript:alert(1)">a</a><img src="//javascript:alert(1)"><a href="//example.org/x">b</a><a href="x:y">c</a>"#,
            expect![[r#"
                <a>a</a><img><a href="//example.org/x">b</a><a>c</a>
                1:1: warning: removed the href attribute from <a>: the relative URL cannot be resolved (a browser would refuse it) (only http, https, mailto and relative URLs are)
                1:38: warning: removed the src attribute from <img>: the relative URL cannot be resolved (a browser would refuse it) (only http, https, mailto and relative URLs are)
                1:102: warning: removed the href attribute from <a>: the URL scheme `x:` is not allowed (only http, https, mailto and relative URLs are)"#]],
        );
    }

    #[test]
    fn output_is_a_fixed_point() {
        // Found by tests/browser/xss.test.js (mutation-32, nesting-03): a
        // list item foster-parented out of a table, and a heading inside a
        // removed element, nest in a way the browser's parser never builds.
        let index = LineIndex::new("");
        let policy = Policy::new(&Options::default(), &index, &mut vec![]);
        for html in [
            "<ul><li>a\n<li><table><svg></svg><li>b</li></table></li></ul>",
            "<h1><x><h2>t</h2></x></h1>",
            "<p><b><x><p>q</p></x></b></p>",
            "<a href=/1><x><a href=/2>n</a></x></a>",
        ] {
            let once = policy.clean(html);
            assert_eq!(policy.clean(&once), once, "{html}");
        }
    }

    #[test]
    fn table_alignment_and_safe_styles() {
        check(
            r#"<table><tr><th style="text-align: right;">a</th><td style="color:red">b</td><td style="text-align:center; position: fixed">c</td></tr></table><p style="text-align:right">p</p>"#,
            expect![[r#"
                <table><tbody><tr><th style="text-align: right;">a</th><td style="color:red">b</td><td style="text-align:center">c</td></tr></tbody></table><p style="text-align:right">p</p>
                1:107: warning: removed `position: fixed` from the style of <td>: the property `position` is not allowed (only properties that lay out or colour the element itself are)"#]],
        );
    }

    #[test]
    fn styles_keep_layout_and_colour_exactly_as_written() {
        check(
            r#"<div style="display: flex; margin-bottom: 10px;"><img style="max-width: 60%" src="a.png"></div><hr style="height: 1px; background: rgb(0 0 0 / 10%); border: 0"><table style="width: 100%; border-collapse: collapse"><tr><td style="padding: 0 calc(1em + 2px); Font-Weight: BOLD">x</td></tr></table>"#,
            expect![[
                r#"<div style="display: flex; margin-bottom: 10px;"><img style="max-width: 60%" src="a.png"></div><hr style="height: 1px; background: rgb(0 0 0 / 10%); border: 0"><table style="width: 100%; border-collapse: collapse"><tbody><tr><td style="padding: 0 calc(1em + 2px); Font-Weight: BOLD">x</td></tr></tbody></table>"#
            ]],
        );
    }

    #[test]
    fn hostile_styles_are_removed_and_reported_where_written() {
        check(
            "<p style=\"color: red; position: fixed; z-index: 9; transform: scale(9)\">a</p>\n<span style='background: url(https://x.org/a.png); width: 1px'>b</span><div style=\"width: expression(alert(1)); behavior: url(x.htc); -moz-binding: url(x.xml#x)\">c</div>\n<b style=\"posi\\74ion: fixed; color: red /* x */; @import 'x'; color: var(--x, url(https://x.org/a.png)); TOP: 0; color: red !important; font-family: 'unclosed\">d</b><i style=\"posi&#116;ion: fixed\">e</i>",
            expect![[r#"
                <p style="color: red">a</p>
                <span style="width: 1px">b</span><div>c</div>
                <b style="color: red !important">d</b><i>e</i>
                1:23: warning: removed `position: fixed` from the style of <p>: the property `position` is not allowed (only properties that lay out or colour the element itself are)
                1:40: warning: removed `z-index: 9` from the style of <p>: the property `z-index` is not allowed (only properties that lay out or colour the element itself are)
                1:52: warning: removed `transform: scale(9)` from the style of <p>: the property `transform` is not allowed (only properties that lay out or colour the element itself are)
                2:14: warning: removed `background: url(https://x.org/a.png)` from the style of <span>: `url(` is not allowed in styles (only rgb, rgba, hsl, hsla, calc, min, max, clamp, var)
                2:84: warning: removed `width: expression(alert(1))` from the style of <div>: `expression(` is not allowed in styles (only rgb, rgba, hsl, hsla, calc, min, max, clamp, var)
                2:113: warning: removed `behavior: url(x.htc)` from the style of <div>: the property `behavior` is not allowed (only properties that lay out or colour the element itself are)
                2:135: warning: removed `-moz-binding: url(x.xml#x)` from the style of <div>: the property `-moz-binding` is not allowed (only properties that lay out or colour the element itself are)
                3:11: warning: removed `posi\74ion: fixed` from the style of <b>: CSS escapes are not allowed in styles
                3:30: warning: removed `color: red /* x */` from the style of <b>: comments are not allowed in styles
                3:50: warning: removed `@import 'x'` from the style of <b>: `@` is not allowed in styles
                3:63: warning: removed `color: var(--x, url(https://x.org/a.png))` from the style of <b>: `url(` is not allowed in styles (only rgb, rgba, hsl, hsla, calc, min, max, clamp, var)
                3:106: warning: removed `TOP: 0` from the style of <b>: the property `TOP` is not allowed (only properties that lay out or colour the element itself are)
                3:137: warning: removed `font-family: 'unclosed` from the style of <b>: it is not a complete declaration (a string or parenthesis is not closed)
                3:166: warning: removed `position: fixed` from the style of <i>: the property `position` is not allowed (only properties that lay out or colour the element itself are)"#]],
        );
    }

    #[test]
    fn repeated_declarations_are_each_reported_where_written() {
        check(
            r#"<p style="top: 0; color: red; top: 0">a</p>"#,
            expect![[r#"
                <p style="color: red">a</p>
                1:11: warning: removed `top: 0` from the style of <p>: the property `top` is not allowed (only properties that lay out or colour the element itself are)
                1:31: warning: removed `top: 0` from the style of <p>: the property `top` is not allowed (only properties that lay out or colour the element itself are)"#]],
        );
    }

    #[test]
    fn a_style_lists_at_most_so_many_removals() {
        let html = format!("<p style=\"{}color: red\">a</p>", "top: 0; ".repeat(103));
        let index = LineIndex::new(&html);
        let mut diagnostics = vec![];
        let policy = Policy::new(&Options::default(), &index, &mut diagnostics);
        policy.scan(&html, 0, &index, &mut diagnostics, &mut vec![]);
        assert_eq!(diagnostics.len(), MAX_STYLE_FINDINGS + 1);
        assert_eq!(diagnostics[99].column, 11 + 99 * 8);
        expect![[
            r#"1:1: warning: removed 3 more declarations from the style of <p> (not listed)"#
        ]]
        .assert_eq(&diagnostics[100].to_string());
        assert_eq!(policy.clean(&html), r#"<p style="color: red">a</p>"#);
    }

    #[test]
    fn presentational_align() {
        check(
            r#"<p align="center">a</p><img align="LEFT" src="a.png"><h2 align="right">h</h2><td align="justify">x</td><table align="center"><tr><th align="left">t</th></tr></table><div align="middle">d</div><span align="left">s</span>"#,
            expect![[r#"
                <p align="center">a</p><img align="left" src="a.png"><h2 align="right">h</h2>x<table align="center"><tbody><tr><th align="left">t</th></tr></tbody></table><div>d</div><span>s</span>
                1:166: warning: removed the align attribute from <div>: align="middle" is not one of the values allowed here
                1:193: warning: removed the align attribute from <span>: it is not allowed on this element"#]],
        );
    }

    #[test]
    fn base_url_resolves_but_keeps_fragments() {
        let index = LineIndex::new("");
        let options = Options {
            base_url: Some("https://foundation.rust-lang.org".into()),
            ..Options::default()
        };
        let policy = Policy::new(&options, &index, &mut vec![]);
        expect![[r##"<img src="https://foundation.rust-lang.org/img/x.png"><a href="#fn1">1</a><a href="https://foundation.rust-lang.org/news/a">a</a>"##]]
            .assert_eq(&policy.clean(r##"<img src="/img/x.png"><a href="#fn1">1</a><a href="news/a">a</a>"##));
    }

    #[test]
    fn bad_base_url_is_a_warning() {
        let index = LineIndex::new("");
        let mut diagnostics = vec![];
        let options = Options {
            base_url: Some("javascript:alert(1)".into()),
            ..Options::default()
        };
        Policy::new(&options, &index, &mut diagnostics);
        expect![[r#"[Diagnostic { severity: Warning, line: 1, column: 1, message: "the base URL `javascript:alert(1)` is not an absolute http(s) URL; relative URLs are left as written", origin: None }]"#]]
            .assert_eq(&format!("{diagnostics:?}"));
    }

    #[test]
    fn first_element_annotation() {
        let mut html = "<p>x</p>".to_owned();
        assert!(add_attributes_to_first_element(
            &mut html,
            r#" data-line="1""#
        ));
        assert_eq!(html, r#"<p data-line="1">x</p>"#);
        let mut text = "text <b>x</b>".to_owned();
        assert!(!add_attributes_to_first_element(
            &mut text,
            r#" data-line="1""#
        ));
    }
}

//! The page header, as the site's layout renders it: the profile's header
//! template (Jinja, rendered by [`crate::jinja`]) over the front matter.
//!
//! This is the one place the template engine is used
//! ([`Templates::new`]):
//!
//! # Defaults
//!
//! - **Escaping**: the header is HTML, so every value it writes is escaped
//!   unless the template marks it `|safe`; the permalink is a URL and is
//!   written as it is. Front matter strings are text, never HTML.
//! - **Fuel**: a render may take at most [`FUEL`] steps; a template that
//!   loops longer stops with a diagnostic, so no profile can freeze a
//!   render. The rest (undefined values, filters, white space, the output
//!   limit) is the engine's, under `# Defaults` in [`crate::jinja`].
//! - **Context**: every front matter key at the top level and under `page`
//!   (`title`, `description`, `byline`, `date`, `tags` without the profile's
//!   hidden tags, and every other key as written, `extra` tables included),
//!   `site.base_url`, and `permalink`.
//!
//! The output still passes through the sanitizer, like every piece of HTML
//! in the preview.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::front_matter::FrontMatter;
use crate::jinja::{Error, ErrorKind, Escape, Template};
use crate::sanitize::Policy;

/// The most template steps one render may run.
pub const FUEL: u64 = 100_000;

/// A profile's compiled templates: the header and the permalink.
#[derive(Debug, Clone)]
pub struct Templates {
    header: Arc<Template>,
    permalink: Option<Arc<Template>>,
    placement: [Placement; 2],
}

/// Where a template's first character is in the profile file (1-based line
/// and column), so that a template's own line and column can be given in
/// the file's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The line.
    pub line: u32,
    /// The column.
    pub column: u32,
}

impl Default for Placement {
    fn default() -> Self {
        Placement { line: 1, column: 1 }
    }
}

impl Placement {
    /// A template's 1-based `line` and `column` in the profile file.
    pub fn map(self, line: u32, column: u32) -> (u32, u32) {
        if line <= 1 {
            (self.line, self.column + column.saturating_sub(1))
        } else {
            (self.line + line - 1, column)
        }
    }
}

/// Why a template failed while rendering: a sentence, and where (in the
/// profile file, once the templates are placed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What went wrong.
    pub message: String,
}

/// What a template says about the page: the context it renders.
#[derive(Debug, Clone, Default)]
pub struct Page<'a> {
    /// The typed front matter.
    pub front_matter: Option<&'a FrontMatter>,
    /// Tags the site never shows.
    pub hidden_tags: &'a [String],
    /// The site's base URL.
    pub base_url: Option<&'a str>,
    /// The page's permalink.
    pub permalink: Option<&'a str>,
}

/// Which template failed to parse, its 1-based line and column, and what is
/// wrong.
pub type TemplateError = (&'static str, u32, u32, String);

impl Templates {
    /// Compiles a header template and an optional permalink template. The
    /// error names the template, its line and column, and what is wrong.
    pub fn new(header: &str, permalink: Option<&str>) -> Result<Self, TemplateError> {
        let describe = |which: &'static str, e: Error| (which, e.line, e.column, e.message);
        let header = Template::parse(header).map_err(|e| describe("header", e))?;
        let permalink = match permalink {
            Some(p) => Some(Arc::new(
                Template::parse(p).map_err(|e| describe("permalink", e))?,
            )),
            None => None,
        };
        Ok(Templates {
            header: Arc::new(header),
            permalink,
            placement: [Placement::default(); 2],
        })
    }

    /// The same templates, with where the header's and the permalink's
    /// text start in the profile file.
    pub fn placed(mut self, header: Placement, permalink: Placement) -> Self {
        self.placement = [header, permalink];
        self
    }

    /// No header, no permalink.
    pub fn empty() -> Self {
        Templates::new("", None).unwrap_or_else(|_| unreachable!("the empty template parses"))
    }

    /// The sanitized header, or why the template failed.
    pub fn header(&self, page: &Page, policy: &Policy) -> Result<String, Failure> {
        let html = render(
            "header",
            &self.header,
            Escape::Html,
            page,
            self.placement[0],
        )?;
        Ok(if html.trim().is_empty() {
            String::new()
        } else {
            policy.clean(&html)
        })
    }

    /// The page's permalink, when the profile has a template for it and it
    /// renders to something.
    pub fn permalink(&self, page: &Page) -> Option<String> {
        let template = self.permalink.as_ref()?;
        let link = render("permalink", template, Escape::None, page, self.placement[1]).ok()?;
        let link = link.trim();
        (!link.is_empty()).then(|| link.to_owned())
    }
}

/// Renders one of the templates, or says why it failed.
fn render(
    name: &str,
    template: &Template,
    escape: Escape,
    page: &Page,
    placement: Placement,
) -> Result<String, Failure> {
    template.render(&context(page), escape, FUEL).map_err(|e| {
        let (line, column) = placement.map(e.line, e.column);
        let message = match e.kind {
            ErrorKind::OutOfFuel => {
                format!("the {name} template ran more than {FUEL} steps and was stopped")
            }
            ErrorKind::TooLong => format!("the {name} template {} and was stopped", e.message),
            ErrorKind::Invalid => format!(
                "the {name} template failed at its line {}, column {}: {}",
                e.line, e.column, e.message
            ),
        };
        Failure {
            line,
            column,
            message,
        }
    })
}

/// The template context of `page`.
fn context(page: &Page) -> Value {
    let mut fields = Map::new();
    if let Some(fm) = page.front_matter {
        for (key, value) in &fm.extra {
            fields.insert(key.clone(), value.clone());
        }
        let mut text = |key: &str, value: &Option<String>| {
            if let Some(v) = value {
                fields.insert(key.to_owned(), Value::String(v.clone()));
            }
        };
        text("title", &fm.title);
        text("description", &fm.description);
        text("byline", &fm.byline);
        text("date", &fm.date);
        text("layout", &fm.layout);
        text("series", &fm.series);
        text("externalurl", &fm.externalurl);
        for (key, value) in [("index", fm.index), ("draft", fm.draft)] {
            if let Some(v) = value {
                fields.insert(key.to_owned(), Value::Bool(v));
            }
        }
        let mut tags: Vec<&str> = Vec::new();
        for tag in &fm.tags {
            if !page.hidden_tags.contains(tag) && !tags.contains(&tag.as_str()) {
                tags.push(tag);
            }
        }
        fields.insert(
            "tags".to_owned(),
            Value::Array(
                tags.into_iter()
                    .map(|t| Value::String(t.to_owned()))
                    .collect(),
            ),
        );
        if !fm.attachments.is_empty() {
            fields.insert(
                "attachments".to_owned(),
                serde_json::to_value(&fm.attachments).unwrap_or(Value::Null),
            );
        }
    }
    let mut top = fields.clone();
    top.insert("page".to_owned(), Value::Object(fields));
    let mut site = Map::new();
    if let Some(base) = page.base_url {
        site.insert("base_url".to_owned(), Value::String(base.to_owned()));
    }
    top.insert("site".to_owned(), Value::Object(site));
    if let Some(permalink) = page.permalink {
        top.insert("permalink".to_owned(), Value::String(permalink.to_owned()));
    }
    Value::Object(top)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::diagnostic::LineIndex;
    use crate::options::Options;
    use crate::profile;

    fn foundation_header(fm: &FrontMatter) -> String {
        let resolved = profile::resolve(Some("rust-foundation"));
        let index = LineIndex::new("");
        let policy = Policy::new(&Options::default(), &index, &mut vec![]);
        let page = Page {
            front_matter: Some(fm),
            hidden_tags: &resolved.profile.header.hidden_tags,
            ..Page::default()
        };
        resolved.templates.header(&page, &policy).unwrap()
    }

    #[test]
    fn layout_markup() {
        let fm = FrontMatter {
            title: Some("A <b>bold</b> & \"quoted\" title".into()),
            description: Some("D\u{a0}".into()),
            byline: Some("The Rust Foundation".into()),
            date: Some("2023-09-18T03:00:00Z".into()),
            tags: vec![
                "announcement".into(),
                "news".into(),
                "security initiative".into(),
                "announcement".into(),
            ],
            ..FrontMatter::default()
        };
        expect![[r#"<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; "quoted" title</h1><h2>D&nbsp;</h2><div class="post-byline">by The Rust Foundation</div><time class="post-date" datetime="2023-09-18">18 Sep 2023</time><div class="post-tags">Tagged: <a href="/tags/announcement/" class="post-tag">announcement</a> <a href="/tags/security initiative/" class="post-tag">security initiative</a></div>"#]]
            .assert_eq(&foundation_header(&fm));
    }

    #[test]
    fn empty_header_keeps_h2() {
        expect![[r#"<h1></h1><h2></h2><div class="post-tags">Tagged:</div>"#]]
            .assert_eq(&foundation_header(&FrontMatter::default()));
    }

    #[test]
    fn months_and_fuel() {
        let templates = Templates::new(
            r#"{{ date|date("%B %-d, %Y", months=["Jan.","Feb.","Mar.","Apr.","May","June","July","Aug.","Sept.","Oct.","Nov.","Dec."]) }}"#,
            None,
        )
        .unwrap();
        let fm = FrontMatter {
            date: Some("2022-09-05T00:00:00Z".into()),
            ..FrontMatter::default()
        };
        let index = LineIndex::new("");
        let policy = Policy::new(&Options::default(), &index, &mut vec![]);
        let page = Page {
            front_matter: Some(&fm),
            ..Page::default()
        };
        assert_eq!(templates.header(&page, &policy).unwrap(), "Sept. 5, 2022");
        let endless = Templates::new(
            "{% for a in tags %}{% for b in tags %}{% for c in tags %}x{% endfor %}{% endfor %}{% endfor %}",
            None,
        )
        .unwrap();
        let fm = FrontMatter {
            tags: (0..100).map(|i| i.to_string()).collect(),
            ..FrontMatter::default()
        };
        let page = Page {
            front_matter: Some(&fm),
            ..Page::default()
        };
        let err = endless.header(&page, &policy).unwrap_err();
        assert!(err.message.contains("steps"), "{err:?}");
    }

    #[test]
    fn template_errors_name_their_line() {
        let err = Templates::new("<h1>\n  {{ title }\n", None).unwrap_err();
        assert_eq!((err.0, err.1, err.2), ("header", 2, 3));
    }
}

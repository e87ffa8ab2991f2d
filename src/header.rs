//! The page header, as the site's layout renders it: the profile's header
//! template (Jinja syntax, rendered by minijinja) over the front matter.
//!
//! This is the one place the template engine is configured
//! ([`Templates::new`]):
//!
//! # Defaults
//!
//! - **Autoescape**: HTML in the header (the permalink is a URL): every value a template prints is escaped
//!   (`& < > " '` and `/`) unless the template marks it `|safe`. Front matter
//!   strings are text, never HTML.
//! - **Undefined values** are empty and chainable: a field a post leaves out
//!   prints nothing and is false in an `{% if %}`, and so is any attribute
//!   of it (`extra.team` without an `[extra]` table).
//! - **Fuel**: a render may take at most [`FUEL`] instructions; a template
//!   that loops longer stops with a diagnostic, so no profile can freeze a
//!   render.
//! - **Filters**: the template language itself (no built-in filter library:
//!   it would double the engine's size), `join(separator)`, and
//!   `date(format, months=[…])`: a front matter date (normalized RFC 3339)
//!   formatted with strftime (`%Y-%m-%d`, `%d %b %Y`, `%-d`); with `months`,
//!   twelve names that `%B` writes instead of the English ones (`Sept.`).
//! - **Context**: every front matter key at the top level and under `page`
//!   (`title`, `description`, `byline`, `date`, `tags` without the profile's
//!   hidden tags, and every other key as written, `extra` tables included),
//!   `site.base_url`, and `permalink`.
//!
//! The output still passes through the sanitizer, like every piece of HTML
//! in the preview.

use std::sync::Arc;

use minijinja::value::Kwargs;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::{Map, Value};

use crate::front_matter::FrontMatter;
use crate::sanitize::Policy;

/// The most template instructions one render may run.
pub const FUEL: u64 = 100_000;

/// A profile's compiled templates: the header and the permalink.
#[derive(Debug, Clone)]
pub struct Templates {
    env: Arc<Environment<'static>>,
    has_permalink: bool,
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

const HEADER: &str = "header";
const PERMALINK: &str = "permalink";

impl Templates {
    /// Compiles a header template and an optional permalink template. The
    /// error names the template, its 1-based line, and what is wrong.
    pub fn new(header: &str, permalink: Option<&str>) -> Result<Self, (&'static str, u32, String)> {
        let mut env = Environment::new();
        // A permalink is a URL, not HTML; everything else is HTML.
        env.set_auto_escape_callback(|name| {
            if name == PERMALINK {
                AutoEscape::None
            } else {
                AutoEscape::Html
            }
        });
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        env.set_fuel(Some(FUEL));
        env.add_filter("date", date_filter);
        env.add_filter("join", join_filter);
        let describe = |which: &'static str, e: Error| {
            let line = e.line().unwrap_or(1) as u32;
            let detail = e
                .detail()
                .map_or_else(|| e.kind().to_string(), str::to_owned);
            (which, line, detail)
        };
        env.add_template_owned(HEADER, header.to_owned())
            .map_err(|e| describe("header", e))?;
        if let Some(permalink) = permalink {
            env.add_template_owned(PERMALINK, permalink.to_owned())
                .map_err(|e| describe("permalink", e))?;
        }
        Ok(Templates {
            env: Arc::new(env),
            has_permalink: permalink.is_some(),
        })
    }

    /// No header, no permalink.
    pub fn empty() -> Self {
        Templates::new("", None).unwrap_or_else(|_| Templates {
            env: Arc::new(Environment::new()),
            has_permalink: false,
        })
    }

    /// The sanitized header, or why the template failed.
    pub fn header(&self, page: &Page, policy: &Policy) -> Result<String, String> {
        let html = self.render(HEADER, page)?;
        Ok(if html.trim().is_empty() {
            String::new()
        } else {
            policy.clean(&html)
        })
    }

    /// The page's permalink, when the profile has a template for it and it
    /// renders to something.
    pub fn permalink(&self, page: &Page) -> Option<String> {
        if !self.has_permalink {
            return None;
        }
        let link = self.render(PERMALINK, page).ok()?;
        let link = link.trim();
        (!link.is_empty()).then(|| link.to_owned())
    }

    fn render(&self, name: &str, page: &Page) -> Result<String, String> {
        let template = self.env.get_template(name).map_err(|e| e.to_string())?;
        template.render(to_value(&context(page))).map_err(|e| {
            let detail = e
                .detail()
                .map_or_else(|| e.kind().to_string(), str::to_owned);
            match e.kind() {
                ErrorKind::OutOfFuel => {
                    format!("the {name} template ran more than {FUEL} instructions and was stopped")
                }
                _ => format!(
                    "the {name} template failed at its line {}: {detail}",
                    e.line().unwrap_or(1)
                ),
            }
        })
    }
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

/// A JSON value as a template value.
fn to_value(value: &Value) -> minijinja::Value {
    match value {
        Value::Null => minijinja::Value::from(()),
        Value::Bool(b) => minijinja::Value::from(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => minijinja::Value::from(i),
            (None, Some(f)) => minijinja::Value::from(f),
            (None, None) => minijinja::Value::from(n.to_string()),
        },
        Value::String(s) => minijinja::Value::from(s.as_str()),
        Value::Array(items) => {
            minijinja::Value::from(items.iter().map(to_value).collect::<Vec<_>>())
        }
        Value::Object(map) => minijinja::Value::from(
            map.iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect::<std::collections::BTreeMap<String, minijinja::Value>>(),
        ),
    }
}

/// The `join` filter: `list|join(separator)`, each item as text.
fn join_filter(value: minijinja::Value, separator: Option<String>) -> Result<String, Error> {
    let separator = separator.unwrap_or_default();
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    if let Some(text) = value.as_str() {
        return Ok(text.to_owned());
    }
    let items = value.try_iter()?;
    Ok(items
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(&separator))
}

/// The `date` filter: `value|date(format, months=[…])`.
fn date_filter(value: String, format: String, kwargs: Kwargs) -> Result<String, Error> {
    let months: Option<Vec<String>> = kwargs.get("months")?;
    kwargs.assert_all_used()?;
    let Some((ts, month)) = parse_date(&value) else {
        return Ok(String::new());
    };
    let mut format = format;
    if let Some(months) = months {
        let name = months.get(month - 1).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "`months` must list twelve names, January first",
            )
        })?;
        format = format.replace("%B", &name.replace('%', "%%"));
    }
    let mut out = String::new();
    jiff::fmt::strtime::format(format.as_bytes(), ts)
        .map(|s| out.push_str(&s))
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("bad date format: {e}")))?;
    Ok(out)
}

/// A normalized front matter date as a UTC civil date-time, and its month (1–12).
fn parse_date(value: &str) -> Option<(jiff::civil::DateTime, usize)> {
    let ts: jiff::Timestamp = value.parse().ok()?;
    let utc = jiff::tz::Offset::UTC.to_datetime(ts);
    Some((utc, utc.month() as usize))
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
        assert!(err.contains("instructions"), "{err}");
    }

    #[test]
    fn template_errors_name_their_line() {
        let err = Templates::new("<h1>\n{{ title }\n", None).unwrap_err();
        assert_eq!((err.0, err.1), ("header", 2));
    }
}

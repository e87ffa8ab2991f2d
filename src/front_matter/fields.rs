//! Typing the known keys of a parsed front matter block into [`FrontMatter`].
//!
//! Each known key is removed from the map and checked; what is left becomes
//! [`FrontMatter::extra`]. Problems are diagnostics positioned at the key's
//! line (found by scanning the block's top-level lines).

use serde_json::{Map, Value};

use super::{Attachment, Format, FrontMatter};
use crate::diagnostic::{Diagnostic, LineIndex, Severity};

/// Descriptions longer than this many characters get a warning: search
/// engines cut them off.
pub const MAX_DESCRIPTION_CHARS: usize = 160;

/// Where the block is, to position diagnostics.
pub(crate) struct Context<'a> {
    /// The block's text (between the delimiter lines); empty without front matter.
    pub text: &'a str,
    /// Byte offset of `text` in the source.
    pub base: usize,
    /// Byte offset of the opening delimiter line (or of the body without front matter).
    pub open: usize,
    /// The block's format, `None` without front matter.
    pub format: Option<Format>,
    /// The source's line index.
    pub index: &'a LineIndex<'a>,
}

/// "a string", "a list", … for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Whether `line` starts with `key` (bare or quoted), then optional blanks
/// and `sep`.
fn defines(line: &str, key: &str, sep: char) -> bool {
    [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
        .iter()
        .filter_map(|k| line.strip_prefix(k.as_str()))
        .any(|rest| rest.trim_start_matches([' ', '\t']).starts_with(sep))
}

/// Whether `line` is the TOML table header `[key]`.
fn is_header(line: &str, key: &str) -> bool {
    let header = line.trim_end();
    header == format!("[{key}]") || header == format!("[\"{key}\"]")
}

/// The lines of the block with their byte offsets in the block.
fn block_lines<'t>(cx: &Context<'t>) -> impl Iterator<Item = (usize, &'t str)> {
    let mut pos = 0;
    cx.text.split_inclusive('\n').map(move |line| {
        let start = pos;
        pos += line.len();
        (start, line)
    })
}

fn separator(cx: &Context) -> char {
    match cx.format {
        Some(Format::Toml) => '=',
        _ => ':',
    }
}

/// Byte offset of the top-level line that defines `key`: the key (bare or
/// quoted) at the start of a line, then optional spaces and `:` (YAML) or `=`
/// (TOML), or a TOML `[key]` table header. Falls back to the opening line.
fn key_offset(cx: &Context, key: &str) -> usize {
    let sep = separator(cx);
    block_lines(cx)
        .find(|(_, line)| defines(line, key, sep) || (sep == '=' && is_header(line, key)))
        .map_or(cx.open, |(start, _)| cx.base + start)
}

/// Byte offset of `key` inside the top-level mapping or table `parent`
/// (written in block style or as a TOML table); else where `parent` is.
fn nested_key_offset(cx: &Context, parent: &str, key: &str) -> usize {
    let sep = separator(cx);
    let mut lines = block_lines(cx);
    let Some((parent_start, parent_line)) = lines
        .by_ref()
        .find(|(_, line)| defines(line, parent, sep) || (sep == '=' && is_header(line, parent)))
    else {
        return cx.open;
    };
    let parent_is_header = sep == '=' && is_header(parent_line, parent);
    for (start, line) in lines {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - trimmed.len();
        if parent_is_header {
            if trimmed.starts_with('[') {
                break;
            }
        } else if indent == 0 && !trimmed.trim().is_empty() && !trimmed.starts_with('#') {
            // The next top-level key: the parent's block has ended.
            break;
        }
        if defines(trimmed, key, sep) {
            return cx.base + start + indent;
        }
    }
    cx.base + parent_start
}

/// Collects diagnostics while typing fields.
struct Typer<'a, 'd> {
    cx: &'a Context<'a>,
    map: Map<String, Value>,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Typer<'_, '_> {
    /// A diagnostic at the line of top-level `key`.
    fn report(&mut self, key: &str, severity: Severity, message: String) {
        self.report_at(key_offset(self.cx, key), severity, message);
    }

    /// A diagnostic at the line of `key` in top-level mapping `parent`.
    fn report_nested(&mut self, parent: &str, key: &str, severity: Severity, message: String) {
        self.report_at(nested_key_offset(self.cx, parent, key), severity, message);
    }

    /// A diagnostic at byte `offset`.
    fn report_at(&mut self, offset: usize, severity: Severity, message: String) {
        self.diagnostics
            .push(self.cx.index.diagnostic(offset, severity, message));
    }

    /// Removes `key`; null and empty strings count as absent.
    fn take(&mut self, key: &str) -> Option<Value> {
        match self.map.shift_remove(key)? {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => None,
            v => Some(v),
        }
    }

    /// A text field: strings as they are, numbers as their text.
    fn text(&mut self, key: &str) -> Option<String> {
        let value = self.take(key)?;
        self.as_text(key, value)
    }

    fn as_text(&mut self, key: &str, value: Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            other => {
                let found = type_name(&other);
                self.report(
                    key,
                    Severity::Error,
                    format!("`{key}` must be text, found {found}"),
                );
                None
            }
        }
    }

    /// Text, or a list of texts joined with ", " (for `author`/`authors`).
    fn names(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::Array(items) => {
                let mut names = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => names.push(s),
                        Value::Number(n) => names.push(n.to_string()),
                        other => {
                            let found = type_name(&other);
                            self.report(
                                key,
                                Severity::Error,
                                format!("`{key}` must be a list of names, found {found} in it"),
                            );
                        }
                    }
                }
                (!names.is_empty()).then(|| names.join(", "))
            }
            other => self.as_text(key, other),
        }
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(b) => Some(b),
            other => {
                let found = type_name(&other);
                self.report(
                    key,
                    Severity::Error,
                    format!("`{key}` must be true or false, found {found}"),
                );
                None
            }
        }
    }

    fn tags(&mut self) -> Vec<String> {
        let mut tags = Vec::new();
        match self.take("tags") {
            None => {}
            Some(Value::String(s)) => {
                self.report(
                    "tags",
                    Severity::Warning,
                    format!("`tags` is a single string, read as the one tag `{s}`: write a list (`tags: [{s}]`) to be explicit"),
                );
                tags.push(s);
            }
            Some(Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::String(s) => tags.push(s),
                        Value::Number(n) => tags.push(n.to_string()),
                        other => {
                            let found = type_name(&other);
                            self.report(
                                "tags",
                                Severity::Error,
                                format!("each tag must be text, found {found} in `tags`"),
                            );
                        }
                    }
                }
            }
            Some(other) => {
                let found = type_name(&other);
                self.report(
                    "tags",
                    Severity::Error,
                    format!("`tags` must be a list of strings, found {found}"),
                );
            }
        }
        tags
    }

    fn date(&mut self) -> Option<String> {
        let value = self.take("date")?;
        let text = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match normalize_date(&text) {
            Some(date) => Some(date),
            None => {
                self.report(
                    "date",
                    Severity::Error,
                    format!(
                        "`date` is not a valid date: expected YYYY-MM-DD or a date-time with Z \
                         or an offset such as 2023-09-18T03:00:00Z, found `{text}`"
                    ),
                );
                None
            }
        }
    }

    /// Checks a URL (`what` names it in messages), reporting at `offset`.
    fn url(&mut self, offset: usize, what: &str, url: String) -> Option<String> {
        match check_url(&url) {
            Ok(()) => Some(url),
            Err(why) => {
                self.report_at(
                    offset,
                    Severity::Error,
                    format!("{what} {why}; it was dropped"),
                );
                None
            }
        }
    }

    fn attachments(&mut self) -> Vec<Attachment> {
        let mut attachments = Vec::new();
        match self.take("attachments") {
            None => {}
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    match value {
                        Value::String(url) => {
                            let what = format!("the URL of attachment `{name}`");
                            let at = nested_key_offset(self.cx, "attachments", &name);
                            if let Some(url) = self.url(at, &what, url) {
                                attachments.push(Attachment { name, url });
                            }
                        }
                        other => {
                            let found = type_name(&other);
                            self.report_nested(
                                "attachments",
                                &name,
                                Severity::Error,
                                format!("attachment `{name}` must be a URL, found {found}"),
                            );
                        }
                    }
                }
            }
            Some(other) => {
                let found = type_name(&other);
                self.report(
                    "attachments",
                    Severity::Error,
                    format!("`attachments` must be a mapping of names to URLs, found {found}"),
                );
            }
        }
        attachments
    }
}

/// Normalizes a front matter date to UTC RFC 3339 (`2023-09-18T03:00:00Z`,
/// fraction kept only when non-zero). Accepts a date alone (midnight UTC) or
/// a date-time with `Z` or a numeric offset; `None` for anything else.
pub fn normalize_date(text: &str) -> Option<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    // A date alone: exactly YYYY-MM-DD (jiff's Date parser would also accept
    // a date-time and drop its time).
    if bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
    {
        let date: jiff::civil::Date = text.parse().ok()?;
        return Some(format!("{date}T00:00:00Z"));
    }
    // Time zone annotations (`[Europe/Paris]`) are not front matter syntax.
    if text.contains('[') {
        return None;
    }
    let timestamp: jiff::Timestamp = text.parse().ok()?;
    Some(timestamp.to_string())
}

/// Accepts http(s) and relative URLs. The error says why not.
pub fn check_url(url: &str) -> Result<(), String> {
    // Browsers (and the url crate) strip leading/trailing spaces and control
    // characters and remove tabs and newlines anywhere, so " javascript:" and
    // "java\tscript:" are `javascript:` URLs: refuse such values outright.
    if url.chars().any(char::is_control) {
        return Err("contains control characters (such as tabs or newlines)".to_owned());
    }
    if url.trim() != url {
        return Err("has spaces around it".to_owned());
    }
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        Ok(parsed) => Err(format!(
            "uses the `{}:` scheme: only http, https and relative URLs are allowed",
            parsed.scheme()
        )),
        Err(url::ParseError::RelativeUrlWithoutBase) => Ok(()),
        Err(err) => Err(format!("is not a valid URL ({err})")),
    }
}

/// Types the known keys of `map` into a [`FrontMatter`], pushing diagnostics.
pub(crate) fn type_fields(
    map: Map<String, Value>,
    cx: &Context,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut t = Typer {
        cx,
        map,
        diagnostics,
    };
    let title = t.text("title");
    let description = t.text("description");
    let byline = t.text("byline");
    let author = t.names("author");
    let authors = t.names("authors");
    let date = t.date();
    let tags = t.tags();
    let layout = t.text("layout");
    let index = t.boolean("index");
    let draft = t.boolean("draft");
    let series = t.text("series");
    let externalurl = t
        .text("externalurl")
        .and_then(|url| t.url(key_offset(cx, "externalurl"), "`externalurl`", url));
    let attachments = t.attachments();

    if title.as_deref().is_none_or(|s| s.trim().is_empty()) {
        t.report_at(
            cx.open,
            Severity::Error,
            "missing `title`: the page would have an empty heading".to_owned(),
        );
    }
    match &description {
        None => t.report_at(
            cx.open,
            Severity::Warning,
            "missing `description`: search engines and link previews will show none".to_owned(),
        ),
        Some(d) => {
            let chars = d.chars().count();
            if chars > MAX_DESCRIPTION_CHARS {
                t.report(
                    "description",
                    Severity::Warning,
                    format!(
                        "`description` is {chars} characters long: search engines cut it \
                         after about {MAX_DESCRIPTION_CHARS}"
                    ),
                );
            }
        }
    }

    FrontMatter {
        format: cx.format,
        title,
        description,
        byline: byline.or(author).or(authors),
        date,
        tags,
        layout,
        index,
        draft,
        series,
        externalurl,
        attachments,
        extra: t.map,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let cases = [
            ("2023-09-18T03:00:00Z", Some("2023-09-18T03:00:00Z")),
            ("2023-09-18T05:00:00+02:00", Some("2023-09-18T03:00:00Z")),
            ("2023-09-18t03:00:00z", Some("2023-09-18T03:00:00Z")),
            ("2023-09-18 03:00:00Z", Some("2023-09-18T03:00:00Z")),
            ("2023-09-18T03:00:00.000Z", Some("2023-09-18T03:00:00Z")),
            (
                "2023-09-18T03:00:00.25-01:00",
                Some("2023-09-18T04:00:00.25Z"),
            ),
            ("2021-02-08", Some("2021-02-08T00:00:00Z")),
            ("2023-09-18T03:00:00", None),
            ("2023-02-30", None),
            ("2023-02-30T00:00:00Z", None),
            ("yesterday", None),
            ("", None),
            ("2023-09-18T03:00:00+02:00[Europe/Paris]", None),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_date(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "https://example.com/a",
            "http://example.com",
            "/news/x",
            "x.pdf",
            "//example.com/x",
            "?q=1",
            "#frag",
            "HTTPS://EXAMPLE.COM",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "mailto:a@b.c",
            "https://example.com ",
            "http://[::1",
        ] {
            assert!(check_url(bad).is_err(), "{bad:?}");
        }
    }
}

//! Typing the known keys of a parsed front matter block into [`FrontMatter`].
//!
//! Each known key is removed from the map and checked; what is left becomes
//! [`FrontMatter::extra`]. Problems are diagnostics positioned at the key's
//! line (found by scanning the block's top-level lines).

use serde_json::{Map, Value};

use super::{Attachment, Format, FrontMatter};
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::profile::{FieldType, FrontMatterRules};

/// The description length the built-in profiles warn past (their
/// `description` field's `max_chars`): search engines cut longer ones off.
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
    diagnostics: &'d mut Vec<Diagnostic>,
}

/// What one item of a list is called in messages: `tags` → `tag`.
fn item_word(key: &str) -> &str {
    if let Some(stem) = key.strip_suffix("ses") {
        &key[..stem.len() + 1]
    } else if let Some(stem) = key.strip_suffix('s').filter(|s| !s.is_empty()) {
        stem
    } else {
        "item"
    }
}

/// Where a field's key is, and how it is named in messages.
struct Place<'k> {
    /// The key as the author writes it (`team`), or `extra.team`'s last part.
    name: &'k str,
    /// The table it is in, for a dotted key.
    parent: Option<&'k str>,
}

impl Typer<'_, '_> {
    /// A diagnostic at the line where the field is defined.
    fn report(&mut self, place: &Place, severity: Severity, message: String) {
        let at = match place.parent {
            Some(parent) => nested_key_offset(self.cx, parent, place.name),
            None => key_offset(self.cx, place.name),
        };
        self.report_at(at, severity, message);
    }

    /// A diagnostic at byte `offset`.
    fn report_at(&mut self, offset: usize, severity: Severity, message: String) {
        self.diagnostics
            .push(self.cx.index.diagnostic(offset, severity, message));
    }

    /// Types `value` as `kind`; `None` (reported) when it does not fit.
    fn typed(&mut self, place: &Place, kind: FieldType, value: Value) -> Option<Value> {
        let key = place.name;
        let mismatch = |this: &mut Self, what: &str, value: &Value| {
            let found = type_name(value);
            this.report(
                place,
                Severity::Error,
                format!("`{key}` must be {what}, found {found}"),
            );
        };
        match kind {
            FieldType::Any => Some(value),
            FieldType::Text => match value {
                Value::String(_) => Some(value),
                Value::Number(n) => Some(Value::String(n.to_string())),
                other => {
                    mismatch(self, "text", &other);
                    None
                }
            },
            FieldType::Names => match value {
                Value::Array(items) => {
                    let mut names = Vec::new();
                    for item in items {
                        match item {
                            Value::String(s) => names.push(s),
                            Value::Number(n) => names.push(n.to_string()),
                            other => {
                                let found = type_name(&other);
                                self.report(
                                    place,
                                    Severity::Error,
                                    format!("`{key}` must be a list of names, found {found} in it"),
                                );
                            }
                        }
                    }
                    (!names.is_empty()).then(|| Value::String(names.join(", ")))
                }
                other => self.typed(place, FieldType::Text, other),
            },
            FieldType::List | FieldType::Strings => {
                let item = item_word(key);
                match value {
                    Value::String(s) if kind == FieldType::List => {
                        self.report(
                            place,
                            Severity::Warning,
                            format!(
                                "`{key}` is a single string, read as the one {item} `{s}`: \
                                 write a list (`{key}: [{s}]`) to be explicit"
                            ),
                        );
                        Some(Value::Array(vec![Value::String(s)]))
                    }
                    Value::Array(items) => {
                        let mut texts = Vec::new();
                        for value in items {
                            match value {
                                Value::String(s) => texts.push(Value::String(s)),
                                Value::Number(n) => texts.push(Value::String(n.to_string())),
                                other => {
                                    let found = type_name(&other);
                                    self.report(
                                        place,
                                        Severity::Error,
                                        format!(
                                            "each {item} must be text, found {found} in `{key}`"
                                        ),
                                    );
                                }
                            }
                        }
                        Some(Value::Array(texts))
                    }
                    other => {
                        mismatch(self, "a list of strings", &other);
                        None
                    }
                }
            }
            FieldType::Bool => match value {
                Value::Bool(_) => Some(value),
                other => {
                    mismatch(self, "true or false", &other);
                    None
                }
            },
            FieldType::Date => {
                let text = match &value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match normalize_date(&text) {
                    Some(date) => Some(Value::String(date)),
                    None => {
                        self.report(
                            place,
                            Severity::Error,
                            format!(
                                "`{key}` is not a valid date: expected YYYY-MM-DD or a date-time \
                                 with Z or an offset such as 2023-09-18T03:00:00Z, found `{text}`"
                            ),
                        );
                        None
                    }
                }
            }
            FieldType::DatePath => {
                let text = self.typed(place, FieldType::Text, value)?;
                let path = text.as_str().unwrap_or_default();
                if date_of_path(path).is_some() {
                    Some(text)
                } else {
                    self.report(
                        place,
                        Severity::Error,
                        format!(
                            "`{key}` must hold the date and a name as `YYYY/MM/DD/name` \
                             (such as `2026/03/26/my-post`), found `{path}`"
                        ),
                    );
                    None
                }
            }
            FieldType::Url => {
                let text = self.typed(place, FieldType::Text, value)?;
                let url = text.as_str().unwrap_or_default();
                match check_url(url) {
                    Ok(()) => Some(text),
                    Err(why) => {
                        self.report(
                            place,
                            Severity::Error,
                            format!("`{key}` {why}; it was dropped"),
                        );
                        None
                    }
                }
            }
            FieldType::UrlMap => match value {
                Value::Object(map) => {
                    let item = item_word(key);
                    let mut urls = Map::new();
                    for (name, value) in map {
                        let at = nested_key_offset(self.cx, key, &name);
                        match value {
                            Value::String(url) => match check_url(&url) {
                                Ok(()) => {
                                    urls.insert(name, Value::String(url));
                                }
                                Err(why) => self.report_at(
                                    at,
                                    Severity::Error,
                                    format!("the URL of {item} `{name}` {why}; it was dropped"),
                                ),
                            },
                            other => {
                                let found = type_name(&other);
                                self.report_at(
                                    at,
                                    Severity::Error,
                                    format!("{item} `{name}` must be a URL, found {found}"),
                                );
                            }
                        }
                    }
                    Some(Value::Object(urls))
                }
                other => {
                    mismatch(self, "a mapping of names to URLs", &other);
                    None
                }
            },
            FieldType::Table => match value {
                Value::Object(_) => Some(value),
                other => {
                    mismatch(self, "a table of keys and values", &other);
                    None
                }
            },
        }
    }
}

/// The date in a path such as `2026/03/26/my-post` (or
/// `inside-rust/2026/03/26/my-post`): `YYYY/MM/DD` followed by a name.
pub fn date_of_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    parts.windows(4).find_map(|w| {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if digits(w[0], 4) && digits(w[1], 2) && digits(w[2], 2) && !w[3].is_empty() {
            normalize_date(&format!("{}-{}-{}", w[0], w[1], w[2]))
        } else {
            None
        }
    })
}

/// Absent, for front matter: null and blank strings count as not written.
fn present(value: Option<Value>) -> Option<Value> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        v => Some(v),
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

/// Types the fields `rules` declares in `map` into a [`FrontMatter`],
/// pushing diagnostics. Declared top-level fields named like a
/// [`FrontMatter`] field fill it; every other key stays in `extra`, declared
/// ones with their typed value.
pub(crate) fn type_fields(
    mut map: Map<String, Value>,
    cx: &Context,
    rules: &FrontMatterRules,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    // Dotted keys are read from the tables as written.
    let original = map.clone();
    let mut t = Typer { cx, diagnostics };
    let mut fm = FrontMatter {
        format: cx.format,
        ..FrontMatter::default()
    };
    let mut typed: Vec<(&str, Value)> = Vec::new();
    let mut present_keys: Vec<&str> = Vec::new();
    for spec in &rules.fields {
        let (parent, name) = match spec.key.split_once('.') {
            Some((parent, name)) => (Some(parent), name),
            None => (None, spec.key.as_str()),
        };
        // The field, or the first of its aliases that is written; every
        // alias is taken out of `extra` all the same.
        let mut found = None;
        for key in std::iter::once(name).chain(spec.aliases.iter().map(String::as_str)) {
            let value = match parent {
                None => present(map.shift_remove(key)),
                Some(parent) => present(
                    original
                        .get(parent)
                        .and_then(Value::as_object)
                        .and_then(|table| table.get(key).cloned()),
                ),
            };
            if found.is_none() {
                found = value.map(|v| (key, v));
            }
        }
        let place = found.as_ref().map(|(key, _)| Place { name: key, parent });
        let value = match (found.clone(), &place) {
            (Some((_, value)), Some(place)) => t.typed(place, spec.kind, value),
            _ => None,
        };
        let Some(value) = value else {
            // A value of the wrong type was reported as such.
            if found.is_none() && (spec.required || spec.recommended) {
                let why = spec
                    .missing
                    .as_deref()
                    .map_or_else(String::new, |why| format!(": {why}"));
                t.report_at(
                    cx.open,
                    if spec.required {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    format!("missing `{}`{why}", spec.key),
                );
            }
            continue;
        };
        present_keys.push(&spec.key);
        let Some(place) = place else { continue };
        let key = place.name;
        if let (Some(max), Value::String(text)) = (spec.max_chars, &value) {
            let chars = text.chars().count();
            if chars > max {
                t.report(
                    &place,
                    Severity::Warning,
                    format!(
                        "`{key}` is {chars} characters long: search engines cut it after \
                         about {max}"
                    ),
                );
            }
        }
        if parent.is_none() {
            typed.push((name, value));
        }
    }
    for spec in &rules.fields {
        if !present_keys.contains(&spec.key.as_str()) {
            continue;
        }
        for needed in &spec.requires {
            if !present_keys.contains(&needed.as_str()) {
                let (parent, name) = match spec.key.split_once('.') {
                    Some((parent, name)) => (Some(parent), name),
                    None => (None, spec.key.as_str()),
                };
                t.report(
                    &Place { name, parent },
                    Severity::Error,
                    format!(
                        "`{}` is set without `{needed}`: the site needs both",
                        spec.key
                    ),
                );
            }
        }
    }
    let text = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Array(items) => Some(
            items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Value::Null => None,
        other => Some(other.to_string()),
    };
    for (name, value) in typed {
        match name {
            "title" => fm.title = text(value),
            "description" => fm.description = text(value),
            "byline" => fm.byline = text(value),
            "date" => fm.date = text(value),
            "layout" => fm.layout = text(value),
            "series" => fm.series = text(value),
            "externalurl" => fm.externalurl = text(value),
            "index" => fm.index = value.as_bool(),
            "draft" => fm.draft = value.as_bool(),
            "tags" => {
                fm.tags = match value {
                    Value::Array(items) => items.into_iter().filter_map(text).collect(),
                    other => text(other).into_iter().collect(),
                }
            }
            "attachments" => {
                if let Value::Object(urls) = value {
                    fm.attachments = urls
                        .into_iter()
                        .filter_map(|(name, url)| {
                            Some(Attachment {
                                name,
                                url: text(url)?,
                            })
                        })
                        .collect();
                }
            }
            other => {
                map.insert(other.to_owned(), value);
            }
        }
    }
    if let Some(from) = &rules.date_from {
        if let Some(path) = map.get(from.as_str()).and_then(Value::as_str) {
            fm.date = date_of_path(path);
        }
    }
    fm.extra = map;
    fm
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

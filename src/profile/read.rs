//! Reading a profile's TOML into a [`Profile`], key by key, with every
//! mistake reported at the span of the key or value it is about.
//!
//! The text is parsed with [`toml::de::DeTable`] (which keeps spans) and
//! read by hand rather than through serde's derived code: that code, one
//! state machine per struct and type, weighed 30 KiB gzipped in the wasm
//! module. Unknown keys, wrong types and unknown names are all reported,
//! not only the first.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{
    AnchorPosition, Dialect, ExternalLinks, FieldSpec, FieldType, Footnotes, FrontMatterRules,
    Header, HeadingAnchor, HeadingIds, Links, Markdown, Profile, RelativeTo, TemplateChecks,
    TemplateEngine,
};
use crate::front_matter::Format;

/// A value of the profile, with its span.
type Item<'i> = Spanned<DeValue<'i>>;

/// Where the things that later checks point at are written: byte offsets
/// of values in the profile's text.
#[derive(Debug, Default)]
pub(super) struct Places {
    /// `header.template`'s value.
    pub template: Option<usize>,
    /// `links.permalink`'s value.
    pub permalink: Option<usize>,
    /// `markdown.heading_anchor.html`'s value.
    pub anchor_html: usize,
    /// `front_matter.date_from`'s value.
    pub date_from: usize,
    /// Each field's `requires` value, by the field's index.
    pub requires: Vec<usize>,
}

/// Reads `text` as a profile: the profile and where its values are, or
/// every mistake as (offset, message).
pub(super) fn read(text: &str) -> Result<(Profile, Places), Vec<(usize, String)>> {
    if let Some(at) = crate::front_matter::too_deep_toml(text) {
        return Err(vec![(
            at,
            format!(
                "the profile is not valid: arrays and inline tables are nested more than {} levels deep",
                crate::front_matter::MAX_NESTING
            ),
        )]);
    }
    let table = DeTable::parse(text).map_err(|err| {
        let at = err.span().map_or(0, |s| s.start);
        vec![(
            at,
            format!("the profile is not valid: {}", err.message().trim_end()),
        )]
    })?;
    let mut reader = Reader {
        errors: vec![],
        places: Places::default(),
    };
    let profile = reader.profile(table.get_ref());
    if reader.errors.is_empty() {
        Ok((profile, reader.places))
    } else {
        Err(reader.errors)
    }
}

struct Reader {
    errors: Vec<(usize, String)>,
    places: Places,
}

/// Stores `value` in `slot` when there is one.
fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

const PROFILE_KEYS: &[&str] = &[
    "name",
    "description",
    "markdown",
    "links",
    "front_matter",
    "template",
    "header",
];
const MARKDOWN_KEYS: &[&str] = &[
    "dialect",
    "raw_html",
    "breaks",
    "linkify",
    "smart_punctuation",
    "tables",
    "strikethrough",
    "task_lists",
    "heading_attributes",
    "footnotes",
    "heading_ids",
    "heading_anchor",
    "external_links",
    "summary_marker",
    "internal_link_prefix",
];
const LINKS_KEYS: &[&str] = &["base_url", "relative_to", "permalink"];
const FRONT_MATTER_KEYS: &[&str] = &["formats", "date_from", "fields"];
const FIELD_KEYS: &[&str] = &[
    "key",
    "type",
    "required",
    "recommended",
    "missing",
    "aliases",
    "max_chars",
    "requires",
];
const TEMPLATE_KEYS: &[&str] = &["engine", "shortcodes"];
const HEADER_KEYS: &[&str] = &["template", "hidden_tags"];

const DIALECTS: &[(&str, Dialect)] = &[
    ("pulldown-cmark", Dialect::PulldownCmark),
    ("markdown-it", Dialect::MarkdownIt),
];
const FOOTNOTES: &[(&str, Footnotes)] = &[
    ("none", Footnotes::None),
    ("pulldown-cmark", Footnotes::PulldownCmark),
    ("markdown-it", Footnotes::MarkdownIt),
    ("bottom", Footnotes::Bottom),
];
const HEADING_IDS: &[(&str, HeadingIds)] = &[
    ("none", HeadingIds::None),
    ("markdown-it-anchor", HeadingIds::MarkdownItAnchor),
    ("zola", HeadingIds::Zola),
];
const POSITIONS: &[(&str, AnchorPosition)] = &[
    ("start", AnchorPosition::Start),
    ("end", AnchorPosition::End),
];
const RELATIVE_TO: &[(&str, RelativeTo)] =
    &[("site", RelativeTo::Site), ("page", RelativeTo::Page)];
const FORMATS: &[(&str, Format)] = &[("yaml", Format::Yaml), ("toml", Format::Toml)];
const ENGINES: &[(&str, TemplateEngine)] = &[
    ("none", TemplateEngine::None),
    ("liquid", TemplateEngine::Liquid),
    ("zola", TemplateEngine::Zola),
];
const FIELD_TYPES: &[(&str, FieldType)] = &[
    ("text", FieldType::Text),
    ("names", FieldType::Names),
    ("list", FieldType::List),
    ("strings", FieldType::Strings),
    ("date", FieldType::Date),
    ("bool", FieldType::Bool),
    ("url", FieldType::Url),
    ("url-map", FieldType::UrlMap),
    ("table", FieldType::Table),
    ("date-path", FieldType::DatePath),
    ("any", FieldType::Any),
];

impl Reader {
    fn error(&mut self, at: usize, message: String) {
        self.errors.push((at, message));
    }

    /// The entries of `table` (at `path`, `""` for the top); a key not in
    /// `keys` is an error.
    fn entries<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &str,
        keys: &[&str],
    ) -> Vec<(&'t str, String, &'t Item<'i>)> {
        // In the table's order: what is read does not depend on it, and
        // the mistakes are sorted by position afterwards.
        let mut out = Vec::with_capacity(table.len());
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            let full = if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            if keys.contains(&name) {
                out.push((name, full, value));
            } else {
                let within = if path.is_empty() {
                    "a profile".to_owned()
                } else {
                    format!("`[{path}]`")
                };
                self.error(
                    key.span().start,
                    format!(
                        "unknown key `{full}`: the keys of {within} are {}",
                        keys.join(", ")
                    ),
                );
            }
        }
        out
    }

    fn expected(&mut self, value: &Item, key: &str, what: &str) {
        self.error(value.span().start, format!("`{key}` must be {what}"));
    }

    fn string(&mut self, value: &Item, key: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.expected(value, key, "a string");
                None
            }
        }
    }

    fn bool(&mut self, value: &Item, key: &str) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.expected(value, key, "true or false");
                None
            }
        }
    }

    fn count(&mut self, value: &Item, key: &str) -> Option<usize> {
        let n = match value.get_ref() {
            DeValue::Integer(i) => usize::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        if n.is_none() {
            self.expected(value, key, "a whole number, 0 or more");
        }
        n
    }

    fn strings(&mut self, value: &Item, key: &str) -> Option<Vec<String>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.expected(value, key, "a list of strings");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            out.push(self.string(item, key)?);
        }
        Some(out)
    }

    fn choice<T: Copy>(&mut self, value: &Item, key: &str, choices: &[(&str, T)]) -> Option<T> {
        let name = match value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        };
        let found = name.and_then(|name| choices.iter().find(|(n, _)| *n == name));
        if found.is_none() {
            let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
            let given = name.map_or_else(String::new, |n| format!(", not \"{n}\""));
            self.expected(value, key, &format!("one of {}{given}", names.join(", ")));
        }
        found.map(|(_, v)| *v)
    }

    fn table<'t, 'i>(&mut self, value: &'t Item<'i>, key: &str) -> Option<&'t DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => {
                self.expected(value, key, "a table");
                None
            }
        }
    }

    fn profile(&mut self, top: &DeTable) -> Profile {
        let mut profile = Profile::default();
        let mut named = false;
        for (key, path, value) in self.entries(top, "", PROFILE_KEYS) {
            match key {
                "name" => {
                    named = true;
                    set(&mut profile.name, self.string(value, &path));
                }
                "description" => set(&mut profile.description, self.string(value, &path)),
                "markdown" => {
                    if let Some(t) = self.table(value, &path) {
                        profile.markdown = self.markdown(t);
                    }
                }
                "links" => {
                    if let Some(t) = self.table(value, &path) {
                        profile.links = self.links(t);
                    }
                }
                "front_matter" => {
                    if let Some(t) = self.table(value, &path) {
                        profile.front_matter = self.front_matter(t);
                    }
                }
                "template" => {
                    if let Some(t) = self.table(value, &path) {
                        profile.template = self.template(t);
                    }
                }
                _ => {
                    if let Some(t) = self.table(value, &path) {
                        profile.header = self.header(t);
                    }
                }
            }
        }
        if !named {
            self.error(
                0,
                "the profile has no `name`: say which site it describes, e.g. `name = \"my-site\"`"
                    .to_owned(),
            );
        }
        profile
    }

    fn markdown(&mut self, table: &DeTable) -> Markdown {
        let mut m = Markdown::default();
        for (key, path, value) in self.entries(table, "markdown", MARKDOWN_KEYS) {
            let p = path.as_str();
            match key {
                "dialect" => set(&mut m.dialect, self.choice(value, p, DIALECTS)),
                "raw_html" => set(&mut m.raw_html, self.bool(value, p)),
                "breaks" => set(&mut m.breaks, self.bool(value, p)),
                "linkify" => set(&mut m.linkify, self.bool(value, p)),
                "smart_punctuation" => set(&mut m.smart_punctuation, self.bool(value, p)),
                "tables" => set(&mut m.tables, self.bool(value, p)),
                "strikethrough" => set(&mut m.strikethrough, self.bool(value, p)),
                "task_lists" => set(&mut m.task_lists, self.bool(value, p)),
                "heading_attributes" => set(&mut m.heading_attributes, self.bool(value, p)),
                "footnotes" => set(&mut m.footnotes, self.choice(value, p, FOOTNOTES)),
                "heading_ids" => set(&mut m.heading_ids, self.choice(value, p, HEADING_IDS)),
                "heading_anchor" => {
                    if let Some(t) = self.table(value, p) {
                        m.heading_anchor = self.heading_anchor(t, value.span().start);
                    }
                }
                "external_links" => {
                    if let Some(t) = self.table(value, p) {
                        let mut links = ExternalLinks::default();
                        for (_, path, value) in self.entries(t, p, &["rel"]) {
                            set(&mut links.rel, self.strings(value, &path));
                        }
                        m.external_links = links;
                    }
                }
                "summary_marker" => m.summary_marker = self.string(value, p),
                _ => m.internal_link_prefix = self.string(value, p),
            }
        }
        m
    }

    fn heading_anchor(&mut self, table: &DeTable, at: usize) -> Option<HeadingAnchor> {
        let mut html = None;
        let mut position = AnchorPosition::default();
        for (key, path, value) in
            self.entries(table, "markdown.heading_anchor", &["html", "position"])
        {
            if key == "html" {
                self.places.anchor_html = value.span().start;
                html = self.string(value, &path);
            } else {
                set(&mut position, self.choice(value, &path, POSITIONS));
            }
        }
        if html.is_none() {
            self.error(
                at,
                "`markdown.heading_anchor` needs `html`, the markup of the anchor".to_owned(),
            );
        }
        Some(HeadingAnchor {
            html: html?,
            position,
        })
    }

    fn links(&mut self, table: &DeTable) -> Links {
        let mut links = Links::default();
        for (key, path, value) in self.entries(table, "links", LINKS_KEYS) {
            match key {
                "base_url" => links.base_url = self.string(value, &path),
                "relative_to" => set(
                    &mut links.relative_to,
                    self.choice(value, &path, RELATIVE_TO),
                ),
                _ => {
                    self.places.permalink = Some(value.span().start);
                    links.permalink = self.string(value, &path);
                }
            }
        }
        links
    }

    fn front_matter(&mut self, table: &DeTable) -> FrontMatterRules {
        let mut rules = FrontMatterRules::default();
        for (key, path, value) in self.entries(table, "front_matter", FRONT_MATTER_KEYS) {
            match key {
                "formats" => {
                    let DeValue::Array(items) = value.get_ref() else {
                        self.expected(value, &path, "a list of \"yaml\" and \"toml\"");
                        continue;
                    };
                    let formats: Option<Vec<Format>> = items
                        .iter()
                        .map(|item| self.choice(item, &path, FORMATS))
                        .collect();
                    set(&mut rules.formats, formats);
                }
                "date_from" => {
                    self.places.date_from = value.span().start;
                    rules.date_from = self.string(value, &path);
                }
                _ => {
                    let DeValue::Array(items) = value.get_ref() else {
                        self.expected(value, &path, "a list of tables (`[[front_matter.fields]]`)");
                        continue;
                    };
                    for item in items.iter() {
                        if let Some(t) = self.table(item, &path) {
                            if let Some(field) = self.field(t, item.span().start) {
                                rules.fields.push(field);
                            }
                        }
                    }
                }
            }
        }
        rules
    }

    fn field(&mut self, table: &DeTable, at: usize) -> Option<FieldSpec> {
        let (mut key_name, mut kind) = (None, None);
        let mut field = FieldSpec {
            key: String::new(),
            kind: FieldType::Any,
            required: false,
            recommended: false,
            missing: None,
            aliases: vec![],
            max_chars: None,
            requires: vec![],
        };
        let mut requires_at = at;
        let mut given = (false, false);
        for (key, path, value) in self.entries(table, "front_matter.fields", FIELD_KEYS) {
            let p = path.as_str();
            given.0 |= key == "key";
            given.1 |= key == "type";
            match key {
                "key" => key_name = self.string(value, p),
                "type" => kind = self.choice(value, p, FIELD_TYPES),
                "required" => set(&mut field.required, self.bool(value, p)),
                "recommended" => set(&mut field.recommended, self.bool(value, p)),
                "missing" => field.missing = self.string(value, p),
                "aliases" => set(&mut field.aliases, self.strings(value, p)),
                "max_chars" => field.max_chars = self.count(value, p),
                _ => {
                    requires_at = value.span().start;
                    set(&mut field.requires, self.strings(value, p));
                }
            }
        }
        for (present, what) in [(given.0, "`key`"), (given.1, "`type`")] {
            if !present {
                self.error(
                    at,
                    format!("a `[[front_matter.fields]]` entry needs {what}"),
                );
            }
        }
        field.key = key_name?;
        field.kind = kind?;
        self.places.requires.push(requires_at);
        Some(field)
    }

    fn template(&mut self, table: &DeTable) -> TemplateChecks {
        let mut checks = TemplateChecks::default();
        for (key, path, value) in self.entries(table, "template", TEMPLATE_KEYS) {
            if key == "engine" {
                set(&mut checks.engine, self.choice(value, &path, ENGINES));
            } else {
                set(&mut checks.shortcodes, self.strings(value, &path));
            }
        }
        checks
    }

    fn header(&mut self, table: &DeTable) -> Header {
        let mut header = Header::default();
        for (key, path, value) in self.entries(table, "header", HEADER_KEYS) {
            if key == "template" {
                self.places.template = Some(value.span().start);
                set(&mut header.template, self.string(value, &path));
            } else {
                set(&mut header.hidden_tags, self.strings(value, &path));
            }
        }
        header
    }
}

/// Where a string value's text starts, given where the value starts: after
/// its quote, or after `"""` (and the newline TOML drops right after it).
pub(super) fn string_start(text: &str, at: usize) -> usize {
    let rest = &text[at.min(text.len())..];
    if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        let after = &rest[3..];
        let newline = if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        };
        at + 3 + newline
    } else if rest.starts_with(['"', '\'']) {
        at + 1
    } else {
        at
    }
}

//! Reading a profile's TOML into a [`Profile`], key by key, with every
//! mistake reported at the span of the key or value it is about.
//!
//! The text is parsed with [`toml::de::DeTable`] (which keeps spans) and
//! read by hand rather than through serde's derived code: that code, one
//! state machine per struct and type, weighed 30 KiB gzipped in the wasm
//! module. The reading is driven by one schema per TOML table ([`Table`]:
//! each key's name and [`Kind`], which says what its value must be and
//! gives the place to store it), so that one function reads every string,
//! one every list, and so on, and the text of a mistake is written only
//! when there is one. Unknown keys, wrong types and unknown names are all
//! reported, not only the first.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{
    AnchorPosition, Dialect, FieldSpec, FieldType, Footnotes, HeadingIds, Profile, RelativeTo,
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
        profile: Profile::default(),
        field: blank_field(),
        requires_at: 0,
    };
    let (present, _) = reader.table(table.get_ref(), &PROFILE);
    if present & 1 == 0 {
        reader.error(
            0,
            "the profile has no `name`: say which site it describes, e.g. `name = \"my-site\"`"
                .to_owned(),
        );
    }
    // With a mistake, what was read is not used: a value is stored only
    // when it is right, and nothing is undone when a later one is wrong.
    if reader.errors.is_empty() {
        Ok((reader.profile, reader.places))
    } else {
        Err(reader.errors)
    }
}

/// What is being read: the profile so far, and the mistakes.
struct Reader {
    errors: Vec<(usize, String)>,
    places: Places,
    profile: Profile,
    /// The `[[front_matter.fields]]` entry being read.
    field: FieldSpec,
    /// Where its `requires` is (the entry's start when it has none).
    requires_at: usize,
}

/// A field before its keys are read.
fn blank_field() -> FieldSpec {
    FieldSpec {
        key: String::new(),
        kind: FieldType::Any,
        required: false,
        recommended: false,
        missing: None,
        aliases: vec![],
        max_chars: None,
        requires: vec![],
    }
}

/// A TOML table of the profile: its path (`""` for the top) and its keys,
/// in the order the message about an unknown key lists them.
struct Table {
    path: &'static str,
    keys: &'static [(&'static str, Kind)],
    /// The mistake when the first key is missing or wrong.
    needs_first: Option<&'static str>,
}

/// What a key's value must be, and where it goes: a function that gives
/// the place to store it (told the value's offset, for the keys whose
/// place later checks point at).
#[derive(Clone, Copy)]
enum Kind {
    /// A string.
    Text(fn(&mut Reader, usize) -> &mut String),
    /// A string, stored as `Some` (the key's value is `None` without it).
    MaybeText(fn(&mut Reader, usize) -> &mut Option<String>),
    /// `true` or `false`.
    Bool(fn(&mut Reader) -> &mut bool),
    /// A whole number, 0 or more, stored as `Some`.
    MaybeCount(fn(&mut Reader) -> &mut Option<usize>),
    /// One of these names; stored by its index.
    Choice(&'static [&'static str], fn(&mut Reader, usize)),
    /// A list of strings.
    Texts(fn(&mut Reader, usize) -> &mut Vec<String>),
    /// A table.
    Table(&'static Table),
    /// `front_matter.formats`: a list of [`FORMATS`].
    Formats,
    /// `front_matter.fields`: a list of [`FIELD`] tables.
    Fields,
}

/// The most keys a schema's table may have: [`Reader::table`] keeps the
/// known keys in an array of this size and their presence in a `u32`.
const MAX_KEYS: usize = 16;

// Checked when the crate compiles: a schema grown past `MAX_KEYS` is a
// build error, not a panic on a profile that uses every key.
const _: () = {
    let tables = [
        &PROFILE,
        &MARKDOWN,
        &HEADING_ANCHOR,
        &EXTERNAL_LINKS,
        &LINKS,
        &FRONT_MATTER,
        &FIELD,
        &TEMPLATE,
        &HEADER,
    ];
    let mut i = 0;
    while i < tables.len() {
        assert!(tables[i].keys.len() <= MAX_KEYS);
        i += 1;
    }
};

const PROFILE: Table = Table {
    path: "",
    keys: &[
        ("name", Kind::Text(|r, _| &mut r.profile.name)),
        ("description", Kind::Text(|r, _| &mut r.profile.description)),
        ("markdown", Kind::Table(&MARKDOWN)),
        ("links", Kind::Table(&LINKS)),
        ("front_matter", Kind::Table(&FRONT_MATTER)),
        ("template", Kind::Table(&TEMPLATE)),
        ("header", Kind::Table(&HEADER)),
    ],
    needs_first: None,
};

// A choice's index is its value's: each enum lists its values in the order
// of the names.
const MARKDOWN: Table = Table {
    path: "markdown",
    keys: &[
        (
            "dialect",
            Kind::Choice(&["pulldown-cmark", "markdown-it"], |r, i| {
                r.profile.markdown.dialect = match i {
                    0 => Dialect::PulldownCmark,
                    _ => Dialect::MarkdownIt,
                };
            }),
        ),
        ("raw_html", Kind::Bool(|r| &mut r.profile.markdown.raw_html)),
        ("breaks", Kind::Bool(|r| &mut r.profile.markdown.breaks)),
        ("linkify", Kind::Bool(|r| &mut r.profile.markdown.linkify)),
        (
            "smart_punctuation",
            Kind::Bool(|r| &mut r.profile.markdown.smart_punctuation),
        ),
        ("tables", Kind::Bool(|r| &mut r.profile.markdown.tables)),
        (
            "strikethrough",
            Kind::Bool(|r| &mut r.profile.markdown.strikethrough),
        ),
        (
            "task_lists",
            Kind::Bool(|r| &mut r.profile.markdown.task_lists),
        ),
        (
            "heading_attributes",
            Kind::Bool(|r| &mut r.profile.markdown.heading_attributes),
        ),
        (
            "footnotes",
            Kind::Choice(
                &["none", "pulldown-cmark", "markdown-it", "bottom"],
                |r, i| {
                    r.profile.markdown.footnotes = match i {
                        0 => Footnotes::None,
                        1 => Footnotes::PulldownCmark,
                        2 => Footnotes::MarkdownIt,
                        _ => Footnotes::Bottom,
                    };
                },
            ),
        ),
        (
            "heading_ids",
            Kind::Choice(&["none", "markdown-it-anchor", "zola"], |r, i| {
                r.profile.markdown.heading_ids = match i {
                    0 => HeadingIds::None,
                    1 => HeadingIds::MarkdownItAnchor,
                    _ => HeadingIds::Zola,
                };
            }),
        ),
        ("heading_anchor", Kind::Table(&HEADING_ANCHOR)),
        ("external_links", Kind::Table(&EXTERNAL_LINKS)),
        (
            "summary_marker",
            Kind::MaybeText(|r, _| &mut r.profile.markdown.summary_marker),
        ),
        (
            "internal_link_prefix",
            Kind::MaybeText(|r, _| &mut r.profile.markdown.internal_link_prefix),
        ),
    ],
    needs_first: None,
};

const HEADING_ANCHOR: Table = Table {
    path: "markdown.heading_anchor",
    keys: &[
        (
            "html",
            Kind::Text(|r, at| {
                r.places.anchor_html = at;
                &mut r
                    .profile
                    .markdown
                    .heading_anchor
                    .get_or_insert_default()
                    .html
            }),
        ),
        (
            "position",
            Kind::Choice(&["start", "end"], |r, i| {
                r.profile
                    .markdown
                    .heading_anchor
                    .get_or_insert_default()
                    .position = match i {
                    0 => AnchorPosition::Start,
                    _ => AnchorPosition::End,
                };
            }),
        ),
    ],
    needs_first: Some("`markdown.heading_anchor` needs `html`, the markup of the anchor"),
};

const EXTERNAL_LINKS: Table = Table {
    path: "markdown.external_links",
    keys: &[(
        "rel",
        Kind::Texts(|r, _| &mut r.profile.markdown.external_links.rel),
    )],
    needs_first: None,
};

const LINKS: Table = Table {
    path: "links",
    keys: &[
        (
            "base_url",
            Kind::MaybeText(|r, _| &mut r.profile.links.base_url),
        ),
        (
            "relative_to",
            Kind::Choice(&["site", "page"], |r, i| {
                r.profile.links.relative_to = match i {
                    0 => RelativeTo::Site,
                    _ => RelativeTo::Page,
                };
            }),
        ),
        (
            "permalink",
            Kind::MaybeText(|r, at| {
                r.places.permalink = Some(at);
                &mut r.profile.links.permalink
            }),
        ),
    ],
    needs_first: None,
};

const FRONT_MATTER: Table = Table {
    path: "front_matter",
    keys: &[
        ("formats", Kind::Formats),
        (
            "date_from",
            Kind::MaybeText(|r, at| {
                r.places.date_from = at;
                &mut r.profile.front_matter.date_from
            }),
        ),
        ("fields", Kind::Fields),
    ],
    needs_first: None,
};

/// The names of [`Format`]s, by index.
const FORMATS: &[&str] = &["yaml", "toml"];

/// One `[[front_matter.fields]]` entry; `key` and `type` are needed.
const FIELD: Table = Table {
    path: "front_matter.fields",
    keys: &[
        ("key", Kind::Text(|r, _| &mut r.field.key)),
        (
            "type",
            Kind::Choice(
                &[
                    "text",
                    "names",
                    "list",
                    "strings",
                    "date",
                    "bool",
                    "url",
                    "url-map",
                    "table",
                    "date-path",
                    "any",
                ],
                |r, i| {
                    r.field.kind = match i {
                        0 => FieldType::Text,
                        1 => FieldType::Names,
                        2 => FieldType::List,
                        3 => FieldType::Strings,
                        4 => FieldType::Date,
                        5 => FieldType::Bool,
                        6 => FieldType::Url,
                        7 => FieldType::UrlMap,
                        8 => FieldType::Table,
                        9 => FieldType::DatePath,
                        _ => FieldType::Any,
                    };
                },
            ),
        ),
        ("required", Kind::Bool(|r| &mut r.field.required)),
        ("recommended", Kind::Bool(|r| &mut r.field.recommended)),
        ("missing", Kind::MaybeText(|r, _| &mut r.field.missing)),
        ("aliases", Kind::Texts(|r, _| &mut r.field.aliases)),
        ("max_chars", Kind::MaybeCount(|r| &mut r.field.max_chars)),
        (
            "requires",
            Kind::Texts(|r, at| {
                r.requires_at = at;
                &mut r.field.requires
            }),
        ),
    ],
    needs_first: None,
};

const TEMPLATE: Table = Table {
    path: "template",
    keys: &[
        (
            "engine",
            Kind::Choice(&["none", "liquid", "zola"], |r, i| {
                r.profile.template.engine = match i {
                    0 => TemplateEngine::None,
                    1 => TemplateEngine::Liquid,
                    _ => TemplateEngine::Zola,
                };
            }),
        ),
        (
            "shortcodes",
            Kind::Texts(|r, _| &mut r.profile.template.shortcodes),
        ),
    ],
    needs_first: None,
};

const HEADER: Table = Table {
    path: "header",
    keys: &[
        (
            "template",
            Kind::Text(|r, at| {
                r.places.template = Some(at);
                &mut r.profile.header.template
            }),
        ),
        (
            "hidden_tags",
            Kind::Texts(|r, _| &mut r.profile.header.hidden_tags),
        ),
    ],
    needs_first: None,
};

/// What comes between the path of a table and a key's name: nothing for
/// the top.
fn dot(path: &str) -> &'static str {
    if path.is_empty() {
        ""
    } else {
        "."
    }
}

/// Appends `parts` to `out`.
#[inline(never)]
fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

impl Reader {
    fn error(&mut self, at: usize, message: String) {
        self.errors.push((at, message));
    }

    /// Reads `table` by `schema`: every unknown key is a mistake (all of
    /// them first), then each known key's value is read, in the table's
    /// order. Returns which of the schema's keys are present, and which of
    /// them were right, as bit sets.
    fn table(&mut self, table: &DeTable, schema: &Table) -> (u32, u32) {
        // The known keys' values, in the table's order (a key is in a
        // table once, and no table has more than `MAX_KEYS` keys).
        let mut known = [(0, None); MAX_KEYS];
        let mut count = 0;
        for (key, value) in table.iter() {
            match find(schema, key.get_ref()) {
                Some(index) => {
                    known[count] = (index, Some(value));
                    count += 1;
                }
                None => self.unknown(key.span().start, schema, key.get_ref()),
            }
        }
        let (mut present, mut right) = (0, 0);
        for &(index, value) in &known[..count] {
            let Some(value) = value else { continue };
            present |= 1 << index;
            let (name, kind) = schema.keys[index];
            if self.value(value, schema.path, name, kind) {
                right |= 1 << index;
            }
        }
        (present, right)
    }

    /// Reads the value of key `name` (of the table at `path`) as `kind`
    /// says, and stores it when it is right; whether it was.
    fn value(&mut self, value: &Item, path: &str, name: &str, kind: Kind) -> bool {
        let at = value.span().start;
        match kind {
            Kind::Text(place) => {
                let Some(text) = self.text(value, path, name) else {
                    return false;
                };
                *place(self, at) = text;
            }
            Kind::MaybeText(place) => {
                let Some(text) = self.text(value, path, name) else {
                    return false;
                };
                *place(self, at) = Some(text);
            }
            Kind::Bool(place) => {
                let DeValue::Boolean(b) = value.get_ref() else {
                    self.expected(at, path, name, "true or false");
                    return false;
                };
                *place(self) = *b;
            }
            Kind::MaybeCount(place) => {
                let n = match value.get_ref() {
                    DeValue::Integer(i) => whole(i.as_str(), i.radix()),
                    _ => None,
                };
                let Some(n) = n else {
                    self.expected(at, path, name, "a whole number, 0 or more");
                    return false;
                };
                *place(self) = Some(n);
            }
            Kind::Choice(names, store) => {
                let Some(index) = self.choice(value, path, name, names) else {
                    return false;
                };
                store(self, index);
            }
            Kind::Texts(place) => {
                let Some(items) = self.list(value, path, name, "a list of strings") else {
                    return false;
                };
                let mut texts = Vec::with_capacity(items.len());
                for item in items {
                    let Some(text) = self.text(item, path, name) else {
                        return false;
                    };
                    texts.push(text);
                }
                *place(self, at) = texts;
            }
            Kind::Table(schema) => {
                let Some(table) = self.as_table(value, path, name) else {
                    return false;
                };
                let (_, right) = self.table(table, schema);
                if let (0, Some(message)) = (right & 1, schema.needs_first) {
                    self.error(at, message.to_owned());
                }
            }
            Kind::Formats => {
                let what = "a list of \"yaml\" and \"toml\"";
                let Some(items) = self.list(value, path, name, what) else {
                    return false;
                };
                self.profile.front_matter.formats.clear();
                for item in items {
                    let Some(index) = self.choice(item, path, name, FORMATS) else {
                        break;
                    };
                    let format = match index {
                        0 => Format::Yaml,
                        _ => Format::Toml,
                    };
                    self.profile.front_matter.formats.push(format);
                }
            }
            Kind::Fields => {
                let what = "a list of tables (`[[front_matter.fields]]`)";
                let Some(items) = self.list(value, path, name, what) else {
                    return false;
                };
                for item in items {
                    if let Some(table) = self.as_table(item, path, name) {
                        self.field(table, item.span().start);
                    }
                }
            }
        }
        true
    }

    /// Reads one `[[front_matter.fields]]` entry, which starts at `at`.
    fn field(&mut self, table: &DeTable, at: usize) {
        self.requires_at = at;
        let (present, _) = self.table(table, &FIELD);
        for (bit, what) in [(1, "`key`"), (2, "`type`")] {
            if present & bit == 0 {
                self.error(
                    at,
                    format!("a `[[front_matter.fields]]` entry needs {what}"),
                );
            }
        }
        let field = std::mem::replace(&mut self.field, blank_field());
        self.profile.front_matter.fields.push(field);
        self.places.requires.push(self.requires_at);
    }

    /// Says that key `name` of the table at `path` must be `what`.
    #[inline(never)]
    fn expected(&mut self, at: usize, path: &str, name: &str, what: &str) {
        let mut message = String::new();
        push_all(
            &mut message,
            &["`", path, dot(path), name, "` must be ", what],
        );
        self.error(at, message);
    }

    /// Says that key `name`, at `at`, is not one of `schema`'s.
    #[inline(never)]
    fn unknown(&mut self, at: usize, schema: &Table, name: &str) {
        let path = schema.path;
        let mut message = String::new();
        push_all(
            &mut message,
            &["unknown key `", path, dot(path), name, "`: the keys of "],
        );
        if path.is_empty() {
            message.push_str("a profile are ");
        } else {
            push_all(&mut message, &["`[", path, "]` are "]);
        }
        for (index, (key, _)) in schema.keys.iter().enumerate() {
            push_all(&mut message, &[if index > 0 { ", " } else { "" }, key]);
        }
        self.error(at, message);
    }

    fn text(&mut self, value: &Item, path: &str, name: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.expected(value.span().start, path, name, "a string");
                None
            }
        }
    }

    /// The index in `names` of the value, a string.
    fn choice(&mut self, value: &Item, path: &str, name: &str, names: &[&str]) -> Option<usize> {
        let given = match value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        };
        let found = given.and_then(|given| names.iter().position(|n| *n == given));
        if found.is_none() {
            let mut what = String::from("one of ");
            for (index, n) in names.iter().enumerate() {
                push_all(&mut what, &[if index > 0 { ", \"" } else { "\"" }, n, "\""]);
            }
            if let Some(given) = given {
                push_all(&mut what, &[", not \"", given, "\""]);
            }
            self.expected(value.span().start, path, name, &what);
        }
        found
    }

    /// The items of the value, a list.
    fn list<'t, 'i>(
        &mut self,
        value: &'t Item<'i>,
        path: &str,
        name: &str,
        what: &str,
    ) -> Option<&'t [Item<'i>]> {
        match value.get_ref() {
            DeValue::Array(items) => Some(items),
            _ => {
                self.expected(value.span().start, path, name, what);
                None
            }
        }
    }

    fn as_table<'t, 'i>(
        &mut self,
        value: &'t Item<'i>,
        path: &str,
        name: &str,
    ) -> Option<&'t DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => {
                self.expected(value.span().start, path, name, "a table");
                None
            }
        }
    }
}

/// The number `digits` (in base `radix`, `+` allowed) says, when it is
/// one: what `usize::from_str_radix` reads, without its fast paths for
/// short numbers, which weigh 1 KiB per use in the wasm module.
pub(super) fn whole(digits: &str, radix: u32) -> Option<usize> {
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if digits.is_empty() {
        return None;
    }
    let mut n: usize = 0;
    for c in digits.chars() {
        n = n
            .checked_mul(radix as usize)?
            .checked_add(c.to_digit(radix)? as usize)?;
    }
    Some(n)
}

/// The index of key `name` in `schema`.
fn find(schema: &Table, name: &str) -> Option<usize> {
    schema.keys.iter().position(|(key, _)| *key == name)
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

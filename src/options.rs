//! Render options: which site profile, and the base URL.
//!
//! Everything site-specific is a [`crate::profile`]; the options only say
//! which one. [`Preset`] is the earlier name for the built-in profiles, kept
//! so that options written for earlier versions still work.

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

    /// The built-in profile the preset names.
    pub fn profile(self) -> &'static str {
        match self {
            Preset::Eleventy => "rust-foundation",
            Preset::Commonmark => "commonmark",
        }
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
    /// The markdown dialect and output conventions of a built-in profile
    /// (the earlier name of `profile`); `profile` wins when both are set.
    /// Default: `eleventy`, the `rust-foundation` profile.
    pub preset: Preset,
    /// The site profile: a built-in name (`rust-foundation`, `rust-blog`,
    /// `commonmark`, or the alias `eleventy`) or a profile's TOML text
    /// (see [`crate::profile`]). A profile's `links.base_url` applies when
    /// `base_url` is `None`.
    pub profile: Option<String>,
}

impl Options {
    /// The profile these options choose: `profile`, else `preset`'s.
    pub fn profile_choice(&self) -> &str {
        self.profile
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or(self.preset.profile())
    }
}

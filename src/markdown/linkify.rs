//! Bare URL and email detection (placeholder until the markdown-it rules land).

/// A link found in plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Byte range of the link text in the searched text.
    pub range: std::ops::Range<usize>,
    /// The URL to link to.
    pub href: String,
}

/// Finds links in plain text.
pub fn find_links(text: &str) -> Vec<Link> {
    let mut finder = ::linkify::LinkFinder::new();
    finder.url_must_have_scheme(false);
    finder
        .links(text)
        .map(|l| {
            let href = match l.kind() {
                ::linkify::LinkKind::Email => format!("mailto:{}", l.as_str()),
                _ if l.as_str().contains("://") => l.as_str().to_owned(),
                _ => format!("http://{}", l.as_str()),
            };
            Link {
                range: l.start()..l.end(),
                href,
            }
        })
        .collect()
}

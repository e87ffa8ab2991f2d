//! The post header, exactly as the site's news layout renders it:
//!
//! ```html
//! <h1>T</h1><h2>D</h2><div class="post-byline">by B</div>
//! <time class="post-date" datetime="yyyy-LL-dd">dd LLL yyyy</time>
//! <div class="post-tags">Tagged: <a href="/tags/TAG/" class="post-tag">TAG</a>…</div>
//! ```
//!
//! (without the line breaks). The `h2` is always present; the byline only
//! when it is not empty; the date in UTC; tags in front matter order, not
//! slugified, each once, without the site's internal tags ([`INTERNAL_TAGS`]). Front
//! matter strings are escaped: they are text, never HTML. The result still
//! passes through the sanitizer, like every piece of HTML in the output.

use std::fmt::Write;

use pulldown_cmark_escape::{escape_html, FmtWriter};

use crate::front_matter::FrontMatter;
use crate::sanitize::Policy;

/// Tags the site never links: its tag list is built from every tag except
/// these (`.eleventy.js`, "this list should match the `filter` list in
/// tags.njk"). `news` comes from the news folder's data file.
pub const INTERNAL_TAGS: &[&str] = &[
    "all", "nav", "people", "posts", "post", "members", "policies", "events", "event", "meetings",
    "meeting", "news",
];

/// Renders the header (title, description, byline, date, tags).
pub fn render(fm: &FrontMatter, policy: &Policy) -> String {
    let mut html = String::new();
    html.push_str("<h1>");
    push_text(&mut html, fm.title.as_deref().unwrap_or(""));
    html.push_str("</h1><h2>");
    push_text(&mut html, fm.description.as_deref().unwrap_or(""));
    html.push_str("</h2>");
    if let Some(byline) = fm.byline.as_deref().filter(|b| !b.is_empty()) {
        html.push_str("<div class=\"post-byline\">by ");
        push_text(&mut html, byline);
        html.push_str("</div>");
    }
    if let Some((datetime, shown)) = fm.date.as_deref().and_then(format_date) {
        let _ = write!(
            html,
            "<time class=\"post-date\" datetime=\"{datetime}\">{shown}</time>"
        );
    }
    // The layout always shows the tags line (every post has the `news` tag).
    html.push_str("<div class=\"post-tags\">Tagged:");
    let mut shown: Vec<&str> = Vec::new();
    for tag in &fm.tags {
        if INTERNAL_TAGS.contains(&tag.as_str()) || shown.contains(&tag.as_str()) {
            continue;
        }
        shown.push(tag);
        // One space before each chip, as the layout's loop leaves it.
        html.push_str(" <a href=\"/tags/");
        push_text(&mut html, tag);
        html.push_str("/\" class=\"post-tag\">");
        push_text(&mut html, tag);
        html.push_str("</a>");
    }
    html.push_str("</div>");
    policy.clean_generated(&html)
}

fn push_text(html: &mut String, text: &str) {
    let _ = escape_html(FmtWriter(html), text);
}

/// `yyyy-LL-dd` and `dd LLL yyyy` (e.g. `18 Sep 2023`) of a normalized UTC
/// date-time, as luxon formats them in the layout.
pub fn format_date(date: &str) -> Option<(String, String)> {
    let ts: jiff::Timestamp = date.parse().ok()?;
    Some((
        ts.strftime("%Y-%m-%d").to_string(),
        ts.strftime("%d %b %Y").to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::diagnostic::LineIndex;
    use crate::options::Options;

    #[test]
    fn layout_markup() {
        let fm = FrontMatter {
            title: Some("A <b>bold</b> & \"quoted\" title".into()),
            description: Some("D\u{a0}".into()),
            byline: Some("The Rust Foundation".into()),
            date: Some("2023-09-18T03:00:00Z".into()),
            tags: vec![
                "announcement".into(),
                "news".into(),
                "security initiative".into(),
            ],
            ..FrontMatter::default()
        };
        let index = LineIndex::new("");
        let policy = Policy::new(&Options::default(), &index, &mut vec![]);
        expect![[r#"<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; "quoted" title</h1><h2>D&nbsp;</h2><div class="post-byline">by The Rust Foundation</div><time class="post-date" datetime="2023-09-18">18 Sep 2023</time><div class="post-tags">Tagged: <a href="/tags/announcement/" class="post-tag">announcement</a> <a href="/tags/security initiative/" class="post-tag">security initiative</a></div>"#]]
            .assert_eq(&render(&fm, &policy));
    }

    #[test]
    fn empty_header_keeps_h2() {
        let index = LineIndex::new("");
        let policy = Policy::new(&Options::default(), &index, &mut vec![]);
        expect![[r#"<h1></h1><h2></h2><div class="post-tags">Tagged:</div>"#]]
            .assert_eq(&render(&FrontMatter::default(), &policy));
    }
}

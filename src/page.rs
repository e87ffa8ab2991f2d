//! A standalone HTML page for a preview: what `post-preview render` prints
//! and what the browser's "Export HTML" saves.

use pulldown_cmark_escape::{escape_html, FmtWriter};

use crate::Preview;

/// The page's Content-Security-Policy: no scripts at all, no plugins, no
/// `<base>`, no form submissions; images from anywhere (posts reference them).
pub const PAGE_CSP: &str = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; \
                            base-uri 'none'; form-action 'none'";

/// The page's stylesheet: readable defaults, light and dark.
pub const PAGE_CSS: &str = "\
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.6}
body{max-width:46rem;margin:2rem auto;padding:0 1rem}
img{max-width:100%;height:auto}
pre{overflow:auto;padding:.75rem;background:#8881}
code{font-family:ui-monospace,monospace}
blockquote{margin-left:0;padding-left:1rem;border-left:.25rem solid #8886}
table{border-collapse:collapse}th,td{border:1px solid #8886;padding:.25rem .5rem}
.post-byline,.post-date{color:GrayText}
.post-tag{display:inline-block;margin:0 .25rem;padding:0 .5rem;border-radius:1rem;background:#8882;text-decoration:none}
.direct-link{opacity:.4;text-decoration:none}
";

/// A complete HTML document showing `preview`'s header and body.
pub fn standalone_page(preview: &Preview) -> String {
    let mut title = String::new();
    let _ = escape_html(
        FmtWriter(&mut title),
        preview.front_matter.title.as_deref().unwrap_or("Preview"),
    );
    let robots = if preview.front_matter.index == Some(false) {
        "<meta name=\"robots\" content=\"noindex\">\n"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{PAGE_CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{robots}\
         <title>{title}</title>\n<style>\n{PAGE_CSS}</style>\n</head>\n<body>\n\
         <header>{}</header>\n<article>\n{}</article>\n</body>\n</html>\n",
        preview.header_html, preview.html
    )
}

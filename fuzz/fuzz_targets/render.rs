//! Fuzzes the whole render: it never panics, and both HTML outputs are fixed
//! points of the sanitizer (cleaning them again changes nothing, once the
//! `data-line` annotations added after sanitizing are set aside), under every
//! built-in profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use post_preview::sanitize::Policy;
use post_preview::{render, LineIndex, Options};

fn without_line_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(" data-line") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let start = after.find("=\"").map_or(after.len(), |i| i + 2);
        let end = after[start..]
            .find('"')
            .map_or(after.len(), |i| start + i + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    for profile in ["rust-foundation", "commonmark", "rust-blog"] {
        let options = Options {
            profile: Some(profile.to_owned()),
            ..Options::default()
        };
        let preview = render(source, &options);
        let policy = Policy::new(&options, &LineIndex::new(""), &mut vec![]);
        for html in [&preview.html, &preview.header_html] {
            let bare = without_line_attributes(html);
            assert_eq!(policy.clean_again(&bare), bare, "not a fixed point");
        }
    }
});

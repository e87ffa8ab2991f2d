//! Fuzzes the incremental renderer: a document, then edits, rendered one
//! after another by one `Renderer`. It never panics, and after every edit
//! it gives exactly what a whole render of the same text gives.
//!
//! Input: the document, a NUL byte, then edits of three bytes each: a
//! position (two bytes, scaled to the text), and an operation byte (odd:
//! insert one of the characters that reach past a block; even: delete up
//! to 15 bytes). The first edit byte's top bit picks the commonmark preset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use post_preview::{front_matter, render, LineIndex, Options, Preset, Renderer};

const INSERTS: &[char] = &[
    '\n', '`', '~', '#', '-', '=', '[', ']', '^', ':', '<', '>', '*', ' ', 'a', '|', '!', '/', '(', ')',
];

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let Ok(document) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let edits = &data[split + 1..];
    let preset = if edits.first().is_some_and(|b| b & 0x80 != 0) {
        Preset::Commonmark
    } else {
        Preset::Eleventy
    };
    let options = Options {
        preset,
        ..Options::default()
    };
    let mut renderer = Renderer::new(options.clone());
    let mut text = document.to_owned();
    // The header of the last version whose front matter could be read: what
    // the renderer shows (flagged stale) while it cannot be.
    let first = renderer.render(&text).preview.header_html;
    let mut readable = (!front_matter::parse(&text, &LineIndex::new(&text)).broken).then_some(first);
    for edit in edits.chunks_exact(3).take(24) {
        let mut at = (usize::from(edit[0]) << 8 | usize::from(edit[1])) % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if edit[2] & 1 == 1 {
            text.insert(at, INSERTS[usize::from(edit[2] >> 1) % INSERTS.len()]);
        } else {
            let mut end = (at + usize::from(edit[2] >> 1) % 16).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, "");
        }
        let rendered = renderer.render(&text);
        let stale = rendered.header_stale;
        let incremental = rendered.preview;
        let whole = render(&text, &options);
        assert_eq!(incremental.html, whole.html, "body of {text:?}");
        let broken = front_matter::parse(&text, &LineIndex::new(&text)).broken;
        match &readable {
            Some(last) if broken => {
                assert!(stale, "not flagged stale: {text:?}");
                assert_eq!(&incremental.header_html, last);
            }
            _ => {
                assert!(!stale, "flagged stale: {text:?}");
                assert_eq!(incremental.header_html, whole.header_html);
            }
        }
        if !broken {
            readable = Some(whole.header_html.clone());
        }
        assert_eq!(incremental.diagnostics, whole.diagnostics, "diagnostics of {text:?}");
        assert_eq!(incremental.outline, whole.outline);
        assert_eq!(incremental.stats, whole.stats);
    }
});

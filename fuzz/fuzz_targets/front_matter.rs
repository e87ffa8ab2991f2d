//! Fuzzes front matter parsing (YAML and TOML, limits, typed fields): it
//! never panics, the body starts on a char boundary within the source, and
//! every diagnostic points inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use post_preview::{front_matter, LineIndex};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Most inputs should reach a parser: try each as is and inside both fences.
    for source in [
        text.to_owned(),
        format!("---\n{text}\n---\nbody\n"),
        format!("+++\n{text}\n+++\nbody\n"),
    ] {
        let index = LineIndex::new(&source);
        let parsed = front_matter::parse(&source, &index);
        assert!(parsed.body_start <= source.len() && source.is_char_boundary(parsed.body_start));
        let lines = source.lines().count().max(1) as u32 + 1;
        for d in &parsed.diagnostics {
            assert!(
                d.line >= 1 && d.line <= lines,
                "{d:?} outside {lines} lines"
            );
        }
    }
});

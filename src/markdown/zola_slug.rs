//! Zola's heading slugs: `slug::slugify` (crate `slug` 0.1.6 over
//! `deunicode` 1.6, the versions Zola 0.22.1 locks), without the 465 KiB
//! transliteration table behind it.
//!
//! A slug keeps only `a-z`, `0-9` and single dashes, so all that matters of
//! a character's transliteration is what is left of it after that: `é` →
//! `e`, `🦀` → `crab`, `—` → a dash. `zola_translit.rs` (generated) holds that
//! reduced form for every character of the blocks headings use: Latin,
//! Greek, Cyrillic, punctuation, symbols, arrows, shapes, dingbats, fullwidth
//! forms, emoji. A character of another script (CJK, Arabic, Hebrew, Indic,
//! …) is a dash here, where Zola transliterates it: [`slugify`] says so, and
//! the heading's id may then differ from the site's.
//!
//! The table is checked against `deunicode` and the whole function against
//! `slug::slugify` (`cargo test --lib zola_slug`); regenerate it with
//! `UPDATE_TRANSLIT=1 cargo test --lib zola_slug`.

// Generated: rustfmt leaves it as the test writes it.
#[rustfmt::skip]
#[path = "zola_translit.rs"]
mod table;

/// The code point ranges the table covers (inclusive).
pub const COVERED: &[(u32, u32)] = &[
    (0x80, 0x52f),
    (0x1d00, 0x1fff),
    (0x2000, 0x2bff),
    (0x3000, 0x303f),
    (0xfe00, 0xfe0f),
    (0xfe30, 0xfe4f),
    (0xff00, 0xffef),
    (0x1f000, 0x1faff),
];

/// What a non-ASCII character leaves in a slug: its reduced transliteration
/// (`Some("-")` for a separator, `Some("")` for nothing), or `None` when it
/// is outside the covered blocks.
fn reduced(c: char) -> Option<&'static str> {
    let code = c as u32;
    if !COVERED.iter().any(|&(lo, hi)| (lo..=hi).contains(&code)) {
        return None;
    }
    Some(lookup(code).unwrap_or("-"))
}

/// Entries between two [`INDEX`] points.
const STRIDE: usize = 64;

/// Every [`STRIDE`]th entry's code point and offset in `TEXT`, computed
/// when the crate is compiled: a lookup walks at most one stride, so a
/// heading of 100,000 emoji costs 100,000 short walks, not a walk of the
/// whole table each.
static INDEX: [(u32, u32); table::CODES.len().div_ceil(STRIDE)] = index();

const fn index() -> [(u32, u32); table::CODES.len().div_ceil(STRIDE)] {
    let mut out = [(0, 0); table::CODES.len().div_ceil(STRIDE)];
    let (mut i, mut code, mut offset) = (0, 0u32, 0u32);
    while i < table::CODES.len() {
        code += table::CODES[i] as u32;
        if i % STRIDE == 0 {
            out[i / STRIDE] = (code, offset);
        }
        offset += table::LENGTHS[i] as u32;
        i += 1;
    }
    out
}

/// The table's entry for `code`: `CODES` holds the gaps between successive
/// code points, `LENGTHS` each entry's length in `TEXT`; [`INDEX`] says
/// where to start walking them.
fn lookup(code: u32) -> Option<&'static str> {
    let block = INDEX
        .partition_point(|&(at, _)| at <= code)
        .checked_sub(1)?;
    let (mut at, mut offset) = INDEX[block];
    let first = block * STRIDE;
    let last = (first + STRIDE).min(table::CODES.len());
    for i in first..last {
        if i > first {
            at += u32::from(table::CODES[i]);
        }
        let len = usize::from(table::LENGTHS[i]);
        if at == code {
            return table::TEXT
                .get(offset as usize..offset as usize + len)
                .and_then(|text| std::str::from_utf8(text).ok());
        }
        if at > code {
            return None;
        }
        offset += len as u32;
    }
    None
}

/// `slug::slugify(title)`, and whether every character was covered (when
/// not, the slug may differ from Zola's).
pub fn slugify(title: &str) -> (String, bool) {
    let mut slug = String::with_capacity(title.len());
    let mut covered = true;
    // Starts as if after a dash: no leading dash.
    let mut dash = true;
    let mut push = |b: u8, slug: &mut String| match b {
        b'a'..=b'z' | b'0'..=b'9' => {
            dash = false;
            slug.push(b as char);
        }
        b'A'..=b'Z' => {
            dash = false;
            slug.push((b - b'A' + b'a') as char);
        }
        _ => {
            if !dash {
                slug.push('-');
                dash = true;
            }
        }
    };
    for c in title.chars() {
        if c.is_ascii() {
            push(c as u8, &mut slug);
            continue;
        }
        let text = reduced(c).unwrap_or_else(|| {
            covered = false;
            "-"
        });
        for b in text.bytes() {
            push(b, &mut slug);
        }
    }
    if slug.ends_with('-') {
        slug.pop();
    }
    (slug, covered)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// What a transliteration leaves in a slug: runs of `a-z0-9` (lowercased)
    /// with one `-` for each run of anything else, kept at the ends too (a
    /// character's dashes join its neighbours').
    fn reduce(text: &str) -> String {
        let mut out = String::new();
        for b in text.bytes() {
            match b {
                b'a'..=b'z' | b'0'..=b'9' => out.push(b as char),
                b'A'..=b'Z' => out.push((b - b'A' + b'a') as char),
                _ if !out.ends_with('-') => out.push('-'),
                _ => {}
            }
        }
        out
    }

    fn generated() -> String {
        let (mut codes, mut lengths, mut text) = (Vec::new(), Vec::new(), String::new());
        let mut last = 0u32;
        for &(lo, hi) in COVERED {
            for code in lo..=hi {
                let Some(c) = char::from_u32(code) else {
                    continue;
                };
                let left = reduce(deunicode::deunicode_char(c).unwrap_or("-"));
                if left != "-" {
                    codes.push(u16::try_from(code - last).unwrap().to_string());
                    lengths.push(u8::try_from(left.len()).unwrap().to_string());
                    text.push_str(&left);
                    last = code;
                }
            }
        }
        let list = |items: &[String]| {
            items
                .chunks(20)
                .map(|c| format!("    {},\n", c.join(", ")))
                .collect::<String>()
        };
        let mut out = String::new();
        out.push_str(
            "//! Generated by `UPDATE_TRANSLIT=1 cargo test --lib zola_slug` from deunicode\n",
        );
        out.push_str(
            "//! 1.6.2: each character of `zola_slug::COVERED` whose transliteration leaves\n",
        );
        out.push_str(&format!(
            "//! more than a dash in a slug ({} of them), and what it leaves. Do not edit.\n\n",
            codes.len()
        ));
        // Statics of fixed size, not `&[…]` constants: the link map then
        // names their bytes, and `cargo xtask size` counts them here.
        out.push_str("/// The gap from the previous entry's code point (from 0 for the first).\n");
        out.push_str(&format!(
            "pub(super) static CODES: [u16; {}] = [\n{}];\n\n",
            codes.len(),
            list(&codes)
        ));
        out.push_str("/// Each entry's length in `TEXT`.\n");
        out.push_str(&format!(
            "pub(super) static LENGTHS: [u8; {}] = [\n{}];\n\n",
            lengths.len(),
            list(&lengths)
        ));
        out.push_str("/// What the entries leave in a slug, one after the other (ASCII).\n");
        out.push_str(&format!(
            "pub(super) static TEXT: [u8; {}] = *b{text:?};\n",
            text.len()
        ));
        out
    }

    #[test]
    fn table_is_deunicodes() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/markdown/zola_translit.rs");
        let want = generated();
        if std::env::var_os("UPDATE_TRANSLIT").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "src/markdown/zola_translit.rs is not deunicode's: regenerate it with \
             UPDATE_TRANSLIT=1 cargo test --lib zola_slug"
        );
    }

    #[test]
    fn same_as_slug_crate_on_every_covered_character() {
        for &(lo, hi) in COVERED {
            for code in lo..=hi {
                let Some(c) = char::from_u32(code) else {
                    continue;
                };
                for title in [format!("a{c}b"), format!("{c}"), format!("x {c}{c} y")] {
                    assert_eq!(slugify(&title), (slug::slugify(&title), true), "{code:#x}");
                }
            }
        }
    }

    #[test]
    fn same_as_slug_crate_on_headings() {
        for title in [
            "What's in 1.94.1",
            "👩‍💻 Rust 🦀 and 🛠️ tools",
            "Ångström — “quotes” … and ‘more’",
            "  --test_-_cool",
            "Æúű--cool?",
            "Привет, мир",
            "αβγ",
            "",
            "---",
        ] {
            assert_eq!(slugify(title), (slug::slugify(title), true), "{title}");
        }
        // Outside the covered blocks: a dash, and said.
        let (slug, covered) = slugify("Rust 中文");
        assert_eq!((slug.as_str(), covered), ("rust", false));
        assert_ne!(slug::slugify("Rust 中文"), "rust");
    }
}

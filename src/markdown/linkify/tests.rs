//! The tests of [`super`]: against markdown-it 12.3.2's own answers
//! (`tests/fidelity/linkify-cases.json`) and, differentially, against the
//! first port kept in `reference.rs`.

use super::*;

fn hrefs(text: &str) -> Vec<(&str, String)> {
    find_links(text)
        .into_iter()
        .map(|l| (&text[l.range], l.href))
        .collect()
}

#[test]
fn examples() {
    assert_eq!(
        hrefs("see docs.rs."),
        vec![("docs.rs", "http://docs.rs".to_owned())]
    );
    assert_eq!(
        hrefs("M.Sc in build.rs"),
        vec![
            ("M.Sc", "http://M.Sc".to_owned()),
            ("build.rs", "http://build.rs".to_owned())
        ]
    );
    assert_eq!(
        hrefs("mail a@b.com!"),
        vec![("a@b.com", "mailto:a@b.com".to_owned())]
    );
    assert_eq!(
        hrefs("(https://x.org/a_(b)))"),
        vec![("https://x.org/a_(b)", "https://x.org/a_(b)".to_owned())]
    );
    assert!(hrefs("main.js, .docs.rs, /docs.rs, ex_ample.com").is_empty());
    assert!(hrefs("no links here").is_empty());
}

#[test]
fn punctuation_table_is_sorted() {
    assert!(PUNCTUATION.windows(2).all(|w| w[0].1 < w[1].0));
    assert!(is_p('…') && is_p('“') && is_p('_') && !is_p('$') && !is_p('+'));
}

fn cases() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../tests/fidelity/linkify-cases.json"))
        .expect("linkify-cases.json parses")
}

/// Agrees with markdown-it 12.3.2 on every text run `linkify-cases.mjs` recorded.
#[test]
fn agrees_with_markdown_it() {
    let all = cases();
    let cases = all["links"].as_array().expect("links: an array");
    assert!(cases.len() > 1000, "expected the corpus runs too");
    let mut failures = Vec::new();
    for case in cases {
        let text = case["text"].as_str().expect("text");
        let expected: Vec<(usize, usize, String)> = case["links"]
            .as_array()
            .expect("links")
            .iter()
            .map(|l| {
                (
                    l["start"].as_u64().expect("start") as usize,
                    l["end"].as_u64().expect("end") as usize,
                    l["href"].as_str().expect("href").to_owned(),
                )
            })
            .collect();
        let actual: Vec<(usize, usize, String)> = find_links(text)
            .into_iter()
            .map(|l| (l.range.start, l.range.end, l.href))
            .collect();
        if actual != expected {
            failures.push(format!(
                "{text:?}\n    expected {expected:?}\n    actual   {actual:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Agrees with linkify-it's pretest on every inline source recorded.
#[test]
fn pretest_agrees_with_markdown_it() {
    let all = cases();
    let cases = all["pretest"].as_array().expect("pretest: an array");
    assert!(cases.iter().any(|c| c["pretest"] == false));
    let failures: Vec<String> = cases
        .iter()
        .filter(|c| {
            pretest(c["inline"].as_str().expect("inline"))
                != c["pretest"].as_bool().expect("pretest")
        })
        .map(|c| format!("{}", c["inline"]))
        .collect();
    assert!(
        failures.is_empty(),
        "pretest differs on:\n{}",
        failures.join("\n")
    );
}

/// The same answers as the implementation this one replaced.
fn assert_same(text: &str) {
    assert_eq!(
        find_links(text),
        reference::find_links(text),
        "find_links({text:?})"
    );
    assert_eq!(pretest(text), reference::pretest(text), "pretest({text:?})");
}

/// A small deterministic generator (xorshift64*), so no crate is needed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// Characters and fragments the rules care about.
const PIECES: &[&str] = &[
    ".",
    ".",
    ".",
    ":",
    ":",
    "/",
    "/",
    "@",
    "@",
    "-",
    "_",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "w",
    "h",
    "t",
    "p",
    "s",
    "c",
    "o",
    "x",
    "n",
    "l",
    "a",
    "m",
    "i",
    "f",
    "r",
    "g",
    "u",
    "k",
    "e",
    "d",
    "z",
    "b",
    "A",
    "W",
    "H",
    "T",
    "P",
    "S",
    "X",
    "N",
    "0",
    "1",
    "2",
    "5",
    "9",
    " ",
    " ",
    " ",
    "é",
    "р",
    "ф",
    "Р",
    "Ф",
    "日",
    "🦀",
    "\u{a0}",
    "\u{3000}",
    "\u{ff5c}",
    "…",
    "“",
    "”",
    "\"",
    "'",
    "$",
    "+",
    "=",
    "^",
    "`",
    "|",
    "~",
    "?",
    "!",
    ",",
    ";",
    "#",
    "%",
    "&",
    "*",
    "\n",
    "\r",
    "\t",
    "\u{2028}",
    "\u{7f}",
    "\u{85}",
    "\u{ff0e}",
    "http",
    "https",
    "ftp",
    "mailto",
    "www",
    "WWW",
    "localhost",
    "xn--",
    "com",
    "org",
    "info",
    "museum",
    "рф",
    "io",
    "rs",
    "uk",
    "ru",
    "1.2.3.4",
    "255",
    ":80",
    ":65535",
    ":99999",
    "//",
    "://",
    "HTTP://",
    "https://",
    "www.",
    "a@b.co",
    "x.com",
    "docs.rs",
    "..",
    "--",
    "...",
    "!!",
    "??",
    "e.g.",
    "xn--p1ai",
    "mailto:",
    "ftp://",
];

fn random_text(rng: &mut Rng, max_pieces: usize) -> String {
    let n = rng.below(max_pieces + 1);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

/// Random short strings: both implementations agree.
#[test]
fn agrees_with_reference_on_random_text() {
    let cases: usize = std::env::var("LINKIFY_RANDOM_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30_000);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..cases {
        assert_same(&random_text(&mut rng, 24));
    }
    // Longer strings, with many links and refused schemas in each.
    for _ in 0..cases / 20 {
        assert_same(&random_text(&mut rng, 200));
    }
}

/// Every recorded text run and inline source: both implementations agree.
#[test]
fn agrees_with_reference_on_recorded_text() {
    let all = cases();
    let texts = all["links"].as_array().expect("links").iter();
    let inlines = all["pretest"].as_array().expect("pretest").iter();
    for case in texts.chain(inlines) {
        let text = case["text"].as_str().or(case["inline"].as_str());
        assert_same(text.expect("text or inline"));
    }
}

/// [`next_mark`] finds the same bytes as a plain loop, across its
/// eight-byte steps.
#[test]
fn marks_are_found_everywhere() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for _ in 0..2_000 {
        let text = random_text(&mut rng, 40);
        let b = text.as_bytes();
        let naive = |from: usize| {
            (from..b.len()).find(|&i| match b[i] {
                b'.' | b':' | b'/' | b'@' => true,
                b'l' | b'L' => b
                    .get(i + 1..i + 3)
                    .is_some_and(|n| n.eq_ignore_ascii_case(b"oc")),
                _ => false,
            })
        };
        for from in 0..=b.len() + 1 {
            assert_eq!(next_mark(b, from), naive(from), "{text:?} from {from}");
        }
    }
}

#[test]
fn character_classes_agree_with_reference() {
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        assert_eq!(is_p(c), reference::is_p(c), "{c:?}");
    }
    for a in (0..=0x17f).filter_map(char::from_u32) {
        for b in (0..=0x17f).filter_map(char::from_u32) {
            assert_eq!(is_country_code(a, b), reference::is_country_code(a, b));
        }
    }
    // The only characters matching `рф` without case: `Р` and `Ф`.
    for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
        let r = chars_eq_ci(c, 'р');
        let f = chars_eq_ci(c, 'ф');
        assert_eq!(r, matches!(c, 'р' | 'Р'), "{c:?}");
        assert_eq!(f, matches!(c, 'ф' | 'Ф'), "{c:?}");
    }
}

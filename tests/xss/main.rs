//! The XSS payloads natively, and a seeded mutation test that runs the fuzz
//! targets' checks on stable Rust as part of `cargo test`.
//!
//! - `payloads_in_every_context`: every payload of `payloads.json`, placed by
//!   the same templates as `cases.mjs`, in both presets: the output holds only
//!   allowlisted tags, no `on*` attribute, only allowed URLs, and is a fixed
//!   point of the sanitizer.
//! - `mutations_never_panic_and_are_fixed_points`: random splices of payloads
//!   and markdown/HTML/front matter fragments (seeded, reproducible; set
//!   `PP_MUTATIONS=N` for more, `PP_SEED=S` for another seed).
//! - `regressions`: every crash or finding of the fuzzers and suites, kept.
//!
//! The browser suite (tests/browser/xss.test.js) runs the same payloads in
//! real Chromium; this one is fast and runs everywhere.

use std::cell::RefCell;

use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use post_preview::sanitize::{Policy, ALIGN_VALUES, CHECKBOXES, STYLE_PROPERTIES, TAGS};
use post_preview::{render, LineIndex, Options, Preset};

const PAYLOADS: &str = include_str!("payloads.json");

struct Payload {
    id: String,
    kind: String,
    payload: String,
    contexts: Vec<String>,
}

fn payloads() -> Vec<Payload> {
    let doc: serde_json::Value = serde_json::from_str(PAYLOADS).expect("payloads.json");
    doc["payloads"]
        .as_array()
        .expect("payloads")
        .iter()
        .map(|p| Payload {
            id: p["id"].as_str().unwrap().to_owned(),
            kind: p["kind"].as_str().unwrap().to_owned(),
            payload: p["payload"].as_str().unwrap().to_owned(),
            contexts: p["contexts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
                .collect(),
        })
        .collect()
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn dest(u: &str) -> String {
    let needs = u
        .chars()
        .any(|c| c.is_whitespace() || "()<>".contains(c) || c < ' ');
    let cannot = u.contains(['\n', '<', '>']);
    if needs && !cannot {
        format!("<{u}>")
    } else {
        u.to_owned()
    }
}

/// The templates of `cases.mjs` (keep the two in step).
fn place(kind: &str, context: &str, p: &str) -> String {
    let attr = p.replace('"', "&quot;");
    match (kind, context) {
        ("html", "inline") => format!("Before {p} after.\n"),
        ("html", "html-block") => format!("<div class=\"ctx\">\n{p}\n</div>\n\nAfter.\n"),
        ("html", "list-item") => format!("- first\n- {}\n- last\n", p.replace('\n', "\n  ")),
        ("html", "task-item") => format!("- [ ] {}\n- [x] done\n", p.replace('\n', "\n  ")),
        ("html", "blockquote") => format!("> {}\n", p.replace('\n', "\n> ")),
        ("html", "front-matter") => format!(
            "---\ntitle: {0}\ndescription: {0}\nbyline: {0}\ntags: [{0}, ok]\n---\nBody.\n",
            q(p)
        ),
        ("url", "link") => format!("A [link]({} \"title\") here.\n", dest(p)),
        ("url", "image") => format!("An ![image]({}) here.\n", dest(p)),
        ("url", "reference") => format!("A [reference][r] and ![image][r].\n\n[r]: {}\n", dest(p)),
        ("url", "autolink") => format!("An <{p}> autolink.\n"),
        ("url", "html-link") => {
            format!("<p><a href=\"{attr}\">html link</a> <img src=\"{attr}\" alt=\"i\"></p>\n")
        }
        ("url", "list-item-link") => {
            format!(
                "- [link]({})\n- <a href=\"{attr}\">html link</a>\n",
                dest(p)
            )
        }
        ("url", "blockquote-link") => {
            format!("> [link]({}) <a href=\"{attr}\">html link</a>\n", dest(p))
        }
        ("url", "front-matter-url") => format!(
            "---\ntitle: {0}\nexternalurl: {0}\nattachments:\n  file: {0}\n---\nBody.\n",
            q(p)
        ),
        ("document", "document") => p.to_owned(),
        _ => panic!("unknown context {kind}/{context}"),
    }
}

/// A start tag's name and attributes.
type StartTag = (String, Vec<(String, String)>);

/// Start tags and their attributes, as a browser's tokenizer reads them.
#[derive(Default)]
struct Tags(RefCell<Vec<StartTag>>);

impl TokenSink for Tags {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token {
            if tag.kind == TagKind::StartTag {
                self.0.borrow_mut().push((
                    tag.name.to_string(),
                    tag.attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect(),
                ));
            }
        }
        TokenSinkResult::Continue
    }
}

fn start_tags(html: &str) -> Vec<StartTag> {
    let tokenizer = Tokenizer::new(Tags::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(html.into());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

/// Removes the `data-line`/`data-line-end` annotations (added after sanitizing).
fn without_line_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(" data-line") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let value_start = after.find("=\"").map(|i| i + 2).unwrap_or(after.len());
        let value_end = after[value_start..]
            .find('"')
            .map(|i| value_start + i + 1)
            .unwrap_or(after.len());
        rest = &after[value_end..];
    }
    out.push_str(rest);
    out
}

/// What a kept `style` attribute must never hold, checked apart from the
/// sanitizer's own parser: a property outside the allowlist (names split
/// at `;` and `:` outside strings), a function that loads or computes from outside
/// (`url(`, `expression(`, `image-set(`, `attr(`), an escape, a
/// comment or an at-rule.
fn style_problems(tag: &str, style: &str) -> Vec<String> {
    let mut found = vec![];
    let lower = style.to_ascii_lowercase();
    for bad in [
        "url(",
        "expression",
        "image-set",
        "attr(",
        "\\",
        "/*",
        "@",
        "behavior",
        "binding",
    ] {
        if lower.contains(bad) {
            found.push(format!("{tag}[style={style:?}] holds {bad:?}"));
        }
    }
    // Strings (a font name) may hold anything: split what is outside them.
    let mut outside = String::new();
    let mut quote = None;
    for c in lower.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None => outside.push(c),
        }
    }
    for declaration in outside.split(';') {
        let Some((property, _)) = declaration.split_once(':') else {
            continue;
        };
        let property = property.trim();
        if !STYLE_PROPERTIES.contains(&property) {
            found.push(format!(
                "{tag}[style={style:?}] keeps the property {property:?}"
            ));
        }
    }
    found
}

/// Every check on one rendered string; returns the problems found.
fn problems(policy: &Policy, html: &str) -> Vec<String> {
    let mut found = vec![];
    for (name, attrs) in start_tags(html) {
        if name == "input" {
            // Only markdown's task-list checkboxes, exactly as it writes them.
            let written = format!(
                "<input{}>",
                attrs
                    .iter()
                    .map(|(a, v)| format!(" {a}=\"{v}\""))
                    .collect::<String>()
            );
            if !CHECKBOXES.contains(&written.as_str()) {
                found.push(format!("form control {written}"));
            }
        } else if !TAGS.contains(&name.as_str()) {
            found.push(format!("element <{name}>"));
        }
        for (attr, value) in attrs {
            if attr.starts_with("on") {
                found.push(format!("attribute {name}[{attr}]"));
            }
            if matches!(attr.as_str(), "href" | "src") && !Policy::url_allowed(&value) {
                found.push(format!("URL {name}[{attr}={value:?}]"));
            }
            if attr == "style" {
                found.extend(style_problems(&name, &value));
            }
            if attr == "align"
                && !ALIGN_VALUES
                    .iter()
                    .find(|(tag, _)| *tag == name || *tag == "*")
                    .is_some_and(|(_, values)| values.contains(&value.as_str()))
            {
                found.push(format!("{name}[align={value:?}] is not an allowed value"));
            }
            if !matches!(
                attr.as_str(),
                "href"
                    | "src"
                    | "alt"
                    | "title"
                    | "class"
                    | "id"
                    | "lang"
                    | "dir"
                    | "target"
                    | "rel"
                    | "width"
                    | "height"
                    | "colspan"
                    | "rowspan"
                    | "style"
                    | "scope"
                    | "span"
                    | "start"
                    | "reversed"
                    | "value"
                    | "datetime"
                    | "open"
                    | "checked"
                    | "disabled"
                    | "type"
                    | "data-line"
                    | "data-line-end"
                    | "align"
            ) {
                found.push(format!("attribute {name}[{attr}] is not in the policy"));
            }
        }
    }
    let bare = without_line_attributes(html);
    let again = policy.clean_again(&bare);
    if again != bare {
        found.push(format!(
            "not a fixed point of the sanitizer:\n  {bare:?}\n  {again:?}"
        ));
    }
    found
}

fn check_source(source: &str, label: &str, failures: &mut Vec<String>) {
    for preset in [Preset::Eleventy, Preset::Commonmark] {
        let options = Options {
            preset,
            ..Options::default()
        };
        let preview = render(source, &options);
        let index = LineIndex::new("");
        let policy = Policy::new(&options, &index, &mut vec![]);
        for (name, html) in [
            ("html", &preview.html),
            ("header_html", &preview.header_html),
        ] {
            for p in problems(&policy, html) {
                failures.push(format!("{label} [{preset:?}] {name}: {p}"));
            }
        }
        // No more checkboxes than markdown writes (at most one per `[ ]` or
        // `[x]` in the source, none in the eleventy preset): a forged one,
        // even written exactly as markdown's, would be one too many.
        let markers = match preset {
            Preset::Commonmark => ["[ ]", "[x]", "[X]"]
                .iter()
                .map(|m| source.matches(m).count())
                .sum(),
            Preset::Eleventy => 0,
        };
        let checkboxes = start_tags(&preview.html)
            .iter()
            .filter(|(name, _)| name == "input")
            .count();
        if checkboxes > markers {
            failures.push(format!(
                "{label} [{preset:?}] html: {checkboxes} checkboxes for {markers} task-list markers"
            ));
        }
    }
}

#[test]
fn payloads_in_every_context() {
    let payloads = payloads();
    assert!(payloads.len() >= 150, "{} payloads", payloads.len());
    let mut failures = vec![];
    let mut cases = 0;
    for p in &payloads {
        for context in &p.contexts {
            cases += 1;
            let source = place(&p.kind, context, &p.payload);
            check_source(&source, &format!("{}@{context}", p.id), &mut failures);
        }
    }
    eprintln!(
        "native xss: {} payloads, {cases} cases, {} problems",
        payloads.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// xorshift64*: tiny, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "\"",
    "'",
    "=",
    "&",
    "&#",
    ";",
    "\n",
    "\n\n",
    " ",
    "\t",
    "\0",
    "\r\n",
    "<div>",
    "</div>",
    "<p>",
    "<table>",
    "<tr><td>",
    "</table>",
    "<svg>",
    "<math>",
    "<mi>",
    "<mtext>",
    "<style>",
    "</style>",
    "<noscript>",
    "<template>",
    "<title>",
    "<textarea>",
    "<select>",
    "<form>",
    "<a href=\"",
    "<img src=x ",
    "onerror=",
    "javascript:",
    "data:",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?",
    "*",
    "**",
    "_",
    "`",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "![",
    "[^1]",
    "[^1]: ",
    "> ",
    "- ",
    "1. ",
    "# ",
    "| a |\n|---|\n",
    "---\n",
    "+++\n",
    "title: ",
    "tags: [",
    "&amp;",
    "&lt;",
    "&#x3C;",
    "https://x.org/",
    "www.x.org",
    "a@b.co",
    "{{",
    "}}",
    "{%",
    "%}",
    "\u{2028}",
    "\u{feff}",
    "\u{fffd}",
    "é",
    "🦀",
];

fn mutate(rng: &mut Rng, seeds: &[String]) -> String {
    let mut s = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        let at = {
            let mut i = rng.below(s.len() + 1);
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match rng.below(4) {
            0 => s.insert_str(at, FRAGMENTS[rng.below(FRAGMENTS.len())]),
            1 => {
                let other = &seeds[rng.below(seeds.len())];
                s.insert_str(at, other);
            }
            2 => {
                let mut end = (at + 1 + rng.below(16)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            _ => {
                let piece = FRAGMENTS[rng.below(FRAGMENTS.len())].repeat(1 + rng.below(40));
                s.insert_str(at, &piece);
            }
        }
    }
    s
}

#[test]
fn mutations_never_panic_and_are_fixed_points() {
    let n: usize = std::env::var("PP_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("PP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EC0_7E57);
    let mut seeds: Vec<String> = payloads()
        .iter()
        .map(|p| place(&p.kind, &p.contexts[0], &p.payload))
        .collect();
    seeds.push(include_str!("../../www/examples/openssf.md").to_owned());
    let mut rng = Rng(seed);
    let mut failures = vec![];
    for i in 0..n {
        let source = mutate(&mut rng, &seeds);
        let before = failures.len();
        check_source(
            &source,
            &format!("mutation {i} (seed {seed})"),
            &mut failures,
        );
        if failures.len() > before {
            failures.push(format!("  source: {source:?}"));
        }
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Inputs the suites and fuzzers found; each must stay fixed.
#[test]
fn regressions() {
    let mut failures = vec![];
    for (label, source) in [
        // xss.test.js url-scheme-44: an unresolvable scheme-relative URL.
        (
            "scheme-relative, bad port",
            "[a](//javascript:alert(1)) ![i](//javascript:x)\n",
        ),
        // xss.test.js mutation-32 / nesting-03: foster parenting out of a table.
        (
            "li foster-parented out of a table",
            "- first\n- <table><svg><style><img src=x onerror=alert(1)>\n- last\n",
        ),
        (
            "heading in a removed element",
            "<h1><x><h2>t</h2></x></h1>\n",
        ),
    ] {
        check_source(source, label, &mut failures);
    }
    let preview = render("[a](//javascript:alert(1))\n", &Options::default());
    assert!(!preview.html.contains("javascript"), "{}", preview.html);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Element-dense input is bounded (transform.rs `MAX_ELEMENTS`): found by
/// tests/browser/dos.test.js (footnote references, headings, `<br>`s took
/// over a second in wasm).
#[test]
fn element_budget() {
    const MAX: usize = 20_000;
    for (label, source) in [
        (
            "footnote references",
            format!("{}\n\n[^1]: n\n", "x[^1] ".repeat(22_000)),
        ),
        ("headings", "# h\n".repeat(22_000)),
        ("inline html", "<b>x</b>".repeat(22_000)),
        ("soft breaks", "a\n".repeat(22_000)),
        ("emphasis", "*a* ".repeat(22_000)),
    ] {
        let preview = render(&source, &Options::default());
        let elements = preview.html.matches('<').count() - preview.html.matches("</").count();
        assert!(elements <= MAX + 10, "{label}: {elements} elements");
        assert!(
            preview
                .diagnostics
                .iter()
                .any(|d| d.message.contains("more than 20000 elements")),
            "{label}: no diagnostic"
        );
        let mut failures = vec![];
        check_source(&source, label, &mut failures);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
    let example = render(
        include_str!("../../www/examples/openssf.md"),
        &Options::default(),
    );
    assert!(!example
        .diagnostics
        .iter()
        .any(|d| d.message.contains("elements:")));
}

/// Diagnostics are capped (transform.rs `MAX_DIAGNOSTICS`) and rejected raw
/// HTML reports nothing: each diagnostic's column walks its line, so many on
/// one long line were quadratic (tests/browser/dos.test.js: 7 s natively for
/// 450 KB of `<x>a</x> `, 3.7 s in wasm for `<math><mi>` nested 20,000 deep).
#[test]
fn diagnostics_are_capped() {
    for source in [
        "<x>a</x> ".repeat(20_000),
        "[a](javascript:x) ".repeat(20_000),
        "<math><mi>".repeat(20_000),
    ] {
        let preview = render(&source, &Options::default());
        assert!(
            preview.diagnostics.len() <= 520,
            "{} diagnostics",
            preview.diagnostics.len()
        );
    }
}

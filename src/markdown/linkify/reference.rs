//! The implementation this one replaced (a direct port, every pattern run
//! by the matcher at every position of a `Vec<char>`), kept as the reference
//! of the differential tests.
//!
//! Test-only: the differential tests in `tests.rs` compare [`super::find_links`]
//! and [`super::pretest`] with it, on recorded and on random text. It runs
//! the module's own patterns (and `host_fuzzy_test`, which the module
//! replaced by a byte scan) by brute force, so what it checks is the
//! module's search strategy: the byte scans, hints and memos that decide
//! where the patterns are tried. The patterns themselves are checked against
//! the real linkify-it (`linkify-cases.json`, the conformance fixtures).

#![allow(clippy::all)]

use super::{Link, PUNCTUATION};
use std::sync::OnceLock;

/// Finds the links markdown-it 12's linkify makes in one run of plain text.
///
/// `text` is the content of one markdown-it `text` token: plain text with
/// escapes and entities already decoded, never text inside code, links, raw
/// `<a>…</a>` or HTML blocks, and split at line breaks (markdown-it's text
/// tokens end at a newline). Links come in text order and do not overlap.
pub(super) fn find_links(text: &str) -> Vec<Link> {
    // linkify-it's pretest: every rule needs one of these characters.
    if !text.contains(['.', '@', '/', ':']) {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut bytes = Vec::with_capacity(chars.len() + 1);
    let mut at = 0;
    for c in &chars {
        bytes.push(at);
        at += c.len_utf8();
    }
    bytes.push(at);

    let p = patterns();
    let mut scan = Scanner::new(&chars);
    let mut links = Vec::new();
    let mut shift = 0;
    while shift < chars.len() {
        let Some(found) = scan.test(p, shift) else {
            break;
        };
        let (start, end) = (shift + found.start, shift + found.end);
        let raw = &text[bytes[start]..bytes[end]];
        let href = match found.schema {
            Schema::Fuzzy => format!("http://{raw}"),
            Schema::Email if !starts_with_ci(raw, "mailto:") => format!("mailto:{raw}"),
            _ => raw.to_owned(),
        };
        links.push(Link {
            range: bytes[start]..bytes[end],
            href,
        });
        if found.end == 0 {
            break; // cannot happen: every match is non-empty
        }
        shift += found.end;
    }
    links
}

/// linkify-it's `pretest`, which markdown-it applies to a whole inline
/// block before looking at its text runs.
///
/// markdown-it 12 linkifies the text tokens of an inline block (a
/// paragraph's, a heading's, a table cell's content) only when this returns
/// true for the block's inline *source* (`Token#content`: the markdown
/// source of the inline content, markup and raw HTML included). It asks for a
/// written schema, a `www.`/`localhost`/`.digits.` hint, a `.TLD` followed
/// by punctuation, space, `>` or the end, or an `@`. So in
/// `thanks to <u>crates.io</u>.` nothing is linked: `.io` is followed by
/// `<`. Call [`find_links`] on the block's text runs only when this holds.
pub(super) fn pretest(source: &str) -> bool {
    if source.contains('@') {
        return true;
    }
    let chars: Vec<char> = source.chars().collect();
    schema_search(&chars, 0).is_some() || search(host_fuzzy_test(), &chars).is_some()
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    /// `http:`, `https:`, `ftp:`, `//` or `mailto:` written out.
    Written,
    /// A fuzzy link (no schema).
    Fuzzy,
    /// A fuzzy email.
    Email,
}

struct Found {
    start: usize,
    end: usize,
    schema: Schema,
}

// ---------------------------------------------------------------------------
// linkify-it's `test`
// ---------------------------------------------------------------------------

const SCHEMAS: [&str; 5] = ["http:", "https:", "ftp:", "//", "mailto:"];

/// A leftmost search over the text, remembered in absolute positions.
///
/// linkify-it's `match` calls `test` again on the rest of the text after each
/// link, so each search starts over; remembering where the last one ended
/// keeps a long text with many links linear instead of quadratic. Patterns
/// never look behind their start, so a search's answer stays valid for any
/// later start that does not pass it (only `^` at the new start is new).
#[derive(Clone, Copy)]
enum Memo {
    Unknown,
    /// The first success, at or after the start the search was made from.
    Found {
        at: usize,
        start: usize,
        end: usize,
    },
    /// No success at or after this position.
    NoneFrom(usize),
}

struct Scanner<'a> {
    chars: &'a [char],
    /// Absolute positions where a schema name starts, ascending.
    schema_at: Vec<usize>,
    /// Per `schema_at` entry, once known: where its validator's pattern
    /// match ends (absolute), if it matches.
    schema_end: Vec<Option<Option<usize>>>,
    /// Per `schema_at` entry, once known: [`Scanner::chain`]'s answer.
    chain: Vec<Option<Option<(usize, usize)>>>,
    host_hint: Memo,
    fuzzy: Memo,
    email: Memo,
}

impl<'a> Scanner<'a> {
    fn new(chars: &'a [char]) -> Self {
        let schema_at: Vec<usize> = (0..chars.len())
            .filter(|&i| SCHEMAS.iter().any(|n| lit_at(chars, i, n)))
            .collect();
        Scanner {
            chars,
            schema_end: vec![None; schema_at.len()],
            chain: vec![None; schema_at.len()],
            schema_at,
            host_hint: Memo::Unknown,
            fuzzy: Memo::Unknown,
            email: Memo::Unknown,
        }
    }

    /// linkify-it `LinkifyIt#test` on the text from `shift` on: the first
    /// link, as char offsets relative to `shift`.
    fn test(&mut self, p: &Patterns, shift: usize) -> Option<Found> {
        let s = &self.chars[shift..];
        let mut best: Option<Found> = None;

        // Written schemas: `(^|(?!_)(?:[><｜]|ZPCc))(http:|https:|ftp:|//|mailto:)`,
        // a global search that goes on after each match its validator refuses.
        if let Some((start, end)) = self.written(p, shift) {
            best = Some(Found {
                start,
                end,
                schema: Schema::Written,
            });
        }

        // Fuzzy links.
        if let Some(tld_pos) = self.host_hint(shift) {
            if best.as_ref().is_none_or(|b| tld_pos < b.start) {
                let link =
                    search_prefixed(s, shift, &mut self.fuzzy, is_link_prefix, &p.link_fuzzy);
                if let Some((start, end)) = link {
                    if best.as_ref().is_none_or(|b| start < b.start) {
                        best = Some(Found {
                            start,
                            end,
                            schema: Schema::Fuzzy,
                        });
                    }
                }
            }
        }

        // Fuzzy emails.
        if s.contains(&'@') {
            let email = search_prefixed(s, shift, &mut self.email, is_email_prefix, &p.email_fuzzy);
            if let Some((start, end)) = email {
                let better = match &best {
                    None => true,
                    Some(b) => start < b.start || (start == b.start && end > b.end),
                };
                if better {
                    best = Some(Found {
                        start,
                        end,
                        schema: Schema::Email,
                    });
                }
            }
        }
        best
    }

    /// The first written-schema link from `shift` on, relative to `shift`.
    ///
    /// linkify-it searches for a schema name with an allowed character
    /// before it (or at the start), validates the rest, and on refusal goes on
    /// after that name. Only the start is judged differently from one `shift`
    /// to another, so the chain from any other name is remembered by
    /// [`Scanner::chain`] in absolute positions.
    fn written(&mut self, p: &Patterns, shift: usize) -> Option<(usize, usize)> {
        let first = self.schema_at.partition_point(|&a| a < shift);
        let found = if self.schema_at.get(first) == Some(&shift) {
            // `^`: no character needed before it, and the `//` rule's look
            // three characters back does not reach before the start.
            if let Some(end) = self.validator_end(p, first) {
                Some((first, end))
            } else {
                let next = self.after_refused(first);
                self.chain(p, next)
            }
        } else {
            self.chain(p, first)
        };
        found.map(|(i, end)| (self.schema_at[i] - shift, end - shift))
    }

    /// The first valid schema name the search reaches when it arrives at
    /// `schema_at[i]` not blocked by a refused name: (index, link end).
    fn chain(&mut self, p: &Patterns, mut i: usize) -> Option<(usize, usize)> {
        let mut visited = Vec::new();
        let result = loop {
            if i >= self.schema_at.len() {
                break None;
            }
            if let Some(known) = self.chain[i] {
                break known;
            }
            visited.push(i);
            let at = self.schema_at[i];
            if at >= 1 && is_schema_prefix(self.chars[at - 1]) {
                let slash_after_colon =
                    self.name(i) == "//" && at >= 1 && matches!(self.chars[at - 1], ':' | '/');
                if !slash_after_colon {
                    if let Some(end) = self.validator_end(p, i) {
                        break Some((i, end));
                    }
                }
                i = self.after_refused(i);
            } else {
                i += 1;
            }
        };
        for v in visited {
            self.chain[v] = Some(result);
        }
        result
    }

    /// The schema name at `schema_at[i]`.
    fn name(&self, i: usize) -> &'static str {
        SCHEMAS
            .iter()
            .find(|n| lit_at(self.chars, self.schema_at[i], n))
            .copied()
            .unwrap_or("//")
    }

    /// Where the validator's pattern match after the name at `schema_at[i]`
    /// ends (absolute), if it matches.
    fn validator_end(&mut self, p: &Patterns, i: usize) -> Option<usize> {
        if let Some(known) = self.schema_end[i] {
            return known;
        }
        let name = self.name(i);
        let after = self.schema_at[i] + name.chars().count();
        let end = match_at(validator(p, name), self.chars, after);
        self.schema_end[i] = Some(end);
        end
    }

    /// The next schema name the search considers after refusing
    /// `schema_at[i]`: the first one starting after its end.
    fn after_refused(&self, i: usize) -> usize {
        let after = self.schema_at[i] + self.name(i).chars().count();
        i + 1 + self.schema_at[i + 1..].partition_point(|&a| a <= after)
    }

    /// `text.search(host_fuzzy_test)` from `shift`, relative to `shift`.
    fn host_hint(&mut self, shift: usize) -> Option<usize> {
        match self.host_hint {
            Memo::Found { at, .. } if at >= shift => return Some(at - shift),
            Memo::NoneFrom(from) if from <= shift => return None,
            _ => {}
        }
        let s = &self.chars[shift..];
        match (0..=s.len()).find(|&pos| match_at(host_fuzzy_test(), s, pos).is_some()) {
            Some(pos) => {
                self.host_hint = Memo::Found {
                    at: shift + pos,
                    start: shift + pos,
                    end: shift + pos,
                };
                Some(pos)
            }
            None => {
                self.host_hint = Memo::NoneFrom(shift);
                None
            }
        }
    }
}

/// The character a schema name may follow: `(?!_)(?:[><｜]|ZPCc)`.
fn is_schema_prefix(c: char) -> bool {
    c != '_' && (is_text_separator(c) || is_zpcc(c))
}

/// `(^|PREFIX)(BODY)` on the text `s` that starts at `shift`: the leftmost
/// match, as the range of BODY relative to `shift`.
fn search_prefixed(
    s: &[char],
    shift: usize,
    memo: &mut Memo,
    prefix: fn(char) -> bool,
    body: &Node,
) -> Option<(usize, usize)> {
    if let Some(end) = match_at(body, s, 0) {
        return Some((0, end));
    }
    match *memo {
        Memo::Found { at, start, end } if at >= shift => return Some((start - shift, end - shift)),
        Memo::NoneFrom(from) if from <= shift => return None,
        _ => {}
    }
    for pos in 0..s.len() {
        if prefix(s[pos]) {
            if let Some(end) = match_at(body, s, pos + 1) {
                *memo = Memo::Found {
                    at: shift + pos,
                    start: shift + pos + 1,
                    end: shift + end,
                };
                return Some((pos + 1, end));
            }
        }
    }
    *memo = Memo::NoneFrom(shift);
    None
}

/// The next schema name at or after `from` with a valid character before
/// it: (position of the name, name).
fn schema_search(s: &[char], from: usize) -> Option<(usize, &'static str)> {
    for pos in from..=s.len() {
        let mut tries: [Option<usize>; 2] = [None, None];
        if pos == 0 {
            tries[0] = Some(0);
        }
        if pos < s.len() && is_schema_prefix(s[pos]) {
            tries[1] = Some(pos + 1);
        }
        for at in tries.into_iter().flatten() {
            if let Some(name) = SCHEMAS.iter().find(|n| lit_at(s, at, n)) {
                return Some((at, name));
            }
        }
    }
    None
}

/// The pattern of a written schema's validator (matched at the end of the name).
fn validator<'p>(p: &'p Patterns, schema: &str) -> &'p Node {
    match schema {
        "http:" | "https:" | "ftp:" => &p.http,
        "//" => &p.no_http,
        _ => &p.mailto,
    }
}

/// `text.search(re)`: the leftmost position where `node` matches.
fn search(node: &Node, s: &[char]) -> Option<usize> {
    (0..=s.len()).find(|&pos| match_at(node, s, pos).is_some())
}

/// Fuzzy link prefix: `(?![.:/\-_@])(?:[$+<=>^`|｜]|ZPCc)`.
fn is_link_prefix(c: char) -> bool {
    !matches!(c, '.' | ':' | '/' | '-' | '_' | '@')
        && (matches!(
            c,
            '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '\u{ff5c}'
        ) || is_zpcc(c))
}

/// Fuzzy email prefix: `[><｜]|"|\(|ZCc`.
fn is_email_prefix(c: char) -> bool {
    is_text_separator(c) || c == '"' || c == '(' || is_zcc(c)
}

// ---------------------------------------------------------------------------
// Character classes (uc.micro 1.0.6, as linkify-it 3 uses them)
// ---------------------------------------------------------------------------

/// `text_separators`: `[><｜]`.
fn is_text_separator(c: char) -> bool {
    matches!(c, '>' | '<' | '\u{ff5c}')
}

/// uc.micro `Z`.
fn is_z(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// uc.micro `Cc`.
fn is_cc(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}')
}

/// uc.micro `P` (Unicode punctuation).
pub(super) fn is_p(c: char) -> bool {
    let c = c as u32;
    PUNCTUATION
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn is_zpcc(c: char) -> bool {
    is_z(c) || is_p(c) || is_cc(c)
}

fn is_zcc(c: char) -> bool {
    is_z(c) || is_cc(c)
}

/// linkify-it's two-letter country codes (`tlds_2ch_src_re`).
pub(super) fn is_country_code(a: char, b: char) -> bool {
    const CC: &str = "a[cdefgilmnoqrstuwxz]|b[abdefghijmnorstvwyz]|c[acdfghiklmnoruvwxyz]|d[ejkmoz]|e[cegrstu]|f[ijkmor]|g[abdefghilmnpqrstuwy]|h[kmnrtu]|i[delmnoqrst]|j[emop]|k[eghimnprwyz]|l[abcikrstuvy]|m[acdeghklmnopqrstuvwxyz]|n[acefgilopruz]|om|p[aefghklmnrstwy]|qa|r[eosuw]|s[abcdeghijklmnortuvxyz]|t[cdfghjklmnortvwz]|u[agksyz]|v[aceginu]|w[fs]|y[et]|z[amw]";
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return false;
    }
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    CC.split('|').any(|alt| {
        let mut it = alt.chars();
        if it.next() != Some(a) {
            return false;
        }
        let rest: String = it.collect();
        match rest.strip_prefix('[') {
            Some(set) => set.trim_end_matches(']').contains(b),
            None => rest.starts_with(b),
        }
    })
}

// ---------------------------------------------------------------------------
// The matcher, over chars (the patterns are the module's own: only the
// search strategy is this port's)
// ---------------------------------------------------------------------------

use super::Node::{self, Alt, Class, End, Lit, Pair, Seq};
use super::{chars_eq_ci, digit, patterns, tlds, Patterns};

/// Where `node` matches at `pos` (anchored), the end of its first match.
fn match_at(node: &Node, s: &[char], pos: usize) -> Option<usize> {
    let mut end = None;
    run(node, s, pos, &mut |e| {
        end = Some(e);
        true
    });
    end
}

fn lit_at(s: &[char], pos: usize, lit: &str) -> bool {
    let mut rest = s.get(pos..).unwrap_or_default().iter();
    lit.chars()
        .all(|c| rest.next().is_some_and(|&d| chars_eq_ci(d, c)))
}

fn run(node: &Node, s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match node {
        Class(f) => i < s.len() && f(s[i]) && k(i + 1),
        Lit(l) => lit_at(s, i, l) && k(i + l.chars().count()),
        Pair(f) => i + 1 < s.len() && f(s[i], s[i + 1]) && k(i + 2),
        Seq(nodes) => run_seq(nodes, s, i, k),
        Alt(nodes) => nodes.iter().any(|n| run(n, s, i, k)),
        Node::Rep(n, min, max) if *max == 1 => run(n, s, i, k) || (*min == 0 && k(i)),
        Node::Rep(n, min, max) => {
            let mut ends = vec![i];
            while ends.len() - 1 < *max {
                let at = *ends.last().unwrap_or(&i);
                match match_at(n, s, at) {
                    Some(e) if e > at => ends.push(e),
                    _ => break,
                }
            }
            if ends.len() - 1 < *min {
                return false;
            }
            ends[*min..].iter().rev().any(|&e| k(e))
        }
        Node::Look(n, negated) => (match_at(n, s, i).is_some() != *negated) && k(i),
        End => i == s.len() && k(i),
    }
}

fn run_seq(nodes: &[Node], s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match nodes.split_first() {
        None => k(i),
        Some((first, rest)) => run(first, s, i, &mut |j| run_seq(rest, s, j, k)),
    }
}

/// linkify-it's `host_fuzzy_test`, which the module replaced by a byte scan.
fn host_fuzzy_test() -> &'static Node {
    static P: OnceLock<Node> = OnceLock::new();
    P.get_or_init(|| {
        Alt(vec![
            Lit("localhost"),
            Lit("www."),
            Seq(vec![Lit("."), Node::Rep(Box::new(digit()), 1, 3), Lit(".")]),
            Seq(vec![
                Lit("."),
                tlds(),
                Alt(vec![Class(is_zpcc), Lit(">"), End]),
            ]),
        ])
    })
}

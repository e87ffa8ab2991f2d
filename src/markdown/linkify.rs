//! Bare URL and email detection with markdown-it 12's linkify rules.
//!
//! markdown-it 12.3.2 (`linkify: true`) turns URL-like plain text into links
//! with linkify-it 3.0.3 at its defaults (`fuzzyLink`, `fuzzyEmail`, no
//! `fuzzyIP`, no `---`). This module is a port of linkify-it's `test`/`match`
//! and of the regular expressions in its `lib/re.js`, run by a small
//! backtracking matcher with JavaScript's regex semantics (ordered
//! alternation, greedy quantifiers, lookaheads), so the borders of a link are
//! exactly the ones linkify-it finds:
//!
//! - `http:`, `https:`, `ftp:`, `//` and `mailto:` links (any case), at the
//!   start of the text or after a space, a control character, a punctuation
//!   mark other than `_`, or `<`, `>`, `｜`; `//` not right after `:` or `/`;
//! - fuzzy links: `www.` hosts and bare domains whose last label is one of
//!   `biz com edu gov net org pro web xxx aero asia coop info museum name shop
//!   рф`, a two-letter country code or an `xn--` label (so `docs.rs`,
//!   `build.rs` and `M.Sc` are links, `main.js` is not), at the start of the
//!   text or after a space, a control character, one of `$+<=>^`|｜` or a
//!   punctuation mark other than `.`, `:`, `/`, `-`, `_`, `@` (so never right
//!   after a letter or digit);
//! - fuzzy emails (`mailto:` added), at the start or after a space, a
//!   control character, `"`, `(`, `<`, `>` or `｜`;
//! - a host (with an optional port up to 65535) must be followed by the end,
//!   a space, punctuation, `<`, `>` or `｜`, but not by `-`, `_`, `:` and a
//!   digit, `.-`, or `.` and more text: `example.com…` and `example.com.`
//!   end before the `…` and the `.`, `example.com_` is no link;
//! - a path (after `/`, `?` or `#`) goes on over anything but spaces and
//!   `<`, `>`, `｜`; `.`, `,`, `;`, `!`, `?`, `'`, `-` and `()`, `[]`, `{}`,
//!   `""`, `''` pairs only when more of the path follows (`-` always), so a
//!   trailing `.`, `,`, `;`, `!`, `?`, quote or unbalanced `)` stays outside;
//!   other punctuation such as `…` or `”` stays inside a path.
//!
//! Why not the `linkify` crate: it recognizes any TLD, splits paths and
//! trailing punctuation by other rules and knows neither `//` nor `ftp:`
//! links nor linkify-it's boundary rules, so adapting it would have meant
//! overriding nearly every answer; matching linkify-it exactly came first.
//!
//! Positions: linkify-it works on UTF-16 code units; this port works on
//! `char`s (decoded from the UTF-8 text where the matcher stands, positions
//! are byte offsets). They agree everywhere linkify-it's patterns count
//! characters (its `src_Any` takes a surrogate pair as one character).
//!
//! Speed: the matcher only runs where a match can start. [`pretest`] and the
//! `host_fuzzy_test` and `schema_test` searches are written out over the
//! bytes, skipping eight at a time to the next `.`, `:`, `/`, `@` or `loc`;
//! a fuzzy link is only tried in the run of domain characters before a `.`,
//! an email in the run of name characters before an `@`, a schema's
//! validator after the names found by that scan. A text without any of
//! these is rejected in one pass.
//!
//! The tests (`linkify/tests.rs`) check [`find_links`] and [`pretest`]
//! against `tests/fidelity/linkify-cases.json`, which
//! `tests/fidelity/linkify-cases.mjs` writes by running the real markdown-it
//! 12.3.2 on tricky strings and on every plain-text run of the corpus, and
//! against the first, direct port (every pattern tried at every position),
//! kept as a test-only reference in `linkify/reference.rs`, on those strings
//! and on random ones (`LINKIFY_RANDOM_CASES=N` for more). The conformance
//! test (`tests/fidelity/conformance.mjs`) runs linkify-it's own fixtures
//! through the whole pipeline.

use std::ops::Range;
use std::sync::OnceLock;

/// A link found in plain text by [`find_links`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Byte range of the link's text in the searched text; the link's visible
    /// text is `&text[range]`.
    pub range: Range<usize>,
    /// The URL to link to, as linkify-it gives it: the matched text, with
    /// `http://` in front for fuzzy links (`www.` hosts, bare domains) and
    /// `mailto:` in front for bare emails. Not yet normalized: markdown-it
    /// then applies `normalizeLink` (punycode host, percent-encoding) to it,
    /// and `normalizeLinkText` to the visible text, as for any link.
    pub href: String,
}

/// Finds the links markdown-it 12's linkify makes in one run of plain text.
///
/// `text` is the content of one markdown-it `text` token: plain text with
/// escapes and entities already decoded, never text inside code, links, raw
/// `<a>…</a>` or HTML blocks, and split at line breaks (markdown-it's text
/// tokens end at a newline). Links come in text order and do not overlap.
pub fn find_links(text: &str) -> Vec<Link> {
    // Every rule needs a `.`, `@`, `/` or `:`.
    let b = text.as_bytes();
    let mut from = 0;
    loop {
        match next_mark(b, from) {
            None => return Vec::new(),
            Some(i) if matches!(b[i], b'l' | b'L') => from = i + 1,
            Some(_) => break,
        }
    }
    let p = patterns();
    let mut scan = Scanner::new(text);
    let mut links = Vec::new();
    let mut shift = 0;
    while shift < text.len() {
        let Some(found) = scan.test(p, shift) else {
            break;
        };
        let Some(raw) = text.get(found.start..found.end) else {
            break; // cannot happen: matches start and end at characters
        };
        let href = match found.schema {
            Schema::Fuzzy => format!("http://{raw}"),
            Schema::Email if !starts_with_ci(raw, "mailto:") => format!("mailto:{raw}"),
            _ => raw.to_owned(),
        };
        links.push(Link {
            range: found.start..found.end,
            href,
        });
        if found.end <= shift {
            break; // cannot happen: every match is non-empty
        }
        shift = found.end;
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
pub fn pretest(source: &str) -> bool {
    // `schema_test`, `host_fuzzy_test` or `@` somewhere: one pass over the
    // bytes where any of them can be.
    let b = source.as_bytes();
    let mut from = 0;
    while let Some(i) = next_mark(b, from) {
        let found = match b[i] {
            b'@' => true,
            b':' => name_before_colon(b, i).is_some_and(|(at, _)| schema_may_start(source, at)),
            b'/' => b.get(i + 1) == Some(&b'/') && schema_may_start(source, i),
            b'.' => (i >= 3 && ascii_ci_at(b, i - 3, b"www")) || dot_hint_at(source, i),
            _ => ascii_ci_at(b, i, b"localhost"),
        };
        if found {
            return true;
        }
        from = i + 1;
    }
    false
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

/// A link, as byte positions in the whole text.
struct Found {
    start: usize,
    end: usize,
    schema: Schema,
}

// ---------------------------------------------------------------------------
// linkify-it's `test`
// ---------------------------------------------------------------------------

const SCHEMAS: [&str; 5] = ["http:", "https:", "ftp:", "//", "mailto:"];
/// The index of `//` in [`SCHEMAS`].
const SLASHES: u8 = 3;

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
    /// The first success, after the start the search was made from: the
    /// range of the match (a prefixed pattern's match starts after its
    /// prefix character, so it stays valid for starts before `start`).
    Found {
        start: usize,
        end: usize,
    },
    /// No success at or after this position.
    NoneFrom(usize),
}

/// The state of one [`find_links`] call. All positions are byte offsets in
/// the whole text; linkify-it's `test` on the rest of the text from `shift`
/// is [`Scanner::test`] with that `shift`.
struct Scanner<'a> {
    text: &'a str,
    /// Positions where a schema name starts, ascending.
    schema_at: Vec<usize>,
    /// Per `schema_at` entry: which name, as an index in [`SCHEMAS`].
    schema_name: Vec<u8>,
    /// Per `schema_at` entry, once known: where its validator's pattern
    /// match ends, if it matches.
    schema_end: Vec<Option<Option<usize>>>,
    /// Per `schema_at` entry, once known: [`Scanner::chain`]'s answer.
    chain: Vec<Option<Option<(usize, usize)>>>,
    /// Where the last `@` is, if any.
    last_at: Option<usize>,
    /// `text.search(host_fuzzy_test)`: the position found, or the start
    /// from which there is none.
    host_hint: Option<Result<usize, usize>>,
    fuzzy: Memo,
    email: Memo,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        let mut schema_at = Vec::new();
        let mut schema_name = Vec::new();
        // Every name ends with `:` or is `//`; a name is ASCII letters before
        // its `:`, so the names come out in ascending order.
        let mut from = 0;
        while let Some(i) = next_mark(b, from) {
            let found = match b[i] {
                b':' => name_before_colon(b, i),
                b'/' if b.get(i + 1) == Some(&b'/') => Some((i, SLASHES)),
                _ => None,
            };
            if let Some((at, name)) = found {
                schema_at.push(at);
                schema_name.push(name);
            }
            from = i + 1;
        }
        Scanner {
            text,
            schema_end: vec![None; schema_at.len()],
            chain: vec![None; schema_at.len()],
            schema_at,
            schema_name,
            last_at: b.iter().rposition(|&c| c == b'@'),
            host_hint: None,
            fuzzy: Memo::Unknown,
            email: Memo::Unknown,
        }
    }

    /// linkify-it `LinkifyIt#test` on the text from `shift` on: the first
    /// link.
    fn test(&mut self, p: &Patterns, shift: usize) -> Option<Found> {
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
                if let Some((start, end)) = self.fuzzy_link(p, shift) {
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
        if self.last_at.is_some_and(|at| at >= shift) {
            if let Some((start, end)) = self.fuzzy_email(p, shift) {
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

    /// The first written-schema link from `shift` on.
    ///
    /// linkify-it searches for a schema name with an allowed character
    /// before it (or at the start), validates the rest, and on refusal goes on
    /// after that name. Only the start is judged differently from one `shift`
    /// to another, so the chain from any other name is remembered by
    /// [`Scanner::chain`].
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
        found.map(|(i, end)| (self.schema_at[i], end))
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
            if prev_char(self.text, at).is_some_and(is_schema_prefix) {
                let slash_after_colon = self.schema_name[i] == SLASHES
                    && matches!(self.text.as_bytes()[at - 1], b':' | b'/');
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

    /// Where the validator's pattern match after the name at `schema_at[i]`
    /// ends, if it matches.
    fn validator_end(&mut self, p: &Patterns, i: usize) -> Option<usize> {
        if let Some(known) = self.schema_end[i] {
            return known;
        }
        let name = self.schema_name[i];
        let after = self.schema_at[i] + SCHEMAS[usize::from(name)].len();
        let node = match name {
            0..=2 => &p.http,
            SLASHES => &p.no_http,
            _ => &p.mailto,
        };
        let end = match_at(node, self.text, after);
        self.schema_end[i] = Some(end);
        end
    }

    /// The next schema name the search considers after refusing
    /// `schema_at[i]`: the first one starting after its end.
    fn after_refused(&self, i: usize) -> usize {
        let after = self.schema_at[i] + SCHEMAS[usize::from(self.schema_name[i])].len();
        i + 1 + self.schema_at[i + 1..].partition_point(|&a| a <= after)
    }

    /// `text.search(host_fuzzy_test)` on the text from `shift` on.
    fn host_hint(&mut self, shift: usize) -> Option<usize> {
        match self.host_hint {
            Some(Ok(at)) if at >= shift => return Some(at),
            Some(Err(from)) if from <= shift => return None,
            _ => {}
        }
        let found = host_hint_search(self.text, shift);
        self.host_hint = Some(found.ok_or(shift));
        found
    }

    /// `text.match(link_no_ip_fuzzy)` on the text from `shift` on: the range
    /// of the link (after its prefix character).
    ///
    /// The pattern is `(^|PREFIX)(?!…)((?:DOMAIN\.)+TLD…)`: its first label
    /// is a run of pseudo-letters and `-` that ends at a `.`, so it can only
    /// start in such a run, at its start or after a prefix character inside
    /// it (`$`, `+`, `=`, `^`, `` ` ``, `|`: symbols, pseudo-letters too).
    /// Those starts are found from the dots, in text order.
    fn fuzzy_link(&mut self, p: &Patterns, shift: usize) -> Option<(usize, usize)> {
        let t = self.text;
        if let Some(end) = match_at(&p.link_fuzzy, t, shift) {
            return Some((shift, end));
        }
        match self.fuzzy {
            Memo::Found { start, end } if start > shift => return Some((start, end)),
            Memo::NoneFrom(from) if from <= shift => return None,
            _ => {}
        }
        let b = t.as_bytes();
        let mut from = shift;
        while let Some(dot) = find_byte(b, b'.', from) {
            let run = run_start(t, dot, shift, is_domain_char);
            for (q, before) in starts(t, run, dot, shift) {
                if is_link_prefix(before) {
                    if let Some(end) = match_at(&p.link_fuzzy, t, q) {
                        self.fuzzy = Memo::Found { start: q, end };
                        return Some((q, end));
                    }
                }
            }
            from = dot + 1;
        }
        self.fuzzy = Memo::NoneFrom(shift);
        None
    }

    /// `text.match(email_fuzzy)` on the text from `shift` on: the range of
    /// the email (after its prefix character).
    ///
    /// The pattern is `(^|PREFIX)(NAME@HOST…)`, and a name is a run of ASCII
    /// characters without `@`: a match can only start in the run of name
    /// characters (and `"`, a prefix character) right before an `@`.
    fn fuzzy_email(&mut self, p: &Patterns, shift: usize) -> Option<(usize, usize)> {
        let t = self.text;
        if let Some(end) = match_at(&p.email_fuzzy, t, shift) {
            return Some((shift, end));
        }
        match self.email {
            Memo::Found { start, end } if start > shift => return Some((start, end)),
            Memo::NoneFrom(from) if from <= shift => return None,
            _ => {}
        }
        let b = t.as_bytes();
        let mut from = shift;
        while let Some(at) = find_byte(b, b'@', from) {
            let run = run_start(t, at, shift, |c| {
                c.is_ascii_alphanumeric() || "-;:&=+$,\"._".contains(c)
            });
            for (q, before) in starts(t, run, at, shift) {
                if is_email_prefix(before) {
                    if let Some(end) = match_at(&p.email_fuzzy, t, q) {
                        self.email = Memo::Found { start: q, end };
                        return Some((q, end));
                    }
                }
            }
            from = at + 1;
        }
        self.email = Memo::NoneFrom(shift);
        None
    }
}

/// The first `byte` at or after `from`.
fn find_byte(b: &[u8], byte: u8, from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == byte)
        .map(|i| from + i)
}

/// The start of the run of characters in `class` that ends at `end`, not
/// before `limit`.
fn run_start(t: &str, end: usize, limit: usize, class: fn(char) -> bool) -> usize {
    let head = t.get(limit..end).unwrap_or_default();
    let mut start = end;
    for c in head.chars().rev() {
        if !class(c) {
            break;
        }
        start -= c.len_utf8();
    }
    start
}

/// The positions in `run..end` after `shift`, each with the character
/// before it: where a prefixed pattern could start in that run.
fn starts(
    t: &str,
    run: usize,
    end: usize,
    shift: usize,
) -> impl Iterator<Item = (usize, char)> + '_ {
    let first = if run > shift { prev_char(t, run) } else { None };
    let inner = t
        .get(run..end)
        .unwrap_or_default()
        .char_indices()
        .map(move |(i, c)| (run + i + c.len_utf8(), c))
        .filter(move |&(q, _)| q < end);
    first.map(|c| (run, c)).into_iter().chain(inner)
}

/// A character of a domain label: `src_domain` only has pseudo-letters and
/// `-` (an `xn--` label's `[a-z0-9\-]` too).
fn is_domain_char(c: char) -> bool {
    c == '-' || is_pseudo_letter(c)
}

/// The character before byte `i`, if any.
fn prev_char(t: &str, i: usize) -> Option<char> {
    t.get(..i)?.chars().next_back()
}

/// The character at byte `i` and the position after it.
#[inline]
fn next_char(t: &str, i: usize) -> Option<(char, usize)> {
    let &b = t.as_bytes().get(i)?;
    if b < 0x80 {
        return Some((char::from(b), i + 1));
    }
    let c = t.get(i..)?.chars().next()?;
    Some((c, i + c.len_utf8()))
}

/// Whether `lit` (ASCII) is at byte `i`, ignoring ASCII case.
fn ascii_ci_at(b: &[u8], i: usize, lit: &[u8]) -> bool {
    b.get(i..i + lit.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(lit))
}

/// The schema name whose `:` is at byte `i`: (its position, its index in
/// [`SCHEMAS`]). At most one fits: they end in `p`, `s` and `o`.
fn name_before_colon(b: &[u8], i: usize) -> Option<(usize, u8)> {
    let fits = |len: usize, name: &[u8]| i >= len && ascii_ci_at(b, i - len, name);
    if fits(4, b"http") {
        Some((i - 4, 0))
    } else if fits(5, b"https") {
        Some((i - 5, 1))
    } else if fits(3, b"ftp") {
        Some((i - 3, 2))
    } else if fits(6, b"mailto") {
        Some((i - 6, 4))
    } else {
        None
    }
}

/// Whether a schema name at byte `at` is at the start or after a character
/// allowed before it (`schema_test`'s prefix).
fn schema_may_start(t: &str, at: usize) -> bool {
    at == 0 || prev_char(t, at).is_some_and(is_schema_prefix)
}

/// `text.search(host_fuzzy_test)` from `from`, where `host_fuzzy_test` is
/// `localhost|www\.|\.\d{1,3}\.|\.(?:TLDS)(?:ZPCc|>|$)` (case-insensitive):
/// the leftmost position where it matches. `www.` is found from its `.`:
/// no other match can start inside it.
fn host_hint_search(t: &str, from: usize) -> Option<usize> {
    let b = t.as_bytes();
    let mut next = from;
    while let Some(i) = next_mark(b, next) {
        match b[i] {
            b'.' if i >= from + 3 && ascii_ci_at(b, i - 3, b"www") => return Some(i - 3),
            b'.' if dot_hint_at(t, i) => return Some(i),
            b'l' | b'L' if ascii_ci_at(b, i, b"localhost") => return Some(i),
            _ => {}
        }
        next = i + 1;
    }
    None
}

const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x20` in every byte: ASCII letters to lower case.
const LOWER: u64 = ONES * 0x20;

/// The high bit of each zero byte of `v` (and perhaps of a byte above a
/// zero byte, never below the first one).
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & (ONES << 7)
}

/// The first byte at or after `from` that is `.`, `:`, `/`, `@` or the `l`
/// of `loc` (any case): everywhere a schema name, a host hint or an email
/// can be told, eight bytes at a time.
fn next_mark(b: &[u8], mut from: usize) -> Option<usize> {
    let is_mark = |rest: &[u8]| match rest {
        [b'.' | b':' | b'/' | b'@', ..] => true,
        [b'l' | b'L', o, c, ..] => o | 0x20 == b'o' && c | 0x20 == b'c',
        _ => false,
    };
    while let Some(chunk) = b.get(from..from + 10) {
        let word = |k: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&chunk[k..k + 8]);
            u64::from_le_bytes(w)
        };
        let (here, next, third) = (word(0), word(1), word(2));
        let is = |w: u64, c: u8| zero_bytes(w ^ (ONES * u64::from(c)));
        let marks = is(here, b'.')
            | is(here, b':')
            | is(here, b'/')
            | is(here, b'@')
            | (is(here | LOWER, b'l') & is(next | LOWER, b'o') & is(third | LOWER, b'c'));
        if marks != 0 {
            // The lowest flagged byte is never after the first mark.
            let first = (marks.trailing_zeros() / 8) as usize;
            for k in first..8 {
                if is_mark(&chunk[k..]) {
                    return Some(from + k);
                }
            }
        }
        from += 8;
    }
    let tail = b.get(from..)?;
    (0..tail.len())
        .find(|&k| is_mark(&tail[k..]))
        .map(|k| from + k)
}

/// `\.\d{1,3}\.|\.(?:TLDS)(?:ZPCc|>|$)` at the `.` at byte `i`.
fn dot_hint_at(t: &str, i: usize) -> bool {
    let b = t.as_bytes();
    let j = i + 1;
    let digits = b
        .get(j..)
        .unwrap_or_default()
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if (1..=3).contains(&digits) && b.get(j + digits) == Some(&b'.') {
        return true;
    }
    // `(?:ZPCc|>|$)` after the TLD.
    let ends = |e: usize| match next_char(t, e) {
        None => true,
        Some((c, _)) => c == '>' || is_zpcc(c),
    };
    let Some(&first) = b.get(j) else {
        return false;
    };
    if first.is_ascii_alphabetic() {
        if TLDS.iter().any(|tld| lit_end(t, j, tld).is_some_and(ends)) {
            return true;
        }
        if let Some(&second) = b.get(j + 1) {
            if is_country_code(char::from(first), char::from(second)) && ends(j + 2) {
                return true;
            }
        }
        if ascii_ci_at(b, j, b"xn--") {
            let label = b
                .get(j + 4..)
                .unwrap_or_default()
                .iter()
                .take(59)
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
                .count();
            return (1..=label).any(|k| ends(j + 4 + k));
        }
        false
    } else {
        // `рф`, the only TLD not in ASCII.
        first >= 0x80 && lit_end(t, j, "рф").is_some_and(ends)
    }
}

/// The character a schema name may follow: `(?!_)(?:[><｜]|ZPCc)`.
fn is_schema_prefix(c: char) -> bool {
    c != '_' && (is_text_separator(c) || is_zpcc(c))
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

/// [`PUNCTUATION`]'s ASCII part as a bit set.
const ASCII_PUNCTUATION: u128 = {
    let mut set = 0u128;
    let mut k = 0;
    while k < PUNCTUATION.len() {
        let (lo, hi) = PUNCTUATION[k];
        let mut c = lo;
        while c <= hi && c < 128 {
            set |= 1 << c;
            c += 1;
        }
        k += 1;
    }
    set
};

/// uc.micro `P` (Unicode punctuation).
pub(super) fn is_p(c: char) -> bool {
    let c = c as u32;
    if c < 128 {
        return ASCII_PUNCTUATION >> c & 1 == 1;
    }
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

/// `src_pseudo_letter`: any character but separators, spaces, punctuation and controls.
fn is_pseudo_letter(c: char) -> bool {
    !(is_text_separator(c) || is_zpcc(c))
}

/// JavaScript's `.`: anything but a line terminator.
fn is_dot_char(c: char) -> bool {
    !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// The characters of an `xn--` label: `[a-z0-9\-]` (case-insensitive).
fn is_xn_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// linkify-it's two-letter country codes (`tlds_2ch_src_re`).
const COUNTRY_CODES: &str = "a[cdefgilmnoqrstuwxz]|b[abdefghijmnorstvwyz]|c[acdfghiklmnoruvwxyz]|d[ejkmoz]|e[cegrstu]|f[ijkmor]|g[abdefghilmnpqrstuwy]|h[kmnrtu]|i[delmnoqrst]|j[emop]|k[eghimnprwyz]|l[abcikrstuvy]|m[acdeghklmnopqrstuvwxyz]|n[acefgilopruz]|om|p[aefghklmnrstwy]|qa|r[eosuw]|s[abcdeghijklmnortuvxyz]|t[cdfghjklmnortvwz]|u[agksyz]|v[aceginu]|w[fs]|y[et]|z[amw]";

/// [`COUNTRY_CODES`] as a table: bit `b` of entry `a` for the code `ab`.
const COUNTRY_CODE_SET: [u32; 26] = {
    let s = COUNTRY_CODES.as_bytes();
    let mut set = [0u32; 26];
    let mut i = 0;
    while i < s.len() {
        // One alternative: a letter, then a letter or a `[…]` set.
        let first = (s[i] - b'a') as usize;
        i += 1;
        if s[i] == b'[' {
            i += 1;
            while s[i] != b']' {
                set[first] |= 1 << (s[i] - b'a');
                i += 1;
            }
            i += 1;
        } else {
            set[first] |= 1 << (s[i] - b'a');
            i += 1;
        }
        i += 1; // the `|`
    }
    set
};

fn is_country_code(a: char, b: char) -> bool {
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return false;
    }
    let a = usize::from(a.to_ascii_lowercase() as u8 - b'a');
    let b = u32::from(b.to_ascii_lowercase() as u8 - b'a');
    COUNTRY_CODE_SET[a] >> b & 1 == 1
}
/// linkify-it's default generic TLDs.
const TLDS: [&str; 17] = [
    "biz", "com", "edu", "gov", "net", "org", "pro", "web", "xxx", "aero", "asia", "coop", "info",
    "museum", "name", "shop", "рф",
];

/// uc.micro 1.0.6 `categories/P` as inclusive code point ranges, generated
/// from its regex.
#[rustfmt::skip]
const PUNCTUATION: &[(u32, u32)] = &[
    (0x21, 0x23), (0x25, 0x2A), (0x2C, 0x2F), (0x3A, 0x3B), (0x3F, 0x40), (0x5B, 0x5D),
    (0x5F, 0x5F), (0x7B, 0x7B), (0x7D, 0x7D), (0xA1, 0xA1), (0xA7, 0xA7), (0xAB, 0xAB),
    (0xB6, 0xB7), (0xBB, 0xBB), (0xBF, 0xBF), (0x37E, 0x37E), (0x387, 0x387), (0x55A, 0x55F),
    (0x589, 0x58A), (0x5BE, 0x5BE), (0x5C0, 0x5C0), (0x5C3, 0x5C3), (0x5C6, 0x5C6), (0x5F3, 0x5F4),
    (0x609, 0x60A), (0x60C, 0x60D), (0x61B, 0x61B), (0x61E, 0x61F), (0x66A, 0x66D), (0x6D4, 0x6D4),
    (0x700, 0x70D), (0x7F7, 0x7F9), (0x830, 0x83E), (0x85E, 0x85E), (0x964, 0x965), (0x970, 0x970),
    (0x9FD, 0x9FD), (0xA76, 0xA76), (0xAF0, 0xAF0), (0xC84, 0xC84), (0xDF4, 0xDF4), (0xE4F, 0xE4F),
    (0xE5A, 0xE5B), (0xF04, 0xF12), (0xF14, 0xF14), (0xF3A, 0xF3D), (0xF85, 0xF85), (0xFD0, 0xFD4),
    (0xFD9, 0xFDA), (0x104A, 0x104F), (0x10FB, 0x10FB), (0x1360, 0x1368), (0x1400, 0x1400), (0x166D, 0x166E),
    (0x169B, 0x169C), (0x16EB, 0x16ED), (0x1735, 0x1736), (0x17D4, 0x17D6), (0x17D8, 0x17DA), (0x1800, 0x180A),
    (0x1944, 0x1945), (0x1A1E, 0x1A1F), (0x1AA0, 0x1AA6), (0x1AA8, 0x1AAD), (0x1B5A, 0x1B60), (0x1BFC, 0x1BFF),
    (0x1C3B, 0x1C3F), (0x1C7E, 0x1C7F), (0x1CC0, 0x1CC7), (0x1CD3, 0x1CD3), (0x2010, 0x2027), (0x2030, 0x2043),
    (0x2045, 0x2051), (0x2053, 0x205E), (0x207D, 0x207E), (0x208D, 0x208E), (0x2308, 0x230B), (0x2329, 0x232A),
    (0x2768, 0x2775), (0x27C5, 0x27C6), (0x27E6, 0x27EF), (0x2983, 0x2998), (0x29D8, 0x29DB), (0x29FC, 0x29FD),
    (0x2CF9, 0x2CFC), (0x2CFE, 0x2CFF), (0x2D70, 0x2D70), (0x2E00, 0x2E2E), (0x2E30, 0x2E4E), (0x3001, 0x3003),
    (0x3008, 0x3011), (0x3014, 0x301F), (0x3030, 0x3030), (0x303D, 0x303D), (0x30A0, 0x30A0), (0x30FB, 0x30FB),
    (0xA4FE, 0xA4FF), (0xA60D, 0xA60F), (0xA673, 0xA673), (0xA67E, 0xA67E), (0xA6F2, 0xA6F7), (0xA874, 0xA877),
    (0xA8CE, 0xA8CF), (0xA8F8, 0xA8FA), (0xA8FC, 0xA8FC), (0xA92E, 0xA92F), (0xA95F, 0xA95F), (0xA9C1, 0xA9CD),
    (0xA9DE, 0xA9DF), (0xAA5C, 0xAA5F), (0xAADE, 0xAADF), (0xAAF0, 0xAAF1), (0xABEB, 0xABEB), (0xFD3E, 0xFD3F),
    (0xFE10, 0xFE19), (0xFE30, 0xFE52), (0xFE54, 0xFE61), (0xFE63, 0xFE63), (0xFE68, 0xFE68), (0xFE6A, 0xFE6B),
    (0xFF01, 0xFF03), (0xFF05, 0xFF0A), (0xFF0C, 0xFF0F), (0xFF1A, 0xFF1B), (0xFF1F, 0xFF20), (0xFF3B, 0xFF3D),
    (0xFF3F, 0xFF3F), (0xFF5B, 0xFF5B), (0xFF5D, 0xFF5D), (0xFF5F, 0xFF65), (0x10100, 0x10102), (0x1039F, 0x1039F),
    (0x103D0, 0x103D0), (0x1056F, 0x1056F), (0x10857, 0x10857), (0x1091F, 0x1091F), (0x1093F, 0x1093F), (0x10A50, 0x10A58),
    (0x10A7F, 0x10A7F), (0x10AF0, 0x10AF6), (0x10B39, 0x10B3F), (0x10B99, 0x10B9C), (0x10F55, 0x10F59), (0x11047, 0x1104D),
    (0x110BB, 0x110BC), (0x110BE, 0x110C1), (0x11140, 0x11143), (0x11174, 0x11175), (0x111C5, 0x111C8), (0x111CD, 0x111CD),
    (0x111DB, 0x111DB), (0x111DD, 0x111DF), (0x11238, 0x1123D), (0x112A9, 0x112A9), (0x1144B, 0x1144F), (0x1145B, 0x1145B),
    (0x1145D, 0x1145D), (0x114C6, 0x114C6), (0x115C1, 0x115D7), (0x11641, 0x11643), (0x11660, 0x1166C), (0x1173C, 0x1173E),
    (0x1183B, 0x1183B), (0x11A3F, 0x11A46), (0x11A9A, 0x11A9C), (0x11A9E, 0x11AA2), (0x11C41, 0x11C45), (0x11C70, 0x11C71),
    (0x11EF7, 0x11EF8), (0x12470, 0x12474), (0x16A6E, 0x16A6F), (0x16AF5, 0x16AF5), (0x16B37, 0x16B3B), (0x16B44, 0x16B44),
    (0x16E97, 0x16E9A), (0x1BC9F, 0x1BC9F), (0x1DA87, 0x1DA8B), (0x1E95E, 0x1E95F),
];

// ---------------------------------------------------------------------------
// A small backtracking matcher with JavaScript regex semantics
// ---------------------------------------------------------------------------

/// A regex node. Alternation is ordered, repetition greedy, as in JavaScript.
enum Node {
    /// One character of a class.
    Class(fn(char) -> bool),
    /// A literal, case-insensitive (the `i` flag).
    Lit(&'static str),
    /// Two characters (a country code).
    Pair(fn(char, char) -> bool),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    /// `node{min,max}`, greedy. `?` backtracks fully; longer repetitions take
    /// each iteration's first match and backtrack over the count, which is
    /// exact for linkify-it's patterns (every repeated part has a single
    /// possible end, or ends the pattern) and keeps the stack flat.
    Rep(Box<Node>, usize, usize),
    /// `(?=node)` or, negated, `(?!node)`.
    Look(Box<Node>, bool),
    /// `$`.
    End,
}

use Node::{Alt, Class, End, Lit, Pair, Seq};

fn rep(node: Node, min: usize, max: usize) -> Node {
    Node::Rep(Box::new(node), min, max)
}
fn ahead(node: Node) -> Node {
    Node::Look(Box::new(node), false)
}
fn not_ahead(node: Node) -> Node {
    Node::Look(Box::new(node), true)
}

const MANY: usize = usize::MAX;

/// Where `node` matches at byte `pos` (anchored), the end of its first match.
fn match_at(node: &Node, t: &str, pos: usize) -> Option<usize> {
    let mut end = None;
    run(node, t, pos, &mut |e| {
        end = Some(e);
        true
    });
    end
}

fn chars_eq_ci(a: char, b: char) -> bool {
    a == b
        || (a.is_ascii() && b.is_ascii() && a.eq_ignore_ascii_case(&b))
        || (!a.is_ascii() && !b.is_ascii() && a.to_lowercase().eq(b.to_lowercase()))
}

/// Where `lit` ends when it is at byte `i` (case-insensitive).
fn lit_end(t: &str, i: usize, lit: &str) -> Option<usize> {
    if lit.is_ascii() {
        // An ASCII letter only matches ASCII, which is one byte a character.
        return ascii_ci_at(t.as_bytes(), i, lit.as_bytes()).then_some(i + lit.len());
    }
    let mut at = i;
    for c in lit.chars() {
        let (d, next) = next_char(t, at)?;
        if !chars_eq_ci(d, c) {
            return None;
        }
        at = next;
    }
    Some(at)
}

fn run(node: &Node, t: &str, i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match node {
        Class(f) => next_char(t, i).is_some_and(|(c, j)| f(c) && k(j)),
        Lit(l) => lit_end(t, i, l).is_some_and(k),
        Pair(f) => next_char(t, i)
            .is_some_and(|(a, j)| next_char(t, j).is_some_and(|(b, j)| f(a, b) && k(j))),
        Seq(nodes) => run_seq(nodes, t, i, k),
        Alt(nodes) => nodes.iter().any(|n| run(n, t, i, k)),
        Node::Rep(n, min, max) if *max == 1 => run(n, t, i, k) || (*min == 0 && k(i)),
        Node::Rep(n, min, max) => {
            // The end after each iteration; most repetitions are short.
            let mut near = [0usize; 16];
            let mut far = Vec::new();
            let mut count = 0;
            let mut at = i;
            while count < *max {
                match match_at(n, t, at) {
                    Some(e) if e > at => {
                        match near.get_mut(count) {
                            Some(slot) => *slot = e,
                            None => far.push(e),
                        }
                        count += 1;
                        at = e;
                    }
                    _ => break,
                }
            }
            if count < *min {
                return false;
            }
            let end = |c: usize| match c.checked_sub(1) {
                None => i,
                Some(c) => near.get(c).copied().unwrap_or_else(|| far[c - near.len()]),
            };
            (*min..=count).rev().any(|c| k(end(c)))
        }
        Node::Look(n, negated) => (match_at(n, t, i).is_some() != *negated) && k(i),
        End => i == t.len() && k(i),
    }
}

fn run_seq(nodes: &[Node], t: &str, i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match nodes.split_first() {
        None => k(i),
        Some((first, rest)) => run(first, t, i, &mut |j| run_seq(rest, t, j, k)),
    }
}

// ---------------------------------------------------------------------------
// linkify-it's patterns (lib/re.js and index.js)
// ---------------------------------------------------------------------------

/// The patterns the matcher runs. `host_fuzzy_test` and `schema_test` are
/// simple enough to be written out: [`host_hint_search`], [`has_schema`].
struct Patterns {
    /// `link_no_ip_fuzzy` without its prefix group.
    link_fuzzy: Node,
    /// `email_fuzzy` without its prefix group.
    email_fuzzy: Node,
    /// The `http:` validator, after the schema.
    http: Node,
    /// The `//` validator.
    no_http: Node,
    /// The `mailto:` validator.
    mailto: Node,
}
fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(build)
}

fn pseudo_letter() -> Node {
    Class(is_pseudo_letter)
}

fn xn() -> Node {
    Seq(vec![Lit("xn--"), rep(Class(is_xn_char), 1, 59)])
}

/// `src_domain`.
fn domain() -> Node {
    Alt(vec![
        xn(),
        pseudo_letter(),
        Seq(vec![
            pseudo_letter(),
            rep(Alt(vec![Lit("-"), pseudo_letter()]), 0, 61),
            pseudo_letter(),
        ]),
    ])
}

/// `src_tlds`: the default TLDs, the country codes, `xn--` labels.
fn tlds() -> Node {
    let mut alts: Vec<Node> = TLDS.iter().map(|t| Lit(t)).collect();
    alts.push(Pair(is_country_code));
    alts.push(xn());
    Alt(alts)
}

/// `(?:(?:domain)\.)+(?:TLDS)`.
fn host_no_ip_fuzzy() -> Node {
    Seq(vec![rep(Seq(vec![domain(), Lit(".")]), 1, MANY), tlds()])
}

/// `src_host`: `(?:(?:domain)\.)*domain`.
fn host() -> Node {
    Seq(vec![rep(Seq(vec![domain(), Lit(".")]), 0, MANY), domain()])
}

fn digit() -> Node {
    Class(is_digit)
}

/// `src_ip4`.
fn ip4() -> Node {
    let octet = || {
        Alt(vec![
            Seq(vec![Lit("25"), Class(|c| ('0'..='5').contains(&c))]),
            Seq(vec![Lit("2"), Class(|c| ('0'..='4').contains(&c)), digit()]),
            Seq(vec![
                rep(Class(|c| c == '0' || c == '1'), 0, 1),
                digit(),
                rep(digit(), 0, 1),
            ]),
        ])
    };
    Seq(vec![rep(Seq(vec![octet(), Lit(".")]), 3, 3), octet()])
}

/// `src_auth`: `(?:(?:(?!ZCc|[@/\[\]()]).)+@)?`.
fn auth() -> Node {
    rep(
        Seq(vec![
            rep(
                Class(|c| {
                    !is_zcc(c) && !matches!(c, '@' | '/' | '[' | ']' | '(' | ')') && is_dot_char(c)
                }),
                1,
                MANY,
            ),
            Lit("@"),
        ]),
        0,
        1,
    )
}

/// `src_port`.
fn port() -> Node {
    let range = |lo: char, hi: char| -> Node {
        // fn pointers cannot capture: pick the class by its bounds
        match (lo, hi) {
            ('0', '4') => Class(|c| ('0'..='4').contains(&c)),
            ('0', '2') => Class(|c| ('0'..='2').contains(&c)),
            ('0', '5') => Class(|c| ('0'..='5').contains(&c)),
            _ => Class(|c| ('1'..='5').contains(&c)),
        }
    };
    rep(
        Seq(vec![
            Lit(":"),
            Alt(vec![
                Seq(vec![
                    Lit("6"),
                    Alt(vec![
                        Seq(vec![range('0', '4'), rep(digit(), 3, 3)]),
                        Seq(vec![
                            Lit("5"),
                            Alt(vec![
                                Seq(vec![range('0', '4'), rep(digit(), 2, 2)]),
                                Seq(vec![
                                    Lit("5"),
                                    Alt(vec![
                                        Seq(vec![range('0', '2'), digit()]),
                                        Seq(vec![Lit("3"), range('0', '5')]),
                                    ]),
                                ]),
                            ]),
                        ]),
                    ]),
                ]),
                Seq(vec![rep(range('1', '5'), 0, 1), rep(digit(), 1, 4)]),
            ]),
        ]),
        0,
        1,
    )
}

/// `src_host_terminator`:
/// `(?=$|[><｜]|ZPCc)(?!-|_|:\d|\.-|\.(?!$|ZPCc))`.
fn host_terminator() -> Node {
    Seq(vec![
        ahead(Alt(vec![End, Class(is_text_separator), Class(is_zpcc)])),
        not_ahead(Alt(vec![
            Lit("-"),
            Lit("_"),
            Seq(vec![Lit(":"), digit()]),
            Lit(".-"),
            Seq(vec![Lit("."), not_ahead(Alt(vec![End, Class(is_zpcc)]))]),
        ])),
    ])
}

/// `(?!ZCc|X).`, one character of a bracketed part of a path.
fn inner(close: char) -> Node {
    Class(match close {
        ']' => |c| !is_zcc(c) && c != ']' && is_dot_char(c),
        ')' => |c| !is_zcc(c) && c != ')' && is_dot_char(c),
        '}' => |c| !is_zcc(c) && c != '}' && is_dot_char(c),
        '"' => |c| !is_zcc(c) && c != '"' && is_dot_char(c),
        _ => |c| !is_zcc(c) && c != '\'' && is_dot_char(c),
    })
}

/// `src_path` (without the `---` option).
fn path() -> Node {
    let any = || Class(is_dot_char);
    let zcc = || Class(is_zcc);
    let part = Alt(vec![
        Seq(vec![
            not_ahead(Alt(vec![
                zcc(),
                Class(is_text_separator),
                Class(|c| {
                    matches!(
                        c,
                        '(' | ')'
                            | '['
                            | ']'
                            | '{'
                            | '}'
                            | '.'
                            | ','
                            | '"'
                            | '\''
                            | '?'
                            | '!'
                            | '-'
                            | ';'
                    )
                }),
            ])),
            any(),
        ]),
        Seq(vec![Lit("["), rep(inner(']'), 0, MANY), Lit("]")]),
        Seq(vec![Lit("("), rep(inner(')'), 0, MANY), Lit(")")]),
        Seq(vec![Lit("{"), rep(inner('}'), 0, MANY), Lit("}")]),
        Seq(vec![Lit("\""), rep(inner('"'), 1, MANY), Lit("\"")]),
        Seq(vec![Lit("'"), rep(inner('\''), 1, MANY), Lit("'")]),
        Seq(vec![
            Lit("'"),
            ahead(Alt(vec![pseudo_letter(), Lit("-")])),
            any(),
        ]),
        Seq(vec![
            rep(Lit("."), 2, MANY),
            Class(|c| c.is_ascii_alphanumeric() || matches!(c, '%' | '/' | '&')),
        ]),
        Seq(vec![Lit("."), not_ahead(Alt(vec![zcc(), Lit(".")])), any()]),
        rep(Lit("-"), 1, MANY),
        Seq(vec![Lit(","), not_ahead(zcc()), any()]),
        Seq(vec![Lit(";"), not_ahead(zcc()), any()]),
        Seq(vec![
            rep(Lit("!"), 1, MANY),
            not_ahead(Alt(vec![zcc(), Lit("!")])),
            any(),
        ]),
        Seq(vec![Lit("?"), not_ahead(Alt(vec![zcc(), Lit("?")])), any()]),
    ]);
    rep(
        Alt(vec![
            Seq(vec![
                Class(|c| matches!(c, '/' | '?' | '#')),
                rep(part, 1, MANY),
            ]),
            Lit("/"),
        ]),
        0,
        1,
    )
}

/// `src_email_name`.
fn email_name() -> Node {
    Seq(vec![
        Class(|c| c.is_ascii_alphanumeric() || "-;:&=+$,._".contains(c)),
        rep(
            Class(|c| c.is_ascii_alphanumeric() || "-;:&=+$,\"._".contains(c)),
            0,
            MANY,
        ),
    ])
}

fn build() -> Patterns {
    Patterns {
        link_fuzzy: Seq(vec![
            not_ahead(Class(|c| {
                matches!(
                    c,
                    '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '\u{ff5c}'
                )
            })),
            host_no_ip_fuzzy(),
            port(),
            host_terminator(),
            path(),
        ]),
        email_fuzzy: Seq(vec![
            email_name(),
            Lit("@"),
            Alt(vec![ip4(), host_no_ip_fuzzy()]),
            host_terminator(),
        ]),
        http: Seq(vec![
            Lit("//"),
            auth(),
            host(),
            port(),
            host_terminator(),
            path(),
        ]),
        no_http: Seq(vec![
            auth(),
            Alt(vec![
                Lit("localhost"),
                Seq(vec![
                    rep(Seq(vec![domain(), Lit(".")]), 1, MANY),
                    Alt(vec![xn(), rep(pseudo_letter(), 1, 63)]),
                ]),
            ]),
            port(),
            host_terminator(),
            path(),
        ]),
        mailto: Seq(vec![email_name(), Lit("@"), host(), host_terminator()]),
    }
}

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

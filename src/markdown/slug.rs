//! Heading slugs, exactly as markdown-it-anchor 5 makes them in JavaScript:
//! `encodeURIComponent(title.trim().toLowerCase().replace(/\s+/g, '-'))`,
//! made unique per document with `-2`, `-3`, ….

use foldhash::{HashMap, HashSet};

/// JavaScript's `\s` and `String.prototype.trim` set: ECMAScript WhiteSpace
/// and LineTerminator. Unlike [`char::is_whitespace`] it includes U+FEFF and
/// excludes U+0085.
pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// JavaScript's `trim()`.
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_whitespace)
}

/// JavaScript's `encodeURIComponent`: keeps `A-Z a-z 0-9 - _ . ! ~ * ' ( )`
/// and writes every other UTF-8 byte as uppercase `%XX`.
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The slug of a heading title, before de-duplication.
pub fn slugify(title: &str) -> String {
    let lower = js_trim(title).to_lowercase();
    let mut dashed = String::with_capacity(lower.len());
    let mut in_space = false;
    for c in lower.chars() {
        if is_js_whitespace(c) {
            if !in_space {
                dashed.push('-');
            }
            in_space = true;
        } else {
            dashed.push(c);
            in_space = false;
        }
    }
    encode_uri_component(&dashed)
}

/// Hands out unique slugs within one document.
#[derive(Debug)]
pub struct Slugger {
    /// The suffix of the first repeat: 2 for markdown-it-anchor (`x`,
    /// `x-2`), 1 for Zola (`x`, `x-1`).
    first_suffix: usize,
    seen: HashSet<String>,
    /// For each base slug, the suffix to try next. Every smaller suffix is
    /// taken already (the set only grows), so skipping them keeps
    /// markdown-it-anchor's result while staying linear in repeats.
    next: HashMap<String, usize>,
    /// What each [`Slugger::slug`] call changed, newest last, for
    /// [`Slugger::rollback`]: the slug it took, its base, the base's
    /// previous next suffix, and whether the slug was new.
    undo: Vec<(String, String, Option<usize>, bool)>,
}

impl Default for Slugger {
    fn default() -> Self {
        Slugger::new(2)
    }
}

impl Slugger {
    /// A slugger whose first repeat gets `-{first_suffix}`.
    pub fn new(first_suffix: usize) -> Self {
        Slugger {
            first_suffix,
            seen: HashSet::default(),
            next: HashMap::default(),
            undo: Vec::new(),
        }
    }

    /// The unique slug for `title`: a repeat gets `-2`, `-3`, and so on.
    pub fn slug(&mut self, title: &str) -> String {
        self.unique(slugify(title))
    }

    /// Takes `id` as it is, repeated or not (an id the author wrote).
    pub fn take(&mut self, id: String) -> String {
        let before = self.next.get(&id).copied();
        let new = self.seen.insert(id.clone());
        self.undo.push((id.clone(), id.clone(), before, new));
        id
    }

    /// The unique slug for a title whose [`slugify`] is `base`.
    pub fn unique(&mut self, base: String) -> String {
        let before = self.next.get(&base).copied();
        let mut candidate = base.clone();
        let n = self.next.entry(base.clone()).or_insert(self.first_suffix);
        while self.seen.contains(&candidate) {
            candidate = format!("{base}-{n}");
            *n += 1;
        }
        self.seen.insert(candidate.clone());
        self.undo.push((candidate.clone(), base, before, true));
        candidate
    }

    /// A point to [`Slugger::rollback`] to.
    pub fn mark(&self) -> usize {
        self.undo.len()
    }

    /// The slugs handed out since `mark`, in order, each with its base.
    pub fn since(&self, mark: usize) -> impl Iterator<Item = (&str, &str)> {
        self.undo[mark..]
            .iter()
            .map(|(slug, base, _, _)| (base.as_str(), slug.as_str()))
    }

    /// Forgets every slug handed out since `mark`.
    pub fn rollback(&mut self, mark: usize) {
        while self.undo.len() > mark {
            let Some((slug, base, before, new)) = self.undo.pop() else {
                break;
            };
            if new {
                self.seen.remove(&slug);
            }
            match before {
                Some(n) => self.next.insert(base, n),
                None => self.next.remove(&base),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_javascript() {
        assert_eq!(
            slugify("Rust Foundation Membership & Donations"),
            "rust-foundation-membership-%26-donations"
        );
        assert_eq!(slugify("Café"), "caf%C3%A9");
        assert_eq!(slugify("\u{a0} a\u{2003}\u{2003}b\u{feff}"), "a-b");
        // U+0085 is not whitespace in JavaScript.
        assert_eq!(slugify("a\u{85}b"), "a%C2%85b");
        assert_eq!(slugify("It's (ok)! ~*"), "it's-(ok)!-~*");
        assert_eq!(slugify(""), "");
    }

    #[test]
    fn repeats_are_numbered() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("A"), "a");
        assert_eq!(s.slug("A"), "a-2");
        assert_eq!(s.slug("a-2"), "a-2-2");
        assert_eq!(s.slug("A"), "a-3");
        assert_eq!(s.slug(""), "");
        assert_eq!(s.slug(""), "-2");
    }

    #[test]
    fn rollback_forgets_slugs() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("A"), "a");
        let mark = s.mark();
        assert_eq!(s.slug("A"), "a-2");
        assert_eq!(s.slug("B"), "b");
        s.rollback(mark);
        assert_eq!(s.slug("B"), "b");
        assert_eq!(s.slug("A"), "a-2");
        assert_eq!(s.slug("A"), "a-3");
    }
}

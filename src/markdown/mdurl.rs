//! markdown-it 12's link destinations: `normalizeLink` (the `href` or `src`
//! it writes), `normalizeLinkText` (the text it shows for an autolink or a
//! linkified URL) and `validateLink` (the schemes it refuses). They are ports
//! of mdurl 1.0.1's `parse`, `format`, `encode` and `decode` and of Node's
//! punycode.js `toASCII`/`toUnicode` for the host name, whose Punycode
//! algorithm is the `idna` crate's.
//!
//! Every function is linear in its input: mdurl cuts host names into labels
//! of at most 63 UTF-16 units (255 in all), so Punycode only ever sees short
//! labels.

use std::borrow::Cow;

use super::slug::js_trim;

/// What `mdurl.encode` keeps besides ASCII letters and digits.
const ENCODE_KEEP: &str = ";/?:@&=+$,-_.!~*'()#";

/// What `normalizeLinkText` keeps percent-encoded: `mdurl.decode`'s
/// `defaultChars` and `%` (markdown-it issue #720).
const DECODE_KEEP: &str = ";/?:@&=+$,#%";

/// The protocols whose host name markdown-it converts (besides none).
const RECODE_HOSTNAME_FOR: [&str; 3] = ["http:", "https:", "mailto:"];

/// markdown-it's `normalizeLink`: the host name in Punycode (when there is
/// no protocol or it is `http:`, `https:` or `mailto:`), then everything
/// mdurl does not allow percent-encoded (a valid `%XX` kept, any other `%`
/// written `%25`). Leading and trailing JavaScript whitespace is dropped.
pub fn normalize_link(url: &str) -> String {
    if unchanged(url) {
        return url.to_owned();
    }
    let mut parsed = Url::parse(url);
    parsed.map_hostname(to_ascii_label);
    encode(&parsed.format())
}

/// markdown-it's `normalizeLinkText`: the host name from Punycode back to
/// Unicode, then percent-encoded UTF-8 decoded, except the escapes of
/// `;/?:@&=+$,#%` (so that decoding never changes what the link means).
pub fn normalize_link_text(url: &str) -> String {
    if unchanged(url) && !url.contains("xn--") {
        return url.to_owned();
    }
    let mut parsed = Url::parse(url);
    parsed.map_hostname(to_unicode_label);
    decode(&parsed.format(), DECODE_KEEP)
}

/// Whether `url` is its own [`normalize_link`] (and, without an `xn--`
/// label, its own [`normalize_link_text`]): only characters `mdurl.encode`
/// keeps and no `%` (so nothing to encode or decode), an ASCII host (so no
/// Punycode), nothing to trim, no `@` that ends an empty user name (which
/// `format` drops), no `:` after the protocol (a port is moved, an empty
/// one dropped) and too short for a host name over 255 characters (which
/// `parse` drops). Most links are; they skip the parse.
fn unchanged(url: &str) -> bool {
    let b = url.as_bytes();
    let protocol = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-'))
        .count();
    let after = if b.get(protocol) == Some(&b':') {
        protocol + 1
    } else {
        0
    };
    url.len() <= 255
        && !b[after..].contains(&b':')
        && b.iter()
            .all(|&c| c != b'%' && (c.is_ascii_alphanumeric() || ENCODE_KEEP.contains(c as char)))
        && !b
            .iter()
            .enumerate()
            .any(|(i, &c)| c == b'@' && (i == 0 || matches!(b[i - 1], b':' | b'/')))
}

/// markdown-it 12's `validateLink`: `javascript:`, `vbscript:`, `file:` and
/// `data:` destinations are refused, except `data:image/(gif|png|jpeg|webp);`.
/// markdown-it checks the normalized destination ([`normalize_link`]).
pub fn valid_link(url: &str) -> bool {
    let url = js_trim(url).to_lowercase();
    let bad = ["vbscript:", "javascript:", "file:", "data:"]
        .iter()
        .any(|p| url.starts_with(p));
    !bad || ["gif", "png", "jpeg", "webp"]
        .iter()
        .any(|t| url.starts_with(&format!("data:image/{t};")))
}

/// A URL cut as `mdurl.parse(url, true)` cuts it. `format` puts the parts
/// back; only the host name is ever changed in between.
#[derive(Debug, Default, PartialEq)]
struct Url<'a> {
    protocol: &'a str,
    slashes: bool,
    auth: &'a str,
    /// `None` when mdurl finds no host; brackets of an IPv6 host removed.
    hostname: Option<Cow<'a, str>>,
    port: &'a str,
    /// Path, query and fragment, which `format` writes back as they are.
    rest: Cow<'a, str>,
}

/// Characters that end a host name in mdurl (`nonHostChars`).
const NON_HOST: [char; 19] = [
    '%', '/', '?', ';', '#', '\'', '{', '}', '|', '\\', '^', '`', '<', '>', '"', ' ', '\r', '\n',
    '\t',
];

fn host_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'_' | b'-')
}

impl<'a> Url<'a> {
    fn parse(url: &'a str) -> Self {
        let mut rest = js_trim(url);
        let mut parsed = Url::default();
        // /^([a-z0-9.+-]+:)/i
        let run = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
            .count();
        if run > 0 && rest.as_bytes().get(run) == Some(&b':') {
            parsed.protocol = &rest[..=run];
            rest = &rest[run + 1..];
        }
        let proto = parsed.protocol;
        // mdurl looks its tables up with the protocol as written.
        let hostless = proto == "javascript:";
        let slashed = matches!(proto, "http:" | "https:" | "ftp:" | "gopher:" | "file:");
        let slashes = rest.starts_with("//");
        if slashes && !hostless {
            rest = &rest[2..];
            parsed.slashes = true;
        }
        if hostless || !(slashes || (!proto.is_empty() && !slashed)) {
            parsed.rest = Cow::Borrowed(rest);
            return parsed;
        }
        // The last `@` before the first `/`, `?` or `#` ends the auth part.
        let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..host_end].rfind('@') {
            parsed.auth = &rest[..at];
            rest = &rest[at + 1..];
        }
        let mut end = rest.find(NON_HOST).unwrap_or(rest.len());
        if end > 0 && rest.as_bytes()[end - 1] == b':' {
            end -= 1;
        }
        let (mut host, tail) = rest.split_at(end);
        // /:[0-9]*$/
        let digits = host.bytes().rev().take_while(u8::is_ascii_digit).count();
        if host[..host.len() - digits].ends_with(':') {
            parsed.port = &host[host.len() - digits..];
            host = &host[..host.len() - digits - 1];
        }
        let ipv6 = host.starts_with('[') && host.ends_with(']');
        let mut hostname = Cow::Borrowed(host);
        let mut moved = None;
        if !ipv6 {
            let parts: Vec<&str> = host.split('.').collect();
            for (i, part) in parts.iter().enumerate() {
                // /^[+a-z0-9A-Z_-]{0,63}$/, non-ASCII counted as one
                // letter per UTF-16 unit.
                let fits = part.chars().map(char::len_utf16).sum::<usize>() <= 63
                    && part.bytes().all(|b| b >= 0x80 || host_char(b));
                if fits {
                    continue;
                }
                let mut valid = parts[..i].to_vec();
                let mut not_host = parts[i + 1..].to_vec();
                // /^([+a-z0-9A-Z_-]{0,63})(.*)$/ (`.` stops at line ends)
                if !part.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
                    let n = part.bytes().take(63).take_while(|&b| host_char(b)).count();
                    valid.push(&part[..n]);
                    not_host.insert(0, &part[n..]);
                }
                if !not_host.is_empty() {
                    moved = Some(not_host.join(".") + tail);
                }
                hostname = Cow::Owned(valid.join("."));
                break;
            }
        }
        if hostname.encode_utf16().count() > 255 {
            hostname = Cow::Borrowed("");
        } else if ipv6 {
            hostname = Cow::Borrowed(&host[1..host.len() - 1]);
        }
        parsed.hostname = Some(hostname);
        parsed.rest = moved.map_or(Cow::Borrowed(tail), Cow::Owned);
        parsed
    }

    /// Converts each label of a non-empty host name with `label` (as
    /// punycode.js's `mapDomain` does), for the protocols markdown-it
    /// converts; a label that fails leaves the whole host name as it was.
    fn map_hostname(&mut self, label: fn(&str) -> Option<Cow<'_, str>>) {
        let recode = self.protocol.is_empty() || RECODE_HOSTNAME_FOR.contains(&self.protocol);
        let Some(host) = self.hostname.as_deref().filter(|h| recode && !h.is_empty()) else {
            return;
        };
        // mapDomain keeps what precedes an `@` and drops what follows a
        // second one (mdurl's host names have none).
        let mut at = host.split('@');
        let (user, domain) = match (at.next(), at.next()) {
            (Some(user), Some(domain)) => (Some(user), domain),
            _ => (None, host),
        };
        let domain = domain.replace(['\u{3002}', '\u{ff0e}', '\u{ff61}'], ".");
        let labels: Option<Vec<Cow<'_, str>>> = domain.split('.').map(label).collect();
        if let Some(labels) = labels {
            let mut mapped = user.map(|u| format!("{u}@")).unwrap_or_default();
            mapped.push_str(&labels.join("."));
            self.hostname = Some(Cow::Owned(mapped));
        }
    }

    /// `mdurl.format`.
    fn format(&self) -> String {
        let mut out = String::from(self.protocol);
        if self.slashes {
            out.push_str("//");
        }
        if !self.auth.is_empty() {
            out.push_str(self.auth);
            out.push('@');
        }
        match self.hostname.as_deref() {
            Some(h) if h.contains(':') => {
                out.push('[');
                out.push_str(h);
                out.push(']');
            }
            Some(h) => out.push_str(h),
            None => {}
        }
        if !self.port.is_empty() {
            out.push(':');
            out.push_str(self.port);
        }
        out.push_str(&self.rest);
        out
    }
}

/// punycode.js `toASCII` of one label: `xn--` and its Punycode when it has
/// a character above U+007E.
fn to_ascii_label(label: &str) -> Option<Cow<'_, str>> {
    if label.bytes().all(|b| b <= 0x7e) {
        return Some(Cow::Borrowed(label));
    }
    let encoded = idna::punycode::encode_str(label)?;
    Some(Cow::Owned(format!("xn--{encoded}")))
}

/// punycode.js `toUnicode` of one label: an `xn--` label decoded from
/// Punycode (`None` when it is not valid Punycode).
fn to_unicode_label(label: &str) -> Option<Cow<'_, str>> {
    match label.strip_prefix("xn--") {
        Some(code) => idna::punycode::decode_to_string(&code.to_lowercase()).map(Cow::Owned),
        None => Some(Cow::Borrowed(label)),
    }
}

/// `mdurl.encode(s)`: ASCII letters, digits and [`ENCODE_KEEP`] as they
/// are, a `%` followed by two hex digits as it is, everything else as its
/// UTF-8 bytes in uppercase `%XX`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            out.push_str(&s[i..i + 3]);
            i += 3;
            continue;
        }
        if b.is_ascii_alphanumeric() || (b.is_ascii() && ENCODE_KEEP.contains(b as char)) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        i += 1;
    }
    out
}

/// `mdurl.decode(s, keep)`: each run of `%XX` decoded as UTF-8, an escape
/// of an ASCII character in `keep` written back as `%XX` (in uppercase),
/// and each byte of a malformed sequence as U+FFFD, the way mdurl counts
/// them.
fn decode(s: &str, keep: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |i: usize| -> Option<u8> {
        let h = bytes.get(i + 1..i + 3)?;
        let h = std::str::from_utf8(h).ok()?;
        u8::from_str_radix(h, 16)
            .ok()
            .filter(|_| h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut plain = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' || hex(i).is_none() {
            i += 1;
            continue;
        }
        out.push_str(&s[plain..i]);
        let mut run = Vec::new();
        while bytes.get(i) == Some(&b'%') {
            match hex(i) {
                Some(b) => run.push(b),
                None => break,
            }
            i += 3;
        }
        plain = i;
        decode_run(&run, keep, &mut out);
    }
    out.push_str(&s[plain..]);
    out
}

/// Decodes one run of escaped bytes as mdurl does.
fn decode_run(run: &[u8], keep: &str, out: &mut String) {
    let cont = |k: usize| {
        run.get(k)
            .filter(|&&b| b & 0xc0 == 0x80)
            .map(|&b| u32::from(b & 0x3f))
    };
    let mut k = 0;
    while k < run.len() {
        let b1 = run[k];
        let lead = u32::from(b1);
        if b1 < 0x80 {
            if keep.contains(b1 as char) {
                out.push_str(&format!("%{b1:02X}"));
            } else {
                out.push(b1 as char);
            }
            k += 1;
            continue;
        }
        let (len, min, max, first) = match b1 {
            _ if b1 & 0xe0 == 0xc0 => (2, 0x80, 0x10ffff, lead & 0x1f),
            _ if b1 & 0xf0 == 0xe0 => (3, 0x800, 0x10ffff, lead & 0x0f),
            _ if b1 & 0xf8 == 0xf0 => (4, 0x10000, 0x10ffff, lead & 0x07),
            _ => (1, 0, 0, 0),
        };
        // mdurl reads a sequence only when the run holds all its bytes and
        // they are all continuation bytes; else the lead byte alone is
        // one U+FFFD.
        let tail: Option<Vec<u32>> = (1..len).map(|j| cont(k + j)).collect();
        match tail {
            Some(tail) if len > 1 => {
                let c = tail.iter().fold(first, |c, t| (c << 6) | t);
                match char::from_u32(c).filter(|_| (min..=max).contains(&c)) {
                    Some(c) => out.push(c),
                    None => out.extend(std::iter::repeat_n('\u{fffd}', len)),
                }
                k += len;
            }
            _ => {
                out.push('\u{fffd}');
                k += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests;

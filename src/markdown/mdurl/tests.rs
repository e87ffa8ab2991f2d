//! `normalize_link` and `normalize_link_text` against the real markdown-it
//! 12.3.2: each row is an input, then markdown-it's `normalizeLink` and
//! `normalizeLinkText` of it, printed by node (markdown-it from
//! tests/fidelity/node_modules, Node's punycode.js).

use super::*;

/// (input, `normalizeLink`, `normalizeLinkText`) from markdown-it 12.3.2.
const CASES: &[(&str, &str, &str)] = &[
    ("http://example.com/α%CE%B2γ%CE%B4", "http://example.com/%CE%B1%CE%B2%CE%B3%CE%B4", "http://example.com/αβγδ"),
    ("https://www.google.com/search?q=hello%2E%252Ehello", "https://www.google.com/search?q=hello%2E%252Ehello", "https://www.google.com/search?q=hello.%252Ehello"),
    ("http://xn--n3h.net/", "http://xn--n3h.net/", "http://☃.net/"),
    ("http://☃.net/", "http://xn--n3h.net/", "http://☃.net/"),
    ("http://xn--xn.com/", "http://xn--xn.com/", "http://xn--xn.com/"),
    ("http://xn--γ.com/", "http://xn--xn---emd.com/", "http://xn--γ.com/"),
    ("//☃.net/", "//xn--n3h.net/", "//☃.net/"),
    ("skype:γγγ", "skype:%CE%B3%CE%B3%CE%B3", "skype:γγγ"),
    ("mailto:xn--n3h@xn--n3h.net", "mailto:xn--n3h@xn--n3h.net", "mailto:xn--n3h@☃.net"),
    ("mailto:☃@☃.net", "mailto:%E2%98%83@xn--n3h.net", "mailto:☃@☃.net"),
    ("%test", "%25test", "%test"),
    ("%C3", "%C3", "�"),
    ("%", "%25", "%"),
    ("%2", "%252", "%2"),
    ("%zz", "%25zz", "%zz"),
    ("a%2fb%2F%3a%25", "a%2fb%2F%3a%25", "a%2Fb%2F%3A%25"),
    ("http://✪df.ws/123", "http://xn--df-oiy.ws/123", "http://✪df.ws/123"),
    ("http://xn--df-oiy.ws/123", "http://xn--df-oiy.ws/123", "http://✪df.ws/123"),
    ("http://президент.рф", "http://xn--d1abbgf6aiiy.xn--p1ai", "http://президент.рф"),
    ("http://www.bürgerentscheid-krankenhäuser.de", "http://www.xn--brgerentscheid-krankenhuser-xkc78d.de", "http://www.bürgerentscheid-krankenhäuser.de"),
    ("http://ﻡﻮﻘﻋ.ﻭﺯﺍﺭﺓ-ﺍﻼﺘﺻﺍﻼﺗ.ﻢﺻﺭ/", "http://xn--8e7cza0a4c.xn----og0iba1a1af8nqa0knx5fd.xn--ee7c1a6h/", "http://ﻡﻮﻘﻋ.ﻭﺯﺍﺭﺓ-ﺍﻼﺘﺻﺍﻼﺗ.ﻢﺻﺭ/"),
    ("http://xn--4gbrim.xn----ymcbaaajlc6dj7bxne2c.xn--wgbh1c/", "http://xn--4gbrim.xn----ymcbaaajlc6dj7bxne2c.xn--wgbh1c/", "http://موقع.وزارة-الاتصالات.مصر/"),
    ("https://❤.rust-lang.org", "https://xn--qei.rust-lang.org", "https://❤.rust-lang.org"),
    ("  http://a.b/ c  ", "http://a.b/%20c", "http://a.b/ c"),
    ("http://user:pw@host.com:8080/p?q=1#h", "http://user:pw@host.com:8080/p?q=1#h", "http://user:pw@host.com:8080/p?q=1#h"),
    ("http://@host/", "http://host/", "http://host/"),
    ("http://host:/x", "http://host:/x", "http://host:/x"),
    ("http://a:b:c/", "http://a:b:c/", "http://a:b:c/"),
    ("http://[::1]:80/x", "http://%5B::1%5D:80/x", "http://[::1]:80/x"),
    ("http://[x]/", "http://x/", "http://x/"),
    ("http://a@b@c/d@e", "http://a@b@c/d@e", "http://a@b@c/d@e"),
    ("HTTP://☃.net/", "HTTP://%E2%98%83.net/", "HTTP://☃.net/"),
    ("Http://xn--n3h.net/", "Http://xn--n3h.net/", "Http://xn--n3h.net/"),
    ("ftp://☃.net/", "ftp://%E2%98%83.net/", "ftp://☃.net/"),
    ("http://a.b_c!d.com/", "http://a.b_c!d.com/", "http://a.b_c!d.com/"),
    ("http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/", "http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/", "http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/"),
    ("http://éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé.com/", "http://%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9.com/", "http://éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé.com/"),
    ("http://ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.ab.com/", "http:///", "http:///"),
    ("http://a。b．c｡d/", "http://a.b.c.d/", "http://a.b.c.d/"),
    ("http://XN--N3H.net/", "http://XN--N3H.net/", "http://XN--N3H.net/"),
    ("http://xn--/", "http://xn--/", "http:///"),
    ("http://xn--abc-/", "http://xn--abc-/", "http://abc/"),
    ("javascript:alert(1)", "javascript:alert(1)", "javascript:alert(1)"),
    ("javascript://☃.net/", "javascript://%E2%98%83.net/", "javascript://☃.net/"),
    ("data:image/png;base64,AAA", "data:image/png;base64,AAA", "data:image/png;base64,AAA"),
    ("a'b\"c<d>e`f{g}h|i\\j^k l", "a'b%22c%3Cd%3Ee%60f%7Bg%7Dh%7Ci%5Cj%5Ek%20l", "a'b\"c<d>e`f{g}h|i\\j^k l"),
    ("%E2%98%83", "%E2%98%83", "☃"),
    ("%E2%98", "%E2%98", "��"),
    ("%C0%80", "%C0%80", "��"),
    ("%ED%A0%80", "%ED%A0%80", "���"),
    ("%F4%90%80%80", "%F4%90%80%80", "����"),
    ("%F0%9F%98%80", "%F0%9F%98%80", "😀"),
    ("%80", "%80", "�"),
    ("%E2%98%83%E2", "%E2%98%83%E2", "☃�"),
    ("%41%2f%2F%23", "%41%2f%2F%23", "A%2F%2F%23"),
    ("http://host/path%2Fwith%2fslash", "http://host/path%2Fwith%2fslash", "http://host/path%2Fwith%2Fslash"),
    ("www.☃.com", "www.%E2%98%83.com", "www.☃.com"),
    ("#frag☃", "#frag%E2%98%83", "#frag☃"),
    ("?q=☃", "?q=%E2%98%83", "?q=☃"),
    ("/a/b", "/a/b", "/a/b"),
    ("x:y:z", "x:y:z", "x:y:z"),
    ("mailto:a@b", "mailto:a@b", "mailto:a@b"),
    ("http://a\u{2028}b.com/", "http://xn--ab-x3t.com/", "http://a\u{2028}b.com/"),
    ("http://日本語.jp/パス", "http://xn--wgv71a119e.jp/%E3%83%91%E3%82%B9", "http://日本語.jp/パス"),
    ("http://host:99999999999/", "http://host:99999999999/", "http://host:99999999999/"),
    ("http://a.com:8080", "http://a.com:8080", "http://a.com:8080"),
    ("//a.com", "//a.com", "//a.com"),
    ("///a", "///a", "///a"),
    ("http:///a", "http:///a", "http:///a"),
    ("http:a.com", "http:a.com", "http:a.com"),
    ("HTTPS://Example.COM/", "HTTPS://Example.COM/", "HTTPS://Example.COM/"),
    ("http://a..b/", "http://a..b/", "http://a..b/"),
    ("http://.a./", "http://.a./", "http://.a./"),
    ("https://😀.example/😀", "https://xn--e28h.example/%F0%9F%98%80", "https://😀.example/😀"),
    ("http://x\u{a0}y.com/", "http://xn--xy-1ca.com/", "http://x\u{a0}y.com/"),
];

#[test]
fn matches_markdown_it() {
    let mut wrong = Vec::new();
    for (input, link, text) in CASES {
        let got = (normalize_link(input), normalize_link_text(input));
        if (got.0.as_str(), got.1.as_str()) != (*link, *text) {
            wrong.push(format!("{input:?}: got {got:?}, want ({link:?}, {text:?})"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn validate_link_refuses_script_schemes() {
    assert!(!valid_link(" JavaScript:alert(1)"));
    assert!(!valid_link("vbscript:x"));
    assert!(!valid_link("file:///etc/passwd"));
    assert!(!valid_link("data:text/html;base64,AAA"));
    assert!(valid_link("data:image/png;base64,AAA"));
    assert!(valid_link("/javascript:x"));
    assert!(valid_link("https://example.com/"));
}

/// A long host and path are normalized whole (their cost per doubling is
/// measured by the hostile-input suite, tests/browser/dos.test.js).
#[test]
fn long_input() {
    let url = format!(
        "http://{}/{}",
        "é".repeat(100_000),
        "%E2%98%83%".repeat(100_000)
    );
    let link = normalize_link(&url);
    let text = normalize_link_text(&url);
    assert!(link.len() > url.len() && text.len() < url.len());
}

/// 800 random strings of URL pieces (ASCII and not, `%` escapes, `xn--`
/// labels, ports, `@`s), each with markdown-it 12.3.2's `normalizeLink` and
/// `normalizeLinkText` of it: printed by node from
/// `[...].map(s => [s, md.normalizeLink(s), md.normalizeLinkText(s)])`.
#[test]
fn matches_markdown_it_on_random_urls() {
    let cases: Vec<(String, String, String)> =
        serde_json::from_str(include_str!("random.json")).unwrap();
    let mut wrong = Vec::new();
    let mut fast = 0;
    for (input, link, text) in &cases {
        fast += usize::from(unchanged(input));
        let got = (normalize_link(input), normalize_link_text(input));
        if (&got.0, &got.1) != (link, text) {
            wrong.push(format!("{input:?}: got {got:?}, want ({link:?}, {text:?})"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Both paths are exercised: the shortcut and the parse.
    assert!(fast > 100 && fast < cases.len() / 2, "{fast}");
    assert!(unchanged("https://x.org/a?b=c#d") && unchanged("mailto:a@b.c"));
    assert!(!unchanged("http://a:80/") && !unchanged("http://@a/") && !unchanged(" a"));
}

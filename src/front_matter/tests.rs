//! Snapshot tests for front matter parsing.

use expect_test::{expect, Expect};

use super::*;

/// Renders what `parse` found, compactly.
fn render(src: &str) -> String {
    let index = LineIndex::new(src);
    let parsed = parse(src, &index);
    let fm = &parsed.front_matter;
    let mut out = String::new();
    let format = match fm.format {
        Some(Format::Yaml) => "yaml",
        Some(Format::Toml) => "toml",
        None => "none",
    };
    let body = &src[parsed.body_start..];
    let first = body.lines().next().unwrap_or("");
    out.push_str(&format!(
        "format: {format}\nbody_start: {} {first:?}\n",
        parsed.body_start
    ));
    let strings = [
        ("title", &fm.title),
        ("description", &fm.description),
        ("byline", &fm.byline),
        ("date", &fm.date),
        ("layout", &fm.layout),
        ("series", &fm.series),
        ("externalurl", &fm.externalurl),
    ];
    for (name, value) in strings {
        if let Some(v) = value {
            out.push_str(&format!("{name}: {v:?}\n"));
        }
    }
    if !fm.tags.is_empty() {
        out.push_str(&format!("tags: {:?}\n", fm.tags));
    }
    for (name, value) in [("index", fm.index), ("draft", fm.draft)] {
        if let Some(v) = value {
            out.push_str(&format!("{name}: {v}\n"));
        }
    }
    for a in &fm.attachments {
        out.push_str(&format!("attachment: {:?} -> {:?}\n", a.name, a.url));
    }
    if !fm.extra.is_empty() {
        out.push_str(&format!(
            "extra: {}\n",
            serde_json::Value::Object(fm.extra.clone())
        ));
    }
    for d in &parsed.diagnostics {
        out.push_str(&format!(
            "{}:{} {} {}\n",
            d.line, d.column, d.severity, d.message
        ));
    }
    out
}

fn check(src: &str, expect: Expect) {
    expect.assert_eq(&render(src));
}

#[test]
fn no_front_matter() {
    check(
        "# Hello\n",
        expect![[r##"
        format: none
        body_start: 0 "# Hello"
        1:1 error missing `title`: the page would have an empty heading
        1:1 warning missing `description`: search engines and link previews will show none
    "##]],
    );
    check(
        "",
        expect![[r#"
        format: none
        body_start: 0 ""
        1:1 error missing `title`: the page would have an empty heading
        1:1 warning missing `description`: search engines and link previews will show none
    "#]],
    );
}

#[test]
fn yaml() {
    check(
        "---\ntitle: Hello\ndescription: A post.\nbyline: Ferris\ndate: 2023-09-18T03:00:00Z\ntags:\n  - a\n  - b\nlayout: layouts/news.njk\nindex: false\ndraft: true\nseries: Intro\nexternalurl: https://example.com/x\nattachments:\n  slides: /files/slides.pdf\n  video: https://example.com/v\ncustom: [1, {a: b}]\n---\n# Body\n",
        expect![[r##"
            format: yaml
            body_start: 293 "# Body"
            title: "Hello"
            description: "A post."
            byline: "Ferris"
            date: "2023-09-18T03:00:00Z"
            layout: "layouts/news.njk"
            series: "Intro"
            externalurl: "https://example.com/x"
            tags: ["a", "b"]
            index: false
            draft: true
            attachment: "slides" -> "/files/slides.pdf"
            attachment: "video" -> "https://example.com/v"
            extra: {"custom":[1,{"a":"b"}]}
        "##]],
    );
}

#[test]
fn toml() {
    check(
        "+++\ntitle = \"Hello\"\ndescription = \"A post.\"\ndate = 2023-09-18T05:00:00+02:00\ntags = [\"a\", \"b\"]\nindex = false\nzeta = 1\nalpha = 2.5\n\n[attachments]\nz = \"/z.pdf\"\na = \"/a.pdf\"\n+++\nBody\n",
        expect![[r#"
            format: toml
            body_start: 175 "Body"
            title: "Hello"
            description: "A post."
            date: "2023-09-18T03:00:00Z"
            tags: ["a", "b"]
            index: false
            attachment: "z" -> "/z.pdf"
            attachment: "a" -> "/a.pdf"
            extra: {"zeta":1,"alpha":2.5}
        "#]],
    );
    // A TOML local date is a date; a local date-time has no offset.
    check(
        "+++\ntitle = \"T\"\ndescription = \"D\"\ndate = 2021-02-08\n+++\n",
        expect![[r#"
            format: toml
            body_start: 56 ""
            title: "T"
            description: "D"
            date: "2021-02-08T00:00:00Z"
        "#]],
    );
    check(
        "+++\ntitle = \"T\"\ndescription = \"D\"\ndate = 2021-02-08T10:00:00\n+++\n",
        expect![[r#"
            format: toml
            body_start: 65 ""
            title: "T"
            description: "D"
            4:1 error `date` is not a valid date: expected YYYY-MM-DD or a date-time with Z or an offset such as 2023-09-18T03:00:00Z, found `2021-02-08T10:00:00`
        "#]],
    );
    check(
        "+++\ntitle = \"T\"\ndescription = \"D\"\nindex = \"no\"\n\"draft\" = 1\n+++\n",
        expect![[r#"
            format: toml
            body_start: 63 ""
            title: "T"
            description: "D"
            4:1 error `index` must be true or false, found a string
            5:1 error `draft` must be true or false, found a number
        "#]],
    );
}

#[test]
fn toml_line_endings_and_positions() {
    check(
        "\u{feff}+++\r\ntitle = \"T\"\r\ndescription = \"D\"\r\ndraft = \"yes\"\r\n\r\n[attachments]\r\nx = \"javascript:alert(1)\"\r\n+++\r\nBody\r\n",
        expect![[r#"
            format: toml
            body_start: 104 "Body"
            title: "T"
            description: "D"
            4:1 error `draft` must be true or false, found a string
            7:1 error the URL of attachment `x` uses the `javascript:` scheme: only http, https and relative URLs are allowed; it was dropped
        "#]],
    );
    check(
        "+++\r\ntitle = \"T\"\r\n\r\n\r\n\r\nx = [1,\r\n  2,,]\r\n+++\r\n",
        expect![[r#"
            format: none
            body_start: 46 ""
            7:5 error invalid TOML: extra comma in array, expected value
        "#]],
    );
}

#[test]
fn toml_errors() {
    check(
        "+++\ntitle = \"T\"\ndescription = \"D\"\n\nbad = = 1\n+++\nBody\n",
        expect![[r#"
            format: none
            body_start: 49 "Body"
            5:7 error invalid TOML: extra `=`, expected nothing
        "#]],
    );
    check(
        "+++\ntitle = \"T\"\ntitle = \"U\"\n+++\n",
        expect![[r#"
        format: none
        body_start: 32 ""
        3:1 error invalid TOML: duplicate key
    "#]],
    );
}

#[test]
fn unclosed() {
    check(
        "---\ntitle: Hello\n\nBody\n",
        expect![[r#"
        format: none
        body_start: 0 "---"
        1:1 error front matter opened with `---` on line 1 is never closed: add a closing `---` line; the whole file is rendered as the body
    "#]],
    );
    check(
        "+++\ntitle = \"Hello\"\n---\nBody\n",
        expect![[r#"
        format: none
        body_start: 0 "+++"
        1:1 error front matter opened with `+++` on line 1 is never closed: add a closing `+++` line; the whole file is rendered as the body
    "#]],
    );
    check(
        "\u{feff}---\ntitle: Hello\n",
        expect![[r#"
        format: none
        body_start: 3 "---"
        1:1 error front matter opened with `---` on line 1 is never closed: add a closing `---` line; the whole file is rendered as the body
    "#]],
    );
}

#[test]
fn terminators_and_line_endings() {
    check(
        "---\ntitle: T\ndescription: D\n...\nBody\n",
        expect![[r#"
            format: yaml
            body_start: 32 "Body"
            title: "T"
            description: "D"
        "#]],
    );
    check(
        "--- \t\r\ntitle: T\r\ndescription: D\r\nindex: 3\r\n---  \r\nBody\r\n",
        expect![[r#"
            format: yaml
            body_start: 50 "Body"
            title: "T"
            description: "D"
            4:1 error `index` must be true or false, found a number
        "#]],
    );
    check(
        "\u{feff}---\ntitle: T\ndescription: D\n---\nBody\n",
        expect![[r#"
            format: yaml
            body_start: 35 "Body"
            title: "T"
            description: "D"
        "#]],
    );
    check(
        "\u{feff}---\r\ntitle: T\r\ndescription: D\r\ndraft: nope\r\n---\r\nBody\r\n",
        expect![[r#"
            format: yaml
            body_start: 52 "Body"
            title: "T"
            description: "D"
            4:1 error `draft` must be true or false, found a string
        "#]],
    );
    check(
        "\u{feff}# Just a body\n",
        expect![[r##"
        format: none
        body_start: 3 "# Just a body"
        1:1 error missing `title`: the page would have an empty heading
        1:1 warning missing `description`: search engines and link previews will show none
    "##]],
    );
}

#[test]
fn empty_and_bodiless() {
    check(
        "---\n---\nBody\n",
        expect![[r#"
        format: yaml
        body_start: 8 "Body"
        1:1 error missing `title`: the page would have an empty heading
        1:1 warning missing `description`: search engines and link previews will show none
    "#]],
    );
    check(
        "---\n# only a comment\n\n---\nBody\n",
        expect![[r#"
        format: yaml
        body_start: 26 "Body"
        1:1 error missing `title`: the page would have an empty heading
        1:1 warning missing `description`: search engines and link previews will show none
    "#]],
    );
    check(
        "---\nnull\n---\n",
        expect![[r#"
        format: yaml
        body_start: 13 ""
        1:1 error missing `title`: the page would have an empty heading
        1:1 warning missing `description`: search engines and link previews will show none
    "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\n---\n",
        expect![[r#"
        format: yaml
        body_start: 32 ""
        title: "T"
        description: "D"
    "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\n---",
        expect![[r#"
        format: yaml
        body_start: 31 ""
        title: "T"
        description: "D"
    "#]],
    );
    check(
        "+++\ntitle = \"T\"\ndescription = \"D\"\n+++",
        expect![[r#"
            format: toml
            body_start: 37 ""
            title: "T"
            description: "D"
        "#]],
    );
}

#[test]
fn yaml_errors() {
    // Tabs for indentation.
    check(
        "---\ntitle: T\ntags:\n\t- a\n---\nBody\n",
        expect![[r#"
            format: none
            body_start: 28 "Body"
            4:1 error invalid YAML: found character that cannot start any token, while scanning for the next token: tabs cannot indent YAML, use spaces
        "#]],
    );
    // Duplicate keys point at the duplicate.
    check(
        "---\ntitle: T\ndescription: D\ntitle: U\n---\n",
        expect![[r#"
            format: none
            body_start: 41 ""
            4:1 error invalid YAML: duplicate key `title`: each key may appear only once
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\nattachments:\n  a: /a\n  b: /b\n  a: /c\n---\n",
        expect![[r#"
            format: none
            body_start: 69 ""
            7:3 error invalid YAML: duplicate key `a`: each key may appear only once
        "#]],
    );
    // An error on line 7 of the file is reported on line 7, also with CRLF
    // and a BOM.
    check(
        "\u{feff}---\r\ntitle: T\r\ndescription: D\r\ntags: [a, b]\r\nseries: x\r\nindex: true\r\n  bad: indent\r\n---\r\n",
        expect![[r#"
            format: none
            body_start: 92 ""
            7:6 error invalid YAML: mapping values are not allowed in this context
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\ntags:\n  - a\n  - b\nlayout: \"unterminated\n---\nBody\n",
        expect![[r#"
            format: none
            body_start: 72 "Body"
            8:1 error invalid YAML: found unexpected end of stream, while scanning a quoted scalar at line 7 column 9
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\ntags: [a, b]\nseries: x\nindex: true\n  bad: indent\n---\n",
        expect![[r#"
            format: none
            body_start: 81 ""
            7:6 error invalid YAML: mapping values are not allowed in this context
        "#]],
    );
    // Not a mapping.
    check(
        "---\n- a\n- b\n---\nBody\n",
        expect![[r#"
        format: none
        body_start: 16 "Body"
        2:1 error front matter must be a mapping of `key: value` lines, found a list
    "#]],
    );
    check(
        "---\njust text\n---\nBody\n",
        expect![[r#"
        format: none
        body_start: 18 "Body"
        2:1 error front matter must be a mapping of `key: value` lines, found a string
    "#]],
    );
}

#[test]
fn yaml_values() {
    check(
        "---\ntitle: 2024\ndescription: 1.5\n1: one\ntrue: yes\n~: nothing\n? [a, b]\n: list key\ninf: .inf\nnan: .nan\ntagged: !custom {a: 1}\nstr: !!str 12\nanchor: &x {k: v}\nalias: *x\n---\n",
        expect![[r#"
            format: yaml
            body_start: 170 ""
            title: "2024"
            description: "1.5"
            extra: {"1":"one","true":"yes","null":"nothing","[\"a\",\"b\"]":"list key","inf":".inf","nan":".nan","tagged":{"a":1},"str":"12","anchor":{"k":"v"},"alias":{"k":"v"}}
        "#]],
    );
    // Escapes are kept as parsed: `\_` is a no-break space.
    check(
        "---\ntitle: \"<b>A</b> &amp;\"\ndescription: \"end\\_\"\n---\n",
        expect![[r#"
            format: yaml
            body_start: 53 ""
            title: "<b>A</b> &amp;"
            description: "end\u{a0}"
        "#]],
    );
}

#[test]
fn typed_keys_wrong_types() {
    check(
        "---\ntitle: [a]\ndescription: {a: b}\nbyline: true\nlayout: [x]\nindex: \"false\"\ndraft: 0\nseries: {}\ndate: 5\ntags: {a: 1}\nattachments: [a]\nexternalurl: 3\n---\n",
        expect![[r#"
            format: yaml
            body_start: 152 ""
            externalurl: "3"
            2:1 error `title` must be text, found a list
            3:1 error `description` must be text, found a mapping
            4:1 error `byline` must be text, found a boolean
            5:1 error `layout` must be text, found a list
            6:1 error `index` must be true or false, found a string
            7:1 error `draft` must be true or false, found a number
            8:1 error `series` must be text, found a mapping
            9:1 error `date` is not a valid date: expected YYYY-MM-DD or a date-time with Z or an offset such as 2023-09-18T03:00:00Z, found `5`
            10:1 error `tags` must be a list of strings, found a mapping
            11:1 error `attachments` must be a mapping of names to URLs, found a list
        "#]],
    );
    check(
        "---\n\"title\": T\n'description' : D\ntags: [a, 2, [x], {y: z}, null]\nattachments:\n  a: 1\n  b: /b\n---\n",
        expect![[r#"
            format: yaml
            body_start: 97 ""
            title: "T"
            description: "D"
            tags: ["a", "2"]
            attachment: "b" -> "/b"
            4:1 error each tag must be text, found a list in `tags`
            4:1 error each tag must be text, found a mapping in `tags`
            4:1 error each tag must be text, found nothing in `tags`
            6:3 error attachment `a` must be a URL, found a number
        "#]],
    );
    // Null and empty values are absent.
    check(
        "---\ntitle:\ndescription: \"\"\nindex: ~\ntags:\n---\n",
        expect![[r#"
            format: yaml
            body_start: 46 ""
            1:1 error missing `title`: the page would have an empty heading
            1:1 warning missing `description`: search engines and link previews will show none
        "#]],
    );
}

#[test]
fn attachment_positions() {
    // Flow style: the `attachments` line; block style: the attachment's line.
    check(
        "---\ntitle: T\ndescription: D\nattachments: {a: /a, b: 'vbscript:x'}\n---\n",
        expect![[r#"
            format: yaml
            body_start: 70 ""
            title: "T"
            description: "D"
            attachment: "a" -> "/a"
            4:1 error the URL of attachment `b` uses the `vbscript:` scheme: only http, https and relative URLs are allowed; it was dropped
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\nattachments:\n  # b: x\n  'b' : [x]\nb: 1\n---\n",
        expect![[r#"
            format: yaml
            body_start: 71 ""
            title: "T"
            description: "D"
            extra: {"b":1}
            6:3 error attachment `b` must be a URL, found a list
        "#]],
    );
}

#[test]
fn tags_single_string() {
    check(
        "---\ntitle: T\ndescription: D\ntags: news\n---\n",
        expect![[r#"
            format: yaml
            body_start: 43 ""
            title: "T"
            description: "D"
            tags: ["news"]
            4:1 warning `tags` is a single string, read as the one tag `news`: write a list (`tags: [news]`) to be explicit
        "#]],
    );
}

#[test]
fn bylines() {
    check(
        "---\ntitle: T\ndescription: D\nbyline: B\nauthor: A\nauthors: [X, Y]\n---\n",
        expect![[r#"
            format: yaml
            body_start: 68 ""
            title: "T"
            description: "D"
            byline: "B"
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\nauthor: A\n---\n",
        expect![[r#"
            format: yaml
            body_start: 42 ""
            title: "T"
            description: "D"
            byline: "A"
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\nauthor: [A, B]\n---\n",
        expect![[r#"
            format: yaml
            body_start: 47 ""
            title: "T"
            description: "D"
            byline: "A, B"
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\nauthors:\n  - Ann\n  - Bob\n  - 3\n---\n",
        expect![[r#"
            format: yaml
            body_start: 63 ""
            title: "T"
            description: "D"
            byline: "Ann, Bob, 3"
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: D\nauthors: [Ann, {x: 1}]\n---\n",
        expect![[r#"
            format: yaml
            body_start: 55 ""
            title: "T"
            description: "D"
            byline: "Ann"
            4:1 error `authors` must be a list of names, found a mapping in it
        "#]],
    );
}

#[test]
fn dates() {
    let cases = [
        "2023-09-18T03:00:00Z",
        "2023-09-18T05:00:00+02:00",
        "2023-09-18t03:00:00.5Z",
        "2023-09-18 03:00:00-01:30",
        "2023-09-18 03:00:00 +02:00",
        "2023-09-18T03:00",
        "2023-09-18T03:00:00+0200",
        "2021-02-08",
        "2023-09-18T03:00:00",
        "yesterday",
        "2023-02-30",
        "\"2023-09-18T03:00:00Z\"",
    ];
    let mut out = String::new();
    for date in cases {
        let src = format!("---\ntitle: T\ndescription: D\ndate: {date}\n---\n");
        out.push_str(&format!("{date}\n"));
        for line in render(&src).lines().skip(4) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    expect![[r#"
        2023-09-18T03:00:00Z
          date: "2023-09-18T03:00:00Z"
        2023-09-18T05:00:00+02:00
          date: "2023-09-18T03:00:00Z"
        2023-09-18t03:00:00.5Z
          date: "2023-09-18T03:00:00.5Z"
        2023-09-18 03:00:00-01:30
          date: "2023-09-18T04:30:00Z"
        2023-09-18 03:00:00 +02:00
          4:1 error `date` is not a valid date: expected YYYY-MM-DD or a date-time with Z or an offset such as 2023-09-18T03:00:00Z, found `2023-09-18 03:00:00 +02:00`
        2023-09-18T03:00
          4:1 error `date` is not a valid date: expected YYYY-MM-DD or a date-time with Z or an offset such as 2023-09-18T03:00:00Z, found `2023-09-18T03:00`
        2023-09-18T03:00:00+0200
          date: "2023-09-18T01:00:00Z"
        2021-02-08
          date: "2021-02-08T00:00:00Z"
        2023-09-18T03:00:00
          4:1 error `date` is not a valid date: expected YYYY-MM-DD or a date-time with Z or an offset such as 2023-09-18T03:00:00Z, found `2023-09-18T03:00:00`
        yesterday
          4:1 error `date` is not a valid date: expected YYYY-MM-DD or a date-time with Z or an offset such as 2023-09-18T03:00:00Z, found `yesterday`
        2023-02-30
          4:1 error `date` is not a valid date: expected YYYY-MM-DD or a date-time with Z or an offset such as 2023-09-18T03:00:00Z, found `2023-02-30`
        "2023-09-18T03:00:00Z"
          date: "2023-09-18T03:00:00Z"
    "#]].assert_eq(&out);
}

#[test]
fn urls() {
    let cases = [
        "https://example.com/post",
        "http://example.com",
        "/relative/path",
        "../up.html",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "\" javascript:alert(1)\"",
        "\"java\\tscript:alert(1)\"",
        "\"\\u0001javascript:alert(1)\"",
        "\"data:text/html,<script>alert(1)</script>\"",
        "mailto:ferris@example.com",
    ];
    let mut out = String::new();
    for url in cases {
        let src = format!(
            "---\ntitle: T\ndescription: D\nexternalurl: {url}\nattachments:\n  file: {url}\n---\n"
        );
        out.push_str(&format!("{url}\n"));
        for line in render(&src).lines().skip(4) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    expect![[r#"
        https://example.com/post
          externalurl: "https://example.com/post"
          attachment: "file" -> "https://example.com/post"
        http://example.com
          externalurl: "http://example.com"
          attachment: "file" -> "http://example.com"
        /relative/path
          externalurl: "/relative/path"
          attachment: "file" -> "/relative/path"
        ../up.html
          externalurl: "../up.html"
          attachment: "file" -> "../up.html"
        javascript:alert(1)
          4:1 error `externalurl` uses the `javascript:` scheme: only http, https and relative URLs are allowed; it was dropped
          6:3 error the URL of attachment `file` uses the `javascript:` scheme: only http, https and relative URLs are allowed; it was dropped
        JaVaScRiPt:alert(1)
          4:1 error `externalurl` uses the `javascript:` scheme: only http, https and relative URLs are allowed; it was dropped
          6:3 error the URL of attachment `file` uses the `javascript:` scheme: only http, https and relative URLs are allowed; it was dropped
        " javascript:alert(1)"
          4:1 error `externalurl` has spaces around it; it was dropped
          6:3 error the URL of attachment `file` has spaces around it; it was dropped
        "java\tscript:alert(1)"
          4:1 error `externalurl` contains control characters (such as tabs or newlines); it was dropped
          6:3 error the URL of attachment `file` contains control characters (such as tabs or newlines); it was dropped
        "\u0001javascript:alert(1)"
          4:1 error `externalurl` contains control characters (such as tabs or newlines); it was dropped
          6:3 error the URL of attachment `file` contains control characters (such as tabs or newlines); it was dropped
        "data:text/html,<script>alert(1)</script>"
          4:1 error `externalurl` uses the `data:` scheme: only http, https and relative URLs are allowed; it was dropped
          6:3 error the URL of attachment `file` uses the `data:` scheme: only http, https and relative URLs are allowed; it was dropped
        mailto:ferris@example.com
          4:1 error `externalurl` uses the `mailto:` scheme: only http, https and relative URLs are allowed; it was dropped
          6:3 error the URL of attachment `file` uses the `mailto:` scheme: only http, https and relative URLs are allowed; it was dropped
    "#]].assert_eq(&out);
}

#[test]
fn descriptions() {
    let long = "x".repeat(150) + &"é".repeat(11);
    check(
        &format!("---\ntitle: T\ndescription: {long}\n---\n"),
        expect![[r#"
            format: yaml
            body_start: 203 ""
            title: "T"
            description: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxééééééééééé"
            3:1 warning `description` is 161 characters long: search engines cut it after about 160
        "#]],
    );
    let ok = "é".repeat(160);
    check(
        &format!("---\ntitle: T\ndescription: {ok}\n---\n"),
        expect![[r#"
            format: yaml
            body_start: 351 ""
            title: "T"
            description: "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
        "#]],
    );
    check(
        "---\ntitle: T\ndescription: \"  \"\n---\n",
        expect![[r#"
            format: yaml
            body_start: 35 ""
            title: "T"
            1:1 warning missing `description`: search engines and link previews will show none
        "#]],
    );
    check(
        "---\ntitle: \" \"\n---\n",
        expect![[r#"
        format: yaml
        body_start: 19 ""
        1:1 error missing `title`: the page would have an empty heading
        1:1 warning missing `description`: search engines and link previews will show none
    "#]],
    );
}

#[test]
fn oversize_block() {
    let big = format!(
        "---\ntitle: T\nfiller: \"{}\"\n---\nBody\n",
        "x".repeat(MAX_FRONT_MATTER_BYTES)
    );
    check(
        &big,
        expect![[r#"
        format: none
        body_start: 65564 "Body"
        1:1 error front matter is 65556 bytes, more than the limit of 65536 bytes: it is not read
    "#]],
    );
    // Exactly at the limit is fine.
    let pad = MAX_FRONT_MATTER_BYTES - "title: T\ndescription: D\nf: \"\"\n".len();
    let at_limit = format!(
        "---\ntitle: T\ndescription: D\nf: \"{}\"\n---\nBody\n",
        "x".repeat(pad)
    );
    let index = LineIndex::new(&at_limit);
    assert!(parse(&at_limit, &index).diagnostics.is_empty());
}

/// Runs `f` on a thread with a small stack, as on wasm (a stack overflow
/// fails the test). How long these inputs take is the hostile-input
/// suite's to measure (`tests/browser/dos.test.js`), not a timed test's.
fn small_stack(f: impl FnOnce() -> String + Send + 'static) -> String {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn hostile_inputs() {
    let n = 10_000;
    let cases: Vec<(&str, String)> = vec![
        (
            "yaml flow",
            format!(
                "---\ntitle: T\nx: {}{}\n---\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "yaml flow maps",
            format!(
                "---\ntitle: T\nx: {}{}\n---\n",
                "{a: ".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "yaml flow unclosed",
            format!("---\ntitle: T\nx: {}\n---\n", "[".repeat(n)),
        ),
        (
            "yaml block, indented",
            format!(
                "---\ntitle: T\n{}\n---\n",
                (0..300)
                    .map(|i| format!("{}k:", " ".repeat(i)))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        ),
        (
            "yaml compact seqs",
            format!("---\ntitle: T\nx:\n{}a\n---\n", "- ".repeat(n)),
        ),
        (
            "yaml complex keys",
            format!("---\ntitle: T\n{}a\n---\n", "? ".repeat(n)),
        ),
        (
            "yaml block in flow",
            format!("---\ntitle: T\nx: {}\n---\n", "- [".repeat(n)),
        ),
        (
            "yaml recursive alias",
            "---\ntitle: T\nx: &a [*a]\n---\n".to_owned(),
        ),
        (
            "yaml recursive tagged alias",
            "---\ntitle: T\nx: &a !t [*a]\n---\n".to_owned(),
        ),
        (
            "yaml recursive alias key",
            "---\ntitle: T\nx: &a !t {? *a : *a}\n---\n".to_owned(),
        ),
        (
            "yaml tagged nesting",
            format!(
                "---\ntitle: T\nx: {}{}\n---\n",
                "!t [".repeat(30),
                "]".repeat(30)
            ),
        ),
        ("billion laughs", {
            let mut s = String::from(
                "---\ntitle: T\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
            );
            for i in 1..10 {
                let p = i - 1;
                s.push_str(&format!(
                    "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
                ));
            }
            s.push_str("---\n");
            s
        }),
        ("wide alias bomb", {
            let items = vec!["x"; 4000].join(", ");
            let aliases = vec!["*a"; 4000].join(", ");
            format!("---\ntitle: T\nbase: &a [{items}]\nboom: [{aliases}]\n---\n")
        }),
        (
            "toml arrays",
            format!(
                "+++\ntitle = \"T\"\na = {}{}\n+++\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "toml tables",
            format!(
                "+++\ntitle = \"T\"\na = {}{}\n+++\n",
                "{b = ".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "toml unclosed",
            format!("+++\ntitle = \"T\"\na = {}\n+++\n", "[".repeat(n)),
        ),
        (
            "toml dotted",
            format!("+++\ntitle = \"T\"\n{} = 1\n+++\n", vec!["a"; n].join(".")),
        ),
        (
            "toml dotted, 79",
            format!("+++\ntitle = \"T\"\n{} = 1\n+++\n", vec!["a"; 79].join(".")),
        ),
        (
            "toml headers, 79",
            format!("+++\ntitle = \"T\"\n[{}]\n+++\n", vec!["a"; 79].join(".")),
        ),
        (
            "toml array tables, 79",
            format!("+++\ntitle = \"T\"\n[[{}]]\n+++\n", vec!["a"; 79].join(".")),
        ),
        (
            "toml headers",
            format!("+++\ntitle = \"T\"\n[{}]\n+++\n", vec!["a"; n].join(".")),
        ),
    ];
    let mut out = String::new();
    for (name, src) in cases {
        let rendered = small_stack(move || render(&src));
        out.push_str(&format!("{name}\n"));
        for line in rendered.lines().filter(|l| l.contains(" error ")) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    expect![[r#"
        yaml flow
          3:28 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml flow maps
          3:100 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml flow unclosed
          3:28 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml block, indented
          27:25 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml compact seqs
          4:47 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml complex keys
          3:49 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml block in flow
          3:78 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml recursive alias
          3:4 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml recursive tagged alias
          3:4 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml recursive alias key
          3:4 error invalid YAML: lists and mappings are nested more than 24 levels deep
        yaml tagged nesting
          3:103 error invalid YAML: lists and mappings are nested more than 24 levels deep
        billion laughs
          3:25 error invalid YAML: the YAML expands to more than 100000 values (aliases such as `*name` repeat data): this looks like an alias bomb
        wide alias bomb
          3:11918 error invalid YAML: the YAML expands to more than 100000 values (aliases such as `*name` repeat data): this looks like an alias bomb
        toml arrays
          3:29 error invalid TOML: arrays and inline tables are nested more than 24 levels deep
        toml tables
          3:125 error invalid TOML: arrays and inline tables are nested more than 24 levels deep
        toml unclosed
          3:29 error invalid TOML: arrays and inline tables are nested more than 24 levels deep
        toml dotted
          2:1 error invalid TOML: a key has too many dotted parts (recursion limit)
        toml dotted, 79
          3:51 error invalid TOML: tables and arrays are nested more than 24 levels deep
        toml headers, 79
          3:52 error invalid TOML: tables and arrays are nested more than 24 levels deep
        toml array tables, 79
          3:53 error invalid TOML: tables and arrays are nested more than 24 levels deep
        toml headers
          2:1 error invalid TOML: a key has too many dotted parts (recursion limit)
    "#]].assert_eq(&out);
}

#[test]
fn nesting_at_the_limit_is_fine() {
    let depth = MAX_NESTING - 1;
    let src = format!(
        "---\ntitle: T\ndescription: D\nx: {}{}\n---\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let out = small_stack(move || render(&src));
    assert!(!out.contains("error"), "{out}");
    let src = format!(
        "+++\ntitle = \"T\"\ndescription = \"D\"\nx = {}{}\n+++\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let out = small_stack(move || render(&src));
    assert!(!out.contains("error"), "{out}");
}

#[path = "../../tests/common/corpus.rs"]
mod corpus_files;

#[test]
fn example_post() {
    let src = corpus_files::example();
    check(
        &src,
        expect![[r#"
        format: yaml
        body_start: 490 "Today, the Rust Foundation is pleased to announce that <a target=\"_blank\" rel=\"noopener\" href=\"https://openssf.org/press-release/2023/09/18/openssf-welcomes-new-members-in-support-of-securing-open-source-software/\">we have joined the Open Source Security Foundation (OpenSSF) as an Associate Member</a>.&nbsp;"
        title: "Announcing the Rust Foundation’s Associate Membership with OpenSSF"
        description: "The Rust Foundation’s newly-announced Associate Membership with the Open Source Security Foundation further solidifies our existing partnership and shared commitment to security across the entire open source ecosystem.\u{a0}"
        byline: "The Rust Foundation"
        date: "2023-09-18T03:00:00Z"
        layout: "layouts/news.njk"
        tags: ["announcement", "membership", "security", "security initiative"]
        index: false
        4:1 warning `description` is 219 characters long: search engines cut it after about 160
    "#]],
    );
    let index = LineIndex::new(&src);
    let parsed = parse(&src, &index);
    assert!(parsed.front_matter.description.unwrap().ends_with('\u{a0}'));
}

#[test]
fn corpus_has_no_errors() {
    let mut count = 0;
    let Some(paths) = corpus_files::paths("front_matter::tests::corpus_has_no_errors") else {
        return;
    };
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        count += 1;
        let src = std::fs::read_to_string(&path).unwrap();
        let index = LineIndex::new(&src);
        let parsed = parse(&src, &index);
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let fm = &parsed.front_matter;
        assert_eq!(fm.format, Some(Format::Yaml), "{name}");
        assert!(fm.title.is_some() && fm.date.is_some(), "{name}");
        assert!(parsed.body_start > 0, "{name}");
    }
    assert_eq!(count, 152);
}

/// Mutates a few posts at random (deterministically) and parses each
/// mutant on a small stack: no panic, no stack overflow.
#[test]
fn mutants_never_panic() {
    let seeds = [
        "---\ntitle: \"T\"\ndescription: 'D'\ntags: [a, {b: c}]\nx: &a [1, *a]\nattachments:\n  f: /f\n---\nBody\n",
        "\u{feff}+++\r\ntitle = \"T\"\r\n[attachments]\r\nf = '''/f'''\r\nd = 2021-02-08T00:00:00Z\r\n+++\r\n",
        "---\n? [a, b]\n: !tag |\n  text\n- x\n...\n",
    ];
    let alphabet: Vec<char> = "-+.:#[]{},'\"\\|>&*!?% \t\r\n\u{feff}aZ0é\u{0}"
        .chars()
        .collect();
    let out = small_stack(move || {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut parsed = 0;
        for round in 0..3000 {
            let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
            for _ in 0..1 + next(4) {
                let at = next(chars.len() + 1);
                match next(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = alphabet[next(alphabet.len())],
                    _ => chars.insert(at, alphabet[next(alphabet.len())]),
                }
            }
            let src: String = chars.into_iter().collect();
            let index = LineIndex::new(&src);
            let result = parse(&src, &index);
            assert!(result.body_start <= src.len() && src.is_char_boundary(result.body_start));
            parsed += 1;
        }
        parsed.to_string()
    });
    assert_eq!(out, "3000");
}

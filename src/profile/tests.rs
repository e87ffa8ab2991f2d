//! Profile parsing: the built-in profiles, and every kind of mistake in a
//! profile, each a diagnostic at its own line and column.
//!
//! Regenerate the snapshots with `UPDATE_EXPECT=1 cargo test --lib profile`.

use expect_test::{expect, Expect};

use super::*;
use crate::{render, Options};

/// The problems of a profile's text, one per line.
fn problems(text: &str) -> String {
    let (usable, diagnostics) = parse(text);
    let mut out = String::from(if usable.is_some() {
        "usable\n"
    } else {
        "unusable\n"
    });
    for d in diagnostics {
        assert_eq!(d.origin, Some("profile"));
        out.push_str(&format!(
            "{}:{} {} {}\n",
            d.line, d.column, d.severity, d.message
        ));
    }
    out
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&problems(text));
}

#[test]
fn builtin_profiles_parse_cleanly() {
    for (name, text) in BUILTIN {
        let (usable, diagnostics) = parse(text);
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        let (profile, _) = usable.unwrap();
        assert_eq!(profile.name, *name);
    }
    // The built-in profiles that limit the description use the crate's limit.
    for (name, text) in BUILTIN {
        let profile = parse(text).0.unwrap().0;
        for field in profile
            .front_matter
            .fields
            .iter()
            .filter(|f| f.key == "description")
        {
            if let Some(max) = field.max_chars {
                assert_eq!(max, crate::front_matter::MAX_DESCRIPTION_CHARS, "{name}");
            }
        }
    }
    for (alias, target) in ALIASES {
        assert_eq!(builtin_text(alias), builtin_text(target));
    }
    assert!(resolve(None).diagnostics.is_empty());
    assert_eq!(resolve(Some("eleventy")).profile.name, "rust-foundation");
}

#[test]
fn the_smallest_profile_is_commonmark() {
    check(
        "name = \"mine\"\n",
        expect![[r##"
        usable
    "##]],
    );
    let (profile, _) = parse("name = \"mine\"").0.unwrap();
    let commonmark = parse(builtin_text("commonmark").unwrap()).0.unwrap().0;
    assert_eq!(profile.markdown, commonmark.markdown);
}

#[test]
fn mistakes_are_positioned() {
    check(
        "name = \"x\"\n[markdown]\nlinkfy = true\n",
        expect![[r#"
            unusable
            3:1 error unknown key `markdown.linkfy`: the keys of `[markdown]` are dialect, raw_html, breaks, linkify, smart_punctuation, tables, strikethrough, task_lists, heading_attributes, footnotes, heading_ids, heading_anchor, external_links, summary_marker, internal_link_prefix
        "#]],
    );
    check(
        "name = \"x\"\n[markdown]\nfootnotes = \"side\"\n",
        expect![[r#"
            unusable
            3:13 error `markdown.footnotes` must be one of "none", "pulldown-cmark", "markdown-it", "bottom", not "side"
        "#]],
    );
    check(
        "name = \"x\"\n[markdown\n",
        expect![[r#"
            unusable
            2:10 error the profile is not valid: unclosed table, expected `]`
        "#]],
    );
    check(
        "name = \"x\"\n\n[header]\ntemplate = \"\"\"\n<h1>{{ title }}</h1>\n<p>{% if x %}</p>\n\"\"\"\n",
        expect![[r#"
            unusable
            6:7 error the header template is not valid: this block is never closed by `{% endif %}`
        "#]],
    );
    check(
        "name = \"x\"\n[header]\ntemplate = \"<h1>{{ title|nope }}</h1>\"\n",
        expect![[r#"
            unusable
            3:26 error the header template is not valid: unknown filter `nope` (the filters are date, join, default, d, escape, e, safe, length, count, lower, trim, first, last, replace)
        "#]],
    );
    check(
        "name = \"x\"\n[front_matter]\ndate_from = \"path\"\n[[front_matter.fields]]\nkey = \"a\"\ntype = \"text\"\nrequires = [\"b\"]\n",
        expect![[r#"
            unusable
            3:13 error `front_matter.date_from` names `path`, which is not a declared field
            7:12 error field `a` requires `b`, which is not a declared field
        "#]],
    );
    check(
        "description = 3\n[markdown]\nbreaks = \"yes\"\ntables = true\n[[front_matter.fields]]\ntype = \"txt\"\nmax_chars = -1\n[header]\nhidden_tags = \"draft\"\n",
        expect![[r#"
            unusable
            1:1 error the profile has no `name`: say which site it describes, e.g. `name = "my-site"`
            1:15 error `description` must be a string
            3:10 error `markdown.breaks` must be true or false
            5:1 error a `[[front_matter.fields]]` entry needs `key`
            6:8 error `front_matter.fields.type` must be one of "text", "names", "list", "strings", "date", "bool", "url", "url-map", "table", "date-path", "any", not "txt"
            7:13 error `front_matter.fields.max_chars` must be a whole number, 0 or more
            9:15 error `header.hidden_tags` must be a list of strings
        "#]],
    );
    check(
        &format!(
            "name = \"x\"\ndescription = {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        expect![[r#"
            unusable
            2:39 error the profile is not valid: arrays and inline tables are nested more than 24 levels deep
        "#]],
    );
    check(
        "name = \"x\"\n[markdown]\nheading_anchor = { html = \"<a>#</a>\" }\n",
        expect![[r#"
            usable
            3:27 warning `markdown.heading_anchor` has no effect with `heading_ids = "none"`
            3:27 warning `markdown.heading_anchor.html` never says `{id}`: every anchor links nowhere
        "#]],
    );
}

/// A profile of thousands of mistakes lists the first hundred, then says
/// how many more there are, where the first of them is.
#[test]
fn mistakes_past_a_hundred_are_counted_not_listed() {
    let text: String = std::iter::once("name = \"x\"\n".to_owned())
        .chain((0..1_000).map(|i| format!("k{i} = 1\n")))
        .collect();
    let (usable, diagnostics) = parse(&text);
    assert!(usable.is_none());
    assert_eq!(diagnostics.len(), MAX_MISTAKES + 1);
    assert!(diagnostics[MAX_MISTAKES - 1]
        .message
        .starts_with("unknown key `k99`"));
    let last = &diagnostics[MAX_MISTAKES];
    assert_eq!((last.line, last.column), (102, 1));
    assert_eq!(
        last.message,
        "900 more mistakes in the profile from here on are not listed: the first 100 are"
    );
}

/// So do the checks made once the profile is read: a field that requires
/// thousands of undeclared keys (each looked up in a set of the fields).
#[test]
fn checks_past_a_hundred_are_counted_not_listed() {
    let requires: Vec<String> = (0..1_000).map(|i| format!("\"k{i}\"")).collect();
    let text = format!(
        "name = \"x\"\n[[front_matter.fields]]\nkey = \"a\"\ntype = \"text\"\nrequires = [{}]\n",
        requires.join(", ")
    );
    let (usable, diagnostics) = parse(&text);
    assert!(usable.is_none());
    assert_eq!(diagnostics.len(), MAX_MISTAKES + 1);
    assert_eq!(
        diagnostics[MAX_MISTAKES].message,
        "900 more mistakes in the profile from here on are not listed: the first 100 are"
    );
    assert_eq!(diagnostics[MAX_MISTAKES].severity, Severity::Error);
}

#[test]
fn a_broken_or_unknown_profile_still_renders() {
    let options = Options {
        profile: Some("name = \"x\"\n[markdown]\nbreaks = \"yes\"\n".into()),
        ..Options::default()
    };
    let preview = render("---\ntitle: T\ndescription: D\n---\n# Hi\n", &options);
    // The default profile's heading anchor: the body rendered.
    assert!(preview.html.contains("direct-link"), "{}", preview.html);
    let d = &preview.diagnostics[0];
    assert_eq!((d.origin, d.line, d.column), (Some("profile"), 3, 10));
    assert!(
        d.message.ends_with("the preview uses `rust-foundation`"),
        "{}",
        d.message
    );

    let options = Options {
        profile: Some("hugo".into()),
        ..Options::default()
    };
    let preview = render("# Hi\n", &options);
    assert!(preview.html.contains("<h1"));
    assert_eq!(
        preview.diagnostics[0].message,
        "unknown profile `hugo`: the built-in profiles are rust-foundation, rust-blog, commonmark; \
         the preview uses `rust-foundation`"
    );
}

#[test]
fn a_header_template_that_fails_is_a_diagnostic() {
    let options = Options {
        profile: Some("name = \"x\"\n[header]\ntemplate = \"{{ title < 3 }}\"\n".into()),
        ..Options::default()
    };
    let preview = render("---\ntitle: 2024-01-01\n---\nbody\n", &options);
    assert_eq!(preview.header_html, "");
    assert!(preview.html.contains("body"));
    assert!(preview
        .diagnostics
        .iter()
        .any(|d| d.origin == Some("profile")
            && (d.line, d.column) == (3, 22)
            && d.message.starts_with("the header template failed at its line 1, column 10: cannot compare a string with a number")));
}

/// A profile a CMS builder writes for their own site: everything it says
/// shows in the preview.
#[test]
fn a_site_of_ones_own() {
    let profile = r##"
name = "my-site"

[markdown]
breaks = true
smart_punctuation = true
heading_ids = "zola"
heading_anchor = { html = '<a href="#{id}" class="h">§</a>', position = "end" }
external_links = { rel = ["nofollow", "external"] }
footnotes = "bottom"

[links]
base_url = "https://example.org"
relative_to = "page"
permalink = "{{ site.base_url }}/posts/{{ page.slug }}/"

[front_matter]
formats = ["yaml"]

[[front_matter.fields]]
key = "title"
type = "text"
required = true

[[front_matter.fields]]
key = "slug"
type = "text"
required = true
missing = "the post has no address"

[[front_matter.fields]]
key = "tags"
type = "list"

[template]
engine = "zola"
shortcodes = ["figure"]

[header]
hidden_tags = ["draft"]
template = """<h1>{{ title }}</h1><p class="tags">{{ tags|join(" / ") }}</p><a href="{{ permalink }}">link</a>"""
"##;
    let options = Options {
        profile: Some(profile.into()),
        ..Options::default()
    };
    let source = "---\ntitle: \"It's <here>\"\nslug: hello\ntags: [a, draft, b]\n---\n\
                  # Intro\n\nSee [the docs](https://docs.rs) and ![x](pic.png)\n\"quoted\" -- yes[^1]\n\n\
                  {{ figure(src=\"a\") }} {{ chart(x=1) }}\n\n[^1]: A note.\n";
    let preview = render(source, &options);
    expect![[r##"<h1>It's &lt;here&gt;</h1><p class="tags">a / b</p><a href="https://example.org/posts/hello/">link</a>"##]]
        .assert_eq(&preview.header_html);
    expect![[r##"
        <h1 data-line="6" data-line-end="6" id="intro">Intro<a href="#intro" class="h">§</a></h1>
        <p data-line="8" data-line-end="9">See <a rel="nofollow external" href="https://docs.rs">the docs</a> and <img src="https://example.org/posts/hello/pic.png" alt="x"><br>
        “quoted” – yes<sup class="footnote-reference" id="fr-1-1"><a href="#fn-1">1</a></sup></p>
        <p data-line="11" data-line-end="11">{{ figure(src=“a”) }} {{ chart(x=1) }}</p>
        <section class="footnotes">
        <ol class="footnotes-list">
        <li id="fn-1"><p>A note. <a href="#fr-1-1">↩</a></p>
        </li>
        </ol>
        </section>
    "##]]
    .assert_eq(&preview.html);
    let said: Vec<String> = preview
        .diagnostics
        .iter()
        .map(|d| format!("{}:{} {} {}", d.line, d.column, d.severity, d.message))
        .collect();
    expect![[r#"
        [
            "11:1 info `figure` is a shortcode: the site renders it when it builds, the preview shows the call",
            "11:23 error `chart(…)` calls a shortcode the site does not define: the build fails; write `{{/*` and `*/}}` around it to show it as text",
        ]
    "#]]
    .assert_debug_eq(&said);

    // TOML front matter is not this site's.
    let preview = render("+++\ntitle = \"T\"\nslug = \"s\"\n+++\nx\n", &options);
    assert_eq!(
        preview.diagnostics[0].message,
        "the site does not read front matter between `+++` lines: it reads `---`"
    );
}

/// `max_chars` is read by `read::whole`, which must read what
/// `usize::from_str_radix` reads (a sign, any base TOML writes, overflow).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn whole_numbers_read_as_from_str_radix_reads_them() {
    use proptest::prelude::*;
    proptest!(|(digits in "[-+]?[0-9a-fA-Fg_+-]{0,22}", radix in prop::sample::select(vec![2u32, 8, 10, 16]))| {
        prop_assert_eq!(
            read::whole(&digits, radix),
            usize::from_str_radix(&digits, radix).ok()
        );
    });
    for (digits, radix) in [
        ("18446744073709551615", 10),
        ("18446744073709551616", 10),
        ("+", 10),
        ("", 16),
        ("+ff", 16),
    ] {
        assert_eq!(
            read::whole(digits, radix),
            usize::from_str_radix(digits, radix).ok(),
            "{digits}"
        );
    }
}

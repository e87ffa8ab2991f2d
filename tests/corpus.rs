//! Whole-document tests on the reference site's real posts: the example post
//! (kept in the repository as `www/examples/openssf.md`), and every post of
//! the corpus (`../shared/corpus/foundation-news/` or `$PP_CORPUS`; skipped,
//! by name, when absent, and a failure then under `CI=true`).

use expect_test::expect_file;
use post_preview::{render, Options, Severity};

#[path = "common/corpus.rs"]
mod corpus_files;

#[test]
fn example_post_front_matter() {
    let preview = render(&corpus_files::example(), &Options::default());
    let fm = &preview.front_matter;
    assert_eq!(
        fm.title.as_deref(),
        Some("Announcing the Rust Foundation’s Associate Membership with OpenSSF")
    );
    assert_eq!(fm.byline.as_deref(), Some("The Rust Foundation"));
    assert_eq!(fm.date.as_deref(), Some("2023-09-18T03:00:00Z"));
    assert_eq!(
        fm.tags,
        [
            "announcement",
            "membership",
            "security",
            "security initiative"
        ]
    );
    assert_eq!(fm.index, Some(false));
    let description = fm.description.as_deref().unwrap();
    assert!(description.ends_with("ecosystem.\u{a0}"), "{description:?}");
    assert!(preview
        .header_html
        .contains("<div class=\"post-byline\">by The Rust Foundation</div>"));
    assert!(preview
        .header_html
        .contains("<time class=\"post-date\" datetime=\"2023-09-18\">18 Sep 2023</time>"));
}

#[test]
fn example_post_body() {
    let source = corpus_files::example();
    let html = render(&source, &Options::default()).html;
    // Every raw `<a target="_blank">` keeps its target and gets rel words.
    let raw_blank = source.matches("target=\"_blank\"").count();
    assert_eq!(raw_blank, 5);
    let tags: Vec<&str> = html
        .split("<a ")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap()])
        .filter(|tag| tag.contains("target=\"_blank\""))
        .collect();
    assert_eq!(tags.len(), raw_blank, "{html}");
    for tag in tags {
        let rel = tag
            .split("rel=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let words: Vec<&str> = rel.split(' ').collect();
        assert!(
            words.contains(&"noopener") && words.contains(&"noreferrer"),
            "{tag}"
        );
    }
    // `<u>` and no-break spaces survive.
    assert_eq!(html.matches("<u>").count(), source.matches("<u>").count());
    assert_eq!(
        html.matches("&nbsp;").count(),
        source
            .split_once("\n---\n")
            .unwrap()
            .1
            .matches("&nbsp;")
            .count()
    );
    // The `---` inside the body is a thematic break, the quote a blockquote.
    assert!(
        html.contains("<hr data-line=\"26\" data-line-end=\"26\">"),
        "{html}"
    );
    assert!(html.contains(
        "<blockquote data-line=\"24\" data-line-end=\"24\">\n<p><em>“ The Rust Foundation is"
    ));
}

#[test]
fn example_post_snapshot() {
    let preview = render(&corpus_files::example(), &Options::default());
    let json = serde_json::to_string_pretty(&preview).unwrap();
    expect_file!["snapshots/openssf.json"].assert_eq(&json);
}

#[test]
fn every_corpus_post_renders_without_errors() {
    let mut posts = 0;
    let mut failures = Vec::new();
    let Some(paths) = corpus_files::paths("corpus::every_corpus_post_renders_without_errors")
    else {
        return;
    };
    for path in paths {
        posts += 1;
        let source = std::fs::read_to_string(&path).unwrap();
        let preview = render(&source, &Options::default());
        for d in preview
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            failures.push(format!(
                "{}:{d}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
        assert!(!preview.html.is_empty(), "{}", path.display());
        assert!(preview.front_matter.title.is_some(), "{}", path.display());
    }
    assert_eq!(posts, 152);
    assert!(
        failures.is_empty(),
        "error diagnostics:\n{}",
        failures.join("\n")
    );
}

//! The built-in profiles on real posts: blog.rust-lang.org's
//! (`../shared/corpus/rust-blog/`, or `$PP_RUST_BLOG_CORPUS`) under
//! `rust-blog`, and every post of both corpora under every profile.
//!
//! Without the corpus each test says it is skipped, by name, and passes;
//! under `CI=true` it fails instead.

use std::io::Write;
use std::path::{Path, PathBuf};

use post_preview::{profile, render, Options, Severity};

/// Where the corpus comes from, for the skip and failure messages.
const WHERE: &str = "the posts of the public repository rust-lang/blog.rust-lang.org at commit \
    0243724c (toml/, 754 files) and 2c8b5d91 (yaml/, 579), with what Zola 0.22.1 published for \
    them (zola-0.22.1/), put at ../shared/corpus/rust-blog beside the repository, or anywhere \
    with PP_RUST_BLOG_CORPUS set to it";

/// The rust-blog corpus folder, or `None` (after reporting `test` skipped)
/// when it is absent; under `CI=true`, a failure.
fn corpus(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("PP_RUST_BLOG_CORPUS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/rust-blog"),
    };
    if dir.join("toml").is_dir() {
        return Some(dir);
    }
    let why = format!(
        "the rust-blog corpus is not at {} (get {WHERE})",
        dir.display()
    );
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "{test}: {why}; CI=true, so an absent corpus is a failure"
    );
    // Straight to the terminal: the test harness captures `eprintln!`.
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
    None
}

/// The `.md` files of `dir`, sorted.
fn posts(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    paths
}

/// Section pages and the redirect page are not posts.
fn is_post(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    !(name == "_index.md" || name.ends_with("___index.md") || name == "releases__latest.md")
}

fn with_profile(name: &str) -> Options {
    Options {
        profile: Some(name.to_owned()),
        ..Options::default()
    }
}

#[test]
fn rust_blog_posts_check_without_errors() {
    let Some(dir) = corpus("rust_blog_posts_check_without_errors") else {
        return;
    };
    let options = with_profile("rust-blog");
    let mut checked = 0;
    let mut errors = Vec::new();
    for path in posts(&dir.join("toml")).iter().filter(|p| is_post(p)) {
        let source = std::fs::read_to_string(path).unwrap();
        let preview = render(&source, &options);
        for d in preview.diagnostics {
            if d.severity == Severity::Error {
                errors.push(format!("{}: {d}", path.display()));
            }
        }
        assert!(!preview.header_html.is_empty(), "{}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 750);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// A post of the site with one thing broken, and what `check` says of it.
fn mistake(edit: impl Fn(&str) -> String) -> Vec<String> {
    let post = "+++\npath = \"2022/10/28/gats\"\ntitle = \"GATs\"\nauthors = [\"Jack\"]\n\
                [extra]\nteam = \"Types\"\nteam_url = \"https://example.org\"\n+++\n\nText.\n";
    render(&edit(post), &with_profile("rust-blog"))
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn rust_blog_still_reports_real_mistakes() {
    assert!(mistake(str::to_owned).is_empty());
    assert_eq!(
        mistake(|p| p.replace("path = \"2022/10/28/gats\"\n", "")),
        ["1:1: error: missing `path`: Zola needs it for the page's address and date (`YYYY/MM/DD/slug`)"]
    );
    assert_eq!(
        mistake(|p| p.replace("2022/10/28/gats", "gats")),
        ["2:1: error: `path` must hold the date and a name as `YYYY/MM/DD/name` (such as `2026/03/26/my-post`), found `gats`"]
    );
    assert_eq!(
        mistake(|p| p.replace("title = \"GATs\"\n", "")),
        ["1:1: error: missing `title`: the page would have an empty heading"]
    );
    assert_eq!(
        mistake(|p| p.replace("authors = [\"Jack\"]\n", "")),
        ["1:1: error: missing `authors`: the byline would be empty"]
    );
    assert_eq!(
        mistake(|p| p.replace("authors = [\"Jack\"]", "authors = \"Jack\"")),
        ["4:1: error: `authors` must be a list of strings, found a string"]
    );
    assert_eq!(
        mistake(|p| p.replace("team_url = \"https://example.org\"\n", "")),
        ["6:1: error: `extra.team` is set without `extra.team_url`: the site needs both"]
    );
    assert_eq!(
        mistake(|p| p.replace("Text.", "See {{ youtube(id=\"x\") }} and {{closure}}.")),
        ["10:5: error: `youtube(…)` calls a shortcode the site does not define: the build fails; write `{{/*` and `*/}}` around it to show it as text"]
    );
    // Liquid is not Zola's: `{{closure}}` alone is no error.
    assert!(mistake(|p| p.replace("Text.", "`{{closure}}` and {% if %}")).is_empty());
}

#[test]
fn every_post_renders_under_every_profile() {
    let Some(dir) = corpus("every_post_renders_under_every_profile") else {
        return;
    };
    let mut files = posts(&dir.join("toml"));
    files.extend(posts(&dir.join("yaml")));
    files.retain(|p| is_post(p));
    assert_eq!(files.len(), 750 + 579);
    for (name, _) in profile::BUILTIN {
        let options = with_profile(name);
        for path in &files {
            let source = std::fs::read_to_string(path).unwrap();
            // No panic, and the body is there whatever the front matter says.
            let preview = render(&source, &options);
            let body = source.trim();
            if body.len() > 400 {
                assert!(!preview.html.is_empty(), "{name}: {}", path.display());
            }
        }
    }
}

//! The reference site's posts, listed once for the tests and the native
//! benchmark (`benches/keystroke.rs` includes this file with `#[path]`, and
//! so do `src/front_matter/tests.rs` and `tests/incremental.rs`).
//!
//! The corpus is not in the repository: it is the folder `news/` of the
//! public repository `rustfoundation/foundation.rust-lang.org` at commit
//! `f1af460606d7ea0788976f98d8a24aa9dfb16a0e` (152 posts), found at
//! `../shared/corpus/foundation-news/` beside the repository or wherever
//! `PP_CORPUS` points. A test that needs it and does not find it reports
//! itself skipped, by name, on the terminal; under `CI=true` it fails.

#![allow(dead_code)] // each including target uses a part

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The environment variable that points at the corpus folder.
pub const ENV: &str = "PP_CORPUS";

/// Where the corpus comes from, for the skip and failure messages.
pub const WHERE: &str = "the folder `news/` of the public repository \
    rustfoundation/foundation.rust-lang.org at commit f1af460606d7ea0788976f98d8a24aa9dfb16a0e \
    (152 posts), put at ../shared/corpus/foundation-news beside the repository, or anywhere \
    with PP_CORPUS set to it";

/// The corpus folder: `$PP_CORPUS`, else `../shared/corpus/foundation-news`
/// beside the repository.
pub fn dir() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/foundation-news"),
    }
}

/// Is this a CI run (`CI=true`), where an absent corpus is a failure?
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The corpus folder when it is there. When it is not, reports `test` as
/// skipped (once per test binary, straight to the terminal: the test harness
/// does not capture a direct write) and returns `None`; under `CI=true`,
/// panics instead.
pub fn require(test: &str) -> Option<PathBuf> {
    static REPORTED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let dir = dir();
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!(
        "the reference corpus is not at {} (get {WHERE})",
        dir.display()
    );
    if in_ci() {
        panic!("{test}: {why}; CI=true, so an absent corpus is a failure");
    }
    let mut reported = REPORTED.lock().unwrap_or_else(|e| e.into_inner());
    if reported
        .get_or_insert_with(HashSet::new)
        .insert(test.to_owned())
    {
        let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
    }
    None
}

/// Every post's path (`*.md`, not the README) in `dir`, sorted by file name.
pub fn paths_in(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("the corpus folder {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
        .collect();
    paths.sort();
    paths
}

/// Every post's path, or `None` after reporting `test` skipped (see [`require`]).
pub fn paths(test: &str) -> Option<Vec<PathBuf>> {
    require(test).map(|dir| paths_in(&dir))
}

/// Every post's text, in file-name order, read once per test binary; `None`
/// after reporting `test` skipped (see [`require`]).
pub fn posts(test: &str) -> Option<&'static [String]> {
    static POSTS: OnceLock<Vec<String>> = OnceLock::new();
    let dir = require(test)?;
    Some(POSTS.get_or_init(|| {
        paths_in(&dir)
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }))
}

/// The example post (the corpus post the first visit shows), which the
/// repository keeps as `www/examples/openssf.md`.
pub fn example() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/examples/openssf.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

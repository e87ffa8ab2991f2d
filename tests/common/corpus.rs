//! The reference site's posts (`../shared/corpus/foundation-news/`, beside
//! the repository), listed once for the tests and the native benchmark
//! (`benches/keystroke.rs` includes this file with `#[path]`).

#![allow(dead_code)] // each including target uses a part

use std::path::{Path, PathBuf};

/// The corpus folder.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/foundation-news")
}

/// Every post's path (`*.md`, not the README), sorted by file name.
pub fn paths() -> Vec<PathBuf> {
    let dir = dir();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus folder {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
        .collect();
    paths.sort();
    paths
}

/// Every post's text, in file-name order.
pub fn posts() -> Vec<String> {
    paths()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

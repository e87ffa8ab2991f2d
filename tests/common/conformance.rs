//! The conformance inputs beside the repository (`../shared/conformance`:
//! the fixtures of markdown-it 12.3.2, markdown-it-footnote 3.0.3 and
//! linkify-it 3.0.3; `../shared/corpus/rust-blog`: the rust-blog posts),
//! read as `tests/fidelity/inputs.mjs` reads them, for the property tests.
//! `None` when the folder is absent: the caller reports itself skipped (and
//! fails under `CI=true`).

#![allow(dead_code)] // each including target uses a part

use std::path::{Path, PathBuf};

/// The shared folder (`$PP_SHARED`, else `../shared` beside the repository).
pub fn shared() -> PathBuf {
    std::env::var_os("PP_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// Reports `test` skipped because `what` is absent; panics under `CI=true`.
pub fn skip(test: &str, what: &Path) {
    let message = format!("skipped: {test} ({} not found)", what.display());
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{message}, and CI=true"
    );
    eprintln!("{message}");
}

/// Every fixture input, in file then line order.
pub fn fixture_inputs() -> Option<Vec<String>> {
    let root = shared().join("conformance");
    if !root.is_dir() {
        return None;
    }
    let mut files = vec![];
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut inputs = vec![];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let linkify = file
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d.to_string_lossy().starts_with("linkify-it"));
        if linkify {
            inputs.extend(linkify_inputs(&text));
        } else {
            inputs.extend(testgen_inputs(&text));
        }
    }
    Some(inputs)
}

/// markdown-it-testgen: the text between the first two `.` lines of each
/// case (`→` stands for a tab).
fn testgen_inputs(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < lines.len() {
        if lines[i] != "." {
            i += 1;
            continue;
        }
        let start = i + 1;
        i = start;
        while i < lines.len() && lines[i] != "." {
            i += 1;
        }
        let input = &lines[start..i.min(lines.len())];
        out.push(if input.is_empty() {
            String::new()
        } else {
            format!("{}\n", input.join("\n")).replace('→', "\t")
        });
        i += 1;
        while i < lines.len() && lines[i] != "." {
            i += 1;
        }
        i += 1;
    }
    out
}

/// linkify-it's links.txt / not_links.txt: each paragraph's first line,
/// `%` comments dropped.
fn linkify_inputs(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| if l.starts_with('%') { "" } else { l })
        .collect();
    let mut out = vec![];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let line = lines[i];
        let line = match line.find(" %").or_else(|| line.find("\t%")) {
            Some(at) => &line[..at],
            None => line,
        };
        out.push(format!("{line}\n"));
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
    }
    out
}

/// The rust-blog posts as written (`toml/`, `yaml/`; their own front matter).
pub fn rust_blog_posts() -> Option<Vec<String>> {
    let root = shared().join("corpus/rust-blog");
    if !root.is_dir() {
        return None;
    }
    let mut paths = vec![];
    for dir in ["toml", "yaml"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    Some(
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect(),
    )
}

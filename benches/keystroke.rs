//! The core's share of a keystroke, natively: `Renderer::render_live` after
//! typing one character, for the example post and for 100 KB and 1 MB posts
//! made of corpus posts (as bench/docs.mjs makes them, roughly). Run by
//! `cargo xtask bench` (or `cargo bench --bench keystroke`); a benchmark, not
//! a test. The browser figures (wasm, DOM, layout) are bench/run.mjs's.

use std::path::Path;
use std::time::Instant;

use post_preview::{Options, Renderer};

#[path = "../tests/common/corpus.rs"]
mod corpus;

/// The first post, then the following posts' bodies, until `size` bytes.
fn concatenated(posts: &[String], size: usize) -> String {
    let mut out = posts[0].trim_end().to_owned();
    for post in posts[1..].iter().cycle() {
        let body = post.split_once("\n---\n").map_or(post.as_str(), |(_, b)| b);
        if out.len() + body.len() + 2 > size {
            break;
        }
        out.push_str("\n\n");
        out.push_str(body.trim());
    }
    out.push('\n');
    out
}

/// Median and 95th percentile of `runs` keystrokes typed in the middle of `text`.
fn keystrokes(text: &str, runs: usize, profile: &str) -> (f64, f64, usize) {
    let mut at = text.len() / 2;
    at = text[at..].find("\n\n").map_or(at, |i| at + i + 2);
    let mut renderer = Renderer::new(Options {
        profile: Some(profile.to_owned()),
        ..Options::default()
    });
    let mut current = text.to_owned();
    renderer.render_live(&current);
    let mut times = Vec::with_capacity(runs);
    let mut parsed = 0;
    for i in 0..runs {
        current.insert(at + i, if i % 5 == 4 { ' ' } else { 'x' });
        let start = Instant::now();
        let rendered = renderer.render_live(&current);
        times.push(start.elapsed().as_secs_f64() * 1e3);
        parsed = parsed.max(rendered.parsed_bytes);
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], times[runs * 95 / 100], parsed)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("www/examples/openssf.md")).unwrap();
    let rust_blog = std::fs::read_to_string(root.join("www/examples/rust-blog.md")).unwrap();
    let mut docs = vec![
        ("example", example, 400, "rust-foundation"),
        ("rust-blog example", rust_blog, 400, "rust-blog"),
    ];
    // The long documents are made of the corpus: without it, only the example.
    if let Some(posts) = corpus::posts("bench keystroke: 100 KB and 1 MB") {
        let (long, longest) = (concatenated(posts, 100 << 10), concatenated(posts, 1 << 20));
        docs.push(("100 KB", long.clone(), 200, "rust-foundation"));
        docs.push(("1 MB", longest.clone(), 60, "rust-foundation"));
        // The same text under the other dialect (its front matter is not
        // rust-blog's; the body is what a keystroke costs).
        docs.push(("100 KB, rust-blog", long, 200, "rust-blog"));
        docs.push(("1 MB, rust-blog", longest, 60, "rust-blog"));
    }
    println!("core per keystroke (Renderer::render_live, native, typing in the middle)");
    println!("| document | profile | bytes | median ms | p95 ms | most bytes parsed |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for (name, text, runs, profile) in &docs {
        let (median, p95, parsed) = keystrokes(text, *runs, profile);
        println!(
            "| {name} | {profile} | {} | {median:.3} | {p95:.3} | {parsed} |",
            text.len()
        );
    }
}

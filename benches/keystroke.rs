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
fn keystrokes(text: &str, runs: usize) -> (f64, f64, usize) {
    let mut at = text.len() / 2;
    at = text[at..].find("\n\n").map_or(at, |i| at + i + 2);
    let mut renderer = Renderer::new(Options::default());
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
    let mut docs = vec![("example", example, 400)];
    // The long documents are made of the corpus: without it, only the example.
    if let Some(posts) = corpus::posts("bench keystroke: 100 KB and 1 MB") {
        docs.push(("100 KB", concatenated(posts, 100 << 10), 200));
        docs.push(("1 MB", concatenated(posts, 1 << 20), 60));
    }
    println!("core per keystroke (Renderer::render_live, native, typing in the middle)");
    println!("| document | bytes | median ms | p95 ms | most bytes parsed |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, text, runs) in &docs {
        let (median, p95, parsed) = keystrokes(text, *runs);
        println!(
            "| {name} | {} | {median:.3} | {p95:.3} | {parsed} |",
            text.len()
        );
    }
}

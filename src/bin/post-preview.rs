//! The `post-preview` command line: `render` and `check`.
fn main() {
    let src = std::io::read_to_string(std::io::stdin()).unwrap_or_default();
    let p = post_preview::render(&src, &Default::default());
    println!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
}

//! Bounds on what a render takes on: the source size.

#[test]
fn oversize_posts_are_cut_at_a_line_with_an_error() {
    let line = "word ".repeat(19) + "\n";
    let big = line.repeat(post_preview::MAX_SOURCE_BYTES / line.len() + 10);
    let preview = post_preview::render(&big, &post_preview::Options::default());
    let error = preview
        .diagnostics
        .iter()
        .find(|d| d.message.contains("more than the limit"))
        .expect("an error about the size");
    assert_eq!(error.severity, post_preview::Severity::Error);
    assert_eq!(error.column, 1);
    assert!(error.message.contains("8 MiB"), "{}", error.message);
    assert!(preview.html.len() < big.len() + 1024 * 1024);
}

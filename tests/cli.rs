//! The `post-preview` binary: output formats and exit statuses.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_post-preview"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn temp_file(name: &str, contents: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("post-preview-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn render_json_has_exactly_the_documented_fields() {
    let out = run(
        &["render", "--json", "-"],
        b"---\ntitle: T\ndescription: D\n---\nHello\n",
    );
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "front_matter",
            "header_html",
            "html",
            "diagnostics",
            "outline",
            "stats"
        ]
    );
    let stats: Vec<&str> = json["stats"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(stats, ["words", "reading_minutes"]);
    assert_eq!(
        json["html"],
        "<p data-line=\"5\" data-line-end=\"5\">Hello</p>\n"
    );
}

#[test]
fn render_page_with_base_url_and_preset() {
    let file = temp_file(
        "page.md",
        b"---\ntitle: <T>\ndescription: D\n---\n![i](/img/x.png)\n",
    );
    let out = run(
        &[
            "render",
            &file,
            "--base-url",
            "https://foundation.rust-lang.org",
            "--preset",
            "commonmark",
        ],
        b"",
    );
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>&lt;T&gt;</title>"));
    assert!(page.contains("src=\"https://foundation.rust-lang.org/img/x.png\""));
    assert!(page.contains("Content-Security-Policy"));
}

#[test]
fn check_prints_diagnostics_and_exits_1_on_errors() {
    let good = temp_file("good.md", b"---\ntitle: T\ndescription: D\n---\nok\n");
    let bad = temp_file(
        "bad.md",
        b"---\ntitle: T\ndescription: D\ndate: yesterday\n---\n{{ x }}\n",
    );
    let out = run(&["check", &good, &bad], b"");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with(&format!("{bad}:4:")) && lines[0].contains(": error: "),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with(&format!("{bad}:6:1: error: ")),
        "{stdout}"
    );
    assert_eq!(run(&["check", &good], b"").status.code(), Some(0));
}

#[test]
fn usage_and_io_errors_exit_2_with_a_message() {
    let out = run(&["check", "/nonexistent/post.md"], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("post-preview: cannot read /nonexistent/post.md: "),
        "{stderr}"
    );

    let latin1 = temp_file("latin1.md", b"caf\xe9\n");
    let out = run(&["render", &latin1], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("is not valid UTF-8 (invalid byte at offset 3)"),
        "{stderr}"
    );

    assert_eq!(run(&["frobnicate"], b"").status.code(), Some(2));
    assert_eq!(run(&["check"], b"").status.code(), Some(2));
    assert_eq!(
        run(&["render", "--preset", "nope", "-"], b"").status.code(),
        Some(2)
    );
    assert_eq!(run(&["--help"], b"").status.code(), Some(0));
}

#[test]
fn profiles_by_name_by_file_and_their_mistakes() {
    let post = temp_file(
        "zola.md",
        b"+++\npath = \"2024/01/02/x\"\ntitle = \"T\"\nauthors = [\"A\"]\n+++\n{{closure}} and {{ gist(id=1) }}\n",
    );
    // A built-in name; `--preset` is the same option's earlier name.
    for flag in ["--profile", "--preset"] {
        let out = run(&["check", flag, "rust-blog", &post], b"");
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            text,
            format!("{post}:6:17: error: `gist(…)` calls a shortcode the site does not define: the build fails; write `{{{{/*` and `*/}}}}` around it to show it as text\n")
        );
    }
    // A profile file with a mistake: said at its own line, under its name,
    // and the post is still checked (with the default profile).
    let profile = temp_file("site.toml", b"name = \"s\"\n\n[markdown]\nbreaks = 1\n");
    let out = run(&["check", "--profile", &profile, &post, &post], b"");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "{profile}:4:10: error: `markdown.breaks` must be true or false"
        )),
        "{text}"
    );
    // Said once, however many posts.
    assert_eq!(text.matches(&format!("{profile}:")).count(), 1, "{text}");
    assert!(
        text.contains(&format!(
            "{post}:6:1: error: `{{{{` starts a Liquid expression"
        )),
        "{text}"
    );
    // Neither a built-in name nor a readable file: a usage error.
    let out = run(&["render", "--profile", "no-such-site", &post], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("`no-such-site` is neither a built-in profile (rust-foundation, rust-blog, commonmark) nor a readable profile file"),
        "{err}"
    );
}

#[test]
fn hidden_batch_renders_each_source_as_alone() {
    let sources = ["---\ntitle: A\n---\n*a*\n", "# b\n", "<script>x</script>c"];
    let out = run(
        &["render", "--batch", "-"],
        serde_json::to_string(&sources).unwrap().as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let batch: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(batch.len(), sources.len());
    for (source, preview) in sources.iter().zip(&batch) {
        let alone = run(&["render", "--json", "-"], source.as_bytes());
        let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
        assert_eq!(preview, &alone, "{source}");
    }
    let bad = run(&["render", "--batch", "-"], b"not json");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--batch reads a JSON array"));
}

//! `cargo xtask test`: every test, in order, stopping at the first failure.
//!
//! 1. native: `cargo test --workspace`
//! 2. build: the `cargo xtask build` steps (www/pkg)
//! 3. browsers: Chromium and chromedriver (apt-get when missing)
//! 4. wasm: `tests/wasm_binding.rs` under wasm-bindgen-test in headless Chromium
//! 5. fidelity: `tests/fidelity/compare.mjs` (the Foundation),
//!    `rust-blog.mjs` (blog.rust-lang.org) and `conformance.mjs` (the markdown
//!    packages' fixtures) against the native binary, then their `node --test`
//!    unit tests and `linkify-cases.mjs --check` (if present)
//! 6. e2e: `node --test tests/browser/` against the static server (if present)
//! 7. package: `cargo xtask pack`'s tarball installed into a fresh project,
//!    `node --test tests/package/` (tsc, no bundler, Vite, in Chromium)
//! 8. decap: `node --test tests/decap/`, the real Decap CMS with post-preview
//!    as its preview template, in Chromium (Decap's bundle from its one
//!    npm tarball, checked: `decap.rs`)
//!
//! The tests that need the reference corpus (`../shared/corpus/foundation-news`
//! beside the repository, or `$PP_CORPUS`) report themselves skipped, by name,
//! when it is absent; under `CI=true` its absence fails the run at once.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::serve::Server;
use crate::tools::{self, CHROMEDRIVER, CHROMIUM, WASM_TARGET};
use crate::util::{cargo, run, section, Error, Project, Result};

#[derive(Default)]
struct Skips {
    native: bool,
    build: bool,
    wasm: bool,
    fidelity: bool,
    e2e: bool,
    package: bool,
    decap: bool,
}

pub fn command(project: &Project, args: &[String]) -> Result<()> {
    let mut skip = Skips::default();
    for arg in args {
        match arg.as_str() {
            "--skip-native" => skip.native = true,
            "--skip-build" => skip.build = true,
            "--skip-wasm" => skip.wasm = true,
            "--skip-fidelity" => skip.fidelity = true,
            "--skip-e2e" => skip.e2e = true,
            "--skip-package" => skip.package = true,
            "--skip-decap" => skip.decap = true,
            "--skip-browser" => {
                skip.wasm = true;
                skip.e2e = true;
                skip.package = true;
                skip.decap = true;
            }
            other => {
                return Err(Error::new(format!(
                    "unexpected argument `{other}` (see `cargo xtask help`)"
                )))
            }
        }
    }
    let mut summary = Summary::default();
    let corpus = corpus_dir(project);
    if !corpus.is_dir() {
        let why = format!(
            "the reference corpus is not at {}: the tests that need it (the corpus, \
             front matter corpus and incremental tests, the fidelity test) report themselves \
             SKIPPED (get it: {CORPUS_WHERE})",
            corpus.display()
        );
        if in_ci() {
            return Err(Error::new(format!(
                "{why}; CI=true, so an absent corpus is a failure"
            )));
        }
        summary.note = Some(why);
    }
    let result = steps(project, &skip, &mut summary);
    summary.print(result.is_ok());
    result
}

/// Where the reference corpus comes from (as tests/common/corpus.rs says it).
const CORPUS_WHERE: &str = "the folder `news/` of the public repository \
    rustfoundation/foundation.rust-lang.org at commit f1af460606d7ea0788976f98d8a24aa9dfb16a0e \
    (152 posts), at ../shared/corpus/foundation-news beside the repository or at $PP_CORPUS";

/// The reference corpus: `$PP_CORPUS`, else `../shared/corpus/foundation-news`.
fn corpus_dir(project: &Project) -> std::path::PathBuf {
    match std::env::var_os("PP_CORPUS") {
        Some(dir) if !dir.is_empty() => dir.into(),
        _ => project.root.join("../shared/corpus/foundation-news"),
    }
}

/// Is this a CI run (`CI=true`)?
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn steps(project: &Project, skip: &Skips, summary: &mut Summary) -> Result<()> {
    let fidelity = project.root.join("tests/fidelity");
    let browser = project.root.join("tests/browser");
    let has_fidelity = fidelity.join("package.json").is_file();
    let has_e2e = browser.join("package.json").is_file();

    summary.step("native tests", skip.native, || {
        section("test 1/8: native (cargo test --workspace)");
        run(cargo().args(["test", "--workspace"]))
    })?;

    let mut test_runner = None;
    summary.step("build www/pkg", skip.build, || {
        section("test 2/8: build");
        test_runner = Some(crate::build::build(project)?.bindgen.test_runner);
        Ok(())
    })?;

    let needs_chromium = !skip.wasm || (has_e2e && !skip.e2e) || !skip.package || !skip.decap;
    summary.step("chromium + chromedriver", !needs_chromium, || {
        section("test 3/8: Chromium and chromedriver");
        tools::ensure_chromium()
    })?;

    summary.step("wasm binding in headless chromium", skip.wasm, || {
        section("test 4/8: wasm-bindgen-test in headless Chromium");
        if !project.pkg().join("post_preview_bg.wasm").is_file() {
            return Err(Error::new(
                "www/pkg is not built: tests/wasm_binding.rs loads it (drop --skip-build)",
            ));
        }
        let runner = match test_runner.take() {
            Some(runner) => runner,
            None => {
                tools::ensure_wasm_target()?;
                tools::ensure_wasm_bindgen(&project.root)?.test_runner
            }
        };
        let chromedriver = std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| CHROMEDRIVER.into());
        run(cargo()
            .args(["test", "--target", WASM_TARGET, "--test", "wasm_binding"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &runner)
            .env("CHROMEDRIVER", chromedriver)
            .env(
                "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
                project.root.join("webdriver.json"),
            ))
    })?;

    summary.step(
        if summary.note.is_some() {
            "fidelity (tests/fidelity; no corpus: comparisons SKIPPED)"
        } else {
            "fidelity (tests/fidelity)"
        },
        skip.fidelity || !has_fidelity,
        || {
            section("test 5/8: fidelity against the reference pipeline");
            tools::ensure_node()?;
            tools::npm_ci_if_needed(&fidelity)?;
            run(cargo().args(["build", "--bin", "post-preview"]))?;
            let bin = project.target_dir.join("debug").join("post-preview");
            run(Command::new("node")
                .arg("tests/fidelity/compare.mjs")
                .arg("--bin")
                .arg(&bin))?;
            // The rust-blog profile against what Zola 0.22.1 published.
            run(Command::new("node")
                .arg("tests/fidelity/rust-blog.mjs")
                .arg("--bin")
                .arg(&bin))?;
            // The markdown packages' fixtures and the rust-blog posts: it
            // reports itself skipped when ../shared is absent (a failure
            // under CI=true).
            if fidelity.join("conformance.mjs").is_file() {
                run(Command::new("node")
                    .arg("tests/fidelity/conformance.mjs")
                    .arg("--bin")
                    .arg(&bin))?;
            }
            // The comparator's own unit tests, and the generated linkify cases
            // being current (as tests/fidelity/README.md lists them).
            if has_node_tests(&fidelity) {
                run(Command::new("node").arg("--test").current_dir(&fidelity))?;
            }
            if fidelity.join("linkify-cases.mjs").is_file() {
                run(Command::new("node")
                    .args(["linkify-cases.mjs", "--check"])
                    .current_dir(&fidelity))?;
            }
            Ok(())
        },
    )?;

    summary.step(
        "page end-to-end (tests/browser)",
        skip.e2e || !has_e2e,
        || {
            section("test 6/8: page end-to-end in headless Chromium");
            if !project.pkg().join("post_preview_bg.wasm").is_file() {
                return Err(Error::new(
                    "www/pkg is not built: the page needs it (drop --skip-build)",
                ));
            }
            tools::ensure_node()?;
            tools::npm_ci_if_needed(&browser)?;
            let addr = Server::bind(&project.www(), 0)?.spawn();
            eprintln!("serving {} at http://{addr}/", project.www().display());
            run(node_test(&browser)
                .env("PP_BASE_URL", format!("http://{addr}"))
                .env("CHROMIUM", chromium()))
        },
    )?;

    summary.step("npm package (tests/package)", skip.package, || {
        section("test 7/8: the npm package: installed from its tarball, tsc, no bundler, Vite");
        let package = node_tests_installed(project, "tests/package")?;
        let tarball = crate::pack::pack_built(project)?;
        run(node_test(&package)
            .env("PP_TARBALL", tarball)
            .env("CHROMIUM", chromium()))
    })?;

    summary.step("Decap CMS (tests/decap)", skip.decap, || {
        section("test 8/8: post-preview in the real Decap CMS, in headless Chromium");
        let decap = node_tests_installed(project, "tests/decap")?;
        let vendor = crate::decap::dist(project)?;
        let addr = Server::bind(&project.www(), 0)?
            .mount(crate::decap::MOUNT, &vendor)?
            .spawn();
        run(node_test(&decap)
            .env("PP_BASE_URL", format!("http://{addr}"))
            .env("CHROMIUM", chromium()))
    })?;
    Ok(())
}

/// The folder `name` of Node tests, its packages installed (`npm ci`) if needed.
fn node_tests_installed(project: &Project, name: &str) -> Result<std::path::PathBuf> {
    let dir = project.root.join(name);
    tools::ensure_node()?;
    tools::npm_ci_if_needed(&dir)?;
    Ok(dir)
}

/// Chromium's path: `$CHROMIUM`, else Debian's.
fn chromium() -> std::ffi::OsString {
    std::env::var_os("CHROMIUM").unwrap_or_else(|| CHROMIUM.into())
}

/// `node --test` over the `*.test.js` files in `dir`, one file (so one
/// browser) at a time.
fn node_test(dir: &Path) -> Command {
    let mut node = Command::new("node");
    node.arg("--test");
    // The flag exists from Node 20.10 on.
    if tools::node_version().is_some_and(|v| v >= (20, 10)) {
        node.arg("--test-concurrency=1");
    }
    node.arg(dir);
    node
}

/// Does `dir` hold `*.test.{js,mjs,cjs}` files (what `node --test` runs)?
fn has_node_tests(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            [".test.js", ".test.mjs", ".test.cjs"]
                .iter()
                .any(|suffix| name.ends_with(suffix))
        })
    })
}

#[derive(Default)]
struct Summary {
    rows: Vec<(&'static str, &'static str, Option<Duration>)>,
    started: Option<Instant>,
    /// Printed under the rows: why some tests skipped themselves.
    note: Option<String>,
}

impl Summary {
    fn step(
        &mut self,
        name: &'static str,
        skipped: bool,
        body: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        self.started.get_or_insert_with(Instant::now);
        if skipped {
            self.rows.push((name, "skipped", None));
            return Ok(());
        }
        let start = Instant::now();
        let result = body();
        let status = if result.is_ok() { "ok" } else { "FAILED" };
        self.rows.push((name, status, Some(start.elapsed())));
        result
    }

    fn print(&self, ok: bool) {
        eprintln!("\n==> summary");
        for (name, status, time) in &self.rows {
            let time = time.map_or_else(String::new, |t| format!("{:>7.1}s", t.as_secs_f64()));
            eprintln!("  {status:<8} {time:>8}  {name}");
        }
        if let Some(note) = &self.note {
            eprintln!("  note: {note}");
        }
        let total = self.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        eprintln!(
            "{} in {total:.1}s",
            if ok {
                "all tests passed"
            } else {
                "tests FAILED"
            }
        );
    }
}

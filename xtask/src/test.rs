//! `cargo xtask test`: every test, in order, stopping at the first failure.
//!
//! 1. native: `cargo test --workspace`
//! 2. build: the `cargo xtask build` steps (www/pkg)
//! 3. browsers: Chromium and chromedriver (apt-get when missing)
//! 4. wasm: `tests/wasm_binding.rs` under wasm-bindgen-test in headless Chromium
//! 5. fidelity: `tests/fidelity/compare.mjs` and `conformance.mjs` against
//!    the native binary, then their `node --test` unit tests and
//!    `linkify-cases.mjs --check` (if present)
//! 6. e2e: `node --test tests/browser/` against the static server (if present)

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
            "--skip-browser" => {
                skip.wasm = true;
                skip.e2e = true;
            }
            other => {
                return Err(Error::new(format!(
                    "unexpected argument `{other}` (see `cargo xtask help`)"
                )))
            }
        }
    }
    let mut summary = Summary::default();
    let result = steps(project, &skip, &mut summary);
    summary.print(result.is_ok());
    result
}

fn steps(project: &Project, skip: &Skips, summary: &mut Summary) -> Result<()> {
    let fidelity = project.root.join("tests/fidelity");
    let browser = project.root.join("tests/browser");
    let has_fidelity = fidelity.join("package.json").is_file();
    let has_e2e = browser.join("package.json").is_file();

    summary.step("native tests", skip.native, || {
        section("test 1/6: native (cargo test --workspace)");
        run(cargo().args(["test", "--workspace"]))
    })?;

    let mut test_runner = None;
    summary.step("build www/pkg", skip.build, || {
        section("test 2/6: build");
        test_runner = Some(crate::build::build(project)?.bindgen.test_runner);
        Ok(())
    })?;

    let needs_chromium = !skip.wasm || (has_e2e && !skip.e2e);
    summary.step("chromium + chromedriver", !needs_chromium, || {
        section("test 3/6: Chromium and chromedriver");
        tools::ensure_chromium()
    })?;

    summary.step("wasm binding in headless chromium", skip.wasm, || {
        section("test 4/6: wasm-bindgen-test in headless Chromium");
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
        "fidelity (tests/fidelity)",
        skip.fidelity || !has_fidelity,
        || {
            section("test 5/6: fidelity against the reference pipeline");
            tools::ensure_node()?;
            tools::npm_ci_if_needed(&fidelity)?;
            run(cargo().args(["build", "--bin", "post-preview"]))?;
            let bin = project.target_dir.join("debug").join("post-preview");
            run(Command::new("node")
                .arg("tests/fidelity/compare.mjs")
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
            section("test 6/6: page end-to-end in headless Chromium");
            if !project.pkg().join("post_preview_bg.wasm").is_file() {
                return Err(Error::new(
                    "www/pkg is not built: the page needs it (drop --skip-build)",
                ));
            }
            tools::ensure_node()?;
            tools::npm_ci_if_needed(&browser)?;
            let addr = Server::bind(&project.www(), 0)?.spawn();
            eprintln!("serving {} at http://{addr}/", project.www().display());
            let chromium = std::env::var_os("CHROMIUM").unwrap_or_else(|| CHROMIUM.into());
            let mut node = Command::new("node");
            node.arg("--test");
            // One browser at a time (the flag exists from Node 20.10 on).
            if tools::node_version().is_some_and(|v| v >= (20, 10)) {
                node.arg("--test-concurrency=1");
            }
            run(node
                .arg("tests/browser/")
                .env("PP_BASE_URL", format!("http://{addr}"))
                .env("CHROMIUM", chromium))
        },
    )?;
    Ok(())
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

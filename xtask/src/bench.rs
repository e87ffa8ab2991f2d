//! `cargo xtask bench`: the core's per-keystroke time natively
//! (benches/keystroke.rs), then the benchmark (bench/run.mjs) in headless Chromium:
//! post-preview's per-keystroke latency against a markdown-it + DOMPurify +
//! js-yaml baseline, the cold start and the wasm size. Prints a table and
//! writes bench/results/latest.json and latest.md. Not a test: it fails only
//! when it cannot measure.

use std::process::Command;

use crate::serve::Server;
use crate::tools::{self, CHROMIUM};
use crate::util::{run, section, Error, Project, Result};

pub fn command(project: &Project, args: &[String]) -> Result<()> {
    let mut build = true;
    let mut pass = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--no-build" => build = false,
            "--quick" | "--no-cold" => pass.push(arg.clone()),
            other if other.starts_with("--only=") || other.starts_with("--profile=") => {
                pass.push(arg.clone())
            }
            other => {
                return Err(Error::new(format!(
                    "unexpected argument `{other}` (bench takes --no-build, --quick, --no-cold, --only=example,100k,1m, --profile=NAME)"
                )))
            }
        }
    }
    let bench = project.root.join("bench");
    if !bench.join("run.mjs").is_file() {
        return Err(Error::new("bench/run.mjs is missing"));
    }
    if build {
        crate::build::build(project)?;
    } else if !project.pkg().join("post_preview_bg.wasm").is_file() {
        return Err(Error::new(
            "www/pkg is not built: the benchmark needs it (drop --no-build)",
        ));
    }

    section("bench: the core, natively (benches/keystroke.rs)");
    run(crate::util::cargo().args(["bench", "--bench", "keystroke"]))?;

    section("bench: Chromium, Node.js, bench/node_modules");
    tools::ensure_chromium()?;
    tools::ensure_node()?;
    tools::npm_ci_if_needed(&bench)?;

    section("bench");
    let addr = Server::bind(&project.www(), 0)?.spawn();
    eprintln!("serving {} at http://{addr}/", project.www().display());
    let chromium = std::env::var_os("CHROMIUM").unwrap_or_else(|| CHROMIUM.into());
    run(Command::new("node")
        .arg(bench.join("run.mjs"))
        .args(&pass)
        .env("PP_BASE_URL", format!("http://{addr}"))
        .env("PP_WWW", project.www())
        .env("CHROMIUM", chromium))
}

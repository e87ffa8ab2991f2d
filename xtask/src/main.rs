//! `cargo xtask`: this project's automation, in plain Rust (std only).
//!
//! ```text
//! cargo xtask build                  wasm + JS glue + package.json into www/pkg
//! cargo xtask pack                   the npm package for embedders (target/npm/*.tgz)
//! cargo xtask serve [--port N] [--no-build]
//!                                    serve www/ at http://127.0.0.1:N/ (8080; 0 = any free port)
//! cargo xtask test [--skip-...]      every test, stopping at the first failure
//! cargo xtask lint                   rustfmt and clippy, native and wasm32
//! cargo xtask bench [--no-build] [--quick] [--no-cold] [--only=...]
//!                                    the benchmark (bench/): keystroke latency, cold start, wasm size
//! cargo xtask size                   the wasm's bytes by crate (link map), gzipped alone
//! cargo xtask deny                   cargo-deny: licenses, bans, sources, advisories
//! cargo xtask fuzz [--seconds N]     the cargo-fuzz targets, N seconds each
//! ```
//!
//! Every external command is printed before it runs (`$ ...`). Missing tools
//! are installed: the wasm32 target, the wasm-bindgen CLI matching Cargo.lock,
//! rustfmt/clippy, and (through apt-get) Chromium, chromedriver and Node.js.

mod bench;
mod build;
mod decap;
mod lint;
mod pack;
mod security;
mod serve;
mod size;
mod test;
mod tools;
mod util;

use std::process::ExitCode;

use util::{Error, Result};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  build                 build the wasm package into www/pkg (release)
  pack                  build, then write the npm package (npm pack layout) to target/npm/
  serve [--port N] [--no-build]
                        build, then serve www/ at http://127.0.0.1:N/ (default 8080, 0 = any free port)
  test [--skip-native] [--skip-build] [--skip-wasm] [--skip-fidelity] [--skip-e2e]
       [--skip-package] [--skip-decap] [--skip-browser]
                        run every test, stopping at the first failure (--skip-browser =
                        --skip-wasm --skip-e2e --skip-package --skip-decap; CI passes none of these)
  lint                  cargo fmt --check and clippy -D warnings, native and wasm32
  bench [--no-build] [--quick] [--no-cold] [--only=example,100k,1m]
                        build, then benchmark in headless Chromium (bench/README.md):
                        per-keystroke latency vs a markdown-it baseline, cold start, wasm size
  size                  build the wasm with a link map and report its bytes by crate
                        and by engine (code, data, gzip -9 of each alone)
  deny                  supply chain: cargo deny check licenses bans sources, then advisories
                        (against $PP_ADVISORY_DB or ../shared/advisory-db without fetching,
                        required under CI=true; elsewhere cargo-deny fetches the database)
  fuzz [--seconds N]    build the cargo-fuzz targets and run each for N seconds (default 30)
  help                  this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Err(Error::new("no command given"));
    };
    let project = util::Project::locate()?;
    match command.as_str() {
        "build" => {
            no_options(rest)?;
            build::build(&project).map(drop)
        }
        "pack" => {
            no_options(rest)?;
            pack::pack(&project).map(drop)
        }
        "serve" => serve::command(&project, rest),
        "test" => test::command(&project, rest),
        "lint" => {
            no_options(rest)?;
            lint::lint(&project)
        }
        "bench" => bench::command(&project, rest),
        "size" => {
            no_options(rest)?;
            size::size(&project)
        }
        "deny" => {
            no_options(rest)?;
            security::deny(&project)
        }
        "fuzz" => security::fuzz(&project, rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprint!("{USAGE}");
            Err(Error::new(format!("unknown command `{other}`")))
        }
    }
}

fn no_options(rest: &[String]) -> Result<()> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(Error::new(format!(
            "unexpected argument `{arg}` (see `cargo xtask help`)"
        ))),
    }
}

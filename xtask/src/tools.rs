//! Making sure the tools exist, installing the missing ones.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::util::{cargo, on_path, probe, run, run_interactive, Context, Error, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// `rustup target add wasm32-unknown-unknown` unless it is installed.
/// Installs `cargo <subcommand>` from crates.io (crate `krate`) when
/// missing: `--locked` first, then without it (a locked dependency may have
/// left the registry).
pub fn ensure_cargo_subcommand(subcommand: &str, krate: &str) -> Result<()> {
    if probe(cargo().args([subcommand, "--version"])).is_some() {
        return Ok(());
    }
    eprintln!("{krate}: not installed; installing from crates.io (a few minutes)");
    if run(cargo().args(["install", krate, "--locked"])).is_ok() {
        return Ok(());
    }
    run(cargo().args(["install", krate]))
}

pub fn ensure_wasm_target() -> Result<()> {
    let installed = probe(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or_else(|| {
            Error::new(format!(
                "`rustup target list --installed` failed: is rustup installed? \
                 (without rustup, install the {WASM_TARGET} standard library by hand)"
            ))
        })?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        eprintln!("wasm target: {WASM_TARGET} is installed");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// `rustup component add` for the missing ones of `components`.
pub fn ensure_rust_components(components: &[&str]) -> Result<()> {
    let installed = probe(Command::new("rustup").args(["component", "list", "--installed"]))
        .unwrap_or_default();
    let missing: Vec<&str> = components
        .iter()
        .copied()
        .filter(|c| {
            !installed
                .lines()
                .any(|line| line.starts_with(&format!("{c}-")))
        })
        .collect();
    if missing.is_empty() {
        eprintln!("rust components: {} installed", components.join(", "));
        return Ok(());
    }
    run(Command::new("rustup")
        .args(["component", "add"])
        .args(&missing))
}

/// The version of the `wasm-bindgen` crate in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).context(|| "reading Cargo.lock".into())?;
    let mut in_package = false;
    for line in lock.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = false;
        } else if line == "name = \"wasm-bindgen\"" {
            in_package = true;
        } else if in_package {
            if let Some(version) = line.strip_prefix("version = \"") {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err(Error::new("Cargo.lock has no `wasm-bindgen` package"))
}

/// The wasm-bindgen CLI tools, at the exact version of the crate.
pub struct Bindgen {
    pub wasm_bindgen: PathBuf,
    pub test_runner: PathBuf,
}

/// Finds `wasm-bindgen` and `wasm-bindgen-test-runner` at `version`, or
/// installs them with `cargo install wasm-bindgen-cli --version =VERSION`.
pub fn ensure_wasm_bindgen(root: &Path) -> Result<Bindgen> {
    let version = locked_wasm_bindgen_version(root)?;
    let find = || -> Option<Bindgen> {
        let tool = |name: &str| -> Option<PathBuf> {
            [on_path(name), cargo_bin(name)]
                .into_iter()
                .flatten()
                .find(|path| tool_version(path).as_deref() == Some(version.as_str()))
        };
        Some(Bindgen {
            wasm_bindgen: tool("wasm-bindgen")?,
            test_runner: tool("wasm-bindgen-test-runner")?,
        })
    };
    if let Some(found) = find() {
        eprintln!(
            "wasm-bindgen CLI: {} is {version}, as in Cargo.lock",
            found.wasm_bindgen.display()
        );
        return Ok(found);
    }
    let current = on_path("wasm-bindgen")
        .and_then(|path| tool_version(&path))
        .map_or_else(|| "not installed".to_string(), |v| format!("found {v}"));
    eprintln!("wasm-bindgen CLI: Cargo.lock has wasm-bindgen {version}, {current}; installing (a few minutes)");
    // Not `--locked`: the CLI's own lockfile pins crates that no longer build
    // together, and the exact `=VERSION` is what has to match.
    run(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={version}"),
    ]))?;
    find().ok_or_else(|| {
        Error::new(format!(
            "installed wasm-bindgen-cli {version}, but cannot find it: add cargo's bin directory \
             ({}) to PATH",
            cargo_home().join("bin").display()
        ))
    })
}

/// The twiggy release `cargo xtask size` reads dominator trees with.
pub const TWIGGY_VERSION: &str = "0.8.0";

/// Finds `twiggy` at [`TWIGGY_VERSION`] (on PATH or in cargo's bin
/// directory), or installs it with `cargo install twiggy --version =…`.
pub fn ensure_twiggy() -> Result<PathBuf> {
    let find = || {
        [on_path("twiggy"), cargo_bin("twiggy")]
            .into_iter()
            .flatten()
            .find(|path| tool_version(path).as_deref() == Some(TWIGGY_VERSION))
    };
    if let Some(found) = find() {
        eprintln!("twiggy: {} is {TWIGGY_VERSION}", found.display());
        return Ok(found);
    }
    eprintln!("twiggy {TWIGGY_VERSION}: not installed; installing from crates.io (a few minutes)");
    let version = format!("={TWIGGY_VERSION}");
    if run(cargo().args(["install", "twiggy", "--locked", "--version", &version])).is_err() {
        run(cargo().args(["install", "twiggy", "--version", &version]))?;
    }
    find().ok_or_else(|| {
        Error::new(format!(
            "installed twiggy {TWIGGY_VERSION}, but cannot find it: add cargo's bin directory \
             ({}) to PATH",
            cargo_home().join("bin").display()
        ))
    })
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

fn cargo_bin(name: &str) -> Option<PathBuf> {
    let path = cargo_home().join("bin").join(name);
    path.is_file().then_some(path)
}

/// `wasm-bindgen 0.2.130` -> `0.2.130`.
fn tool_version(path: &Path) -> Option<String> {
    let out = probe(Command::new(path).arg("--version"))?;
    Some(out.split_whitespace().nth(1)?.to_string())
}

/// Installs the Debian packages whose files are missing, with one
/// `apt-get update` (through `sudo` unless root).
pub fn ensure_apt(needs: &[(&str, &str)]) -> Result<()> {
    let mut missing: Vec<&str> = needs
        .iter()
        .filter(|(file, _)| on_path(file).is_none())
        .map(|&(_, package)| package)
        .collect();
    missing.dedup();
    let have: Vec<&str> = needs.iter().map(|(file, _)| *file).collect();
    if missing.is_empty() {
        eprintln!("system tools: {} present", have.join(", "));
        return Ok(());
    }
    if on_path("apt-get").is_none() {
        return Err(Error::new(format!(
            "missing {} and no apt-get to install them: install the packages {} by hand",
            have.join(", "),
            missing.join(" ")
        )));
    }
    let root = probe(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run_interactive(&mut apt(&["update"]))?;
    run_interactive(apt(&["install", "-y", "--no-install-recommends"]).args(&missing))?;
    for (file, package) in needs {
        if on_path(file).is_none() {
            return Err(Error::new(format!(
                "installed {package}, but {file} is still missing"
            )));
        }
    }
    Ok(())
}

/// Chromium and chromedriver at /usr/bin (Debian's `chromium`, `chromium-driver`).
pub fn ensure_chromium() -> Result<()> {
    ensure_apt(&[(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")])
}

/// Node.js and npm.
pub fn ensure_node() -> Result<()> {
    ensure_apt(&[("node", "nodejs"), ("npm", "npm")])
}

/// Node's (major, minor) version.
pub fn node_version() -> Option<(u32, u32)> {
    let version = probe(Command::new("node").arg("--version"))?;
    let mut parts = version.trim().trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// `npm ci` in `dir`, unless node_modules is newer than package-lock.json.
pub fn npm_ci_if_needed(dir: &Path) -> Result<()> {
    let lock = dir.join("package-lock.json");
    if !lock.is_file() {
        return Err(Error::new(format!(
            "{} is missing: `npm ci` needs it (run `npm install` there and commit it)",
            lock.display()
        )));
    }
    let modified = |path: &Path| -> Option<SystemTime> { path.metadata().ok()?.modified().ok() };
    // npm ci writes node_modules/.package-lock.json last.
    let installed = modified(&dir.join("node_modules").join(".package-lock.json"))
        .or_else(|| modified(&dir.join("node_modules")));
    match (installed, modified(&lock)) {
        (Some(installed), Some(lock_time)) if installed >= lock_time => {
            eprintln!("npm: {}/node_modules is up to date", dir.display());
            Ok(())
        }
        _ => run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)),
    }
}

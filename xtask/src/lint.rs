//! `cargo xtask lint`: formatting, clippy (native and wasm32), and rustdoc
//! (the public documentation builds without a warning: no broken links).

use crate::tools::{self, WASM_TARGET};
use crate::util::{cargo, run, section, Project, Result};

pub fn lint(project: &Project) -> Result<()> {
    section("lint: toolchain");
    tools::ensure_rust_components(&["rustfmt", "clippy"])?;
    tools::ensure_wasm_target()?;

    section("lint: rustfmt");
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;

    section("lint: clippy (native)");
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    section("lint: clippy (wasm32)");
    run(cargo().args([
        "clippy",
        "--lib",
        "--target",
        WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ]))?;
    // tests/wasm_binding.rs includes www/pkg (the shipped module) at compile time.
    if !project.pkg().join("post_preview_bg.wasm").is_file() {
        eprintln!("www/pkg is not built; tests/wasm_binding.rs needs it: building it first");
        crate::build::build(project)?;
    }
    run(cargo().args([
        "clippy",
        "--target",
        WASM_TARGET,
        "--test",
        "wasm_binding",
        "--",
        "-D",
        "warnings",
    ]))?;
    section("lint: rustdoc");
    run(cargo()
        .args(["doc", "--no-deps", "--workspace", "--exclude", "xtask"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    eprintln!("\nlint: clean");
    Ok(())
}

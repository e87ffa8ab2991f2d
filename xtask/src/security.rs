//! `cargo xtask deny` (supply chain, with cargo-deny) and `cargo xtask fuzz`
//! (the cargo-fuzz targets in `fuzz/`, briefly or at length).

use crate::tools;
use crate::util::{cargo, run, section, Error, Project, Result};

/// `cargo deny check licenses bans sources`. The advisories check needs the
/// RustSec database, a git repository outside the package registries, which
/// these machines cannot fetch (SECURITY.md says how advisories are handled).
pub fn deny(project: &Project) -> Result<()> {
    section("supply chain: cargo-deny");
    tools::ensure_cargo_subcommand("deny", "cargo-deny")?;
    run(cargo()
        .current_dir(&project.root)
        .args(["deny", "check", "licenses", "bans", "sources"]))
}

/// Builds and runs the fuzz targets for `seconds` each (on stable Rust,
/// through `RUSTC_BOOTSTRAP=1`, which cargo-fuzz's flags need).
pub fn fuzz(project: &Project, args: &[String]) -> Result<()> {
    let mut seconds = 30u64;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = rest
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| Error::new("--seconds takes a whole number"))?;
            }
            other => return Err(Error::new(format!("unknown option `{other}` for fuzz"))),
        }
    }
    section("fuzz: cargo-fuzz");
    tools::ensure_cargo_subcommand("fuzz", "cargo-fuzz")?;
    let dir = project.root.join("fuzz");
    run(cargo()
        .current_dir(&dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "build", "-O"]))?;
    for target in ["render", "edits", "front_matter"] {
        section(&format!("fuzz: {target} for {seconds} s"));
        let mut fuzz = cargo();
        fuzz.current_dir(&dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "-O", target]);
        // Committed seeds (fuzz/seeds/<target>) start the search, beside the
        // git-ignored working corpus.
        let seeds = dir.join("seeds").join(target);
        if seeds.is_dir() {
            let corpus = dir.join("corpus").join(target);
            std::fs::create_dir_all(&corpus)
                .map_err(|e| Error::new(format!("creating {}: {e}", corpus.display())))?;
            fuzz.arg(&corpus).arg(&seeds);
        }
        run(fuzz.args(["--", &format!("-max_total_time={seconds}"), "-max_len=4096"]))?;
    }
    Ok(())
}

//! `cargo xtask deny` (supply chain, with cargo-deny) and `cargo xtask fuzz`
//! (the cargo-fuzz targets in `fuzz/`, briefly or at length).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::tools;
use crate::util::{cargo, echo, output, run, section, Context, Error, Project, Result};

/// `cargo deny check licenses bans sources`, then the advisories check:
/// against a snapshot of the RustSec database without fetching when there is
/// one (`$PP_ADVISORY_DB`, else `../shared/advisory-db`), else fetching it
/// as cargo-deny does. Under `CI=true` the snapshot must be there.
pub fn deny(project: &Project) -> Result<()> {
    section("supply chain: cargo-deny");
    tools::ensure_cargo_subcommand("deny", "cargo-deny")?;
    run(cargo()
        .current_dir(&project.root)
        .args(["deny", "check", "licenses", "bans", "sources"]))?;
    match advisory_snapshot(project)? {
        Some(snapshot) => advisories_offline(project, &snapshot),
        None if std::env::var("CI").as_deref() == Ok("true") => Err(Error::new(
            "no RustSec advisory snapshot: CI checks advisories against $PP_ADVISORY_DB or \
             ../shared/advisory-db (a folder with the database's crates/), and cannot fetch it",
        )),
        None => {
            section("advisories: no snapshot here, cargo-deny fetches the RustSec database");
            run(cargo()
                .current_dir(&project.root)
                .args(["deny", "check", "advisories"]))
        }
    }
}

/// The folder holding the RustSec database's `crates/`: `$PP_ADVISORY_DB`
/// (which must hold it), else `../shared/advisory-db` when it does.
fn advisory_snapshot(project: &Project) -> Result<Option<PathBuf>> {
    if let Some(dir) = std::env::var_os("PP_ADVISORY_DB") {
        let dir = PathBuf::from(dir);
        if !dir.join("crates").is_dir() {
            return Err(Error::new(format!(
                "PP_ADVISORY_DB={} has no crates/ folder (a copy of the RustSec advisory-db)",
                dir.display()
            )));
        }
        return Ok(Some(dir));
    }
    let shared = project.root.join("..").join("shared").join("advisory-db");
    Ok(shared.join("crates").is_dir().then_some(shared))
}

/// The lock file with a known vulnerable crate that the check must fail on
/// (smallvec 1.6.0, RUSTSEC-2021-0003), so a database that loads nothing
/// cannot pass.
const CANARY: &str = "xtask/fixtures/advisory-canary";
const CANARY_ADVISORY: &str = "RUSTSEC-2021-0003";

/// `cargo deny check advisories` against `snapshot`, never fetching:
/// cargo-deny opens its databases as git repositories under `db-path`, so
/// the snapshot becomes one in `target/advisory-db/` (committed at the date
/// of its newest advisory), and a copy of deny.toml points `db-path` there.
/// `cargo metadata` runs first (it may download crates from crates.io), so
/// cargo-deny itself runs `--offline`.
fn advisories_offline(project: &Project, snapshot: &Path) -> Result<()> {
    let newest = newest_advisory(snapshot)?;
    section(&format!(
        "advisories: RustSec snapshot {} (newest advisory {newest}, {} days old), without fetching",
        snapshot.display(),
        days_since(&newest).map_or_else(|| "?".to_owned(), |d| d.to_string())
    ));
    let work = project.target_dir.join("advisory-db");
    if work.exists() {
        fs::remove_dir_all(&work).context(|| format!("removing {}", work.display()))?;
    }
    let root = work.join("dbs");
    fs::create_dir_all(&root).context(|| format!("creating {}", root.display()))?;
    let config = work.join("deny.toml");
    let policy =
        fs::read_to_string(project.root.join("deny.toml")).context(|| "deny.toml".into())?;
    let db_path = format!("[advisories]\ndb-path = {:?}", root.to_string_lossy());
    if !policy.contains("\n[advisories]\n") {
        return Err(Error::new("deny.toml has no [advisories] section"));
    }
    fs::write(
        &config,
        policy.replacen("\n[advisories]", &format!("\n{db_path}"), 1),
    )
    .context(|| format!("writing {}", config.display()))?;
    let check = |manifest: &Path, metadata: &Path, log: &str| {
        let mut deny = cargo();
        deny.current_dir(&project.root)
            .args(["deny", "--log-level", log, "--offline", "--manifest-path"])
            .arg(manifest)
            .arg("--metadata-path")
            .arg(metadata)
            .arg("--config")
            .arg(&config)
            .args(["check", "advisories"]);
        deny
    };
    let metadata = |manifest: &Path, name: &str| -> Result<PathBuf> {
        let json = output(
            cargo()
                .current_dir(&project.root)
                .args([
                    "metadata",
                    "--format-version",
                    "1",
                    "--locked",
                    "--manifest-path",
                ])
                .arg(manifest),
        )?;
        let path = work.join(name);
        fs::write(&path, json).context(|| format!("writing {}", path.display()))?;
        Ok(path)
    };
    let manifest = project.root.join("Cargo.toml");
    let ours = metadata(&manifest, "metadata.json")?;
    // Where cargo-deny opens the database (a directory named after a hash of
    // its URL, which differs between versions): asked of cargo-deny itself.
    let (_, said) = quiet(&mut check(&manifest, &ours, "debug"))?;
    let db = database_dir(&said, &root)?;
    copy_dir(snapshot, &db)?;
    let git = |args: &[&str]| {
        let mut git = Command::new("git");
        git.current_dir(&db)
            .args([
                "-c",
                "user.name=advisory snapshot",
                "-c",
                "user.email=snapshot@localhost",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", format!("{newest}T00:00:00Z"))
            .env("GIT_COMMITTER_DATE", format!("{newest}T00:00:00Z"));
        git
    };
    run(git(&["init", "-q"]).stdout(Stdio::null()))?;
    run(&mut git(&["add", "-A"]))?;
    run(&mut git(&[
        "commit",
        "-q",
        "-m",
        "RustSec advisory-db snapshot",
    ]))?;
    // The canary first: the database must find a known vulnerability.
    let canary = project.root.join(CANARY).join("Cargo.toml");
    let canary_metadata = metadata(&canary, "canary-metadata.json")?;
    let (passed, said) = quiet(&mut check(&canary, &canary_metadata, "warn"))?;
    if passed || !said.contains(CANARY_ADVISORY) {
        eprintln!("{said}");
        return Err(Error::new(format!(
            "the advisories check passed {CANARY}, whose lock file has a crate with \
             {CANARY_ADVISORY}: the snapshot at {} loaded no advisories",
            snapshot.display()
        )));
    }
    eprintln!("canary: {CANARY} fails with {CANARY_ADVISORY}, as it must");
    run(&mut check(&manifest, &ours, "warn"))
}

/// Runs `command` (printed first), capturing stderr: whether it succeeded,
/// and what it said.
fn quiet(command: &mut Command) -> Result<(bool, String)> {
    echo(command);
    let out = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context(|| "running cargo-deny".into())?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The database directory under `root` that cargo-deny's log names.
fn database_dir(log: &str, root: &Path) -> Result<PathBuf> {
    let root = root.to_string_lossy();
    let prefix = format!("{root}/");
    log.find(&prefix)
        .map(|at| {
            let rest = &log[at + prefix.len()..];
            let end = rest
                .find(|c: char| c == '\'' || c == '"' || c == '/' || c.is_whitespace())
                .unwrap_or(rest.len());
            Path::new(root.as_ref()).join(&rest[..end])
        })
        .filter(|dir| dir.file_name().is_some_and(|n| !n.is_empty()))
        .ok_or_else(|| {
            Error::new(format!(
                "cargo-deny did not say where under {root} it opens the advisory database:\n{log}"
            ))
        })
}

/// Copies the directory `from` to `to` (created), recursively.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).context(|| format!("creating {}", to.display()))?;
    for entry in fs::read_dir(from).context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)
                .context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The date (`YYYY-MM-DD`) of the newest advisory under `snapshot/crates`.
fn newest_advisory(snapshot: &Path) -> Result<String> {
    let mut newest = String::new();
    let crates = snapshot.join("crates");
    for krate in fs::read_dir(&crates).context(|| format!("reading {}", crates.display()))? {
        let krate = krate?.path();
        for advisory in fs::read_dir(&krate).context(|| format!("reading {}", krate.display()))? {
            let text = fs::read_to_string(advisory?.path())?;
            if let Some(date) = text
                .lines()
                .find_map(|l| l.strip_prefix("date = \""))
                .and_then(|d| d.get(..10))
            {
                if date > newest.as_str() {
                    newest = date.to_owned();
                }
            }
        }
    }
    if newest.is_empty() {
        return Err(Error::new(format!(
            "no advisory with a date under {}",
            crates.display()
        )));
    }
    Ok(newest)
}

/// Days from `date` (`YYYY-MM-DD`) to today (UTC).
fn days_since(date: &str) -> Option<i64> {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    // Days from the civil date to 1970-01-01 (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let then = era * 146_097 + doe - 719_468;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs() as i64
        / 86_400;
    Some(now - then)
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

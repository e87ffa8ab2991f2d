//! Decap CMS for the example (www/decap/) and tests/decap: decap-cms's one
//! npm tarball (`npm pack`), checked against a pinned sha512, of which only
//! `dist/` is kept (a self-contained browser bundle, React inside), in
//! `target/decap-cms-VERSION/dist/`. No `npm install`: decap-cms's hundreds
//! of dependencies are for bundling it, not for serving its bundle.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{output, run, Context, Error, Project, Result};

/// The decap-cms release the example and its tests use.
pub const VERSION: &str = "3.16.3";

/// The sha512 of decap-cms 3.16.3's tarball, as the npm registry gives it
/// (`npm view decap-cms@3.16.3 dist.integrity`).
pub const INTEGRITY: &str =
    "sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw==";

/// Where www/decap/ loads Decap CMS from: decap-cms's `dist/` is served there.
pub const MOUNT: &str = "/decap/vendor/";

/// decap-cms's `dist/` (`target/decap-cms-VERSION/dist`), fetched on first
/// use: `npm pack` downloads the one tarball, its sha512 must be
/// [`INTEGRITY`], and `tar` extracts `package/dist/` alone.
pub fn dist(project: &Project) -> Result<PathBuf> {
    let dir = project.target_dir.join(format!("decap-cms-{VERSION}"));
    let dist = dir.join("dist");
    // The folder appears by a rename once complete, so it is whole or absent.
    if dist.join("decap-cms.js").is_file() {
        return Ok(dist);
    }
    crate::tools::ensure_node()?;
    let partial = project.target_dir.join(format!(
        "decap-cms-{VERSION}.partial-{}",
        std::process::id()
    ));
    let fetched = fetch(&partial);
    if let Err(error) = fetched.and_then(|()| {
        // Another run may have finished first: its folder is as good.
        if std::fs::rename(&partial, &dir).is_err() && !dist.join("decap-cms.js").is_file() {
            return Err(Error::new(format!(
                "cannot move {} to {}",
                partial.display(),
                dir.display()
            )));
        }
        Ok(())
    }) {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(error);
    }
    let _ = std::fs::remove_dir_all(&partial);
    Ok(dist)
}

/// Fills `partial` with decap-cms's checked `dist/` (and nothing else).
fn fetch(partial: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(partial);
    std::fs::create_dir_all(partial).context(|| format!("creating {}", partial.display()))?;
    run(Command::new("npm")
        .args(["pack", &format!("decap-cms@{VERSION}")])
        .args(["--pack-destination", ".", "--silent"])
        .current_dir(partial))?;
    let tarball = partial.join(format!("decap-cms-{VERSION}.tgz"));
    let integrity = sha512(&tarball)?;
    if integrity != INTEGRITY {
        return Err(Error::new(format!(
            "decap-cms-{VERSION}.tgz from npm has the integrity {integrity}, \
             not the pinned {INTEGRITY} (xtask/src/decap.rs): not using it"
        )));
    }
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(partial)
        .arg("package/dist"))?;
    std::fs::rename(partial.join("package/dist"), partial.join("dist"))
        .context(|| format!("moving {}/package/dist", partial.display()))?;
    std::fs::remove_dir_all(partial.join("package"))?;
    std::fs::remove_file(&tarball)?;
    if !partial.join("dist/decap-cms.js").is_file() {
        return Err(Error::new(format!(
            "decap-cms-{VERSION}.tgz has no package/dist/decap-cms.js"
        )));
    }
    Ok(())
}

/// A file's sha512 in npm's integrity form (`sha512-` and base64), by Node.
fn sha512(file: &Path) -> Result<String> {
    const SCRIPT: &str = "const { createHash } = require('node:crypto'); \
        const data = require('node:fs').readFileSync(process.argv[1]); \
        process.stdout.write('sha512-' + createHash('sha512').update(data).digest('base64'))";
    let printed = output(Command::new("node").args(["-e", SCRIPT]).arg(file))?;
    Ok(printed.trim().to_string())
}

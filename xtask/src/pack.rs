//! `cargo xtask pack`: the npm package for embedders, as a tarball in
//! `npm pack`'s layout (`target/npm/post-preview-VERSION.tgz`).
//!
//! The package is the embedding API as the page serves it (www/: the module,
//! the element's and Decap's entry points, the worker, the scroll sync and
//! the stylesheet), the wasm package from `cargo xtask build` under `pkg/`,
//! and the hand-written types and package.json from npm/. Every file is
//! found relative to the module (`new URL(…, import.meta.url)`), so the same
//! files work served as they are and bundled.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build::{self, package_version};
use crate::tools;
use crate::util::{output, section, Context, Error, Project, Result};

/// From www/: the module and what it loads.
const WWW_FILES: &[&str] = &[
    "post-preview.js",
    "element.js",
    "decap.js",
    "scroll-sync.js",
    "render-worker.js",
    "preview.css",
];

/// From www/pkg/ (wasm-bindgen's output), into pkg/.
const PKG_FILES: &[&str] = &[
    "post_preview.js",
    "post_preview_bg.wasm",
    "post_preview.d.ts",
];

/// From npm/: the types and the manifest.
const NPM_FILES: &[&str] = &[
    "package.json",
    "post-preview.d.ts",
    "element.d.ts",
    "decap.d.ts",
];

/// Builds www/pkg, then writes the tarball; returns its path.
pub fn pack(project: &Project) -> Result<PathBuf> {
    build::build(project)?;
    pack_built(project)
}

/// Writes the tarball from www/ as it is (www/pkg built); returns its path.
pub fn pack_built(project: &Project) -> Result<PathBuf> {
    section("pack: the npm package");
    tools::ensure_node()?;
    let out = project.target_dir.join("npm");
    let stage = out.join("package");
    if stage.exists() {
        std::fs::remove_dir_all(&stage).context(|| format!("removing {}", stage.display()))?;
    }
    std::fs::create_dir_all(stage.join("pkg"))
        .context(|| format!("creating {}", stage.display()))?;
    let copy = |from: PathBuf, to: PathBuf| {
        std::fs::copy(&from, &to)
            .map(drop)
            .context(|| format!("copying {} to {}", from.display(), to.display()))
    };
    for name in WWW_FILES {
        copy(project.www().join(name), stage.join(name))?;
    }
    for name in PKG_FILES {
        copy(project.pkg().join(name), stage.join("pkg").join(name))?;
    }
    for name in NPM_FILES {
        copy(project.root.join("npm").join(name), stage.join(name))?;
    }
    copy(project.root.join("README.md"), stage.join("README.md"))?;
    check_version(project, &stage)?;

    let name = output(
        Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&out)
            .current_dir(&stage),
    )?;
    let tarball = out.join(name.trim().lines().last().unwrap_or_default());
    if !tarball.is_file() {
        return Err(Error::new(format!(
            "npm pack wrote no {}",
            tarball.display()
        )));
    }
    eprintln!("wrote {}", tarball.display());
    Ok(tarball)
}

/// npm/package.json's version must be Cargo.toml's.
fn check_version(project: &Project, stage: &Path) -> Result<()> {
    let cargo = package_version(&project.root)?;
    let path = stage.join("package.json");
    let json = std::fs::read_to_string(&path).context(|| format!("reading {}", path.display()))?;
    let npm = json
        .lines()
        .find_map(|line| line.trim().strip_prefix("\"version\":"))
        .map(|v| v.trim().trim_end_matches(',').trim_matches('"'))
        .unwrap_or_default();
    if npm != cargo {
        return Err(Error::new(format!(
            "npm/package.json has version {npm:?}, Cargo.toml {cargo:?}: make them equal"
        )));
    }
    Ok(())
}

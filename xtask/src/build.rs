//! `cargo xtask build`: the release wasm, its JS glue and package.json in www/pkg.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::tools::{self, Bindgen, WASM_TARGET};
use crate::util::{cargo, echo, json_string, run, section, Context, Error, Project, Result};

/// The npm package name and the lib's file stem.
const PACKAGE: &str = "post-preview";
const STEM: &str = "post_preview";

/// What a build produced.
pub struct Built {
    pub bindgen: Bindgen,
}

pub fn build(project: &Project) -> Result<Built> {
    section("build: toolchain");
    tools::ensure_wasm_target()?;
    let bindgen = tools::ensure_wasm_bindgen(&project.root)?;

    section("build: wasm (release)");
    run(cargo().args(["build", "--lib", "--release", "--target", WASM_TARGET]))?;
    let wasm = project
        .target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{STEM}.wasm"));
    if !wasm.is_file() {
        return Err(Error::new(format!("cargo built no {}", wasm.display())));
    }

    section("build: JS bindings");
    let pkg = project.pkg();
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg).context(|| format!("removing {}", pkg.display()))?;
    }
    // No name section: 178 KB raw / 50 KB gzipped of function names that
    // only make trap stack traces readable; the panic hook logs the message
    // and location anyway. (wasm-opt -O3 was measured too: 5% smaller than
    // this raw, 2.6% larger gzipped, 25 s per build; not worth it.)
    run(Command::new(&bindgen.wasm_bindgen)
        .args([
            "--target",
            "web",
            "--remove-name-section",
            "--remove-producers-section",
        ])
        .arg("--out-dir")
        .arg(&pkg)
        .arg(&wasm))?;
    check_exports(&pkg)?;
    write_package_json(project, &pkg)?;

    section("build: sizes");
    report_size(&pkg.join(format!("{STEM}_bg.wasm")))?;
    report_size(&pkg.join(format!("{STEM}.js")))?;
    eprintln!("built {}", pkg.display());
    Ok(Built { bindgen })
}

/// The exports the page relies on, as wasm-bindgen wrote them: a cheap guard
/// against a renamed or dropped export.
fn check_exports(pkg: &Path) -> Result<()> {
    let read = |name: &str| {
        let path = pkg.join(name);
        std::fs::read_to_string(&path).context(|| format!("reading {}", path.display()))
    };
    let js = read(&format!("{STEM}.js"))?;
    let dts = read(&format!("{STEM}.d.ts"))?;
    let expected = [
        (&js, "as default", "a default export `init`"),
        (
            &dts,
            "export function render(source: string, options?: RenderOptions): Preview;",
            "`render(source, options?): Preview`",
        ),
        (
            &dts,
            "export function renderPage(source: string, options?: RenderOptions): string;",
            "`renderPage(source, options?): string`",
        ),
        (&dts, "export class LiveBinding", "`class LiveBinding`"),
        (&dts, "export interface Preview", "the `Preview` interface"),
    ];
    for (text, needle, what) in expected {
        if !text.contains(needle) {
            return Err(Error::new(format!(
                "www/pkg lacks {what} (looked for `{needle}`)"
            )));
        }
    }
    eprintln!("exports: init (default), render, renderPage, LiveBinding, and the TypeScript types");
    Ok(())
}

fn write_package_json(project: &Project, pkg: &Path) -> Result<()> {
    let version = package_version(&project.root)?;
    let mut files: Vec<String> = std::fs::read_dir(pkg)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name != "package.json" && name != ".gitignore")
        .collect();
    files.sort();
    let files: Vec<String> = files.iter().map(|f| json_string(f)).collect();
    let json = format!(
        "{{\n  \"name\": {name},\n  \"version\": {version},\n  \"type\": \"module\",\n  \
         \"main\": \"{STEM}.js\",\n  \"module\": \"{STEM}.js\",\n  \"types\": \"{STEM}.d.ts\",\n  \
         \"files\": [\n    {files}\n  ],\n  \"sideEffects\": false\n}}\n",
        name = json_string(PACKAGE),
        version = json_string(&version),
        files = files.join(",\n    "),
    );
    let path = pkg.join("package.json");
    std::fs::write(&path, json).context(|| format!("writing {}", path.display()))?;
    eprintln!("wrote {} (version {version})", path.display());
    Ok(())
}

/// `version = "..."` in Cargo.toml's `[package]` table.
pub fn package_version(root: &Path) -> Result<String> {
    let manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).context(|| "reading Cargo.toml".into())?;
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version") {
                if let Some(value) = value.trim_start().strip_prefix('=') {
                    return Ok(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    Err(Error::new("Cargo.toml's [package] has no version"))
}

/// Prints raw and `gzip -9` sizes.
fn report_size(path: &PathBuf) -> Result<()> {
    let bytes = std::fs::read(path).context(|| format!("reading {}", path.display()))?;
    let gzipped = gzip_len(&bytes)?;
    eprintln!(
        "{}: {} raw, {} gzip -9",
        path.file_name().unwrap_or_default().to_string_lossy(),
        human(bytes.len()),
        human(gzipped)
    );
    Ok(())
}

/// The length of `gzip -9c` output (gzip is on every Debian system).
fn gzip_len(bytes: &[u8]) -> Result<usize> {
    echo(Command::new("gzip").arg("-9c"));
    gzip_len_quiet(bytes)
}

/// [`gzip_len`] without printing the command (for many small inputs).
pub fn gzip_len_quiet(bytes: &[u8]) -> Result<usize> {
    let mut command = Command::new("gzip");
    command.arg("-9c");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context(|| "could not run `gzip`".into())?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| Error::new("gzip writer thread panicked"))??;
    if !out.status.success() {
        return Err(Error::new(format!("`gzip -9c` failed ({})", out.status)));
    }
    Ok(out.stdout.len())
}

/// `2028649` -> `2,028,649 B (1981.1 KiB)`.
fn human(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} B ({:.1} KiB)", n as f64 / 1024.0)
}

//! `cargo xtask size`: where the wasm module's bytes come from, crate by
//! crate, and what the engines the project is built on weigh by themselves.
//!
//! It builds the same release wasm as `cargo xtask build` (same profile, same
//! features) into a target directory of its own, `target/size/`, with one
//! extra linker flag, `--Map`, which writes the link map: every function and
//! every piece of read-only data, with its offset and size in the output
//! module. Code is attributed by symbol (the crate that defines the function;
//! a generic function instantiated for another crate's types counts under the
//! crate that defines it, so `core` holds much drop glue and sorting of other
//! crates' values), read-only data by the object file it came from. Each
//! crate's bytes are then compressed alone with `gzip -9`: the sum of those is
//! a little more than the whole module's gzip, which shares a dictionary.
//!
//! Functions that wasm-bindgen removes from the shipped module
//! (`__wbindgen_describe_*`) are left out, so the total is that of
//! `www/pkg/post_preview_bg.wasm`'s code and data.

use std::collections::BTreeMap;
use std::path::Path;

use crate::build::gzip_len_quiet;
use crate::tools::{self, WASM_TARGET};
use crate::util::{cargo, run, section, Context, Error, Project, Result};

/// Crates grouped by the job they do for post-preview. Every crate of the
/// wasm build that is not listed here is reported under "other".
const GROUPS: &[(&str, &[&str])] = &[
    (
        "sanitizer: ammonia and its HTML parser, URL and CSS stack",
        &[
            "ammonia",
            "html5ever",
            "markup5ever",
            "web_atoms",
            "tendril",
            "string_cache",
            "phf",
            "phf_shared",
            "siphasher",
            "precomputed_hash",
            "new_debug_unreachable",
            "mac",
            "futf",
            "utf8",
            "url",
            "idna",
            "idna_adapter",
            "icu_normalizer",
            "icu_properties",
            "icu_collections",
            "icu_provider",
            "icu_locale_core",
            "zerovec",
            "zerotrie",
            "potential_utf",
            "tinystr",
            "yoke",
            "litemap",
            "writeable",
            "utf8_iter",
            "utf16_iter",
            "form_urlencoded",
            "percent_encoding",
            "cssparser",
            "dtoa",
            "dtoa_short",
            "maplit",
        ],
    ),
    (
        "markdown: pulldown-cmark (and linkify, which LTO inlines into post-preview's code)",
        &[
            "pulldown_cmark",
            "pulldown_cmark_escape",
            "unicase",
            "linkify",
        ],
    ),
    (
        "front matter: serde_yaml, toml, jiff, serde_json",
        &[
            "serde_yaml",
            "unsafe_libyaml",
            "toml",
            "toml_parser",
            "toml_datetime",
            "serde_spanned",
            "winnow",
            "jiff",
            "jiff_core",
            "serde_json",
            "zmij",
            "ryu",
            "itoa",
            "indexmap",
            "serde",
            "serde_core",
        ],
    ),
    (
        "post-preview's own code",
        &["post_preview", "post_preview_jinja"],
    ),
    (
        "wasm-bindgen glue",
        &["wasm_bindgen", "js_sys", "web_sys", "serde_wasm_bindgen"],
    ),
    (
        "Rust's standard library and allocator",
        &[
            "core",
            "alloc",
            "std",
            "compiler_builtins",
            "dlmalloc",
            "hashbrown",
            "foldhash",
            "smallvec",
            "memchr",
            "parking_lot",
            "parking_lot_core",
            "lock_api",
            "once_cell",
        ],
    ),
];

/// The groups the project's charter names as its engines (ammonia,
/// pulldown-cmark, serde_yaml): the floor under any build of it.
const ENGINE_GROUPS: usize = 3;

/// The size target of issue 5, in bytes of `gzip -9` output.
const TARGET_GZIP: usize = 450 * 1024;

pub fn size(project: &Project) -> Result<()> {
    section("size: toolchain");
    tools::ensure_wasm_target()?;

    section("size: wasm (release) with a link map");
    let dir = project.target_dir.join("size");
    let map = dir.join("post_preview.map");
    run(cargo()
        .args(["build", "--lib", "--release", "--target", WASM_TARGET])
        .env("CARGO_TARGET_DIR", &dir)
        .env(
            "CARGO_ENCODED_RUSTFLAGS",
            format!("-Clink-arg=--Map={}", map.display()),
        ))?;
    let wasm = dir
        .join(WASM_TARGET)
        .join("release")
        .join("post_preview.wasm");
    let module = std::fs::read(&wasm).context(|| format!("reading {}", wasm.display()))?;
    let text = std::fs::read_to_string(&map).context(|| format!("reading {}", map.display()))?;

    section("size: by crate");
    let pieces = parse_map(&text, &module)?;
    report(&pieces)
}

/// One crate's bytes in the module.
#[derive(Default)]
struct Piece {
    code: Vec<u8>,
    data: Vec<u8>,
}

/// Reads a wasm-ld link map: the `CODE` section's functions and the
/// `.rodata` section's inputs, each attributed to a crate.
///
/// A line is three right-aligned fields (address, file offset, size; 26
/// columns), then the name indented by depth: 1 space for an output
/// section, 9 for an input section, 17 for a symbol.
fn parse_map(text: &str, module: &[u8]) -> Result<BTreeMap<String, Piece>> {
    let mut pieces: BTreeMap<String, Piece> = BTreeMap::new();
    let mut section = "";
    let mut lines = 0;
    for line in text.lines().skip(1) {
        let (Some(fields), Some(rest)) = (line.get(..26), line.get(26..)) else {
            continue;
        };
        let mut fields = fields.split_whitespace();
        let (Some(_), Some(offset), Some(size)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let name = rest.trim_start();
        let depth = rest.len() - name.len();
        if depth == 1 {
            section = name;
            continue;
        }
        if depth != 9 || !(section == "CODE" || section == ".rodata") {
            continue;
        }
        let parse = |hex: &str| usize::from_str_radix(hex, 16).ok();
        let (Some(offset), Some(size)) = (parse(offset), parse(size)) else {
            return Err(Error::new(format!("link map: unreadable line `{line}`")));
        };
        let bytes = module.get(offset..offset + size).ok_or_else(|| {
            Error::new(format!(
                "link map: bytes {offset:#x}+{size:#x} lie outside the module"
            ))
        })?;
        let code = section == "CODE";
        let krate = if code {
            let symbol = name
                .rsplit_once(":(")
                .map_or(name, |(_, s)| s.trim_end_matches(')'));
            if symbol.starts_with("__wbindgen_describe") {
                continue; // wasm-bindgen removes these from the shipped module
            }
            crate_of_symbol(symbol)
        } else {
            crate_of_object(name)
        };
        let piece = pieces.entry(krate).or_default();
        if code {
            piece.code.extend_from_slice(bytes);
        } else {
            piece.data.extend_from_slice(bytes);
        }
        lines += 1;
    }
    if lines == 0 {
        return Err(Error::new(
            "link map: no CODE or .rodata inputs found (has wasm-ld's map format changed?)",
        ));
    }
    Ok(pieces)
}

/// The crate that defines a function, from its mangled name: the first crate
/// root of a v0 symbol (`_R…C[s<hash>_]<len><crate>…`), the first name of a
/// legacy one (`_ZN<len><crate>…`), or "other".
fn crate_of_symbol(symbol: &str) -> String {
    let ident_at = |s: &str| -> Option<String> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let len: usize = s[..digits].parse().ok()?;
        let name = s.get(digits..digits + len)?;
        (!name.is_empty() && !name.starts_with('_')).then(|| name.to_string())
    };
    if let Some(rest) = symbol.strip_prefix("_R") {
        for (i, _) in rest.match_indices('C') {
            let mut after = &rest[i + 1..];
            if let Some(hashed) = after.strip_prefix('s') {
                match hashed.find('_') {
                    Some(end) if hashed[..end].bytes().all(|b| b.is_ascii_alphanumeric()) => {
                        after = &hashed[end + 1..];
                    }
                    _ => continue,
                }
            }
            if let Some(name) = ident_at(after) {
                return name;
            }
        }
    } else if let Some(rest) = symbol.strip_prefix("_ZN") {
        if let Some(name) = ident_at(rest) {
            return name;
        }
        // A trait impl, `_ZN<len>_$LT$<type> as <trait>$GT$…`: the first
        // path in it (the type's crate, or the trait's for `T` or `f64`).
        for (at, _) in rest.match_indices("..") {
            let start = rest[..at]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            let name = &rest[start..at];
            if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                return name.to_string();
            }
        }
    } else if symbol.starts_with("__wbg") || symbol.starts_with("__wbindgen") {
        return "wasm_bindgen".into();
    }
    "other".into()
}

/// The crate an input object belongs to: `…/libfoo-HASH.rlib(foo-HASH.….o)`,
/// `…/deps/foo.foo.HASH-cgu.0.rcgu.o`, or the linker's own data.
fn crate_of_object(name: &str) -> String {
    let object = name.split(":(").next().unwrap_or(name);
    let file = match object.rsplit_once(".rlib(") {
        Some((_, member)) => member,
        None => Path::new(object)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or(object),
    };
    if file.starts_with('<') {
        return "linker".into();
    }
    let end = file.find(['-', '.']).unwrap_or(file.len());
    file[..end].to_string()
}

fn report(pieces: &BTreeMap<String, Piece>) -> Result<()> {
    let mut rows = Vec::new();
    for (krate, piece) in pieces {
        let mut all = piece.code.clone();
        all.extend_from_slice(&piece.data);
        rows.push((gzip_len_quiet(&all)?, krate.as_str(), piece));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));

    let kib = |n: usize| format!("{:.1}", n as f64 / 1024.0);
    println!("| crate | code KiB | data KiB | gzip -9 alone KiB |");
    println!("| --- | ---: | ---: | ---: |");
    let (mut code, mut data, mut gzip) = (0, 0, 0);
    for (gz, krate, piece) in &rows {
        code += piece.code.len();
        data += piece.data.len();
        gzip += gz;
        if *gz >= 1024 {
            println!(
                "| {krate} | {} | {} | {} |",
                kib(piece.code.len()),
                kib(piece.data.len()),
                kib(*gz)
            );
        }
    }
    println!(
        "| (all {} crates; those under 1 KiB not listed) | {} | {} | {} |",
        rows.len(),
        kib(code),
        kib(data),
        kib(gzip)
    );

    println!("\n| group | crates | gzip -9 alone KiB |");
    println!("| --- | --- | ---: |");
    let group_of = |krate: &str| {
        GROUPS
            .iter()
            .position(|(_, crates)| crates.contains(&krate))
            .unwrap_or(GROUPS.len())
    };
    let mut totals = vec![(0usize, Vec::new()); GROUPS.len() + 1];
    for (gz, krate, _) in &rows {
        let group = &mut totals[group_of(krate)];
        group.0 += gz;
        if *gz >= 1024 {
            group.1.push(*krate);
        }
    }
    for (i, (gz, crates)) in totals.iter().enumerate() {
        let name = GROUPS.get(i).map_or("other", |g| g.0);
        println!("| {name} | {} | {} |", crates.join(", "), kib(*gz));
    }
    let engines: usize = totals[..ENGINE_GROUPS].iter().map(|t| t.0).sum();
    let mut all = Vec::with_capacity(code + data);
    for piece in pieces.values() {
        all.extend_from_slice(&piece.code);
        all.extend_from_slice(&piece.data);
    }
    let whole = gzip_len_quiet(&all)?;
    println!(
        "\nThe engines alone (the first {ENGINE_GROUPS} groups): {} KiB gzip; \
         with the standard library: {} KiB; the {} KiB target: {} KiB.",
        kib(engines),
        kib(engines + totals[GROUPS.len() - 1].0),
        TARGET_GZIP / 1024,
        kib(TARGET_GZIP),
    );
    println!(
        "All the code and data compressed together: {} KiB gzip -9 (the sums above \
         compress each crate alone, without a shared dictionary).",
        kib(whole)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_of_symbols() {
        assert_eq!(
            crate_of_symbol(
                "_RNvMsa_NtCs86o9dxWySvj_9hashbrown3rawNtB5_13RawTableInner15rehash_in_place"
            ),
            "hashbrown"
        );
        assert_eq!(
            crate_of_symbol("_RNvNtCsgXGp5Oqx2Ny_4core3ptr25swap_nonoverlapping_bytes"),
            "core"
        );
        assert_eq!(
            crate_of_symbol("_ZN4zmij11STATIC_DATA17h9d89994ab6febf5fE"),
            "zmij"
        );
        assert_eq!(
            crate_of_symbol("_ZN50_$LT$T$u20$as$u20$x$GT$3fmt17hE"),
            "other"
        );
        assert_eq!(
            crate_of_symbol("__wbg_value_f61036dc298faa36"),
            "wasm_bindgen"
        );
        assert_eq!(crate_of_symbol("memcmp"), "other");
    }

    #[test]
    fn crates_of_objects() {
        assert_eq!(
            crate_of_object("/r/deps/libweb_atoms-de20.rlib(web_atoms-de20.web_atoms.55b1-cgu.0.rcgu.o):(.rodata..Lanon.7.1)"),
            "web_atoms"
        );
        assert_eq!(
            crate_of_object(
                "/r/deps/post_preview.post_preview.503e-cgu.0.rcgu.o:(.rodata..Lanon.0.1)"
            ),
            "post_preview"
        );
        assert_eq!(crate_of_object("<internal>:(.rodata)"), "linker");
    }
}

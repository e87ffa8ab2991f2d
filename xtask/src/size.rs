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
//!
//! Then post-preview's own code by module (functions and named statics,
//! from their symbols' paths), and what site profiles add: the functions
//! that twiggy's dominator tree shows under site-profile code (those
//! functions and everything only they reach, such as the standard library's
//! generic code made for their types), the site-profile modules' named
//! statics, the template engine crate's data and the built-in profiles'
//! text, compressed together and compared with issue 14's budget. twiggy
//! (pinned, [`tools::TWIGGY_VERSION`]) is installed when missing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::build::gzip_len_quiet;
use crate::tools::{self, WASM_TARGET};
use crate::util::{cargo, output, run, section, Context, Error, Project, Result};

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

/// post-preview's own crates and where their sources are: their functions
/// and named statics are reported by module too.
const OWN_CRATES: &[(&str, &str)] = &[
    ("post_preview", "src"),
    ("post_preview_jinja", "crates/jinja/src"),
];

/// What site profiles bring into the module (issue 14's budget): the
/// template engine, reading and resolving profiles, the header's context,
/// and Zola's heading ids with their transliteration table. The built-in
/// profiles' text is counted from the files themselves.
const SITE_PROFILES: &[&str] = &[
    "post_preview_jinja",
    "post_preview::profile",
    "post_preview::header",
    "post_preview::markdown::zola_slug",
];

/// Issue 14's budget for [`SITE_PROFILES`], in bytes of `gzip -9` output.
const SITE_PROFILES_BUDGET: usize = 60 * 1024;

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
    let map = parse_map(&text, &module, &|path| project.root.join(path).exists())?;
    report(&map.crates)?;

    section("size: post-preview's own code by module");
    report_modules(&map.modules)?;

    section("size: what site profiles add (twiggy's dominator tree)");
    let twiggy = tools::ensure_twiggy()?;
    let tree = output(Command::new(&twiggy).arg("dominators").arg(&wasm))?;
    report_site_profiles(project, &map, &tree)
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
///
/// Also returns, for post-preview's own crates, each function and named
/// static by module (`post_preview::markdown::zola_slug`): `exists` says
/// whether a source path (relative to the workspace) exists, which tells a
/// module from a function or type of the same path.
fn parse_map(text: &str, module: &[u8], exists: &dyn Fn(&str) -> bool) -> Result<Map> {
    let mut pieces: BTreeMap<String, Piece> = BTreeMap::new();
    let mut modules: BTreeMap<String, Piece> = BTreeMap::new();
    let mut functions: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut function_modules: BTreeMap<String, String> = BTreeMap::new();
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
        let inner = name
            .rsplit_once(":(")
            .map_or(name, |(_, s)| s.trim_end_matches(')'));
        let krate = if code {
            if inner.starts_with("__wbindgen_describe") {
                continue; // wasm-bindgen removes these from the shipped module
            }
            crate_of_symbol(inner)
        } else {
            crate_of_object(name)
        };
        // A function's symbol, or a named static's (`.rodata.<symbol>`).
        let symbol = if code {
            Some(inner)
        } else {
            inner.strip_prefix(".rodata.")
        };
        // A function's hash, which twiggy's names end with too.
        let hash = symbol.filter(|_| code).and_then(symbol_hash);
        if let Some(hash) = hash {
            functions
                .entry(hash.to_owned())
                .or_default()
                .extend_from_slice(bytes);
        }
        if let Some(own) = symbol.and_then(|s| module_of_symbol(s, exists)) {
            if let Some(hash) = hash {
                function_modules.insert(hash.to_owned(), own.clone());
            }
            let piece = modules.entry(own).or_default();
            if code {
                piece.code.extend_from_slice(bytes);
            } else {
                piece.data.extend_from_slice(bytes);
            }
        }
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
    Ok(Map {
        crates: pieces,
        modules,
        functions,
        function_modules,
    })
}

/// What the link map says of the module.
struct Map {
    /// Code and data by crate.
    crates: BTreeMap<String, Piece>,
    /// Functions and named statics of post-preview's own crates, by module.
    modules: BTreeMap<String, Piece>,
    /// Each function's code, by the hash that ends its legacy symbol
    /// (`h0123456789abcdef`), which twiggy's names end with too.
    functions: BTreeMap<String, Vec<u8>>,
    /// The module of each of post-preview's own functions, by hash.
    function_modules: BTreeMap<String, String>,
}

/// The hash of a legacy symbol: `h…` of `…17h0123456789abcdefE`.
fn symbol_hash(symbol: &str) -> Option<&str> {
    let hash = symbol
        .strip_suffix('E')?
        .get(symbol.len().checked_sub(20)?..)?;
    let hash = hash.strip_prefix("17")?;
    (hash.starts_with('h') && hash[1..].bytes().all(|b| b.is_ascii_hexdigit())).then_some(hash)
}

/// The names of a legacy symbol's path (`_ZN12post_preview6header6render17h…E`
/// gives `post_preview`, `header`, `render`, `h…`); for a trait impl
/// (`_ZN…_$LT$post_preview..patch..Op$u20$as$u20$…$GT$3fmt…`), the path of
/// the implementing type.
fn legacy_path(symbol: &str) -> Vec<String> {
    let Some(mut rest) = symbol.strip_prefix("_ZN") else {
        return vec![];
    };
    let mut names = Vec::new();
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Some(len) = rest[..digits].parse::<usize>().ok() else {
            break;
        };
        let Some(name) = rest.get(digits..digits + len) else {
            break;
        };
        if let Some(impl_of) = name.strip_prefix("_$LT$") {
            let end = impl_of.find("$u20$").or_else(|| impl_of.find("$GT$"));
            let path = &impl_of[..end.unwrap_or(impl_of.len())];
            return path.split("..").map(str::to_owned).collect();
        }
        names.push(name.to_owned());
        rest = &rest[digits + len..];
    }
    names
}

/// The module of one of post-preview's own crates that defines `symbol`:
/// its crate, then each name of its path that is a module with a source
/// file (`src/markdown/zola_slug.rs`, `src/profile/mod.rs`), joined by `::`.
/// `None` for other crates' symbols.
fn module_of_symbol(symbol: &str, exists: &dyn Fn(&str) -> bool) -> Option<String> {
    let path = legacy_path(symbol);
    let (krate, root) = OWN_CRATES
        .iter()
        .find(|(krate, _)| path.first().is_some_and(|p| p == krate))?;
    let mut module = vec![krate.to_string()];
    let mut dir = root.to_string();
    for name in &path[1..] {
        let file = format!("{dir}/{name}.rs");
        let sub = format!("{dir}/{name}/mod.rs");
        if exists(&file) || exists(&sub) {
            module.push(name.clone());
            dir = format!("{dir}/{name}");
        } else {
            break;
        }
    }
    Some(module.join("::"))
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

/// post-preview's own functions and named statics by module.
fn report_modules(modules: &BTreeMap<String, Piece>) -> Result<()> {
    let kib = |n: usize| format!("{:.1}", n as f64 / 1024.0);
    let mut rows = Vec::new();
    for (module, piece) in modules {
        let mut all = piece.code.clone();
        all.extend_from_slice(&piece.data);
        rows.push((gzip_len_quiet(&all)?, module.as_str(), piece));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    println!("| module | code KiB | named data KiB | gzip -9 alone KiB |");
    println!("| --- | ---: | ---: | ---: |");
    for (gz, module, piece) in &rows {
        if *gz >= 512 {
            println!(
                "| {module} | {} | {} | {} |",
                kib(piece.code.len()),
                kib(piece.data.len()),
                kib(*gz)
            );
        }
    }
    println!(
        "(modules under 0.5 KiB not listed; constants and string literals are \
         anonymous data the link map does not name, counted by crate above)"
    );

    Ok(())
}

/// Whether a function or module (`post_preview::header::render::h…`,
/// `<post_preview::profile::Profile as …>::…`) is site-profile code.
fn is_site_profile(name: &str) -> bool {
    let name = name.trim_start_matches('<');
    SITE_PROFILES.iter().any(|m| {
        name.strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::") || rest.starts_with(' '))
    })
}

/// The functions twiggy's dominator tree (its text output) shows under a
/// root (`is_root` of the hash that ends a function's name: twiggy's names
/// are demangled, the link map's symbols say whose they are): the roots
/// and every function only they reach (the generic standard-library code
/// made for them, say), by hash. A function another part of the module
/// also calls is not counted. twiggy's call graph has no edges for
/// indirect calls: a function reached only through a function pointer
/// hangs under the table's root, and is not counted.
fn retained_under(tree: &str, is_root: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut hashes = Vec::new();
    // The depth of each open ancestor, and whether it is counted.
    let mut open: Vec<(usize, bool)> = Vec::new();
    for line in tree.lines() {
        let Some(item) = line.split('┊').nth(2) else {
            continue;
        };
        let name = item.trim_start();
        let depth = item.len() - name.len();
        let name = name.trim_start_matches("⤷ ").trim();
        while open.last().is_some_and(|&(d, _)| d >= depth) {
            open.pop();
        }
        let hash = name
            .rsplit_once("::")
            .map(|(_, hash)| hash)
            .filter(|hash| hash.len() == 17 && hash.starts_with('h'));
        let counted = open.last().is_some_and(|&(_, c)| c) || hash.is_some_and(is_root);
        if let (true, Some(hash)) = (counted, hash) {
            hashes.push(hash.to_owned());
        }
        open.push((depth, counted));
    }
    hashes
}

/// What site profiles add, against issue 14's budget: the code only
/// site-profile code reaches (twiggy's dominator tree), the site-profile
/// modules' named statics (Zola's transliteration table), the template
/// engine crate's read-only data, and the built-in profiles' text.
fn report_site_profiles(project: &Project, map: &Map, tree: &str) -> Result<()> {
    let kib = |n: usize| format!("{:.1}", n as f64 / 1024.0);
    let is_root = |hash: &str| {
        map.function_modules
            .get(hash)
            .is_some_and(|module| is_site_profile(module))
    };
    let hashes = retained_under(tree, &is_root);
    if hashes.is_empty() {
        return Err(Error::new(
            "twiggy's dominator tree shows no site-profile function (has its output format changed?)",
        ));
    }
    let mut code = Vec::new();
    for hash in &hashes {
        if let Some(bytes) = map.functions.get(hash) {
            code.extend_from_slice(bytes);
        }
    }
    let mut data = Vec::new();
    // Crates counted whole give all their data below; the modules of the
    // others, their named statics.
    let whole_crate = |module: &str| {
        SITE_PROFILES
            .iter()
            .any(|c| !c.contains("::") && module.split("::").next() == Some(c))
    };
    for (module, piece) in &map.modules {
        if is_site_profile(module) && !whole_crate(module) {
            data.extend_from_slice(&piece.data);
        }
    }
    for (krate, piece) in &map.crates {
        if SITE_PROFILES.contains(&krate.as_str()) {
            data.extend_from_slice(&piece.data);
        }
    }
    let dir = project.root.join("src/profile");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut builtin = Vec::new();
    for file in &files {
        builtin.extend(std::fs::read(file).context(|| format!("reading {}", file.display()))?);
    }
    let mut all = code.clone();
    all.extend_from_slice(&data);
    all.extend_from_slice(&builtin);
    let total = gzip_len_quiet(&all)?;
    println!("| part | raw KiB | gzip -9 alone KiB |");
    println!("| --- | ---: | ---: |");
    println!(
        "| code only site profiles reach ({} functions) | {} | {} |",
        hashes.len(),
        kib(code.len()),
        kib(gzip_len_quiet(&code)?)
    );
    println!(
        "| their named data and the template engine's read-only data | {} | {} |",
        kib(data.len()),
        kib(gzip_len_quiet(&data)?)
    );
    println!(
        "| the {} built-in profiles' text | {} | {} |",
        files.len(),
        kib(builtin.len()),
        kib(gzip_len_quiet(&builtin)?)
    );
    println!(
        "\nSite profiles ({}): {} KiB gzip -9 together, against a budget of {} KiB: {}. \
         Not counted: string literals of post-preview's own crate (anonymous in the link map).",
        SITE_PROFILES.join(", "),
        kib(total),
        SITE_PROFILES_BUDGET / 1024,
        if total <= SITE_PROFILES_BUDGET {
            "within it"
        } else {
            "over it"
        }
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
    fn modules_of_symbols() {
        let exists = |path: &str| {
            [
                "src/markdown/mod.rs",
                "src/markdown/zola_slug.rs",
                "src/header.rs",
                "src/patch.rs",
                "crates/jinja/src/eval.rs",
            ]
            .contains(&path)
        };
        let module = |symbol: &str| module_of_symbol(symbol, &exists);
        assert_eq!(
            module("_ZN12post_preview8markdown9zola_slug5table5CODES17h0123456789abcdefE"),
            Some("post_preview::markdown::zola_slug".into())
        );
        assert_eq!(
            module("_ZN12post_preview8markdown10parse_text17h82d2cb34f8df7b3bE"),
            Some("post_preview::markdown".into())
        );
        assert_eq!(
            module("_ZN12post_preview6header6render17h481eb7af87d45274E"),
            Some("post_preview::header".into())
        );
        assert_eq!(
            module("_ZN18post_preview_jinja4eval5State4eval17h29c2ac987f47bda9E"),
            Some("post_preview_jinja::eval".into())
        );
        assert_eq!(
            module("_ZN66_$LT$post_preview..patch..Op$u20$as$u20$core..fmt..Debug$GT$3fmt17h0123456789abcdefE"),
            Some("post_preview::patch".into())
        );
        assert_eq!(
            module("_ZN4core3ptr52drop_in_place$LT$post_preview_jinja..parse..Expr$GT$17hE"),
            None
        );
        assert_eq!(module("memcpy"), None);
    }

    #[test]
    fn site_profile_code_and_what_only_it_reaches() {
        assert_eq!(
            symbol_hash("_ZN12post_preview6header6render17h481eb7af87d45274E"),
            Some("h481eb7af87d45274")
        );
        assert_eq!(symbol_hash("memcpy"), None);
        assert!(is_site_profile(
            "post_preview::header::render::h481eb7af87d45274"
        ));
        assert!(is_site_profile(
            "<post_preview::profile::Profile as core::clone::Clone>::clone::h0"
        ));
        assert!(is_site_profile("post_preview_jinja::eval"));
        assert!(!is_site_profile("post_preview::headers::x"));
        assert!(!is_site_profile("post_preview::markdown::render_body::h1"));
        // twiggy's text: the header's render reaches a sort only it uses;
        // the markdown's render is not counted, nor what only it reaches.
        let tree = "\
 Retained Bytes │ Retained % │ Dominator Tree
────────────────┼────────────┼────────────────────
            900 ┊     26.43% ┊ post_preview::Renderer::render_live::h0000000000000001
            300 ┊     10.86% ┊   ⤷ post_preview::header::render::h0000000000000002
            100 ┊      4.69% ┊       ⤷ core::slice::sort::quicksort::h0000000000000003
            200 ┊      4.69% ┊   ⤷ post_preview::markdown::render_body::h0000000000000004
            100 ┊      4.00% ┊       ⤷ core::slice::sort::quicksort::h0000000000000005
             50 ┊      4.00% ┊ <post_preview_jinja::eval::Value as core::clone::Clone>::clone::h0000000000000006
             10 ┊      4.00% ┊ data segment \".rodata\"
";
        let roots = ["h0000000000000002", "h0000000000000006"];
        assert_eq!(
            retained_under(tree, &|hash| roots.contains(&hash)),
            [
                "h0000000000000002",
                "h0000000000000003",
                "h0000000000000006"
            ]
        );
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

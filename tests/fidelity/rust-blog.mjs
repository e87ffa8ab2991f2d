#!/usr/bin/env node
// Fidelity test for the `rust-blog` profile: post-preview's rendering of every
// post of blog.rust-lang.org vs what the real Zola 0.22.1 published for it
// (../shared/corpus/rust-blog/zola-0.22.1/), body and header, compared as a
// browser sees them (normalize.mjs), with three additions a browser implies:
//
// - URLs: `href` and `src` are compared as the browser resolves them on the
//   published page, against the page's own address (its permalink), so
//   `/2015/x`, `x.png`, `#frag` and their absolute forms are equal when they
//   lead to the same place;
// - code blocks (`<pre>`) are compared by their text only: the site
//   highlights code on the server (giallo, TextMate grammars over oniguruma),
//   which no browser previewer reproduces;
// - `style` declarations are compared as the CSSOM sees them (`text-align:
//   center` = `text-align:center`).
//
// `rel` on links is compared (the site writes `rel="external"`).
//
//   node rust-blog.mjs --bin PATH [--only NAME]... [--verbose] [--update]
//
// Exit status 1 when a post listed in rust-blog-expected-pass.txt no longer
// matches, when a figure drops below the one recorded there, or when an
// allowlist entry does not apply exactly; 2 on usage errors. Without the
// corpus it says so and exits 0, except under CI=true, where it fails.

import { readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderActual, pool, comparePart, describe, readRatchet, readAllowlist, finishRatchet, printResults } from "./common.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const RATCHET = path.join(HERE, "rust-blog-expected-pass.txt");
const ALLOWLIST = path.join(HERE, "rust-blog-allowlist.json");
const SITE = "https://blog.rust-lang.org";

function usage(msg) {
  if (msg) console.error(`rust-blog.mjs: ${msg}`);
  console.error("usage: node rust-blog.mjs --bin PATH [--only NAME]... [--verbose] [--update]");
  process.exit(2);
}

const args = { bin: null, only: [], verbose: false, update: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--bin") args.bin = process.argv[++i] ?? usage("--bin needs a path");
  else if (a === "--only") args.only.push((process.argv[++i] ?? usage("--only needs a name")).replace(/\.md$/, ""));
  else if (a === "--verbose" || a === "-v") args.verbose = true;
  else if (a === "--update") args.update = true;
  else usage(`unknown argument ${a}`);
}
if (!args.bin) usage("--bin PATH is required");
if (args.update && args.only.length) usage("--update rewrites the whole ratchet; it cannot be combined with --only");

const corpus = process.env.PP_RUST_BLOG_CORPUS
  ? path.resolve(process.env.PP_RUST_BLOG_CORPUS)
  : path.resolve(REPO, "../shared/corpus/rust-blog");
const published = path.join(corpus, "zola-0.22.1");
if (!existsSync(path.join(published, "index.json"))) {
  const why =
    `the rust-blog corpus is not at ${corpus} (get the posts of the public repository ` +
    "rust-lang/blog.rust-lang.org at commit 0243724c with what Zola 0.22.1 published for them, " +
    "put at ../shared/corpus/rust-blog beside the repository, or anywhere with PP_RUST_BLOG_CORPUS set to it)";
  if (process.env.CI === "true" || process.env.CI === "1") {
    console.error(`FAILED rust-blog fidelity: ${why}; CI=true, so an absent corpus is a failure`);
    process.exit(1);
  }
  console.error(`SKIPPED rust-blog fidelity: ${why}`);
  process.exit(0);
}
const index = JSON.parse(readFileSync(path.join(published, "index.json"), "utf8"));
// Sections and the redirect page have no body: they are not posts.
const allNames = Object.keys(index).filter((n) => index[n].has_body).sort();
for (const n of args.only) if (!index[n]) usage(`no post ${n} in ${published}/index.json`);
const names = args.only.length ? args.only : allNames;
const total = allNames.length;

const ratchet = readRatchet(RATCHET);
const allowlist = readAllowlist(ALLOWLIST);

// ---- the browser's view ----------------------------------------------------

const childrenOf = (n) => (n.tagName === "template" && n.content ? n.content.childNodes : n.childNodes ?? []);

function textContent(node) {
  if (node.nodeName === "#text") return node.value;
  return childrenOf(node).map(textContent).join("");
}

/** Rewrites a parse5 tree in place as the comparison sees it (see the header). */
function browserView(root, permalink) {
  const walk = (node) => {
    for (const child of childrenOf(node)) {
      if (!child.tagName) continue;
      if (child.tagName === "pre") {
        // The highlighter splits lines its own way at the end of a block.
        const text = textContent(child).replace(/\s+$/, "");
        child.attrs = [];
        child.childNodes = [{ nodeName: "#text", value: text, parentNode: child }];
        continue;
      }
      for (const a of child.attrs) {
        if ((a.name === "href" || a.name === "src") && a.value.trim() !== "") {
          try {
            a.value = new URL(a.value, permalink).href;
          } catch {
            // left as written: unparseable on both sides alike
          }
        } else if (a.name === "style") {
          a.value = a.value
            .split(";")
            .map((d) => d.trim().replace(/\s*:\s*/, ":"))
            .filter(Boolean)
            .join(";");
        } else if (a.name === "rel" && child.tagName === "a") {
          // normalize.mjs ignores `rel` on links; this site's is compared.
          a.name = "x-rel";
          a.value = a.value.split(/\s+/).filter(Boolean).sort().join(" ");
        }
      }
      walk(child);
    }
  };
  walk(root);
  return root;
}

/**
 * `every attribute NAME [on TAG]` / `every element TAG`: removes all of them from the
 * tree (an error when there is none); `undefined` for other removals, which
 * normalize.mjs's applyRemoval handles (one element or attribute by path).
 */
function removeEvery(root, removed) {
  const m = /^every (attribute|element) (\S+)(?: on (\S+))?$/.exec(removed);
  if (!m) return undefined;
  let count = 0;
  const walk = (node) => {
    const kids = childrenOf(node);
    for (let i = kids.length - 1; i >= 0; i--) {
      const child = kids[i];
      if (!child.tagName) continue;
      if (m[1] === "element" && child.tagName === m[2]) {
        kids.splice(i, 1);
        count++;
        continue;
      }
      if (m[1] === "attribute" && (!m[3] || child.tagName === m[3])) {
        const before = child.attrs.length;
        child.attrs = child.attrs.filter((a) => a.name !== m[2]);
        count += before - child.attrs.length;
      }
      walk(child);
    }
  };
  walk(root);
  return count ? null : `no ${m[1]} ${m[2]} in the expected ${m[1] === "element" ? "tree" : "elements"}`;
}

// ---- main loop ------------------------------------------------------------

const width = args.verbose ? 2000 : 160;
let errorDiagnostics = 0;
const results = await pool(names, os.cpus().length, async (name) => {
  const entry = index[name];
  const res = { name, body: false, header: false, lines: [], hardError: false };
  const permalink = SITE + entry.url_path;
  let act;
  try {
    act = await renderActual(args.bin, path.join(corpus, entry.source), ["--profile", "rust-blog"]);
  } catch (e) {
    res.lines.push(`post-preview: ${e.message}`);
    return res;
  }
  // `check --profile rust-blog` must find no error in a post the site published.
  for (const d of act.diagnostics) {
    if (d.severity === "error") {
      errorDiagnostics++;
      res.lines.push(`error diagnostic ${d.line}:${d.column}: ${d.message}`);
      res.hardError = true;
    }
  }
  const site = { view: (tree) => browserView(tree, permalink), remove: removeEvery };
  for (const kind of ["header", "body"]) {
    const expected = readFileSync(path.join(published, `${name}.${kind}.html`), "utf8");
    const removals = allowlist.filter((e) => e.post === name && e.kind === kind).map((e) => e.removed);
    const c = comparePart(kind, removals, expected, act[kind], site);
    res[kind] = c.equal;
    for (const err of c.allowErrors) {
      res.lines.push(`${kind}: ${err}`);
      res.hardError = true;
    }
    if (c.diff) res.lines.push(...describe(c.diff, width).map((l, i) => (i ? l : `${kind} ${l}`)));
    else if (removals.length && args.verbose) res.lines.push(`${kind}: equal after allowlisted removal(s): ${removals.join("; ")}`);
  }
  return res;
});

const { bodies, headers, passed } = printResults(results, {
  name: (r) => r.name,
  ok: (r) => r.body && r.header && !r.hardError,
  verbose: args.verbose,
});

console.log("");
const of = args.only.length ? names.length : total;
console.log(`rust-blog: bodies equal: ${bodies}/${of}, headers equal: ${headers}/${of}, error diagnostics: ${errorDiagnostics}`);
const status = finishRatchet({
  file: RATCHET,
  intro: [
    "Fidelity ratchet of the rust-blog profile: posts whose body and header match what",
    "Zola 0.22.1 published (one name per line). Written by `node rust-blog.mjs --bin PATH",
    "--update`; rust-blog.mjs fails when a listed post stops matching or a figure drops.",
  ],
  ratchet,
  results: results.map((r) => ({ ...r, hardError: r.hardError && "an error diagnostic, or an allowlist entry that does not describe the difference exactly" })),
  total,
  partial: args.only.length > 0,
  update: args.update,
});
console.log(`fidelity: ${passed} passed, ${results.length - passed} failed`);
process.exit(status);

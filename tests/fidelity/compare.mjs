#!/usr/bin/env node
// Fidelity test: post-preview's rendering of every corpus post vs the site's
// real pipeline (reference.mjs), compared as a browser sees them (normalize.mjs).
//
//   node compare.mjs --bin PATH [--only SLUG]... [--verbose] [--update]
//   node compare.mjs --reference-only [--only SLUG] [--verbose]
//
// Exit status 1 when a post listed in expected-pass.txt no longer matches,
// when a figure drops below the one recorded there, or when an allowlist entry
// does not apply exactly; 2 on usage errors.

import { readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderReference } from "./reference.mjs";
import { requireCorpus } from "./corpus.mjs";
import { renderActual, pool, clip, comparePart, describe, readRatchet, readAllowlist, finishRatchet, printResults } from "./common.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RATCHET = path.join(HERE, "expected-pass.txt");
const ALLOWLIST = path.join(HERE, "allowlist.json");

function usage(msg) {
  if (msg) console.error(`compare.mjs: ${msg}`);
  console.error("usage: node compare.mjs --bin PATH [--only SLUG]... [--verbose] [--update]\n       node compare.mjs --reference-only [--only SLUG]... [--verbose]");
  process.exit(2);
}

const args = { bin: null, only: [], verbose: false, update: false, referenceOnly: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--bin") args.bin = process.argv[++i] ?? usage("--bin needs a path");
  else if (a.startsWith("--bin=")) args.bin = a.slice(6);
  else if (a === "--only") args.only.push((process.argv[++i] ?? usage("--only needs a slug")).replace(/\.md$/, ""));
  else if (a.startsWith("--only=")) args.only.push(a.slice(7).replace(/\.md$/, ""));
  else if (a === "--verbose" || a === "-v") args.verbose = true;
  else if (a === "--update") args.update = true;
  else if (a === "--reference-only") args.referenceOnly = true;
  else if (a === "--help" || a === "-h") usage();
  else usage(`unknown argument ${a}`);
}
if (!args.bin && !args.referenceOnly) usage("--bin PATH is required (or --reference-only)");
if (args.update && args.only.length) usage("--update rewrites the whole ratchet; it cannot be combined with --only");
if (args.update && args.referenceOnly) usage("--update needs --bin");

// Without the corpus: skipped (exit 0), or a failure under CI=true.
const corpus = requireCorpus("fidelity (tests/fidelity/compare.mjs)");
const allSlugs = readdirSync(corpus)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .map((f) => f.slice(0, -3))
  .sort();
for (const s of args.only) if (!allSlugs.includes(s)) usage(`no post ${s}.md in ${corpus}`);
const slugs = args.only.length ? args.only : allSlugs;
const total = allSlugs.length;

// ---- ratchet and allowlist ------------------------------------------------

const ratchet = readRatchet(RATCHET);
const allowlist = readAllowlist(ALLOWLIST);

// ---- comparing -------------------------------------------------------------

function compareAllowing(slug, kind, expectedHtml, actualHtml) {
  const removals = allowlist.filter((e) => e.post === slug && e.kind === kind).map((e) => e.removed);
  return comparePart(kind, removals, expectedHtml, actualHtml);
}

// ---- main loop ------------------------------------------------------------

const width = args.verbose ? 2000 : 160;
const results = await pool(slugs, os.availableParallelism(), async (slug) => {
  const file = path.join(corpus, `${slug}.md`);
  const res = { slug, body: false, header: false, lines: [], hardError: false };
  let ref;
  try {
    ref = renderReference(readFileSync(file, "utf8"));
  } catch (e) {
    res.lines.push(`reference: ${e.message}`);
    return res;
  }
  if (args.referenceOnly) {
    res.body = res.header = true;
    if (args.verbose) res.lines.push(`header: ${ref.header}`, `body: ${clip(ref.body, width)}`);
    return res;
  }
  let act;
  try {
    act = await renderActual(args.bin, file);
  } catch (e) {
    res.lines.push(`post-preview: ${e.message}`);
    return res;
  }
  for (const kind of ["header", "body"]) {
    const c = compareAllowing(slug, kind, ref[kind], act[kind]);
    res[kind] = c.equal;
    for (const err of c.allowErrors) {
      res.lines.push(`${kind}: ${err}`);
      res.hardError = true;
    }
    if (c.diff) res.lines.push(...describe(c.diff, width).map((l, i) => (i ? l : `${kind} ${l}`)));
    else if (c.equal && args.verbose && allowlist.some((e) => e.post === slug && e.kind === kind)) {
      res.lines.push(`${kind}: equal after allowlisted removal(s)`);
    }
  }
  return res;
});

const { bodies, headers, passed } = printResults(results, {
  name: (r) => r.slug,
  ok: (r) => r.body && r.header,
  verbose: args.verbose,
});

console.log("");
if (args.referenceOnly) {
  console.log(`reference rendered: ${passed}/${slugs.length}`);
} else {
  console.log(`bodies equal: ${bodies}/${args.only.length ? slugs.length : total}, headers equal: ${headers}/${args.only.length ? slugs.length : total}`);
}
const status = args.referenceOnly
  ? 0
  : finishRatchet({
      file: RATCHET,
      intro: [
        "Fidelity ratchet: posts whose body and header match the reference (one slug per line).",
        "Written by `node compare.mjs --bin PATH --update`; compare.mjs fails when a listed post",
        "stops matching or when a figure below drops.",
      ],
      ratchet,
      results: results.map((r) => ({ ...r, name: r.slug })),
      total,
      partial: args.only.length > 0,
      update: args.update,
    });
console.log(`fidelity: ${passed} passed, ${results.length - passed} failed`);
process.exit(status);

#!/usr/bin/env node
// Conformance test: what an author may type, beyond the Foundation corpus.
//
// Two suites, each input rendered by the site's real pipeline (reference.mjs)
// and by post-preview's eleventy preset, bodies compared as compare.mjs
// compares them (normalize.mjs):
//
// - fixtures: every input of ../shared/conformance (the test fixtures of
//   markdown-it 12.3.2, markdown-it-footnote 3.0.3 and linkify-it 3.0.3);
// - rust-blog: the posts of ../shared/corpus/rust-blog (toml/, yaml/),
//   their front matter replaced by a plain one.
//
//   node conformance.mjs --bin PATH [--suite fixtures|rust-blog]... [--only ID]... [--verbose] [--update]
//
// Every input must be one of: identical; equal once the reviewed sanitizer
// removals of conformance/sanitizer.json are applied to the reference (each
// entry names the sanitizer rule; it must apply exactly and be needed, as
// allowlist.json's entries); or a known emulation difference still to fix
// (conformance/known.json: its category and first difference, which must
// stay the same). Anything else fails the run: a new difference, a known
// difference that changed or went away (`--update` rewrites known.json; a
// new entry's category is "unreviewed", which fails until someone gives it
// one), an input of the ratchet (conformance/SUITE-pass.txt) that stopped
// matching, a figure below the one recorded there.
//
// A suite whose data is absent is reported skipped by name; under CI=true
// that is a failure. Exit status 1 on failure, 2 on usage errors.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderBody } from "./reference.mjs";
import { renderBatch, pool, comparePart, describe, summary } from "./common.mjs";
import { fixtureInputs, rustBlogInputs, compareIds } from "./inputs.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const DATA = path.join(HERE, "conformance");
const SANITIZER = path.join(DATA, "sanitizer.json");
const KNOWN = path.join(DATA, "known.json");
const SHARED = process.env.PP_SHARED ? path.resolve(process.env.PP_SHARED) : path.resolve(REPO, "../shared");

/**
 * The categories of known differences (issue 16's list), all to fix in the
 * eleventy preset or the sanitizer's policy.
 */
const CATEGORIES = {
  "reference-definitions": "link reference definitions markdown-it does not take (`[x]: javascript:…`, in a blockquote's lazy line) shown as text",
  "html-comments-cdata": "malformed comments, processing instructions and CDATA as markdown-it's html_block/html_inline cut them",
  "image-alt": "image alt text with line breaks, inline code or markup, as markdown-it flattens it",
  entities: "character references (`&#74;avascript`, `&#xD800;`) as markdown-it decodes them",
  "form-feed": "lines holding a form feed or other Unicode whitespace",
  "link-normalization": "link destinations and labels: IDN/punycode, `%` escaping, as markdown-it's normalizeLink(Text) writes them",
  strikethrough: "markdown-it's strikethrough nesting and delimiter rules",
  tables: "markdown-it 12.3.2's table rules (interrupting a paragraph, column counts, escaped pipes)",
  footnotes: "markdown-it-footnote's inline footnotes `^[text]` and its block rules",
  "commonmark-0.30": "CommonMark 0.30 (markdown-it 12) vs 0.31 (pulldown-cmark) edge cases",
  linkify: "linkify-it 3 rules not yet reproduced",
  other: "other emulation differences",
};

/** The plain front matter each input is given (post-preview reads a front matter first). */
const PLAIN_FRONT_MATTER = '---\ntitle: "Conformance input"\ndescription: "A plain front matter."\ndate: 2020-01-01\n---\n';

/** Inputs rendered by one post-preview process. */
const BATCH = 64;

const SUITES = {
  fixtures: { dir: path.join(SHARED, "conformance"), inputs: fixtureInputs, noun: "fixture inputs" },
  "rust-blog": { dir: path.join(SHARED, "corpus/rust-blog"), inputs: rustBlogInputs, noun: "rust-blog bodies" },
};

/** Which suite a case ID belongs to. */
const suiteOf = (id) => (/^(toml|yaml)\//.test(id) ? "rust-blog" : "fixtures");

// ---- arguments --------------------------------------------------------------

function usage(msg) {
  if (msg) console.error(`conformance.mjs: ${msg}`);
  console.error("usage: node conformance.mjs --bin PATH [--suite fixtures|rust-blog]... [--only ID]... [--verbose] [--update]");
  process.exit(2);
}

const args = { bin: null, suites: [], only: [], verbose: false, update: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const value = () => process.argv[++i] ?? usage(`${a} needs a value`);
  if (a === "--bin") args.bin = value();
  else if (a === "--suite") args.suites.push(value());
  else if (a === "--only") args.only.push(value());
  else if (a === "--verbose" || a === "-v") args.verbose = true;
  else if (a === "--update") args.update = true;
  else if (a === "--help" || a === "-h") usage();
  else usage(`unknown argument ${a}`);
}
if (!args.bin) usage("--bin PATH is required");
if (args.update && args.only.length) usage("--update rewrites the ratchet and known.json; it cannot be combined with --only");
for (const s of args.suites) if (!SUITES[s]) usage(`unknown suite ${s}`);
if (!args.suites.length) args.suites = Object.keys(SUITES);

// ---- reviewed lists -----------------------------------------------------------

function readList(file, check) {
  if (!existsSync(file)) return [];
  const list = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(list)) throw new Error(`${path.basename(file)} must be an array`);
  for (const e of list) {
    const bad = check(e);
    if (bad) throw new Error(`bad entry in ${path.basename(file)}: ${JSON.stringify(e)}: ${bad}`);
  }
  return list;
}

const sanitizer = readList(SANITIZER, (e) =>
  typeof e.case !== "string" || typeof e.removed !== "string" || typeof e.rule !== "string" || !e.rule
    ? "needs case, removed (as in allowlist.json) and rule (the sanitizer rule that removes it)"
    : null,
);
const known = readList(KNOWN, (e) =>
  typeof e.case !== "string" || typeof e.difference !== "string" || typeof e.category !== "string"
    ? "needs case, category and difference"
    : null,
);
const knownByCase = new Map(known.map((e) => [e.case, e]));

function readRatchet(file) {
  const r = { ids: new Set(), equal: 0 };
  if (!existsSync(file)) return r;
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    const m = /^#\s*equal:\s*(\d+)\/\d+/.exec(line);
    if (m) r.equal = Number(m[1]);
    else if (line && !line.startsWith("#")) r.ids.add(line);
  }
  return r;
}

// ---- one input ------------------------------------------------------------------

const width = args.verbose ? 2000 : 160;

/**
 * Compares one input's reference and actual body. Returns { id, identical,
 * equal, diff, lines, errors }: `equal` once the sanitizer entries are
 * applied, `errors` what fails the run (before the ratchet).
 */
function check(c, actual) {
  const res = { id: c.id, identical: false, equal: false, diff: null, lines: [], errors: [] };
  let expected;
  try {
    expected = renderBody(c.body);
  } catch (e) {
    res.errors.push(`reference: ${e.message}`);
    return res;
  }
  const removals = sanitizer.filter((e) => e.case === c.id).map((e) => e.removed);
  const cmp = comparePart("body", removals, expected, actual);
  res.identical = cmp.equal && removals.length === 0;
  res.equal = cmp.equal;
  res.diff = cmp.diff;
  res.errors.push(...cmp.allowErrors.map((e) => `sanitizer.json: ${e}`));
  if (cmp.diff) res.lines.push(...describe(cmp.diff, width));
  if (args.verbose && args.only.length) res.lines.push(`expected: ${expected}`, `actual:   ${actual}`);
  const k = knownByCase.get(c.id);
  if (res.equal) {
    if (k) res.errors.push("matches now: drop it from known.json (--update does)");
  } else if (cmp.diff && !cmp.allowErrors.length) {
    const now = summary(cmp.diff);
    if (!k) res.errors.push(`new difference: ${now}`);
    else if (k.difference !== now) res.errors.push(`known difference changed: was "${k.difference}", now "${now}"`);
    else if (!CATEGORIES[k.category]) {
      res.errors.push(`known.json category "${k.category}" is not one of: ${Object.keys(CATEGORIES).join(", ")}`);
    }
  }
  return res;
}

// ---- one suite ------------------------------------------------------------------

const failures = [];
const keptKnown = known.filter((e) => !args.suites.includes(suiteOf(e.case)));
let checked = 0;
let failed = 0;
let skipped = 0;

async function runSuite(name) {
  const suite = SUITES[name];
  if (!existsSync(suite.dir)) {
    console.log(`skipped: conformance ${name} (${suite.dir} not found; PP_SHARED names the shared folder)`);
    skipped++;
    if (process.env.CI === "true") failures.push(`conformance ${name} cannot be skipped under CI=true: ${suite.dir} is absent`);
    return;
  }
  const started = Date.now();
  const ratchetFile = path.join(DATA, `${name}-pass.txt`);
  const ratchet = readRatchet(ratchetFile);
  const all = suite.inputs(suite.dir);
  const ids = new Set(all.map((c) => c.id));
  for (const id of args.only) if (suiteOf(id) === name && !ids.has(id)) usage(`no input ${id} in ${suite.dir}`);
  const inputs = args.only.length ? all.filter((c) => args.only.includes(c.id)) : all;
  if (!args.only.length) {
    for (const [file, list] of [["sanitizer.json", sanitizer], ["known.json", known]]) {
      for (const e of list) if (suiteOf(e.case) === name && !ids.has(e.case)) failures.push(`${file}: ${e.case}: no such input`);
    }
  }

  // One post-preview process per batch of inputs, as many at once as there are cores.
  const batches = [];
  for (let i = 0; i < inputs.length; i += BATCH) batches.push(inputs.slice(i, i + BATCH));
  const results = (
    await pool(batches, os.availableParallelism(), async (batch) => {
      let actual;
      try {
        actual = await renderBatch(args.bin, batch.map((c) => PLAIN_FRONT_MATTER + c.body));
      } catch (e) {
        return batch.map((c) => ({ id: c.id, equal: false, lines: [], errors: [`post-preview: ${e.message}`] }));
      }
      return batch.map((c, i) => check(c, actual[i].body));
    })
  ).flat();
  for (const r of results) {
    if (ratchet.ids.has(r.id) && !r.equal) r.errors.push(`in ${name}-pass.txt but no longer matches`);
    const show = args.verbose || r.errors.length;
    if (show) {
      console.log(`${r.equal ? "ok  " : "FAIL"} ${r.id}`);
      for (const l of r.lines) console.log(`    ${l}`);
    }
    if (!args.update) failures.push(...r.errors.map((e) => `${r.id}: ${e}`));
    checked++;
    failed += r.errors.length > 0;
  }

  const count = (f) => results.filter(f).length;
  const equal = count((r) => r.equal);
  const figure = `equal: ${equal}/${all.length} (identical: ${count((r) => r.identical)})`;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${name}: ${inputs.length} ${suite.noun}: ${count((r) => r.identical)} identical, ` +
      `${count((r) => r.equal && !r.identical)} equal after reviewed sanitizer removals, ` +
      `${count((r) => !r.equal && knownByCase.has(r.id))} known differences to fix (${secs} s)`,
  );
  if (!args.only.length && equal < ratchet.equal) failures.push(`${name}: equal dropped: ${equal} < ${ratchet.equal} recorded in ${name}-pass.txt`);

  if (args.update) {
    const pass = results.filter((r) => r.equal).map((r) => r.id);
    const dropped = [...ratchet.ids].filter((s) => !pass.includes(s));
    if (dropped.length) console.log(`warning: --update drops ${dropped.length} input(s) from ${name}-pass.txt: ${dropped.join(", ")}`);
    writeFileSync(
      ratchetFile,
      `# Conformance ratchet, ${name}: the ${suite.noun} that match the reference (one ID a line).\n` +
        "# Written by `node conformance.mjs --bin PATH --update`; conformance.mjs fails when a listed\n" +
        "# input stops matching or when the figure below drops.\n" +
        `# ${figure}\n` +
        pass.map((s) => `${s}\n`).join(""),
    );
    for (const r of results) {
      if (r.equal || !r.diff) continue;
      const k = knownByCase.get(r.id);
      keptKnown.push({ case: r.id, category: k?.category ?? "unreviewed", difference: summary(r.diff) });
    }
  }
}

for (const name of args.suites) await runSuite(name);

if (args.update) {
  keptKnown.sort((a, b) => compareIds(a.case, b.case));
  writeFileSync(KNOWN, `[\n${keptKnown.map((e) => `  ${JSON.stringify(e)}`).join(",\n")}\n]\n`);
  const unreviewed = keptKnown.filter((e) => !CATEGORIES[e.category]).length;
  console.log(`updated known.json: ${keptKnown.length} known difference(s)${unreviewed ? `; ${unreviewed} unreviewed: give each a category` : ""}`);
} else {
  for (const f of failures) console.log(`error: ${f}`);
}
// Passed: inputs identical, equal after reviewed removals, or known as they are.
console.log(`conformance: ${checked - failed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(!args.update && failures.length ? 1 : 0);

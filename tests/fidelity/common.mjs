// What compare.mjs (the Foundation corpus), conformance.mjs (the markdown
// packages' fixtures, the rust-blog posts) and rust-blog.mjs (the rust-blog
// profile against Zola's output) share: running post-preview,
// comparing one part with the reviewed removals applied, and reporting the
// first difference.

import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, normalize, compareTrees, serialize, applyRemoval } from "./normalize.mjs";

/** Runs `BIN ARGS` with `input` on standard input; resolves to its standard output parsed as JSON. */
function runJson(bin, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${e.message}`));
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString("utf8");
      if (status !== 0) {
        const stderr = Buffer.concat(err).toString("utf8").trim().slice(0, 300);
        return reject(new Error(`${bin} exited with ${status ?? signal}: ${stderr}`));
      }
      try {
        resolve(JSON.parse(stdout));
      } catch (e) {
        reject(new Error(`output is not JSON: ${e.message}: ${stdout.slice(0, 200)}`));
      }
    });
    child.stdin.on("error", () => {}); // a child that exits early is reported by "close"
    child.stdin.end(input);
  });
}

/** { header, body, diagnostics } of one `render --json` preview. */
function parts(json) {
  if (typeof json?.html !== "string" || typeof json?.header_html !== "string") {
    throw new Error("JSON output lacks string fields html and header_html");
  }
  return { header: json.header_html, body: json.html, diagnostics: json.diagnostics ?? [] };
}

/**
 * Renders the post FILE with `BIN render --json [OPTIONS] FILE` (`options`,
 * e.g. `["--profile", "rust-blog"]`). Resolves to { header, body, diagnostics }.
 */
export async function renderActual(bin, file, options = []) {
  return parts(await runJson(bin, ["render", "--json", ...options, file], ""));
}

/**
 * Renders many post sources in one process (`BIN render --batch -`, a
 * hidden flag for tests). Resolves to [{ header, body }] in order.
 */
export async function renderBatch(bin, sources) {
  const out = await runJson(bin, ["render", "--batch", "-"], JSON.stringify(sources));
  if (!Array.isArray(out) || out.length !== sources.length) throw new Error(`--batch gave no array of ${sources.length} previews`);
  return out.map(parts);
}

/** Runs `task(item)` over `items`, `limit` at a time; resolves to the results in order. */
export async function pool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const clip = (s, n) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Compares one part: the expected HTML with each reviewed removal
 * (`removals`, see normalize.mjs `applyRemoval`) applied, against the actual
 * HTML. Returns { equal, diff, allowErrors }: a removal that does not apply,
 * or removals the part does not need, are errors and the part is not equal.
 * `site` may add what a site's pages imply for a browser: `view(tree)`
 * rewrites both parsed trees before they are normalized (after the
 * removals), `remove(tree, removed)` handles removal forms of its own
 * (returning `undefined` for the others).
 */
export function comparePart(label, removals, expectedHtml, actualHtml, site = {}) {
  const view = site.view ?? ((tree) => tree);
  const remove = (tree, removed) => {
    const own = site.remove?.(tree, removed);
    return own === undefined ? applyRemoval(tree, removed) : own;
  };
  const actual = normalize(view(parse(actualHtml)));
  const plain = compareTrees(normalize(view(parse(expectedHtml))), actual);
  if (removals.length === 0) return { equal: !plain, diff: plain, allowErrors: [] };
  const tree = parse(expectedHtml);
  const allowErrors = [];
  for (const removed of removals) {
    const err = remove(tree, removed);
    if (err) allowErrors.push(`allowlist entry "${removed}" does not apply: ${err}`);
  }
  if (!plain) allowErrors.push(`allowlist entries for ${label} are not needed: the ${label} matches without them`);
  const diff = compareTrees(normalize(view(tree)), actual);
  return { equal: !diff && allowErrors.length === 0, diff, allowErrors };
}

/** Where two strings first differ. */
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/**
 * One line naming a difference: `PATH: WHAT`, and for text the character
 * where it starts (what the conformance test's known list records).
 */
export function summary(diff) {
  const texts = diff.expected?.text !== undefined && diff.actual?.text !== undefined;
  const at = texts ? ` at character ${firstDifference(diff.expected.text, diff.actual.text)}` : "";
  return `${diff.path}: ${diff.what}${at}`;
}

/** The report lines of a difference: where, then the expected and actual snippets. */
export function describe(diff, width) {
  let exp = serialize(diff.expected);
  let act = serialize(diff.actual);
  if (diff.expected?.text !== undefined && diff.actual?.text !== undefined) {
    // show the text from a little before its first differing character
    const i = firstDifference(exp, act);
    if (i > 40) {
      exp = `…${exp.slice(i - 30)}`;
      act = `…${act.slice(i - 30)}`;
    }
  }
  return [
    summary(diff),
    `      expected: ${clip(exp, width)}`,
    `      actual:   ${clip(act, width)}`,
  ];
}

// ---- the post-by-post ratchet and allowlist (compare.mjs, rust-blog.mjs) ----

/**
 * Reads a ratchet file: the names of the posts whose body and header match
 * (one a line), and the `# bodies equal: N/T, headers equal: M/T` figures.
 */
export function readRatchet(file) {
  const r = { names: new Set(), bodies: 0, headers: 0 };
  if (!existsSync(file)) return r;
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    const m = /^#\s*bodies equal:\s*(\d+)\/\d+,\s*headers equal:\s*(\d+)\/\d+/.exec(line);
    if (m) {
      r.bodies = Number(m[1]);
      r.headers = Number(m[2]);
    } else if (line && !line.startsWith("#")) r.names.add(line.replace(/\.md$/, ""));
  }
  return r;
}

/** Reads an allowlist file (`[{post, kind, removed, reason}]`; absent: none). */
export function readAllowlist(file) {
  if (!existsSync(file)) return [];
  const list = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(list)) throw new Error(`${path.basename(file)} must be an array`);
  for (const e of list) {
    if (typeof e.post !== "string" || !["body", "header"].includes(e.kind) || typeof e.removed !== "string" || !e.reason) {
      throw new Error(`bad allowlist entry ${JSON.stringify(e)}: needs post, kind ("body"|"header"), removed, reason`);
    }
  }
  return list;
}

/**
 * Prints each post of a post-by-post run that is not `ok(result)` (every
 * post with `verbose`): `FAIL NAME` (or `ok   NAME`) and its report lines.
 * Returns the counts { bodies, headers, passed }.
 */
export function printResults(results, { name, ok, verbose }) {
  let bodies = 0;
  let headers = 0;
  let passed = 0;
  for (const r of results) {
    bodies += r.body;
    headers += r.header;
    const good = ok(r);
    passed += good;
    if (!good || verbose) {
      console.log(`${good ? "ok  " : "FAIL"} ${name(r)}`);
      for (const l of r.lines) console.log(`    ${l}`);
    }
  }
  return { bodies, headers, passed };
}

/**
 * Ends a post-by-post run: checks `results` ([{name, body, header,
 * hardError}]) against the ratchet (`ratchet` as read from `file`), or with
 * `update` rewrites it under the comment `intro` (lines). Prints the
 * failures and returns the exit status.
 */
export function finishRatchet({ file, intro, ratchet, results, total, partial, update }) {
  const bodies = results.filter((r) => r.body).length;
  const headers = results.filter((r) => r.header).length;
  const name = path.basename(file);
  if (update) {
    const pass = results.filter((r) => r.body && r.header).map((r) => r.name);
    const dropped = [...ratchet.names].filter((s) => !pass.includes(s));
    if (dropped.length) console.log(`warning: --update drops ${dropped.length} post(s) from the ratchet: ${dropped.join(", ")}`);
    writeFileSync(
      file,
      intro.map((l) => `# ${l}\n`).join("") +
        `# bodies equal: ${bodies}/${total}, headers equal: ${headers}/${total}\n` +
        pass.map((s) => `${s}\n`).join(""),
    );
    console.log(`updated ${path.relative(process.cwd(), file) || file}: ${pass.length} post(s)`);
    return 0;
  }
  const failures = [];
  for (const r of results) {
    if (ratchet.names.has(r.name) && !(r.body && r.header)) failures.push(`${r.name} is in ${name} but no longer matches`);
    if (r.hardError) failures.push(`${r.name}: ${r.hardError === true ? "an allowlist entry does not describe the difference exactly" : r.hardError}`);
  }
  if (!partial) {
    if (bodies < ratchet.bodies) failures.push(`bodies equal dropped: ${bodies} < ${ratchet.bodies} recorded in ${name}`);
    if (headers < ratchet.headers) failures.push(`headers equal dropped: ${headers} < ${ratchet.headers} recorded in ${name}`);
  }
  for (const f of failures) console.log(`error: ${f}`);
  return failures.length ? 1 : 0;
}

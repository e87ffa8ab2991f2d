#!/usr/bin/env node
// cargo xtask bench: post-preview against a markdown-it + DOMPurify + js-yaml
// baseline, per keystroke, in real headless Chromium; plus the cold start and
// the wasm size. A benchmark, not a test: it fails only when it cannot measure
// (setup errors, or a preview that did not show an edit).
//
//   PP_BASE_URL=http://127.0.0.1:8096 node bench/run.mjs [--quick] [--only=example,100k,1m] [--no-cold] [--profile=NAME]
//
// Environment:
//   PP_BASE_URL   (required) a static server on www/, with www/pkg built
//   CHROMIUM      the browser (default /usr/bin/chromium)
//   PP_WWW        the www/ folder PP_BASE_URL serves, for the wasm sizes and
//                 the example (default: www/ of this repository)
//   PP_CORPUS     the corpus folder (default ../shared/corpus/foundation-news from the repo root)
//   BENCH_SAMPLES measured keystrokes per cell (default 30; 1 MB: BENCH_SAMPLES_1M, default 15)
//   BENCH_WARMUP  warm-up keystrokes per cell (default 5; 1 MB: 3)
//   BENCH_COLD_RUNS cold starts (default 5)
//   BENCH_OUT     output folder (default bench/results)
//
// bench/page.html, bench/page.js and the baseline's npm files are served to
// the page by page.route under the www/ server's origin (/bench/...): nothing
// is added to www/.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { chromium } from "playwright-core";
import { documents, pasteText, TYPED, KIB } from "./docs.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, "..");
const WWW = path.resolve(process.env.PP_WWW || path.join(ROOT, "www"));

// ---------------------------------------------------------------------------
// Configuration

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const a = args.find((x) => x.startsWith(`${name}=`));
  return a ? a.slice(name.length + 1) : null;
};
for (const a of args) {
  if (!["--quick", "--no-cold"].includes(a) && !a.startsWith("--only=") && !a.startsWith("--profile=")) {
    console.error(`bench: unexpected argument ${a} (takes --quick, --only=example,100k,1m, --no-cold, --profile=NAME)`);
    process.exit(2);
  }
}
const quick = flag("--quick");
const only = option("--only")?.split(",").filter(Boolean) ?? null;
// post-preview's site profile (the same documents, rendered by its rules).
const profile = option("--profile") ?? "rust-foundation";
const envInt = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(v)}`);
  return n;
};
const SAMPLES = quick ? 5 : envInt("BENCH_SAMPLES", 30);
const SAMPLES_1M = quick ? 3 : envInt("BENCH_SAMPLES_1M", 15);
const WARMUP = quick ? 2 : envInt("BENCH_WARMUP", 5);
const WARMUP_1M = quick ? 1 : Math.min(WARMUP, 3);
const COLD_RUNS = quick ? 2 : envInt("BENCH_COLD_RUNS", 5);
const OUT = path.resolve(process.env.BENCH_OUT || path.join(BENCH, "results"));
const CORPUS = path.resolve(process.env.PP_CORPUS || path.join(ROOT, "..", "shared", "corpus", "foundation-news"));
const EXAMPLE = path.join(WWW, "examples", "openssf.md");
const WASM = path.join(WWW, "pkg", "post_preview_bg.wasm");
const GLUE = path.join(WWW, "pkg", "post_preview.js");

const base = (process.env.PP_BASE_URL || "").replace(/\/+$/, "");
if (!base) {
  console.error(
    "bench: PP_BASE_URL is not set. Run `cargo xtask bench`, or serve www/ yourself, e.g.\n" +
      "  python3 -m http.server --bind 127.0.0.1 8096 --directory www &\n" +
      "  (cd bench && npm ci) && PP_BASE_URL=http://127.0.0.1:8096 node bench/run.mjs",
  );
  process.exit(2);
}
const ORIGIN = new URL(base).origin;

for (const [what, p] of [["the wasm (cargo xtask build)", WASM], ["the example", EXAMPLE], ["the corpus (PP_CORPUS)", CORPUS]]) {
  if (!existsSync(p)) {
    console.error(`bench: ${what} is missing: ${p}`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------
// Statistics

const sorted = (xs) => [...xs].sort((a, b) => a - b);
function median(xs) {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** Nearest-rank percentile. */
function percentile(xs, p) {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const round = (x, d = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
function summary(samples, key) {
  const xs = samples.map((s) => s[key]).filter(Number.isFinite);
  return { median: round(median(xs)), p95: round(percentile(xs, 95)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) };
}

// ---------------------------------------------------------------------------
// The browser

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    // As tests/browser/harness.js.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Nothing leaves the machine: other origins get a stub (as the browser tests do). */
async function stubExternal(context) {
  await context.route(
    (u) => u.origin !== ORIGIN,
    (route) => route.fulfill({ status: 200, contentType: "text/plain", body: "stub" }),
  );
}

const BENCH_FILES = {
  "/bench/page.html": path.join(BENCH, "page.html"),
  "/bench/page.js": path.join(BENCH, "page.js"),
  "/bench/vendor/markdown-it.min.js": path.join(BENCH, "node_modules/markdown-it/dist/markdown-it.min.js"),
  "/bench/vendor/purify.min.js": path.join(BENCH, "node_modules/dompurify/dist/purify.min.js"),
  "/bench/vendor/js-yaml.min.js": path.join(BENCH, "node_modules/js-yaml/dist/js-yaml.min.js"),
};
const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

async function serveBench(context) {
  // The page is cross-origin isolated, so its render worker's script must
  // carry a COEP header too (as a site serving the previewer that way would).
  await context.route(
    (u) => u.origin === ORIGIN && u.pathname === "/render-worker.js",
    async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "Cross-Origin-Embedder-Policy": "credentialless" } });
    },
  );
  await context.route(
    (u) => u.origin === ORIGIN && u.pathname.startsWith("/bench/"),
    async (route) => {
      const file = BENCH_FILES[new URL(route.request().url()).pathname];
      if (!file || !existsSync(file)) return route.fulfill({ status: 404, contentType: "text/plain", body: "not found" });
      await route.fulfill({
        status: 200,
        body: await readFile(file),
        headers: {
          "Content-Type": MIME[path.extname(file)] || "application/octet-stream",
          "Cache-Control": "no-cache",
          // Cross-origin isolation: performance.now() at its fine resolution.
          "Cross-Origin-Opener-Policy": "same-origin",
          "Cross-Origin-Embedder-Policy": "credentialless",
        },
      });
    },
  );
}

/** Uncaught errors and console errors, except failed resource loads (the corpus's site-relative images 404 here). */
function watchErrors(page, into) {
  page.on("pageerror", (e) => into.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) into.push(m.text());
  });
}

// ---------------------------------------------------------------------------
// Per-keystroke latency

const KINDS = [
  ["type", "type a character"],
  ["delete", "delete a character"],
  ["paste", "paste a paragraph"],
];
const WHERE = ["start", "middle", "end"];

async function keystrokes(browser, docs) {
  const context = await browser.newContext({ viewport: { width: 2400, height: 900 } });
  await stubExternal(context);
  await serveBench(context);
  const page = await context.newPage();
  const errors = [];
  watchErrors(page, errors);
  page.on("crash", () => console.error("bench: the page crashed"));
  await page.goto(`${base}/bench/page.html?profile=${encodeURIComponent(profile)}`);
  await page.waitForFunction(() => window.bench, null, { timeout: 30_000 });
  await page.evaluate(() => window.bench.ready);
  const info = await page.evaluate(() => window.bench.info());
  const cells = [];
  const floors = [];
  const scrolls = [];
  for (const doc of docs) {
    const big = doc.id === "1m";
    const params = { warmup: big ? WARMUP_1M : WARMUP, samples: big ? SAMPLES_1M : SAMPLES, typed: TYPED };
    const loaded = await page.evaluate((text) => window.bench.load(text), doc.text);
    if (!loaded.pp || !loaded.base) throw new Error(`${doc.id}: a preview is empty after loading (${JSON.stringify(loaded)})`);
    for (const where of WHERE) {
      const started = Date.now();
      const result = await page.evaluate((p) => window.bench.position(p), {
        ...params,
        pos: doc.positions[where],
        paste: pasteText(where),
      });
      for (const side of ["pp", "base", "ta"]) {
        const bad = Object.entries(result[side].checks).filter(([, ok]) => !ok).map(([k]) => k);
        if (bad.length) throw new Error(`${doc.id} ${where} ${side}: sanity check failed: ${bad.join(", ")}`);
      }
      for (const [kind, label] of KINDS) {
        const pp = result.pp.samples[kind];
        const bs = result.base.samples[kind];
        const ta = result.ta.samples[kind];
        const cell = {
          doc: doc.id,
          doc_label: doc.label,
          where,
          kind,
          kind_label: label,
          samples: pp.length,
          warmup: params.warmup,
          post_preview: {
            work: summary(pp, "work"),
            e2e: summary(pp, "e2e"),
            core: summary(pp, "core"),
            layout: summary(pp, "layout"),
            main: summary(pp, "main"),
          },
          baseline: { work: summary(bs, "work"), e2e: summary(bs, "e2e"), core: summary(bs, "core"), layout: summary(bs, "layout") },
          textarea_alone: { work: summary(ta, "work"), command: summary(ta, "command") },
          raw: {
            post_preview: pp.map((s) => ({ work: round(s.work), e2e: round(s.e2e), core: round(s.core), layout: round(s.layout), main: round(s.main), command: round(s.command) })),
            baseline: bs.map((s) => ({ work: round(s.work), e2e: round(s.e2e), core: round(s.core), layout: round(s.layout) })),
            textarea_alone: ta.map((s) => ({ work: round(s.work), command: round(s.command) })),
          },
        };
        cell.ratio = round(cell.baseline.work.median / cell.post_preview.work.median, 1);
        cell.ratio_e2e = round(cell.baseline.e2e.median / cell.post_preview.e2e.median, 2);
        cells.push(cell);
      }
      process.stderr.write(
        `  ${doc.label.padEnd(22)} ${where.padEnd(6)} ${((Date.now() - started) / 1000).toFixed(1)}s  ` +
          KINDS.map(([k]) => {
            const c = cells.find((x) => x.doc === doc.id && x.where === where && x.kind === k);
            return `${k} ${c.post_preview.work.median} vs ${c.baseline.work.median} ms`;
          }).join(", ") +
          "\n",
      );
    }
    // The browser's floor at the middle position (see sampleFloor in page.js).
    const pos = doc.positions.middle;
    const probe = /^[\p{L}\p{N} ,.'’-]{1,40}/u.exec(doc.text.slice(pos))?.[0].trim();
    if (probe) {
      const raw = await page.evaluate((p) => window.bench.floor(p), { pos, probe, samples: params.samples });
      floors.push({ doc: doc.id, doc_label: doc.label, edit: summary(raw, "edit"), layout: summary(raw, "layout"), total: summary(raw, "total") });
    }
    // Scroll sync per scroll event (see sampleScroll in page.js).
    const raw = await page.evaluate((p) => window.bench.scroll(p), { pos, samples: params.samples });
    if ((await page.evaluate(() => document.getElementById("pp-source").value)) !== doc.text) {
      throw new Error(`${doc.id}: the scroll samples did not leave the text as it was`);
    }
    scrolls.push({ doc: doc.id, doc_label: doc.label, editor: summary(raw, "editor"), after_edit: summary(raw, "after_edit"), preview: summary(raw, "preview") });
  }
  await context.close();
  if (errors.length) console.error(`bench: warning: the bench page reported errors (kept in the JSON):\n  ${errors.join("\n  ")}`);
  return { info, cells, floors, scrolls, errors };
}

// ---------------------------------------------------------------------------
// Cold start: navigation start -> first post-preview:rendered, index.html with
// the example (a fresh context: empty storage and HTTP cache; ?nosw: no
// service worker).

async function coldStart(browser) {
  const runs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await stubExternal(context);
    await context.addInitScript(() => {
      window.__ppAny = null; // the first render of any text (an empty textarea, if mount() is faster than the example)
      window.__ppFirst = null; // the first render of the example
      document.addEventListener("post-preview:rendered", (e) => {
        const t = performance.now();
        if (!window.__ppAny) window.__ppAny = { t };
        const title = e.detail?.front_matter?.title ?? null;
        if (!window.__ppFirst && title) window.__ppFirst = { t, ms: e.detail?.ms ?? null, title };
      });
    });
    const page = await context.newPage();
    const errors = [];
    watchErrors(page, errors);
    await page.goto(`${base}/index.html?nosw`);
    await page.waitForFunction(() => window.__ppFirst, null, { timeout: 30_000 });
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return { ...window.__ppFirst, any: window.__ppAny.t, dcl: nav ? nav.domContentLoadedEventEnd : null };
    });
    await context.close();
    if (!/OpenSSF/.test(r.title)) throw new Error(`cold start: the first render with a title was not the example (${JSON.stringify(r.title)})`);
    if (errors.length) console.error(`bench: warning: cold start: the page reported errors:\n  ${errors.join("\n  ")}`);
    runs.push(r);
  }
  return {
    runs: runs.length,
    first_preview_ms: summary(runs, "t"),
    first_render_ms: summary(runs, "ms"),
    first_render_any_ms: summary(runs, "any"),
    dom_content_loaded_ms: summary(runs, "dcl"),
    raw: runs.map((r) => ({ first_preview: round(r.t, 1), first_render: round(r.ms), first_any: round(r.any, 1), dcl: round(r.dcl, 1) })),
  };
}

// ---------------------------------------------------------------------------
// Sizes

async function sizes() {
  const out = {};
  for (const [name, file] of [["wasm", WASM], ["js_glue", GLUE]]) {
    const raw = await readFile(file);
    out[name] = {
      file: path.relative(ROOT, file).startsWith("..") ? file : path.relative(ROOT, file),
      sha256: createHash("sha256").update(raw).digest("hex"),
      raw: raw.length,
      gzip: zlib.gzipSync(raw, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(raw, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_MODE]: name === "wasm" ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        },
      }).length,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------
// Output

const TARGETS = { example: 0.5, "100k": 3, "1m": 16 };
const RATIO_TARGET = 10;
const WASM_GZIP_TARGET = 450 * KIB;

function targets(cells, size) {
  const out = [];
  for (const [doc, limit] of Object.entries(TARGETS)) {
    const mine = cells.filter((c) => c.doc === doc);
    if (!mine.length) continue;
    const worst = mine.reduce((a, c) => (c.post_preview.work.median > a.post_preview.work.median ? c : a));
    out.push({
      target: `${worst.doc_label}: post-preview median ≤ ${limit} ms (every cell)`,
      measured: `${worst.post_preview.work.median} ms (worst: ${worst.where}, ${worst.kind})`,
      met: worst.post_preview.work.median <= limit,
    });
  }
  const hk = cells.filter((c) => c.doc === "100k");
  if (hk.length) {
    const worst = hk.reduce((a, c) => (c.ratio < a.ratio ? c : a));
    out.push({
      target: `100 KB: ≥ ${RATIO_TARGET}x faster than the baseline (every cell, medians)`,
      measured: `${worst.ratio}x (worst: ${worst.where}, ${worst.kind})`,
      met: worst.ratio >= RATIO_TARGET,
    });
  }
  const big = cells.filter((c) => c.doc === "1m");
  if (big.length) {
    const worst = big.reduce((a, c) => (c.post_preview.main.max > a.post_preview.main.max ? c : a));
    out.push({
      target: `1 MB: no keystroke keeps the main thread busy longer than a frame (16.7 ms; every sample)`,
      measured: `${worst.post_preview.main.max} ms (worst: ${worst.where}, ${worst.kind})`,
      met: worst.post_preview.main.max <= 16.7,
    });
  }
  out.push({
    target: `wasm ≤ 450 KiB gzipped`,
    measured: `${kib(size.wasm.gzip)} KiB`,
    met: size.wasm.gzip <= WASM_GZIP_TARGET,
  });
  return out;
}

const kib = (n) => (n / KIB).toFixed(1);
const ms = (x) => (x === null || x === undefined ? "–" : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

function rows(cells) {
  return cells.map((c) => [
    c.doc_label,
    c.where,
    c.kind_label,
    ms(c.post_preview.work.median),
    ms(c.post_preview.work.p95),
    ms(c.baseline.work.median),
    ms(c.baseline.work.p95),
    c.ratio == null ? "–" : `${c.ratio.toFixed(1)}x`,
    ms(c.post_preview.e2e.median),
    ms(c.baseline.e2e.median),
    ms(c.post_preview.core.median),
    ms(c.baseline.core.median),
    ms(c.post_preview.main.max),
    ms(c.textarea_alone?.work.median),
  ]);
}
const HEAD = [
  "document", "at", "edit",
  "pp median", "pp p95", "baseline median", "baseline p95", "ratio",
  "pp e2e median", "baseline e2e median", "pp core median", "baseline core median", "pp main-thread max",
  "textarea alone median",
];

function textTable(head, body) {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => r.map((x, i) => (i < 3 ? String(x).padEnd(widths[i]) : String(x).padStart(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

function mdTable(head, body, rightFrom = 3) {
  const esc = (x) => String(x).replace(/\|/g, "\\|");
  return [
    `| ${head.map(esc).join(" | ")} |`,
    `| ${head.map((_, i) => (i >= rightFrom ? "---:" : "---")).join(" | ")} |`,
    ...body.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

function describe(result) {
  const { env, docs } = result;
  return [
    `Chromium ${env.chromium} (headless), ${env.cpus} × ${env.cpu_model}, Node ${env.node}, load average ${env.loadavg_before[0]} before / ${env.loadavg_after[0]} after; tree ${env.commit}${env.dirty ? " (with uncommitted changes)" : ""}; ${result.date}.`,
    `Profile: ${profile}. Documents: ${docs.map((d) => `${d.label} = ${d.bytes.toLocaleString("en")} bytes`).join(", ")}. ` +
      `Samples per cell: ${result.config.samples} (1 MB: ${result.config.samples_1m}) after ${result.config.warmup} (1 MB: ${result.config.warmup_1m}) warm-up keystrokes; ` +
      `timer resolution ${result.page.timer_resolution_ms} ms (cross-origin isolated: ${result.page.crossOriginIsolated}).`,
  ].join("\n");
}

const LEGEND = `Times in ms. Each keystroke is made through the browser's editing (\`document.execCommand\` on the focused textarea, which fires the native \`input\` event), as a key press makes it. **median/p95**: the frame's work, from the start of the animation frame that renders the keystroke to the preview DOM updated and laid out (\`offsetHeight\` read), or from the \`input\` event when the preview was updated before a frame began; for post-preview this includes everything \`mount()\` does on a render. **ratio** = baseline median / post-preview median. **e2e**: from the \`input\` event to the same point, including the wait for the animation frame (both sides render on the next frame). **core**: post-preview's \`detail.ms\` (render + DOM patch; posts of 256 KiB and more render in a Web Worker); the baseline's js-yaml + markdown-it + DOMPurify + innerHTML. **main-thread max**: the longest time one keystroke of the cell kept post-preview's main thread busy (in a worker: sending the text and applying the patch; then, in every mode, \`mount()\`'s listener with its layout and the layout read). **textarea alone**: the control, the same keystroke in a textarea of the same size and text with no previewer at all: the browser's own rendering of that frame (style, layout, paint of the edited textarea), from the frame's start to the first task after it. Sides that render inside the frame are measured before its paint; post-preview's worker answers after the whole frame, so its 1 MB figures include it.`;

function markdown(result) {
  const s = result.sizes;
  const c = result.cold_start;
  const parts = [
    `### Benchmark (\`cargo xtask bench\`)`,
    "",
    describe(result),
    "",
    mdTable(HEAD, rows(result.cells)),
    "",
    LEGEND,
    "",
  ];
  if (result.floors?.length) parts.push(floorLine(result.floors), "");
  if (result.scrolls?.length) parts.push(scrollLine(result.scrolls), "");
  if (c) {
    parts.push(
      `**Cold start** (index.html?nosw, fresh browser context, which loads the example; navigation start → the first \`post-preview:rendered\` showing the example): ` +
        `median ${ms(c.first_preview_ms.median)} ms, p95 ${ms(c.first_preview_ms.p95)} ms over ${c.runs} runs ` +
        `(that render itself: ${ms(c.first_render_ms.median)} ms; DOMContentLoaded ${ms(c.dom_content_loaded_ms.median)} ms; the first render of any text: ${ms(c.first_render_any_ms.median)} ms).`,
      "",
    );
  }
  parts.push(
    mdTable(
      ["file", "raw", "gzip -9", "brotli -q 11"],
      Object.values(s).map((x) => [`\`${x.file}\``, `${x.raw.toLocaleString("en")} B (${kib(x.raw)} KiB)`, `${x.gzip.toLocaleString("en")} B (${kib(x.gzip)} KiB)`, `${x.brotli.toLocaleString("en")} B (${kib(x.brotli)} KiB)`]),
      1,
    ),
    "",
    mdTable(["target", "measured", "met"], result.targets.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"]), 9),
    "",
  );
  return parts.join("\n");
}

/** Scroll sync's cost, one sentence. */
function scrollLine(scrolls) {
  const mm = (x) => `${ms(x.median)} / ${ms(x.max)}`;
  return (
    `**Scroll sync** (post-preview's scroll listener per scroll event, median / max ms): ` +
    scrolls.map((x) => `${x.doc_label}: the editor scrolled ${mm(x.editor)}, the same right after a keystroke ${mm(x.after_edit)}, the preview scrolled ${mm(x.preview)}`).join("; ") +
    `.`
  );
}

/** The browser's floor, one sentence. */
function floorLine(floors) {
  return (
    `**Browser floor** (no previewer: in a keystroke's frame, one character inserted into a paragraph of a preview in place with \`replaceData\`, then style and layout; medians): ` +
    floors.map((f) => `${f.doc_label} ${ms(f.total.median)} ms (the edit ${ms(f.edit.median)}, layout ${ms(f.layout.median)})`).join("; ") +
    `. No previewer can show a keystroke for less.`
  );
}

function plain(result) {
  const s = result.sizes;
  const c = result.cold_start;
  const out = ["", describe(result), "", textTable(HEAD, rows(result.cells)), ""];
  out.push(LEGEND.replace(/\*\*/g, "").replace(/`/g, ""), "");
  if (result.floors?.length) out.push(floorLine(result.floors).replace(/\*\*/g, "").replace(/`/g, ""), "");
  if (result.scrolls?.length) out.push(scrollLine(result.scrolls).replace(/\*\*/g, ""), "");
  if (c) {
    out.push(
      `cold start (index.html?nosw, fresh context; navigation start -> first post-preview:rendered showing the example): ` +
        `median ${ms(c.first_preview_ms.median)} ms, p95 ${ms(c.first_preview_ms.p95)} ms over ${c.runs} runs ` +
        `(that render ${ms(c.first_render_ms.median)} ms; DOMContentLoaded ${ms(c.dom_content_loaded_ms.median)} ms; first render of any text ${ms(c.first_render_any_ms.median)} ms)`,
    );
  }
  for (const x of Object.values(s)) {
    out.push(`${x.file}: raw ${x.raw} B (${kib(x.raw)} KiB), gzip -9 ${x.gzip} B (${kib(x.gzip)} KiB), brotli -q 11 ${x.brotli} B (${kib(x.brotli)} KiB)`);
  }
  out.push("", "targets:");
  for (const t of result.targets) out.push(`  ${t.met ? "met    " : "NOT met"}  ${t.target}: ${t.measured}`);
  return out.join("\n");
}

function git(...a) {
  try {
    return execFileSync("git", a, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------

async function main() {
  const docs = documents({ examplePath: EXAMPLE, corpusDir: CORPUS }).filter((d) => !only || only.includes(d.id));
  if (!docs.length) throw new Error(`--only matched no document (example, 100k, 1m)`);
  console.error(`bench: ${base}, ${docs.map((d) => `${d.id} ${d.bytes} B`).join(", ")}`);
  const size = await sizes();
  // The sizes must be those of the wasm the page runs.
  const served = Buffer.from(await (await fetch(`${base}/pkg/post_preview_bg.wasm`)).arrayBuffer());
  if (createHash("sha256").update(served).digest("hex") !== size.wasm.sha256) {
    throw new Error(`${base}/pkg/post_preview_bg.wasm is not ${WASM}: PP_BASE_URL must serve PP_WWW`);
  }
  const loadBefore = os.loadavg();
  const browser = await launch();
  const chromiumVersion = browser.version();
  let keys;
  let cold = null;
  try {
    keys = await keystrokes(browser, docs);
    if (!flag("--no-cold")) {
      console.error("  cold start…");
      cold = await coldStart(browser);
    }
  } finally {
    await browser.close();
  }
  const result = {
    date: new Date().toISOString(),
    env: {
      chromium: chromiumVersion,
      node: process.version,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model?.trim() ?? "unknown",
      commit: git("rev-parse", "--short", "HEAD"),
      dirty: Boolean(git("status", "--porcelain", "--", "src", "www", "Cargo.toml", "Cargo.lock")),
      base_url: base,
      www: WWW,
      loadavg_before: loadBefore.map((x) => round(x, 2)),
      loadavg_after: os.loadavg().map((x) => round(x, 2)),
    },
    config: { samples: SAMPLES, samples_1m: SAMPLES_1M, warmup: WARMUP, warmup_1m: WARMUP_1M, cold_runs: COLD_RUNS, quick },
    method: {
      edit: "document.execCommand('insertText' | 'delete') on the focused textarea: the browser's editing, native input event (as a keystroke)",
      work: "animation-frame start -> preview DOM updated and laid out (offsetHeight read in the rendered-event listener); e2e when the preview was updated before any frame began",
      e2e: "input event -> the same point (includes waiting for the next animation frame)",
      command: "the execCommand call: the browser's editing of the textarea, before and around the input event",
      layout: "the offsetHeight read alone (for post-preview, scroll sync's revealCaret in mount() may have laid out already)",
      core: "post-preview: detail.ms of post-preview:rendered (render + patch in wasm); baseline: js-yaml + markdown-it + DOMPurify + innerHTML",
      baseline: "markdown-it 12.3.2 {html, breaks, linkify} (the site's options, without its anchor/footnote plugins), DOMPurify.sanitize, js-yaml safeLoad front matter, header + body innerHTML, rendered on the next animation frame like LiveBinding",
      edits: "type: one character per keystroke at the position; delete: backspace over those characters; paste: a 500-character paragraph inserted at the position, then removed (rendered, not measured)",
      positions: "start: the body's first paragraph; middle: the first paragraph at or after half the text; end: the end of the text",
      scroll: "scroll sync per scroll event on post-preview's side: the scroll listener's time (the event dispatched synchronously right after setting scrollTop) for the editor scrolled, the same right after a rendered keystroke at the middle position, and the preview scrolled; 10 positions from 1/11 to 10/11 of the scroll range",
      floor: "the browser's floor: a keystroke in the (paused) baseline's textarea, then in the next frame one character inserted into or deleted from the first text node of a paragraph of its preview in place (replaceData), then style and layout forced (offsetHeight); edit, layout, total",
    },
    page_errors: keys.errors,
    page: { ...keys.info, timer_resolution_ms: round(keys.info.timer_resolution_ms, 4) },
    docs: docs.map((d) => ({ id: d.id, label: d.label, bytes: d.bytes, chars: d.text.length, positions: d.positions })),
    cells: keys.cells,
    floors: keys.floors,
    scrolls: keys.scrolls,
    cold_start: cold,
    sizes: size,
  };
  result.targets = targets(result.cells, size);
  await mkdir(OUT, { recursive: true });
  const jsonPath = path.join(OUT, "latest.json");
  const mdPath = path.join(OUT, "latest.md");
  await writeFile(jsonPath, JSON.stringify(result, null, 2) + "\n");
  await writeFile(mdPath, markdown(result));
  console.log(plain(result));
  console.log(`\nwrote ${path.relative(process.cwd(), jsonPath) || jsonPath} and ${path.relative(process.cwd(), mdPath) || mdPath} (the markdown table for the README)`);
}

main().catch((err) => {
  console.error(`bench: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});

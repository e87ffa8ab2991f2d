// Denial of service: hostile inputs rendered by the shipped wasm (www/pkg) in
// headless Chromium, all in ONE module instance (a trap poisons an instance,
// so every input must leave it working).
//
// For each input, at size n and 2n (time = the minimum of several runs):
// - no trap, no exception;
// - render time under LIMIT_MS ("well under a second"; generous for a loaded
//   2-core machine, the figures are printed);
// - linear growth: t(2n)/t(n) <= 3 x (size(2n)/size(n))/2, checked when
//   t(n) is large enough to measure (>= MEASURABLE_MS); a failing figure is
//   measured again (up to 3 times, best of each kept), since a loaded 2-core
//   machine makes single figures noisy; one still above is judged over two
//   doublings (n to 4n) by the same rule, t ~ n^log2(3) at worst;
// - what must be bounded says so with a diagnostic.
// Afterwards the module still renders the example post exactly as before.
//
// Prints `dos figures: slowest S ms (input), traps T` at the end.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { baseUrl, exampleText, launch, newContext, openPage } from "./harness.js";

const LIMIT_MS = Number(process.env.PP_DOS_LIMIT_MS || 1000);
const MEASURABLE_MS = 15;
const RUNS = 3;

const rep = (s, n) => s.repeat(n);
const ZOLA_FM = '+++\ntitle = "x"\npath = "2024/01/01/x"\nauthors = ["a"]\n+++\n';
const RUST_BLOG = () => ({ profile: "rust-blog" });
const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join("");

/** name → [n, (n) => source, expected diagnostic (regexp) or null, (n) => render options (default {})]. */
const INPUTS = {
  // CommonMark's pathological inputs (cmark test/pathological_tests.py), 30,000+ repetitions.
  "nested strong emphasis": [30_000, (n) => `${rep("*a **a ", n)}b${rep(" a** a*", n)}`],
  "emphasis closers without openers": [100_000, (n) => rep("a_ ", n)],
  "emphasis openers without closers": [100_000, (n) => rep("_a ", n)],
  "link closers without openers": [100_000, (n) => rep("a]", n)],
  "link openers without closers": [100_000, (n) => rep("[a", n)],
  "mismatched openers and closers": [100_000, (n) => rep("*a_ ", n)],
  "openers and closers multiple of 3": [100_000, (n) => `a**b${rep("c* ", n)}`],
  "link openers and emphasis closers": [100_000, (n) => rep("[ a_", n)],
  "pattern [ (]( repeated": [100_000, (n) => rep("[ (](", n)],
  "pattern ![[]() repeated": [100_000, (n) => rep("![[]()", n)],
  "nested brackets": [50_000, (n) => `${rep("[", n)}a${rep("]", n)}`],
  "nested block quotes": [50_000, (n) => `${rep("> ", n)}a\n`, /nest more than/],
  "nested lists on one line": [50_000, (n) => `${rep("- ", n)}a\n`, /nest more than/],
  "nested indented lists": [300, (n) => lines(n, (i) => `${rep("  ", i)}* a\n`), /nest more than/],
  "U+0000 in input": [100_000, (n) => rep("abc\u0000de\u0000", n)],
  "backtick runs of every length": [600, (n) => lines(n, (i) => `e${rep("`", i + 1)}`)],
  "unclosed links <": [50_000, (n) => rep("[a](<b", n)],
  "unclosed links": [50_000, (n) => rep("[a](b", n)],
  "unclosed comment openers": [50_000, (n) => `</${rep("<!--", n)}`],
  "many comment openers inline": [50_000, (n) => rep("a <!-- ", n)],
  "many CDATA openers": [30_000, (n) => rep("a <![CDATA[ ", n)],
  "many processing instruction openers": [50_000, (n) => rep("a <? ", n)],
  "many declaration openers": [50_000, (n) => rep("a <!A ", n)],
  "many attribute openers": [50_000, (n) => rep("a <a x=", n)],
  // HTML markdown-it refuses (text on the site: each `<` is parsed again as text).
  "refused comments": [50_000, (n) => rep("a <!-- b -- c --> ", n)],
  "refused comments nested": [50_000, (n) => `${rep("<!-- -- ", n)}-->`],
  "refused declarations": [50_000, (n) => rep("a <!a> ", n)],
  "refused CDATA sections": [30_000, (n) => rep("a <![CDATA[ b ]> ", n)],
  "many references": [30_000, (n) => `${lines(n, (i) => `[${i}]: /u${i}\n`)}\n${rep("[0] [a] ", n)}`],
  "many footnote references": [30_000, (n) => `${rep("x[^1] ", n)}\n\n[^1]: note\n`],
  "many inline notes": [30_000, (n) => rep("x^[a *b*] ", n)],
  "inline note openers without closers": [100_000, (n) => rep("^[", n)],
  "inline note closers crossing emphasis": [50_000, (n) => rep("*a ^[b* c] ", n)],
  "table rows": [30_000, (n) => `| a | b |\n|---|:-:|\n${rep("| a | b |\n", n)}`],
  "wide table": [5_000, (n) => `${rep("| a ", n)}|\n${rep("|---", n)}|\n${rep("| b ", n)}|\n`],
  // markdown-it's rules on top (the default profile): tildes paired again,
  // blocks cut into tables and parsed again piece by piece.
  "strikethrough runs": [100_000, (n) => rep("~~a ", n)],
  "odd tilde runs": [50_000, (n) => rep("x ~~~~~a~~~ ", n)],
  "tables ended by indented rows": [15_000, (n) => rep("a|b\n-|-\n    c\n", n)],
  "table rows built from cells": [30_000, (n) => `|\ta\t|\tb\t|\n|\t---\t|\t---\t|\n${rep("|\tc\t|\td\t|\n", n)}`],
  "wide table built from cells": [5_000, (n) => `${rep("|\ta\t", n)}|\n${rep("|\t-\t", n)}|\n${rep("|\tb\t", n)}|\n`],
  "headings that start tables": [30_000, (n) => rep("# a|b\n-|-\n", n)],
  "tables interrupting one paragraph": [10_000, (n) => `p\n${rep("a|b\n-|-\nc|d\n    e\nf\n", n)}`],
  "linkify": [30_000, (n) => rep("see https://x.org/a and www.y.org ", n)],
  // markdown-it's link normalization (Punycode hosts, percent-decoding) and references.
  "IDN links and autolinks": [10_000, (n) => rep("<http://\u2603.net/%E2%98%83%> [a](//\u00e9.fr/%zz) x@\u2603.net ", n)],
  "a long IDN host": [100_000, (n) => `<http://${rep("\u00e9", n)}.net/>`],
  "refused reference definitions": [50_000, (n) => rep("[a]: javascript:x\n", n)],
  "invalid character references": [50_000, (n) => rep("&#1; [a](&#xD800;) [b](&#74;avascript:x) ", n)],
  "soft breaks": [100_000, (n) => rep("a\n", n)],
  "entities": [100_000, (n) => rep("&amp;&#x3C;&nbsp; ", n)],
  "headings (element dense)": [30_000, (n) => rep("# h\n", n)],
  "inline html (element dense)": [30_000, (n) => rep("<b>x</b>", n)],
  "emphasis (element dense)": [30_000, (n) => rep("*a* ", n)],
  "list items (element dense)": [30_000, (n) => rep("- a\n", n)],
  // Many diagnostics on one long line (each column walked the line: quadratic).
  "removed tags on one line": [25_000, (n) => rep("<x>a</x> ", n), /more than \d+ problems/],
  "refused links on one line": [25_000, (n) => rep("[a](javascript:x) ", n), /more than \d+ problems/],
  "removed attributes on one line": [25_000, (n) => rep('<b onclick="x">a</b> ', n), /more than \d+ problems/],
  "removed style declarations on one line": [25_000, (n) => rep('<b style="position: fixed; color: red">a</b> ', n), /more than \d+ problems/],
  "one style of many removed declarations": [25_000, (n) => `<p style="${rep("top: 0; color: red; ", n)}">a</p>`, /removed \d+ more declarations/],
  "one style of many kept declarations": [25_000, (n) => `<p style="${rep("margin: 0 calc(1em + 2px); ", n)}">a</p>`],
  "template tags on one line": [25_000, (n) => rep("{{ x }} ", n)],
  // Raw HTML nested 10,000 deep (and more).
  "raw <div> nested": [10_000, (n) => rep("<div>", n), /nest more than/],
  "raw <b> nested": [10_000, (n) => rep("<b>", n), /nest more than/],
  "raw <table> nested": [10_000, (n) => rep("<table>", n), /nest more than/],
  "raw <a> nested": [10_000, (n) => rep("<a href=/x>", n), /nest more than/],
  "raw <svg> nested": [10_000, (n) => rep("<svg>", n)],
  "raw <math><mi> nested": [10_000, (n) => rep("<math><mi>", n)],
  "raw <div> nested in one HTML block": [10_000, (n) => `<div>\n${rep("<div>", n)}\n</div>`, /nest more than/],
  // Front matter.
  "YAML alias bomb": [
    9,
    (n) => {
      let s = '---\na0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
      for (let i = 1; i < n; i++) s += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]\n`;
      return `${s}---\nbody\n`;
    },
    /alias|expan|values|nodes/i,
  ],
  "YAML nested 10,000 deep (flow sequences)": [10_000, (n) => `---\nx: ${rep("[", n)}${rep("]", n)}\n---\nb\n`, /nest|limit/i],
  "YAML nested 10,000 deep (flow mappings)": [10_000, (n) => `---\nx: ${rep("{a: ", n)}1${rep("}", n)}\n---\nb\n`, /nest|limit/i],
  "YAML nested 10,000 deep (block sequences)": [10_000, (n) => `---\nx:\n  ${rep("- ", n)}a\n---\nb\n`, /nest|limit/i],
  "TOML nested 10,000 deep (arrays)": [10_000, (n) => `+++\nx = ${rep("[", n)}${rep("]", n)}\n+++\nb\n`, /nest|limit/i],
  "TOML nested 10,000 deep (inline tables)": [10_000, (n) => `+++\nx = ${rep("{a=", n)}1${rep("}", n)}\n+++\nb\n`, /nest|limit/i],
  "front matter over the size limit": [100_000, (n) => `---\n${rep("k: v\n", n)}---\nb\n`, /front matter is \d+ bytes/],
  "lone surrogates": [100_000, (n) => rep("a\uD800b\uDC00 ", n)],
  // Site profiles: the rust-blog profile's Zola rules, and a site's own profile text.
  "Zola heading id of many emoji": [200_000, (n) => `${ZOLA_FM}# ${rep("\u{1F980}", n)}\n`, null, RUST_BLOG],
  "Zola heading ids, all the same": [30_000, (n) => `${ZOLA_FM}${rep("# \u00e9t\u00e9 \u{1F980}\n", n)}`, null, RUST_BLOG],
  "Zola shortcode calls": [30_000, (n) => `${ZOLA_FM}${rep("{{ f(a=1) }} ", n)}`, /calls a shortcode/, RUST_BLOG],
  // Within the front matter size limit (64 KiB), so the header template runs.
  "header template over a long author list": [6_000, (n) => `+++\ntitle = "x"\npath = "2024/01/01/x"\nauthors = [${rep('"a",', n)}]\n+++\nb\n`, null, RUST_BLOG],
  "a profile nested 10,000 deep": [10_000, () => "b\n", /nested more than/, (n) => ({ profile: `name = "x"\n[markdown]\nx = ${rep("[", n)}${rep("]", n)}\n` })],
  "a profile of fields requiring undeclared keys": [10_000, () => "b\n", /more mistakes/, (n) => ({ profile: `name = "x"\n${lines(n, (i) => `[[front_matter.fields]]\nkey = "k${i}"\ntype = "text"\nrequires = ["m"]\n`)}` })],
  "a profile of many unknown keys": [20_000, () => "b\n", /unknown key/, (n) => ({ profile: `name = "x"\n${lines(n, (i) => `k${i} = 1\n`)}` })],
};

const PAGE = "/__dos__/page.html";
const BOOT_JS = `import init, * as pp from "/pkg/post_preview.js";
await init();
window.pp = pp;
window.ppTime = (source, runs, options) => {
  let best = Infinity, out = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const p = pp.render(source, options);
    const ms = performance.now() - t0;
    if (ms < best) best = ms;
    out = p;
  }
  return { ms: best, bytes: source.length, htmlBytes: out.html.length, diagnostics: out.diagnostics.map((d) => d.message) };
};
window.ppReady = true;`;

let browser;
let context;
let page;
const rows = [];
let traps = 0;

before(async () => {
  browser = await launch();
  context = await newContext(browser);
  const origin = baseUrl();
  await context.route(`${origin}${PAGE}`, (route) =>
    route.fulfill({
      contentType: "text/html; charset=utf-8",
      body: '<!doctype html><meta charset="utf-8"><title>dos</title><script type="module" src="/__dos__/boot.js"></script>',
    }),
  );
  await context.route(`${origin}/__dos__/boot.js`, (route) =>
    route.fulfill({ contentType: "text/javascript; charset=utf-8", body: BOOT_JS }),
  );
  page = await context.newPage();
  await page.goto(`${origin}${PAGE}`);
  await page.waitForFunction(() => window.ppReady === true, null, { timeout: 15_000 });
});

after(async () => {
  await browser?.close();
  if (rows.length) {
    const slowest = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log("input | n | bytes | ms(n) | ms(2n) | ratio (limit)");
    for (const r of rows) console.log(`${r.name} | ${r.n} | ${r.bytes} | ${r.ms1.toFixed(1)} | ${r.ms.toFixed(1)} | ${r.ratio}`);
    console.log(`dos figures: ${rows.length} hostile inputs, slowest ${slowest.ms.toFixed(0)} ms (${slowest.name}, ${slowest.bytes} bytes), traps ${traps}`);
  }
});

async function time({ source, options }, runs = RUNS) {
  return page.evaluate(
    ({ source, options, runs }) => {
      try {
        return window.ppTime(source, runs, options);
      } catch (e) {
        return { error: String(e), trap: e instanceof WebAssembly.RuntimeError };
      }
    },
    { source, options, runs },
  );
}

describe("dos: hostile inputs in the wasm, one module instance", () => {
  let reference;
  test("the example renders (reference for afterwards)", async () => {
    reference = await page.evaluate(async (src) => window.pp.render(src, {}).html, await exampleText());
    assert.ok(reference.length > 1000);
  });

  for (const [name, [n, source, diagnostic, options = () => ({})]] of Object.entries(INPUTS)) {
    test(name, { timeout: 120_000 }, async () => {
      // An input's size is its source's and its profile text's.
      const make = (k) => {
        const [text, opts] = [source(k), options(k)];
        return { source: text, options: opts, length: text.length + (opts.profile?.length ?? 0) };
      };
      const small = make(n);
      const big = make(2 * n);
      const measure = async (runs) => {
        const a = await time(small, runs);
        const b = await time(big, runs);
        for (const r of [a, b]) {
          if (r.error) {
            if (r.trap) traps++;
            assert.fail(`${r.trap ? "trap" : "exception"}: ${r.error}`);
          }
        }
        return [a, b];
      };
      const sizeRatio = big.length / small.length;
      // 3, not 2: a loaded machine measured a linear input at 2.54 (CI); a
      // quadratic one is at 4.
      const allowed = 3 * (sizeRatio / 2);
      let [a, b] = await measure(RUNS);
      // A loaded machine makes single figures noisy: a failing figure is
      // measured again, with more runs, keeping the best of both.
      for (let retry = 0; retry < 3 && (b.ms >= LIMIT_MS || (a.ms >= MEASURABLE_MS && b.ms / a.ms > allowed)); retry++) {
        const [a2, b2] = await measure(RUNS + 2);
        a = a2.ms < a.ms ? a2 : a;
        b = b2.ms < b.ms ? b2 : b;
      }
      let ratio = b.ms / Math.max(a.ms, 0.1);
      const measurable = a.ms >= MEASURABLE_MS;
      let figure = `${ratio.toFixed(2)} (${allowed.toFixed(2)})`;
      let growth = `t(2n)/t(n) = ${ratio.toFixed(2)} > ${allowed.toFixed(2)} (${a.ms.toFixed(1)} ms, ${b.ms.toFixed(1)} ms)`;
      // One doubling can still read above 3 for a linear input: in wasm, a
      // 1 MB line's working set leaves the caches (measured 2.4 to 2.75 for
      // "removed tags on one line", 3.14 once on a loaded CI machine). Such a
      // figure is judged over two doublings instead, by the same rule (at
      // most 3x per doubling, i.e. t ~ n^1.58 at worst): a quadratic input
      // stays at 4x per doubling however often it is measured.
      if (measurable && ratio > allowed && b.ms < LIMIT_MS) {
        const huge = make(4 * n);
        const c = await time(huge, RUNS);
        if (c.error) {
          if (c.trap) traps++;
          assert.fail(`${c.trap ? "trap" : "exception"}: ${c.error}`);
        }
        const exponent = Math.log(c.ms / a.ms) / Math.log(huge.length / small.length);
        const limit = Math.log2(3);
        figure += `, over 4n: n^${exponent.toFixed(2)} (n^${limit.toFixed(2)})`;
        growth += `; over two doublings t(4n)/t(n) = ${(c.ms / a.ms).toFixed(2)}, n^${exponent.toFixed(2)} > n^${limit.toFixed(2)} (${c.ms.toFixed(1)} ms)`;
        if (exponent <= limit) ratio = allowed;
      }
      rows.push({
        name,
        n,
        bytes: big.length,
        ms1: a.ms,
        ms: b.ms,
        ratio: measurable ? figure : `- (t(n) < ${MEASURABLE_MS} ms)`,
      });
      if (diagnostic) assert.ok(b.diagnostics.some((m) => diagnostic.test(m)), `a diagnostic matching ${diagnostic}: ${b.diagnostics.slice(0, 3)}`);
      assert.ok(b.ms < LIMIT_MS, `${b.ms.toFixed(0)} ms for ${big.length} bytes (limit ${LIMIT_MS} ms)`);
      if (measurable) assert.ok(ratio <= allowed, growth);
    });
  }

  test("a 5 MB post", { timeout: 120_000 }, async () => {
    const example = await exampleText();
    const body = example.slice(example.indexOf("\n---", 3) + 4);
    const source = example + body.repeat(Math.ceil(5_000_000 / body.length));
    const r = await time({ source, options: {} }, 2);
    if (r.error) {
      if (r.trap) traps++;
      assert.fail(r.error);
    }
    rows.push({ name: "5 MB post", n: 1, bytes: source.length, ms1: r.ms, ms: r.ms, ratio: "-" });
    assert.ok(r.ms < LIMIT_MS, `${r.ms.toFixed(0)} ms for ${source.length} bytes (limit ${LIMIT_MS} ms); diagnostics: ${r.diagnostics.slice(0, 2)}`);
  });

  test("the module still renders the example exactly as before", async () => {
    const again = await page.evaluate(async (src) => window.pp.render(src, {}).html, await exampleText());
    assert.equal(again, reference);
    assert.equal(traps, 0);
  });
});

describe("the draft survives a crash of the module", () => {
  test("autosave keeps saving after a trap, and a reload restores the text", { timeout: 60_000 }, async () => {
    const ctx = await newContext(browser);
    try {
      const p = await openPage(ctx);
      await p.fill("#source", "# Draft\n\nBefore the crash.");
      await p.evaluate(() => window.__postPreview.handle.failNextUpdate());
      await p.focus("#source");
      await p.keyboard.press("Control+End");
      await p.keyboard.type(" Typed as it crashed.");
      await p.waitForSelector("#notice", { state: "visible", timeout: 10_000 });
      await p.keyboard.type(" After the crash.");
      const text = await p.inputValue("#source");
      assert.equal(text, "# Draft\n\nBefore the crash. Typed as it crashed. After the crash.", "the textarea is never rewritten");
      // Autosave (throttled to once a second) still runs after the trap.
      await p.waitForFunction((t) => localStorage.getItem("post-preview:draft") === t, text, { timeout: 5_000 });
      await p.reload();
      await p.waitForFunction(() => window.__ppRenders > 0, null, { timeout: 15_000 });
      assert.equal(await p.inputValue("#source"), text, "the reloaded page restores the draft");
    } finally {
      await ctx.close();
    }
  });
});

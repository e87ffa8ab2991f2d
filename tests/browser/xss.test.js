// The XSS suite: every payload of tests/xss/payloads.json, in every context
// of tests/xss/cases.mjs, rendered by the shipped wasm (www/pkg) in real
// headless Chromium, in a page with scripts enabled and a sentinel function.
//
// For each case, `html` and `header_html` must:
// - be a fixed point of the browser's parser: parsing and serializing them
//   again (twice) gives the same string back (no mutation XSS);
// - hold only elements of the sanitizer's allowlist (src/sanitize.rs TAGS), in
//   the HTML namespace, and no `on*` attribute; the one exception is
//   markdown's task-list checkbox, exactly as src/sanitize.rs CHECKBOXES
//   writes it (disabled), and no more of them than the source has `[ ]` and
//   `[x]` markers (none in the eleventy preset);
// - hold no URL whose scheme, once the browser has parsed it, is other than
//   http, https or mailto;
// - hold no inline style that Chromium reads as positioning, transforming,
//   masking or filtering an element, or whose value loads or reads anything
//   (`url(`, `image-set(`, `attr(`, …);
// - clobber nothing: no id or name of a preview mounted in a shadow root is
//   reachable as a window or document property;
// - run nothing: after the output is inserted (in a plain element and in a
//   shadow root), every element is focused and gets mouse, pointer, focus,
//   keyboard and other events, and every link is clicked, the sentinel (also
//   standing in for alert/confirm/prompt/print) was never called.
// The page is served without a CSP (a CMS host may have none) and with the
// page's own CSP. Then the same payloads are typed into the real page.
//
// Prints `xss figures: P payloads x contexts = N cases, hits H` at the end.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { cases, PAYLOADS } from "../xss/cases.mjs";
import { baseUrl, launch, newContext, openPage, renderedAfter, renders, settled } from "./harness.js";

const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-src 'none'; img-src * data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'";

/** The allowlist, read from the sanitizer itself so the two never drift. */
function allowedTags() {
  const src = readFileSync(new URL("../../src/sanitize.rs", import.meta.url), "utf8");
  const block = src.match(/pub const TAGS: &\[&str\] = &\[([\s\S]*?)\];/);
  assert.ok(block, "TAGS not found in src/sanitize.rs");
  return [...block[1].matchAll(/"([a-z0-9]+)"/g)].map((m) => m[1]);
}

/** Markdown's task-list checkboxes, read from the sanitizer (CHECKBOXES). */
function allowedCheckboxes() {
  const src = readFileSync(new URL("../../src/sanitize.rs", import.meta.url), "utf8");
  const block = src.match(/pub const CHECKBOXES: \[&str; 2\] = \[([\s\S]*?)\];/);
  assert.ok(block, "CHECKBOXES not found in src/sanitize.rs");
  return [...block[1].matchAll(/r#"(.*?)"#/g)].map((m) => m[1]);
}

/** At most how many checkboxes markdown writes for `source` (one per `[ ]`/`[x]`). */
const taskMarkers = (source, preset) => (preset === "commonmark" ? (source.match(/\[[ xX]\]/g) ?? []).length : 0);

const ALL = cases();
const PAGE = "/__xss__/page.html";
const BOOT = "/__xss__/boot.js";

function pageHtml(csp) {
  return `<!doctype html><html><head><meta charset="utf-8">${
    csp ? `<meta http-equiv="Content-Security-Policy" content="${CSP}">` : ""
  }<title>xss</title></head><body><div id="plain"></div><div id="hosts"></div><script type="module" src="${BOOT}"></script></body></html>`;
}
const BOOT_JS = `import init, * as pp from "/pkg/post_preview.js";
await init();
window.pp = pp;
window.ppReady = true;`;

/** A context in which the sentinel counts every call, and navigations and popups are recorded. */
async function sentinelContext(browser) {
  const context = await newContext(browser);
  await context.addInitScript(() => {
    window.__hits = [];
    const hit = (...args) => {
      window.__hits.push({ case: window.__case ?? null, args: args.map(String) });
    };
    for (const name of ["__sentinel", "alert", "confirm", "prompt", "print"]) {
      Object.defineProperty(window, name, { value: hit, writable: false, configurable: false });
    }
  });
  context.__popups = [];
  return context;
}

async function openTestPage(context, csp) {
  const origin = baseUrl();
  await context.route(`${origin}${PAGE}`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: pageHtml(csp) }),
  );
  await context.route(`${origin}${BOOT}`, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", body: BOOT_JS }),
  );
  const page = await context.newPage();
  page.on("popup", (p) => context.__popups.push(p.url()));
  page.__navigations = [];
  page.on("framenavigated", (f) => page.__navigations.push(f.url()));
  page.__dialogs = [];
  page.on("dialog", (d) => {
    page.__dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(`${origin}${PAGE}`);
  await page.waitForFunction(() => window.ppReady === true, null, { timeout: 15_000 });
  // Safe links are followed no further than this (the page must stay); any
  // other scheme is left to do whatever it does, so a javascript: URL runs.
  await page.evaluate(() => {
    const safe = new Set(["http:", "https:", "mailto:"]);
    document.addEventListener(
      "click",
      (e) => {
        const a = e.composedPath().find((n) => n instanceof HTMLAnchorElement || n instanceof HTMLAreaElement);
        // (":" is a URL the browser cannot parse; the check reports it.)
        if (a && (!a.hasAttribute("href") || safe.has(a.protocol) || a.protocol === ":")) e.preventDefault();
      },
      true,
    );
  });
  return page;
}

/** Runs a batch of cases inside the page; returns [{n, id, problems}]. */
function runBatch(page, batch, tags) {
  const checkboxes = allowedCheckboxes();
  assert.equal(checkboxes.length, 2);
  return page.evaluate(
    async ({ batch, tags, checkboxes }) => {
      const SAFE = new Set(["http:", "https:", "mailto:"]);
      const URL_ATTRS = new Set([
        "href", "src", "srcset", "ping", "action", "formaction", "poster", "xlink:href", "background",
        "cite", "data", "codebase", "lowsrc", "dynsrc", "longdesc", "usemap", "manifest", "icon", "profile",
      ]);
      const HTML_NS = "http://www.w3.org/1999/xhtml";
      // Inline styles, as Chromium's own CSS parser reads them: nothing that
      // takes an element out of the post's flow or stacking, and no value
      // that loads or reads anything.
      const UNSAFE_STYLE = /^(position|top|right|bottom|left|inset.*|z-index|transform.*|translate|rotate|scale|filter|backdrop-filter|mask.*|-webkit-mask.*|clip-path|clip|content|offset.*|will-change|contain|isolation|mix-blend-mode|zoom)$/;
      const UNSAFE_VALUE = /url\(|image-set\(|image\(|element\(|attr\(|expression/i;
      const EVENTS = [
        ["mouseover", MouseEvent], ["mouseenter", MouseEvent], ["mousemove", MouseEvent], ["mousedown", MouseEvent],
        ["mouseup", MouseEvent], ["click", MouseEvent], ["dblclick", MouseEvent], ["auxclick", MouseEvent],
        ["contextmenu", MouseEvent], ["mouseout", MouseEvent], ["mouseleave", MouseEvent],
        ["pointerover", PointerEvent], ["pointerenter", PointerEvent], ["pointerdown", PointerEvent], ["pointerup", PointerEvent],
        ["focus", FocusEvent], ["focusin", FocusEvent], ["blur", FocusEvent], ["focusout", FocusEvent],
        ["keydown", KeyboardEvent], ["keyup", KeyboardEvent], ["input", Event], ["change", Event], ["toggle", Event],
        ["load", Event], ["error", Event], ["animationstart", Event], ["transitionend", Event], ["wheel", WheelEvent],
        ["scroll", Event], ["copy", Event], ["paste", Event], ["dragstart", Event], ["drop", Event], ["select", Event],
        ["submit", Event], ["invalid", Event], ["beforetoggle", Event],
      ];
      const plain = document.getElementById("plain");
      const hosts = document.getElementById("hosts");
      const results = [];
      const firstDiff = (a, b) => {
        let i = 0;
        while (i < a.length && a[i] === b[i]) i++;
        return `at ${i}: ${JSON.stringify(a.slice(Math.max(0, i - 30), i + 50))} became ${JSON.stringify(b.slice(Math.max(0, i - 30), i + 50))}`;
      };
      const protoOf = (v) => {
        try {
          return new URL(v, document.baseURI).protocol;
        } catch {
          return "(unparsable)";
        }
      };
      const reparse = (html) => {
        const t = document.createElement("template");
        t.innerHTML = html;
        return t.innerHTML;
      };
      for (const c of batch) {
        window.__case = c.n;
        const problems = [];
        let p;
        try {
          p = window.pp.render(c.source, { preset: c.preset });
        } catch (e) {
          results.push({ n: c.n, id: c.id, problems: [`render threw: ${e}`], elements: 0 });
          continue;
        }
        for (const [name, html] of [["html", p.html], ["header_html", p.header_html]]) {
          const once = reparse(html);
          if (once !== html) problems.push(`${name} is not a fixed point of the browser's parser, ${firstDiff(html, once)}`);
          else if (reparse(once) !== once) problems.push(`${name} changes on a second round trip`);
        }
        // DOM clobbering: what a shadow root holds is invisible to window and
        // document, so no id or name of it changes what they name.
        const keysOf = (html) => {
          const t = document.createElement("template");
          t.innerHTML = html;
          return [...t.content.querySelectorAll("[id], [name]")].flatMap((el) => [el.getAttribute("id"), el.getAttribute("name")]).filter(Boolean);
        };
        const keys = keysOf(p.header_html + p.html);
        const seen = (k) => [window[k], document[k]];
        const before = keys.map(seen);
        const host = document.createElement("div");
        hosts.append(host);
        const shadow = host.attachShadow({ mode: "open" });
        shadow.innerHTML = p.header_html + p.html;
        keys.forEach((k, i) => {
          const now = seen(k);
          if (now[0] !== before[i][0] || now[1] !== before[i][1]) problems.push(`id/name ${JSON.stringify(k)} clobbers window or document`);
        });
        const box = document.createElement("div");
        box.innerHTML = p.header_html + p.html;
        plain.append(box);
        const roots = [box, shadow];
        let elements = 0;
        const inputs = box.querySelectorAll("input").length;
        if (inputs > c.markers) problems.push(`${inputs} checkboxes for ${c.markers} task-list markers`);
        for (const root of roots) {
          for (const el of root.querySelectorAll("*")) {
            elements++;
            if (el.namespaceURI === HTML_NS && el.localName === "input") {
              if (!checkboxes.includes(el.outerHTML) || !el.disabled) problems.push(`form control ${el.outerHTML}`);
            } else if (el.namespaceURI !== HTML_NS || !tags.includes(el.localName)) problems.push(`element <${el.localName}> (${el.namespaceURI})`);
            for (let i = 0; i < el.style.length; i++) {
              const prop = el.style[i];
              const value = el.style.getPropertyValue(prop);
              if (UNSAFE_STYLE.test(prop) || UNSAFE_VALUE.test(value)) {
                problems.push(`style ${el.localName}[${prop}: ${value}] from ${JSON.stringify(el.getAttribute("style"))}`);
              }
            }
            for (const a of el.attributes) {
              const name = a.name.toLowerCase();
              if (name.startsWith("on")) problems.push(`attribute ${el.localName}[${a.name}]`);
              if (URL_ATTRS.has(name) || name.endsWith(":href")) {
                const values = name === "srcset" || name === "ping" ? a.value.split(/[\s,]+/).filter(Boolean) : [a.value];
                for (const v of values) {
                  const proto = protoOf(v);
                  if (!SAFE.has(proto)) problems.push(`URL ${el.localName}[${a.name}=${JSON.stringify(a.value)}] has scheme ${proto}`);
                }
              }
            }
            if ((el instanceof HTMLAnchorElement || el instanceof HTMLAreaElement) && el.hasAttribute("href") && !SAFE.has(el.protocol)) {
              problems.push(`link ${JSON.stringify(el.getAttribute("href"))} parses to ${el.protocol}`);
            }
            if (el instanceof HTMLImageElement && el.getAttribute("src") && !SAFE.has(protoOf(el.src))) {
              problems.push(`image ${JSON.stringify(el.getAttribute("src"))} parses to ${protoOf(el.src)}`);
            }
          }
        }
        // Interact: focus, hover, click, every event, on every element.
        for (const root of roots) {
          for (const el of root.querySelectorAll("*")) {
            try {
              el.focus({ preventScroll: true });
            } catch {}
            for (const [type, Ctor] of EVENTS) {
              el.dispatchEvent(new Ctor(type, { bubbles: true, cancelable: true, composed: true }));
            }
            if (el instanceof HTMLAnchorElement || el instanceof HTMLAreaElement || el instanceof HTMLElement) el.click();
          }
        }
        results.push({ n: c.n, id: c.id, problems, elements });
      }
      // Asynchronous vectors (image errors, refreshes, frames) get time to fire.
      await new Promise((r) => setTimeout(r, 150));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      plain.replaceChildren();
      hosts.replaceChildren();
      return results;
    },
    { batch, tags, checkboxes },
  );
}

let browser;
const figures = { payloads: PAYLOADS.length, cases: 0, contexts: new Set(), hits: 0, problems: 0, pages: [] };
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  console.log(
    `xss figures: ${figures.payloads} payloads x ${figures.contexts.size} contexts = ${figures.cases} cases ` +
      `(per page: ${figures.pages.join(", ")}), hits ${figures.hits}, problems ${figures.problems}`,
  );
});

const BATCH = 40;

describe("xss: every payload in every context, rendered by the wasm", () => {
  const tags = allowedTags();
  for (const csp of [false, true]) {
    test(`${csp ? "with" : "without"} the page's CSP`, { timeout: 600_000 }, async () => {
      assert.ok(ALL.length >= 150 * 5, `at least 150 payloads in 5 contexts (have ${ALL.length} cases)`);
      const context = await sentinelContext(browser);
      try {
        let page = await openTestPage(context, csp);
        const start = page.url();
        const failures = [];
        let elements = 0;
        for (const preset of ["eleventy", "commonmark"]) {
          for (let i = 0; i < ALL.length; i += BATCH) {
            const batch = ALL.slice(i, i + BATCH).map(({ n, id, source }) => ({ n, id, source, preset, markers: taskMarkers(source, preset) }));
            let results;
            try {
              results = await runBatch(page, batch, tags);
            } catch (err) {
              // A navigation away (or a crash) is a failure of the whole batch.
              failures.push(`${batch[0].id} … ${batch.at(-1).id} [${preset}]: ${err.message.split("\n")[0]}`);
              failures.push(...(await page.evaluate(() => window.__hits).catch(() => [])).map((h) => `hit ${JSON.stringify(h)}`));
              await page.close();
              page = await openTestPage(context, csp);
              continue;
            }
            for (const r of results) {
              elements += r.elements;
              for (const problem of r.problems) failures.push(`${r.id} [${preset}]: ${problem}`);
            }
          }
        }
        const hits = await page.evaluate(() => window.__hits);
        figures.cases = ALL.length;
        for (const c of ALL) figures.contexts.add(c.context);
        figures.hits += hits.length + page.__dialogs.length;
        figures.problems += failures.length;
        figures.pages.push(`${csp ? "CSP" : "no CSP"} ${ALL.length * 2} renders, ${elements} elements`);
        const hitCases = hits.map((h) => ALL.find((c) => String(c.n) === h.args[0])?.id ?? JSON.stringify(h));
        assert.deepEqual(hitCases, [], "the sentinel was called");
        assert.deepEqual(page.__dialogs, [], "a dialog opened");
        if (failures.length) console.log(failures.join("\n"));
        assert.deepEqual(failures.slice(0, 40), [], `${failures.length} problems`);
        assert.equal(page.url(), start, "the page navigated");
        assert.deepEqual(page.__navigations.filter((u) => u !== start && u !== "about:blank"), [], "a frame navigated");
        assert.deepEqual(context.__popups, [], "a popup opened");
      } finally {
        await context.close();
      }
    });
  }
});

describe("xss: the same payloads typed into the real page", () => {
  test("index.html: nothing runs, nothing navigates, the textarea is untouched", { timeout: 600_000 }, async () => {
    const context = await sentinelContext(browser);
    try {
      // The page opens http(s) links in a new tab (window.open): record
      // those instead of opening hundreds of tabs.
      await context.addInitScript(() => {
        window.__opened = [];
        window.open = (u) => {
          window.__opened.push(String(u));
          return null;
        };
      });
      const page = await openPage(context);
      page.on("popup", (p) => context.__popups.push(p.url()));
      const start = page.url();
      const failures = [];
      // One post per payload, its contexts one after another.
      const posts = PAYLOADS.map((p) => {
        const mine = ALL.filter((c) => c.payload === p.id);
        const fm = mine.find((c) => c.source.startsWith("---") || c.source.startsWith("+++"));
        const rest = mine.filter((c) => c !== fm).map((c) => c.source);
        return { id: p.id, source: [fm?.source ?? "", ...rest].join("\n\n") };
      });
      for (const post of posts) {
        const n = await renders(page);
        await page.fill("#source", post.source.slice(0, -1));
        await page.focus("#source");
        await page.keyboard.press("Control+End");
        await page.keyboard.type(post.source.slice(-1));
        await renderedAfter(page, n).catch(() => {});
        await settled(page);
        // (A textarea's value normalizes CR and CRLF to LF: the browser's doing.)
        if ((await page.inputValue("#source")) !== post.source.replace(/\r\n?/g, "\n")) failures.push(`${post.id}: the textarea was rewritten`);
        const problems = await page.evaluate(() => {
          const root = document.getElementById("preview").shadowRoot;
          const out = [];
          const safe = new Set(["http:", "https:", "mailto:"]);
          // The page's preset (eleventy) has no task lists: no form control at all.
          for (const el of root.querySelectorAll('[data-pp="root"] :is(input, button, select, textarea)')) out.push(`form control ${el.outerHTML}`);
          for (const el of root.querySelectorAll('[data-pp="root"] *, [data-pp="badges"] *, [data-pp="attachments"] *')) {
            for (const a of el.attributes) if (/^on/i.test(a.name)) out.push(`${el.localName}[${a.name}]`);
            if (el instanceof HTMLAnchorElement && el.hasAttribute("href") && !safe.has(el.protocol)) out.push(`link to ${el.protocol}`);
            el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true, composed: true }));
            el.dispatchEvent(new FocusEvent("focus"));
            if (el instanceof HTMLAnchorElement) el.click(); // the page's handler keeps the page here
          }
          return out;
        });
        for (const p of problems) failures.push(`${post.id}: ${p}`);
      }
      // Real pointer input on the last post's links too.
      const links = page.locator('#preview [data-pp="root"] a');
      for (let i = 0; i < Math.min(await links.count(), 20); i++) {
        await links.nth(i).hover({ force: true, timeout: 2000 }).catch(() => {});
        await links.nth(i).click({ force: true, timeout: 2000 }).catch(() => {});
      }
      await page.waitForTimeout(200);
      const hits = await page.evaluate(() => window.__hits);
      figures.hits += hits.length;
      assert.deepEqual(hits, [], "the sentinel was called");
      assert.deepEqual(failures, []);
      assert.equal(page.url(), start, "the page navigated");
      const opened = await page.evaluate(() => window.__opened);
      assert.deepEqual(opened.filter((u) => !/^https?:/.test(u)), [], "window.open of a non-http(s) URL");
      assert.deepEqual(context.__popups, [], "a popup opened");
      assert.equal(await page.evaluate(() => typeof window.ppClobbered), "undefined", "ids in the preview clobber globals");
    } finally {
      await context.close();
    }
  });
});

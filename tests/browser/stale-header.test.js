// A front matter typed keystroke by keystroke is unreadable at most of them
// (a half-typed key, an opened quote, an opened list). The preview keeps
// showing the header of the last readable version, marked out of date
// (`data-pp-stale` and its visible cue from preview.css), with the error in
// the diagnostics, until the front matter can be read again: in the page, in
// `<post-preview>` (embed.html), and through `mount()` on the main thread and
// in a worker.
//
// Prints `stale-header figures: …` per surface (keystrokes, stale renders).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, newContext, openPage, settled } from "./harness.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const START = "---\ntitle: Hello\n---\nBody.\n";
/** Typed at the end of the title line, one key at a time. */
const TYPED = '\ndescription: "A, b"\ntags: [news-x, b]';

/** Listens to the rendered events of the preview host `host` (a selector). */
function listen(page, host) {
  return page.evaluate((host) => {
    window.__staleLast = null;
    window.__staleRenders = 0;
    document.querySelector(host).addEventListener("post-preview:rendered", (e) => {
      window.__staleLast = e.detail;
      window.__staleRenders++;
    });
  }, host);
}

/** What the preview in `host` shows now, with the last rendered event's detail. */
function state(page, host) {
  return page.evaluate((host) => {
    const header = document.querySelector(host).shadowRoot.querySelector('header[data-pp="header"]');
    const d = window.__staleLast;
    return {
      h1: header.querySelector("h1")?.textContent ?? null,
      h2: header.querySelector("h2")?.textContent ?? null,
      tags: [...header.querySelectorAll(".post-tag")].map((a) => a.textContent),
      stale: header.hasAttribute("data-pp-stale"),
      cue: getComputedStyle(header, "::before").content,
      opacity: getComputedStyle(header).opacity,
      detailStale: d ? d.header_stale : null,
      errors: d ? d.diagnostics.filter((x) => x.severity === "error").map((x) => x.message) : [],
      renders: window.__staleRenders,
    };
  }, host);
}

/**
 * Sets `textarea` to START, then types TYPED key by key at the end of the
 * title line, checking the header after every keystroke.
 */
async function typeFrontMatter(page, textarea, host, label) {
  await page.fill(textarea, START);
  await settled(page);
  // The render of START: in a worker, the mount's first render (of the
  // empty textarea) can arrive after the listener, before this one.
  await page.waitForFunction(() => window.__staleLast?.front_matter?.title === "Hello", null, { timeout: 10_000 });
  const first = await state(page, host);
  assert.equal(first.h1, "Hello", `${label}: the first header`);
  assert.equal(first.stale, false);
  await page.focus(textarea);
  await page.evaluate((sel) => {
    const t = document.querySelector(sel);
    const at = t.value.indexOf("\n---\n", 3);
    t.setSelectionRange(at, at);
  }, textarea);
  let stale = 0;
  for (const key of TYPED) {
    const before = (await state(page, host)).renders;
    if (key === "\n") await page.keyboard.press("Enter");
    else await page.keyboard.type(key);
    await page.waitForFunction((n) => window.__staleRenders > n, before, { timeout: 10_000 });
    await settled(page);
    const s = await state(page, host);
    const where = `${label}, after typing ${JSON.stringify(key)}`;
    // The header never disappears: the title stays whatever is half-typed.
    assert.equal(s.h1, "Hello", `${where}: the title is shown`);
    assert.equal(s.stale, s.detailStale, `${where}: the mark follows the event's header_stale`);
    if (s.stale) {
      stale++;
      assert.ok(s.errors.length > 0, `${where}: the front matter's error stays in the diagnostics`);
      assert.match(s.cue, /Out of date/, `${where}: the visible cue`);
      assert.ok(Number(s.opacity) < 1, `${where}: dimmed`);
    } else {
      assert.equal(s.cue, "none", `${where}: no cue on a current header`);
    }
  }
  const last = await state(page, host);
  assert.equal(last.stale, false, `${label}: readable again`);
  assert.equal(last.h2, "A, b");
  assert.deepEqual(last.tags, ["news-x", "b"]);
  // Keys, `description`, the opened quote, `tags`, the opened list: most
  // keystrokes leave the front matter unreadable.
  assert.ok(stale >= 20, `${label}: ${stale} stale renders`);
  console.log(`stale-header figures: ${label}: ${TYPED.length} keystrokes, ${stale} showed the previous header marked out of date`);
}

describe("a broken front matter while typing keeps the last header, marked out of date", () => {
  test("the page", { timeout: 120_000 }, async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await listen(page, "#preview");
      await typeFrontMatter(page, "#source", "#preview", "page");
    } finally {
      await context.close();
    }
  });

  test("<post-preview>", { timeout: 120_000 }, async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context, "embed.html?test");
      await listen(page, "#cms-preview");
      await typeFrontMatter(page, "#cms-body", "#cms-preview", "<post-preview>");
    } finally {
      await context.close();
    }
  });

  for (const worker of [false, true]) {
    test(`mount() ${worker ? "in a worker" : "on the main thread"}`, { timeout: 120_000 }, async () => {
      const context = await newContext(browser);
      try {
        const page = await openPage(context, "embed.html?test");
        await page.evaluate(async (worker) => {
          const api = await import(new URL("post-preview.js", document.baseURI).href);
          const textarea = document.createElement("textarea");
          textarea.id = "mounted-source";
          const host = document.createElement("div");
          host.id = "mounted-preview";
          document.body.append(textarea, host);
          window.__staleHandle = api.mount(textarea, host, { worker });
          await window.__staleHandle.ready;
        }, worker);
        await listen(page, "#mounted-preview");
        await typeFrontMatter(page, "#mounted-source", "#mounted-preview", `mount(worker: ${worker})`);
        // A one-off render of an unreadable front matter has no earlier
        // version: its header is the empty one, as before.
        const once = await page.evaluate(async () => {
          const api = await import(new URL("post-preview.js", document.baseURI).href);
          return api.render('---\ntitle: Hello\ndescription: "A\n---\nBody.\n');
        });
        assert.match(once.header_html, /^<h1><\/h1>/);
        assert.equal(once.header_stale, undefined);
      } finally {
        await context.close();
      }
    });
  }
});

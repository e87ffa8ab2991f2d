// Long posts render in a Web Worker (www/render-worker.js): the main thread
// only applies the patch the worker answers. The invariant is the same as on
// the main thread: after any sequence of edits the preview's body is exactly
// what a full render of the final text gives. A trap in the worker is
// survived like one on the main thread: a new worker, the text rendered again.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bodyAndFull, EDIT_SNIPPETS, editAt, exampleText, launch, newContext, openPage, renders, renderedAfter, rng } from "./harness.js";

/** A post past the worker threshold: the example, then its body again and again. */
async function longPost() {
  const example = await exampleText();
  const body = example.slice(example.indexOf("\n---\n", 4) + 5);
  let text = example;
  for (let i = 0; text.length < 300 * 1024; i++) text += `\n\n## Part ${i % 7}\n\n${body}`;
  return text;
}

/** Waits until the preview has rendered after `n` and no render is pending. */
async function quiet(page, n) {
  await renderedAfter(page, n, 20_000);
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const now = await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => r(window.__ppRenders), 30)))),
    );
    if (now === last) return;
    last = now;
  }
}

/**
 * The shape of the body's chunks (long posts only): every child a chunk, none
 * empty, none over twice CHUNK_UNITS units (counted by their first elements,
 * which carry data-line). Content cannot forge a chunk: the sanitizer keeps
 * no data-* attribute.
 */
function chunkShape(page) {
  return page.evaluate(async () => {
    const { CHUNK_UNITS } = await import("/post-preview.js");
    const body = document.getElementById("preview").shadowRoot.querySelector('article[data-pp="body"]');
    const chunks = [...body.childNodes].filter((n) => n.nodeType === Node.ELEMENT_NODE && n.matches('div[data-pp="chunk"]'));
    const units = chunks.map((c) => c.querySelectorAll(":scope > [data-line]").length);
    return {
      strays: body.childNodes.length - chunks.length,
      chunks: chunks.length,
      empty: chunks.filter((c) => !c.firstChild).length,
      max: Math.max(0, ...units),
      limit: 2 * CHUNK_UNITS,
    };
  });
}

function assertChunked(shape, what) {
  assert.equal(shape.strays, 0, `${what}: every child of the body is a chunk`);
  assert.ok(shape.chunks > 1, `${what}: a long post is in several chunks`);
  assert.equal(shape.empty, 0, `${what}: no empty chunk`);
  assert.ok(shape.max <= shape.limit, `${what}: a chunk holds ${shape.max} units, more than ${shape.limit}`);
}

async function fill(page, text) {
  const n = await renders(page);
  await page.evaluate((text) => {
    const t = document.getElementById("source");
    t.value = text;
    t.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
  }, text);
  await quiet(page, n);
}

describe("rendering in a worker", () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test("a long post renders in the worker, and after random edits equals a full render", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await fill(page, await longPost());
      const mainMs = await page.evaluate(() => window.__ppLast.main_ms);
      assert.equal(typeof mainMs, "number", "the render came from the worker (its detail has main_ms)");
      const loaded = await bodyAndFull(page);
      assert.equal(loaded.shown, loaded.full);
      assertChunked(await chunkShape(page), "loaded");
      // Typing in a paragraph edits its nodes in place (the worker sends how).
      const line = await page.evaluate(() => {
        const body = document.getElementById("preview").shadowRoot.querySelector('article[data-pp="body"]');
        const p = [...body.querySelectorAll("p")].find((p) => p.textContent.startsWith("This news"));
        p.__mark = "kept";
        return Number(p.getAttribute("data-line"));
      });
      {
        const n = await renders(page);
        await page.evaluate((line) => {
          const t = document.getElementById("source");
          const i = t.value.split("\n").slice(0, line - 1).join("\n").length + 1;
          t.setRangeText("Typed. ", i, i, "end");
          t.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText" }));
        }, line);
        await quiet(page, n);
        const mark = await page.evaluate(() => {
          const body = document.getElementById("preview").shadowRoot.querySelector('article[data-pp="body"]');
          return [...body.querySelectorAll("p")].find((p) => p.textContent.startsWith("Typed. This news"))?.__mark;
        });
        assert.equal(mark, "kept", "the typed-in paragraph kept its element");
        const typed = await bodyAndFull(page);
        assert.equal(typed.shown, typed.full, "after typing in a paragraph");
      }
      const random = rng(20261125);
      for (let step = 0; step < 30; step++) {
        const at = random();
        const snippet = EDIT_SNIPPETS[Math.floor(random() * EDIT_SNIPPETS.length)];
        const remove = random() < 0.4;
        const n = await renders(page);
        await editAt(page, { at, text: snippet, remove });
        await quiet(page, n);
        const { shown, full, parts, fullParts } = await bodyAndFull(page);
        const what = `after step ${step} (${remove ? "delete" : "insert"} ${JSON.stringify(snippet)} at ${at})`;
        assert.equal(shown, full, what);
        assertChunked(await chunkShape(page), what);
        // Diagnostics, outline, stats and front matter come only when they
        // changed: the event must still carry the current ones.
        assert.deepEqual(parts, fullParts, what);
      }
      // A paste of 300 blocks in one place: its chunk splits.
      const n = await renders(page);
      await page.evaluate(() => {
        const t = document.getElementById("source");
        const i = t.value.indexOf("\n\n", t.value.length >> 1) + 2;
        const blocks = Array.from({ length: 300 }, (_, k) => `Pasted paragraph ${k}.\n\n`).join("");
        t.setRangeText(blocks, i, i, "end");
        t.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
      });
      await quiet(page, n);
      const pasted = await bodyAndFull(page);
      assert.equal(pasted.shown, pasted.full, "after pasting 300 blocks");
      assertChunked(await chunkShape(page), "after pasting 300 blocks");
      // Shrinking the post brings rendering back to the main thread.
      await fill(page, await exampleText());
      assert.equal(await page.evaluate(() => window.__ppLast.main_ms), undefined);
      const { shown, full, parts, fullParts } = await bodyAndFull(page);
      assert.equal(shown, full);
      assert.equal((await chunkShape(page)).chunks, 0, "a short post is not chunked");
      assert.deepEqual(parts, fullParts);
    } finally {
      await context.close();
    }
  });

  test("a trap in the worker is survived: a new worker renders the text again", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await fill(page, await longPost());
      const crashed = page.evaluate(
        () =>
          new Promise((resolve) =>
            document.getElementById("preview").addEventListener("post-preview:crashed", (e) => resolve(e.detail.recovered), { once: true }),
          ),
      );
      await page.evaluate(() => window.__postPreview.handle.failNextUpdate());
      const n = await renders(page);
      await page.evaluate(() => {
        const t = document.getElementById("source");
        t.setRangeText("Typed after the trap. ", 0, 0, "end");
        t.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText" }));
      });
      assert.equal(await crashed, true, "the crash was reported as recovered");
      await quiet(page, n);
      const { shown, full } = await bodyAndFull(page);
      assert.equal(shown, full);
      assert.ok(shown.includes("Typed after the trap."));
    } finally {
      await context.close();
    }
  });

  test("a worker that cannot start leaves the rendering on the main thread", async () => {
    const context = await newContext(browser);
    try {
      await context.route(/\/render-worker\.js$/, (route) => route.fulfill({ status: 404, contentType: "text/plain", body: "no" }));
      const page = await openPage(context);
      const warnings = [];
      page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
      await fill(page, await longPost());
      await page.waitForFunction(() => window.__ppLast && window.__ppLast.main_ms === undefined, null, { timeout: 20_000 });
      const { shown, full } = await bodyAndFull(page);
      assert.equal(shown, full);
      assert.ok(warnings.some((w) => w.includes("rendering on the main thread")), warnings.join("\n"));
      const noticeHidden = await page.evaluate(() => document.getElementById("preview").shadowRoot.querySelector("[data-pp=notice]").hidden);
      assert.equal(noticeHidden, true, "no crash notice: the author sees nothing wrong");
    } finally {
      await context.close();
    }
  });
});

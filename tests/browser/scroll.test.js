// Scroll sync: editor and preview show the same part of the post, both ways,
// and typing keeps the edited block in view. Short, unwrapped lines make the
// editor's geometry exact: line N is at (N - 1) * 20px.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { editAt, launch, newContext, openPage, renders, renderedAfter, settled } from "./harness.js";

const LINE = 20;
const PARAGRAPHS = 300;
// Line 1..4: front matter; paragraph k (0-based) sits on line 5 + 2k.
const SOURCE =
  "---\ntitle: Scroll\ndescription: d\n---\n" +
  Array.from({ length: PARAGRAPHS }, (_, k) => `Paragraph ${k} on line ${5 + 2 * k}.`).join("\n\n") +
  "\n";

async function loaded(page, { whiteSpace = "pre", source = SOURCE } = {}) {
  await page.addStyleTag({ content: `#source { line-height: 20px !important; font-size: 14px !important; white-space: ${whiteSpace} !important; }` });
  const n = await renders(page);
  // Set as "Open file" sets it: Chromium's own editing (fill()'s insertText)
  // takes time quadratic in the number of lines of what it inserts.
  await page.evaluate((text) => {
    const t = document.getElementById("source");
    t.value = text;
    t.dispatchEvent(new Event("input", { bubbles: true }));
  }, source);
  await renderedAfter(page, n);
  await settled(page);
}

/** The first line of the preview block at the preview's top edge. */
function previewTopLine(page) {
  return page.evaluate(() => {
    const host = document.getElementById("preview");
    const box = host.getBoundingClientRect();
    const blocks = [...host.shadowRoot.querySelectorAll("[data-line]")];
    const b = blocks.find((el) => el.getBoundingClientRect().bottom > box.top + 1);
    return b ? Number(b.getAttribute("data-line")) : null;
  });
}

async function waitForScroll(page) {
  await page.waitForTimeout(150);
  await settled(page);
}

/** Scrolls the editor so that its top edge is `y` px into the text (below the padding). */
async function scrollEditorTo(page, y) {
  await page.evaluate((y) => {
    const t = document.getElementById("source");
    t.scrollTop = y + parseFloat(getComputedStyle(t).paddingTop);
  }, y);
  await waitForScroll(page);
}

/** Focuses the editor with the caret before the first (or last) `needle`. */
async function placeCaret(page, needle, { last = false } = {}) {
  await page.focus("#source");
  await page.evaluate(({ needle, last }) => {
    const t = document.getElementById("source");
    const at = last ? t.value.lastIndexOf(needle) : t.value.indexOf(needle);
    t.setSelectionRange(at, at);
  }, { needle, last });
}

/** The scroll mirror's rows and chunks (null when there is none). */
function mirrorShape(page) {
  return page.evaluate(() => {
    const box = document.querySelector('[data-pp="scroll-mirror"]');
    if (!box) return null;
    const chunks = [...box.shadowRoot.firstChild.children];
    return { rows: chunks.reduce((n, c) => n + c.children.length, 0), chunks: chunks.map((c) => c.children.length) };
  });
}

describe("scroll sync", () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test("scrolling the editor brings the preview to the same block", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await loaded(page);
      for (const line of [101, 305, 501]) {
        const padding = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById("source")).paddingTop));
        await page.evaluate((y) => { document.getElementById("source").scrollTop = y; }, (line - 1) * LINE + padding);
        await waitForScroll(page);
        const top = await previewTopLine(page);
        assert.ok(top !== null && Math.abs(top - line) <= 2, `editor at line ${line}, preview at line ${top}`);
      }
    } finally {
      await context.close();
    }
  });

  test("scrolling the preview brings the editor to the same line", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await loaded(page);
      for (const line of [201, 407]) {
        await page.evaluate((l) => {
          const host = document.getElementById("preview");
          const el = host.shadowRoot.querySelector(`[data-line="${l}"]`);
          host.scrollTop += el.getBoundingClientRect().top - host.getBoundingClientRect().top;
        }, line);
        await waitForScroll(page);
        const editorLine = await page.evaluate((h) => {
          const t = document.getElementById("source");
          const padding = parseFloat(getComputedStyle(t).paddingTop);
          return Math.round((t.scrollTop - padding) / h) + 1;
        }, LINE);
        assert.ok(Math.abs(editorLine - line) <= 2, `preview at line ${line}, editor at line ${editorLine}`);
      }
    } finally {
      await context.close();
    }
  });

  test("the editor's geometry follows edits: lines added above, a line that wraps", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      // A host page whose stylesheet spaces every `div`: not the mirror's rows.
      await page.addStyleTag({ content: "div { margin-bottom: 3px; }" });
      await loaded(page, { whiteSpace: "pre-wrap" });
      await scrollEditorTo(page, 100 * LINE); // the mirror now shows SOURCE
      // 30 lines above every paragraph: paragraph k moves to line 35 + 2k.
      let n = await renders(page);
      await editAt(page, { at: 0, text: "\n".repeat(30) });
      await renderedAfter(page, n);
      await settled(page);
      await scrollEditorTo(page, (35 + 2 * 100 - 1) * LINE);
      let top = await previewTopLine(page);
      assert.ok(top !== null && Math.abs(top - (35 + 200)) <= 2, `after 30 new lines: editor at line ${35 + 200}, preview at ${top}`);

      // A long line on line 31 (before the first paragraph) wraps: every
      // later line moves down by the rows it gained, which the textarea's
      // own height tells.
      const before = await page.evaluate(() => document.getElementById("source").scrollHeight);
      n = await renders(page);
      await page.evaluate(() => {
        const t = document.getElementById("source");
        const at = t.value.indexOf("\n", 30);
        t.setRangeText(" word".repeat(400), at, at, "end");
        t.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText" }));
      });
      await renderedAfter(page, n);
      await settled(page);
      const grown = (await page.evaluate(() => document.getElementById("source").scrollHeight)) - before;
      assert.ok(grown >= 10 * LINE, `the long line wraps (the textarea grew by ${grown}px)`);
      await scrollEditorTo(page, (35 + 2 * 200 - 1) * LINE + grown);
      top = await previewTopLine(page);
      assert.ok(top !== null && Math.abs(top - (35 + 400)) <= 2, `after the wrap: editor at line ${35 + 400}, preview at ${top}`);
    } finally {
      await context.close();
    }
  });

  test("a long post's editor geometry is built in idle time, in chunks, and goes with the mount", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      const long =
        "---\ntitle: Long\ndescription: d\n---\n" +
        Array.from({ length: 3000 }, (_, k) => `Paragraph ${k} with some words in it.`).join("\n\n") +
        "\n";
      const scrollHeight = await page.evaluate(() => document.scrollingElement.scrollHeight);
      await loaded(page, { source: long });
      // No scroll event yet: the mirror was brought up to date in idle periods.
      await page.waitForFunction(() => {
        const box = document.querySelector('[data-pp="scroll-mirror"]');
        const t = document.getElementById("source");
        return box && box.shadowRoot.firstChild.querySelectorAll(":scope > div > div").length === t.value.split("\n").length;
      }, null, { timeout: 10_000 });
      const shape = await mirrorShape(page);
      assert.ok(shape.chunks.length > 1 && shape.chunks.every((c) => c > 0 && c <= 128), `chunks ${shape.chunks}`);
      assert.equal(await page.evaluate(() => document.scrollingElement.scrollHeight), scrollHeight, "the mirror does not grow the page");
      // The scroll sync maps it.
      await scrollEditorTo(page, (5 + 2 * 2000 - 1) * LINE);
      const top = await previewTopLine(page);
      assert.ok(top !== null && Math.abs(top - (5 + 4000)) <= 2, `editor at line ${5 + 4000}, preview at ${top}`);
      // A destroyed mount takes its mirror with it.
      await page.evaluate(async () => {
        const api = await import(new URL("post-preview.js", document.baseURI).href);
        const textarea = document.createElement("textarea");
        textarea.value = "a\nb\n";
        const host = document.createElement("div");
        document.body.append(textarea, host);
        const before = document.querySelectorAll('[data-pp="scroll-mirror"]').length;
        const handle = api.mount(textarea, host, {});
        await handle.ready;
        textarea.dispatchEvent(new Event("scroll"));
        window.__mirrors = [before, document.querySelectorAll('[data-pp="scroll-mirror"]').length];
        handle.destroy();
        window.__mirrors.push(document.querySelectorAll('[data-pp="scroll-mirror"]').length);
      });
      const [before, mounted, destroyed] = await page.evaluate(() => window.__mirrors);
      assert.equal(mounted, before + 1, "a mount measures with a mirror of its own");
      assert.equal(destroyed, before, "destroy() removes it");
    } finally {
      await context.close();
    }
  });

  test("typing does not scroll the editor: the preview's moves from a render are not followed, the author's are", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await loaded(page);
      await placeCaret(page, "Paragraph 148 ");
      await scrollEditorTo(page, (301 - 3) * LINE);
      const editorTop = () => page.evaluate(() => document.getElementById("source").scrollTop);
      const before = await editorTop();
      // A keystroke whose render moves the preview, in the render's frame, as
      // the browser's scroll anchoring does when blocks above what the
      // preview shows change size: the editor stays.
      const n = await renders(page);
      await page.evaluate(() => {
        const preview = document.getElementById("preview");
        document.addEventListener("post-preview:rendered", () => { preview.scrollTop += 300; }, { once: true });
        document.execCommand("insertText", false, "x");
      });
      await renderedAfter(page, n);
      await waitForScroll(page);
      assert.ok(Math.abs((await editorTop()) - before) <= 1, `the editor stayed: scrollTop ${before} -> ${await editorTop()}`);
      // The author scrolling the preview afterwards: the editor follows.
      await page.evaluate(() => { document.getElementById("preview").scrollTop += 300; });
      await waitForScroll(page);
      assert.ok((await editorTop()) > before + 5 * LINE, `the editor followed the author: scrollTop ${before} -> ${await editorTop()}`);
    } finally {
      await context.close();
    }
  });

  test("typing keeps the edited block in view", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await loaded(page);
      // Caret on the last paragraph, preview scrolled to the top.
      await placeCaret(page, "Paragraph", { last: true });
      await page.evaluate(() => {
        document.getElementById("preview").scrollTop = 0;
      });
      await waitForScroll(page);
      const n = await renders(page);
      await page.keyboard.type("x");
      await renderedAfter(page, n);
      await waitForScroll(page);
      const visible = await page.evaluate((k) => {
        const host = document.getElementById("preview");
        const box = host.getBoundingClientRect();
        const el = host.shadowRoot.querySelector(`[data-line="${5 + 2 * k}"]`);
        const r = el.getBoundingClientRect();
        return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
      }, PARAGRAPHS - 1);
      assert.equal(visible, true, "the edited paragraph is in the preview's view");
    } finally {
      await context.close();
    }
  });
});

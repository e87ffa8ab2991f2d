// Scroll sync: editor and preview show the same part of the post, both ways,
// and typing keeps the edited block in view. Short, unwrapped lines make the
// editor's geometry exact: line N is at (N - 1) * 20px.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launch, newContext, openPage, renders, renderedAfter, settled } from "./harness.js";

const LINE = 20;
const PARAGRAPHS = 300;
// Line 1..4: front matter; paragraph k (0-based) sits on line 5 + 2k.
const SOURCE =
  "---\ntitle: Scroll\ndescription: d\n---\n" +
  Array.from({ length: PARAGRAPHS }, (_, k) => `Paragraph ${k} on line ${5 + 2 * k}.`).join("\n\n") +
  "\n";

async function loaded(page) {
  await page.addStyleTag({ content: "#source { line-height: 20px !important; font-size: 14px !important; white-space: pre !important; }" });
  const n = await renders(page);
  await page.fill("#source", SOURCE);
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

  test("typing keeps the edited block in view", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await loaded(page);
      // Caret on the last paragraph, preview scrolled to the top.
      await page.focus("#source");
      await page.evaluate(() => {
        const t = document.getElementById("source");
        const at = t.value.lastIndexOf("Paragraph");
        t.setSelectionRange(at, at);
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

// Incremental updates: the preview patches only the units an edit touched.
// Invariant: after any sequence of edits, the preview's body is exactly what
// a full render of the final text gives. Unchanged blocks keep their nodes:
// images are not reloaded and <details> stay open. A block edited without
// changing its shape (typing in a paragraph) keeps its nodes too.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bodyAndFull, EDIT_SNIPPETS, editAt, exampleText, launch, newContext, openPage, renders, renderedAfter, rng, settled } from "./harness.js";

const IMAGE = "https://images.example/photo.png";

/** Edits the textarea like a user would, then waits for the render. */
async function edit(page, kind, at, text) {
  const n = await renders(page);
  await editAt(page, { at, text, remove: kind === "delete" });
  await renderedAfter(page, n);
  await settled(page);
}

describe("incremental updates", () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test("unchanged blocks keep their nodes: no image reload, <details> stay open", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      const source =
        (await exampleText()) + `\n\n![photo](${IMAGE})\n\n<details><summary>More</summary>\n\nHidden text.\n\n</details>\n\nLast paragraph.\n`;
      const n = await renders(page);
      await page.fill("#source", source);
      await renderedAfter(page, n);
      await settled(page);
      // Let the first request for the image happen before counting.
      await page.waitForFunction(() => document.getElementById("preview").shadowRoot.querySelector("img")?.complete);
      for (let i = 0; i < 50 && !context.__external.includes(IMAGE); i++) await page.waitForTimeout(20);
      const requestsBefore = context.__external.filter((u) => u === IMAGE).length;
      assert.equal(requestsBefore, 1, "the image was requested once");
      await page.evaluate(() => {
        const root = document.getElementById("preview").shadowRoot;
        root.querySelector("img").__mark = "kept";
        root.querySelector("details").open = true;
      });
      // Edit a paragraph, paste a paragraph above the image (every later
      // block moves down: their nodes stay, their line attributes change),
      // then edit the last paragraph.
      await edit(page, "insert", 0.5, " typed");
      await edit(page, "insert", 0.5, "\n\nA pasted paragraph.\n\n");
      await edit(page, "insert", 0.999, "!");
      const state = await page.evaluate(() => {
        const root = document.getElementById("preview").shadowRoot;
        return { mark: root.querySelector("img").__mark, open: root.querySelector("details").open };
      });
      assert.equal(state.mark, "kept", "the image element was not replaced");
      assert.equal(state.open, true, "the <details> element is still open");
      assert.equal(context.__external.filter((u) => u === IMAGE).length, requestsBefore, "the image was not requested again");
      const { shown, full } = await bodyAndFull(page);
      // The only difference is the state the reader gave the page.
      assert.equal(shown.replace(/(<details[^>]*) open=""/, "$1"), full);
    } finally {
      await context.close();
    }
  });

  test("typing in a paragraph edits its nodes in place; a new shape replaces them", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      const source = `---\ntitle: In place\n---\n\nBefore ![icon](${IMAGE}) and [a link](https://a.example/) after.\n\nNext.\n`;
      const n = await renders(page);
      await page.fill("#source", source);
      await renderedAfter(page, n);
      await settled(page);
      await page.waitForFunction(() => document.getElementById("preview").shadowRoot.querySelector("img")?.complete);
      for (let i = 0; i < 50 && !context.__external.includes(IMAGE); i++) await page.waitForTimeout(20);
      const requests = () => context.__external.filter((u) => u === IMAGE).length;
      assert.equal(requests(), 1, "the image was requested once");
      const mark = () =>
        page.evaluate(() => {
          const p = document.getElementById("preview").shadowRoot.querySelector('article[data-pp="body"] > p');
          p.__mark = "p";
          p.querySelector("img").__mark = "img";
          p.querySelector("a").firstChild.__mark = "link text";
        });
      const marks = () =>
        page.evaluate(() => {
          const p = document.getElementById("preview").shadowRoot.querySelector('article[data-pp="body"] > p');
          return [p.__mark, p.querySelector("img")?.__mark, p.querySelector("a")?.firstChild.__mark];
        });
      // Real keystrokes: in the text, in a link's text, in its URL (an attribute), and a deletion.
      const typeAt = async (needle, keys, { offset = 0, backspaces = 0 } = {}) => {
        const before = await renders(page);
        await page.focus("#source");
        await page.evaluate(([needle, offset]) => {
          const t = document.getElementById("source");
          const i = t.value.indexOf(needle) + offset;
          t.setSelectionRange(i, i);
        }, [needle, offset]);
        for (let i = 0; i < backspaces; i++) await page.keyboard.press("Backspace");
        if (keys) await page.keyboard.type(keys);
        await renderedAfter(page, before);
        await settled(page);
      };
      await mark();
      await typeAt("Before", "Just ");
      await typeAt("a link", "really ", { offset: 2 });
      await typeAt("a.example", "b", { offset: 0, backspaces: 0 });
      await typeAt("after.", "", { offset: 5, backspaces: 3 });
      assert.deepEqual(await marks(), ["p", "img", "link text"], "the paragraph, its image and its link's text node were kept");
      assert.equal(requests(), 1, "the image was not requested again");
      let { shown, full } = await bodyAndFull(page);
      assert.equal(shown, full);
      assert.match(shown, /Just Before .*href="https:\/\/ba\.example\/".*a really link.* af\.<\/p>/s);

      // `*x*` makes an element where there was text: the paragraph is replaced.
      await typeAt("Just", "*x* ");
      assert.deepEqual(await marks(), [undefined, undefined, undefined], "a new shape replaces the paragraph");
      ({ shown, full } = await bodyAndFull(page));
      assert.equal(shown, full);
      assert.match(shown, /<em>x<\/em> Just Before/);
    } finally {
      await context.close();
    }
  });

  test("after random edits the preview equals a full render", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      const random = rng(20261124);
      const history = [];
      for (let step = 0; step < 60; step++) {
        const r = random();
        const at = random();
        const snippet = EDIT_SNIPPETS[Math.floor(random() * EDIT_SNIPPETS.length)];
        const kind = r < 0.55 ? "insert" : r < 0.9 ? "delete" : "undo";
        if (kind === "undo" && history.length) {
          const previous = history.pop();
          const n = await renders(page);
          await page.evaluate((text) => {
            const t = document.getElementById("source");
            t.value = text;
            t.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "historyUndo" }));
          }, previous);
          await renderedAfter(page, n);
          await settled(page);
        } else {
          history.push(await page.evaluate(() => document.getElementById("source").value));
          await edit(page, kind === "undo" ? "insert" : kind, at, snippet);
        }
        const { shown, full } = await bodyAndFull(page);
        assert.equal(shown, full, `step ${step} (${kind} ${JSON.stringify(snippet)} at ${at.toFixed(3)})`);
      }
    } finally {
      await context.close();
    }
  });
});

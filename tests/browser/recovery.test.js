// A panic inside wasm never loses text and never leaves a dead preview.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { exampleText, launch, newContext, openPage, renderedAfter, renders, settled, typeSource } from "./harness.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const NOTICE = "The previewer crashed and was restarted; your text is safe.";

describe("crash recovery", () => {
  test("a trap in the animation-frame update restarts the previewer", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await typeSource(page, await exampleText());
      assert.equal(await page.isVisible("#notice"), false);

      await page.evaluate(() => window.__postPreview.handle.failNextUpdate());
      await page.focus("#source");
      await page.keyboard.press("Control+End");
      await page.keyboard.type("\n\nBefore the crash.");
      const expected = `${await exampleText()}\n\nBefore the crash.`;

      await page.waitForSelector("#notice", { state: "visible", timeout: 10_000 });
      assert.equal(await page.textContent("#notice-text"), NOTICE);
      assert.equal(await page.inputValue("#source"), expected, "the text is unchanged");
      assert.ok(
        (await page.evaluate(() => window.__ppErrors)).some((e) => /RuntimeError/.test(e)),
        "the trap surfaced as an uncaught RuntimeError",
      );

      const modules = await page.evaluate(() =>
        performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/pkg/post_preview.js")),
      );
      assert.ok(modules.some((n) => /\?instance=1$/.test(n)), `a fresh module instance was imported: ${modules}`);
      // The restarted previewer shows the text typed before the crash…
      await page.waitForFunction(() =>
        /Before the crash\./.test(document.getElementById("preview").shadowRoot.querySelector('[data-pp="body"]')?.textContent ?? ""),
      );
      // …and keeps following the textarea.
      const n = await renders(page);
      await page.focus("#source");
      await page.keyboard.type(" After the crash.");
      await renderedAfter(page, n);
      await settled(page);
      assert.match(await page.locator('#preview article[data-pp="body"]').innerText(), /After the crash\./);
      assert.equal(await page.inputValue("#source"), `${expected} After the crash.`);
      // Exactly one binding renders per input (the dead one is detached).
      const m = await renders(page);
      await page.keyboard.type("!");
      await renderedAfter(page, m);
      await settled(page);
      assert.equal(await renders(page), m + 1);
    } finally {
      await context.close();
    }
  });

  test("a trap thrown from update() is recovered too", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await page.evaluate(async () => {
        const { handle } = window.__postPreview;
        handle.failNextUpdate();
        await handle.update();
      });
      await page.waitForSelector("#notice", { state: "visible" });
      const n = await renders(page);
      await page.focus("#source");
      await page.keyboard.type("Still alive.");
      await renderedAfter(page, n);
      await settled(page);
      assert.match(await page.locator('#preview article[data-pp="body"]').innerText(), /Still alive\./);
    } finally {
      await context.close();
    }
  });
});

// Screenshots for a person to look at: /tmp/pp-page.png (light),
// /tmp/pp-page-dark.png (dark) and /tmp/pp-embed.png. PP_SCREENSHOT_DIR
// overrides the folder.

import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { exampleText, launch, newContext, openPage, settled, typeSource } from "./harness.js";

const dir = process.env.PP_SCREENSHOT_DIR || "/tmp";
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe("screenshots", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`the editor page, ${colorScheme}`, async () => {
      const context = await newContext(browser, { colorScheme });
      try {
        const page = await openPage(context);
        const lines = (await exampleText()).split("\n");
        lines[2] = 'byline: The Rust: Foundation';
        await typeSource(page, lines.join("\n"), { typed: 0 });
        await typeSource(page, await exampleText(), { typed: 10 });
        await page.locator('#diagnostics button').count();
        const file = `${dir}/pp-page${colorScheme === "dark" ? "-dark" : ""}.png`;
        await page.screenshot({ path: file });
        assert.ok((await stat(file)).size > 10_000);
      } finally {
        await context.close();
      }
    });
  }

  test("the embed page", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context, "embed.html?test");
      await settled(page);
      await page.screenshot({ path: `${dir}/pp-embed.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});

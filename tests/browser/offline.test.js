// Once loaded, the page and the preview work with no network.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, newContext, renderedAfter, renders, settled, url } from "./harness.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe("offline", () => {
  test("the service worker caches the page, the module and the wasm", async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(url("index.html?test"));
      await page.waitForFunction(() => window.__ppRenders > 0);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) {
          await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
        }
      });
      const cached = await page.evaluate(async () => {
        const keys = [];
        for (const name of await caches.keys()) {
          for (const req of await (await caches.open(name)).keys()) keys.push(new URL(req.url).pathname);
        }
        return keys;
      });
      for (const asset of ["/index.html", "/app.js", "/post-preview.js", "/preview.css", "/pkg/post_preview.js", "/pkg/post_preview_bg.wasm", "/examples/openssf.md"]) {
        assert.ok(cached.some((p) => p.endsWith(asset)), `${asset} cached (have ${cached.join(", ")})`);
      }

      await context.setOffline(true);
      await page.reload();
      await page.waitForFunction(() => window.__ppRenders > 0, null, { timeout: 15_000 });
      assert.match(await page.locator('#preview header[data-pp="header"]').innerText(), /OpenSSF/);
      const n = await renders(page);
      await page.focus("#source");
      await page.keyboard.press("Control+End");
      await page.keyboard.type("\n\nWritten offline.");
      await renderedAfter(page, n);
      await settled(page);
      assert.match(await page.locator('#preview article[data-pp="body"]').innerText(), /Written offline\./);

      // The embed page works offline too.
      await page.goto(url("embed.html?test"));
      await page.waitForFunction(() => window.__ppRenders > 0, null, { timeout: 15_000 });
      await context.setOffline(false);
    } finally {
      await context.close();
    }
  });
});

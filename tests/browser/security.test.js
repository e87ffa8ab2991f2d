// The Content-Security-Policy is in force, and hostile post content runs nothing.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, newContext, openPage, settled, typeSource } from "./harness.js";

const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-src 'none'; img-src * data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function provokeInlineScript(page) {
  return page.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true;";
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 100));
    return { ran: window.__inlineRan === true, violations };
  });
}

describe("content security policy", () => {
  for (const path of ["index.html?test", "embed.html?test"]) {
    test(`${path.split("?")[0]} ships the CSP and it blocks inline scripts`, async () => {
      const context = await newContext(browser);
      try {
        const page = await openPage(context, path);
        const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
        assert.equal(meta, CSP);
        const { ran, violations } = await provokeInlineScript(page);
        assert.equal(ran, false, "the inline script must not run");
        assert.ok(violations.some((v) => v.startsWith("script-src")), `violations: ${violations}`);
        const noInline = await page.evaluate(() => document.querySelectorAll("script:not([src])").length);
        assert.equal(noInline, 1, "only the injected probe is inline");
        assert.deepEqual(page.__consoleErrors.filter((e) => !/Content Security Policy|Failed to load resource/.test(e)), []);
      } finally {
        await context.close();
      }
    });
  }
});

describe("hostile post content", () => {
  test("an onerror handler and a javascript: link never run", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await typeSource(
        page,
        "---\ntitle: XSS smoke test\n---\n<img src=x onerror=window.__pwned=1>\n\n[x](javascript:window.__pwned=1)\n\n" +
          '<a href="javascript:window.__pwned=2">y</a> <svg><a href="javascript:window.__pwned=3"><text y="20">z</text></a></svg>\n\n' +
          "<script>window.__pwned=4</script><iframe src=\"javascript:parent.__pwned=5\"></iframe>\n\nend\n",
        { typed: 20 },
      );
      await settled(page);
      const before = page.url();
      const links = page.locator('#preview article[data-pp="body"] a');
      for (let i = 0; i < (await links.count()); i++) {
        await links.nth(i).click({ force: true }).catch(() => {});
      }
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(page.url(), before, "no navigation");
      const dangerous = await page.evaluate(() => {
        const root = document.getElementById("preview").shadowRoot;
        const bad = [];
        for (const el of root.querySelectorAll("*")) {
          for (const a of el.attributes) {
            if (/^on/i.test(a.name)) bad.push(`${el.localName}[${a.name}]`);
            if (/^\s*javascript:/i.test(a.value)) bad.push(`${el.localName}[${a.name}=${a.value}]`);
          }
          if (["script", "iframe", "object", "embed"].includes(el.localName)) bad.push(el.localName);
        }
        return bad;
      });
      assert.deepEqual(dangerous, [], "the sanitizer leaves no script vectors");
    } finally {
      await context.close();
    }
  });
});

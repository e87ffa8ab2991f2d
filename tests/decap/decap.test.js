// post-preview as the preview template of the real Decap CMS: decap-cms
// 3.16.3 from npm (its self-contained dist/decap-cms.js, from the one
// tarball xtask fetches and checks against a pinned sha512:
// xtask/src/decap.rs), the test-repo backend (in memory), the example at
// www/decap/ served by xtask's server (PP_BASE_URL; Decap's dist at
// /decap/vendor/). Typing goes into Decap's own editors.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";

const BASE = (process.env.PP_BASE_URL || "").replace(/\/+$/, "");

let browser;
before(async () => {
  if (!BASE) throw new Error("PP_BASE_URL is not set: run these tests through `cargo xtask test` (it serves www/ with Decap at /decap/vendor/)");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});
after(async () => {
  await browser?.close();
});

/** Opens the example at an entry, with Decap's questions answered and nothing leaving the machine. */
async function openEntry(slug, fn) {
  // Decap's layout needs at least 1280 pixels.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const origin = new URL(BASE).origin;
  const external = [];
  await context.route((u) => u.origin !== origin, (route) => {
    external.push(route.request().url());
    return route.fulfill({ status: 204, body: "" });
  });
  // Sentinels the preview must never call, in the host page and in every frame.
  await context.addInitScript(() => {
    window.__pwned = [];
    window.pwn = (what) => (window.top.__pwned || window.__pwned).push(String(what));
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // "Restore the backup?" no (the seeded text stays); "leave unsaved changes?" yes.
  page.on("dialog", (dialog) => (/backup/i.test(dialog.message()) ? dialog.dismiss() : dialog.accept()));
  const requests = [];
  page.on("request", (r) => requests.push({ url: r.url(), srcdoc: r.frame() !== page.mainFrame() }));
  try {
    await page.goto(`${BASE}/decap/#/collections/posts/entries/${slug}`);
    await previewShows(page, "");
    await fn({ page, requests });
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
  } finally {
    await context.close();
  }
}

/** The preview pane's frame (Decap renders templates into a srcdoc iframe). */
function pane(page) {
  const frame = page.frames().find((f) => f.url() === "about:srcdoc");
  if (!frame) throw new Error("Decap's preview iframe is not there");
  return frame;
}

/** Waits until the preview's body (or header) shows `text`. */
async function previewShows(page, text, part = "body") {
  await page.waitForFunction(
    ([text, part]) => {
      const frame = [...document.querySelectorAll("iframe")].find((f) => f.contentDocument?.querySelector('[data-pp="decap-preview"]'));
      const shadow = frame?.contentDocument.querySelector('[data-pp="decap-preview"]').shadowRoot;
      const node = shadow?.querySelector(part === "body" ? 'article[data-pp="body"]' : 'header[data-pp="header"]');
      return node && node.textContent.includes(text) && (text !== "" || node.childNodes.length > 0);
    },
    [text, part],
    { timeout: 20_000 },
  );
}

/** What the preview shows: header and body text, and the diagnostics listed under it. */
function shown(page) {
  return pane(page).evaluate(() => {
    const shadow = document.querySelector('[data-pp="decap-preview"]').shadowRoot;
    return {
      header: shadow.querySelector('header[data-pp="header"]').textContent,
      body: shadow.querySelector('article[data-pp="body"]').textContent,
      diagnostics: [...document.querySelectorAll('[data-pp="decap-diagnostics"] li')].map((li) => li.textContent),
    };
  });
}

/**
 * Decap's body editor (Slate's contenteditable), the caret at the end of its
 * last text block (a click elsewhere could land in an embedded widget).
 * Slate takes the focus and the selection on its own schedule, so the keys
 * are pressed again until the caret is there, with no text after it.
 */
async function bodyEditorEnd(page) {
  const editor = page.locator('[data-slate-editor="true"]').first();
  await editor.locator("[data-slate-string]").last().click();
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press("Control+End");
    await page.keyboard.press("End");
    const atEnd = await editor.evaluate((root) => {
      const selection = root.ownerDocument.getSelection();
      if (!selection?.isCollapsed || !root.contains(selection.focusNode)) return false;
      const rest = root.ownerDocument.createRange();
      rest.setStart(selection.focusNode, selection.focusOffset);
      rest.setEndAfter(root.lastChild);
      return rest.toString().replace(/[\s\uFEFF\u200B]/g, "") === "";
    });
    if (atEnd) break;
    if (attempt === 20) throw new Error("the caret never reached the end of Decap's body editor");
    await page.waitForTimeout(100);
  }
  return editor;
}

describe("post-preview in Decap CMS", () => {
  test("the preview shows the entry as post-preview renders it, and follows typing in the body before any blur", async () => {
    await openEntry("hello-decap", async ({ page }) => {
      await previewShows(page, "What the preview checks");
      // Exactly what post-preview's render() gives for the entry's fields
      // (as the example seeds them), front matter first, then the body.
      const same = await page.evaluate(async () => {
        const { render } = await import("/post-preview.js");
        const { entrySource } = await import("/decap.js");
        const { source } = entrySource({
          title: "Hello from Decap",
          description: "A post edited in Decap CMS and previewed by post-preview.",
          byline: "The Example Team",
          tags: ["example"],
          body:
            "Decap edits this body; post-preview renders it as the site will.\n\n" +
            "![A diagram](/decap/images/diagram.svg)\n\n" +
            "## What the preview checks\n\nRaw HTML is sanitized, and what it removes is listed under the preview.\n",
        });
        const expected = await render(source, { base_url: new URL("/", location.href).href });
        const frame = [...document.querySelectorAll("iframe")].find((f) => f.contentDocument?.querySelector('[data-pp="decap-preview"]'));
        const shadow = frame.contentDocument.querySelector('[data-pp="decap-preview"]').shadowRoot;
        const parse = (html) => {
          const t = document.createElement("template");
          t.innerHTML = html;
          return t.innerHTML;
        };
        return {
          header: shadow.querySelector('header[data-pp="header"]').innerHTML,
          body: shadow.querySelector('article[data-pp="body"]').innerHTML,
          expectedHeader: parse(expected.header_html),
          expectedBody: parse(expected.html),
        };
      });
      assert.match(same.header, /<h1>Hello from Decap<\/h1>/);
      assert.match(same.body, /<img [^>]*src="[^"]*\/decap\/images\/diagram.svg"/);
      assert.equal(same.header, same.expectedHeader);
      assert.equal(same.body, same.expectedBody);

      const editor = await bodyEditorEnd(page);
      const renders = await pane(page).evaluate(() => {
        window.__renders = 0;
        document.querySelector('[data-pp="decap-preview"]').addEventListener("post-preview:rendered", () => window.__renders++);
        return window.__renders;
      });
      await page.keyboard.press("Enter");
      await page.keyboard.type("Typed in Decap", { delay: 30 });
      await previewShows(page, "Typed in Decap");
      // Still typing: the editor has the focus, and the preview followed.
      assert.equal(await editor.evaluate((e) => e.contains(document.activeElement) || e === document.activeElement), true);
      await page.keyboard.type(" and more", { delay: 30 });
      await previewShows(page, "Typed in Decap and more");
      assert.ok((await pane(page).evaluate(() => window.__renders)) > renders + 1, "several renders while typing");
      // The editor's text is the author's alone.
      assert.match(await editor.innerText(), /Typed in Decap and more$/);
      assert.doesNotMatch(await editor.innerText(), /post-preview:|data-line/);
    });
  });

  test("the header follows the title field", async () => {
    await openEntry("hello-decap", async ({ page }) => {
      const title = page.locator('input[id^="title-field"]').first();
      await title.click();
      await page.keyboard.press("End");
      await page.keyboard.type(", retitled", { delay: 30 });
      await previewShows(page, "Hello from Decap, retitled", "header");
      assert.equal(await title.inputValue(), "Hello from Decap, retitled");
      assert.match((await shown(page)).header, /Hello from Decap, retitled/);
    });
  });

  test("raw <script> and on* attributes never run and are reported in the pane", async () => {
    await openEntry("second-post", async ({ page }) => {
      await previewShows(page, "The second post's body.");
      // Markdown mode: the author types raw HTML as it will be published.
      await page.getByText("Markdown", { exact: true }).first().click();
      const editor = await bodyEditorEnd(page);
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await page.keyboard.type('<img src="/decap/images/diagram.svg" onerror="pwn(1)" onload="pwn(2)">', { delay: 5 });
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await page.keyboard.type("<script>pwn(3)</script>", { delay: 5 });
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await page.keyboard.type("After the payloads.", { delay: 5 });
      await previewShows(page, "After the payloads.");
      await page.waitForTimeout(300); // an image's load or error event would have fired
      const after = await shown(page);
      assert.deepEqual(await page.evaluate(() => window.__pwned), []);
      assert.deepEqual(await pane(page).evaluate(() => window.__pwned), []);
      const markup = await pane(page).evaluate(() => document.querySelector('[data-pp="decap-preview"]').shadowRoot.innerHTML);
      assert.doesNotMatch(markup, /<script|onerror|onload/i);
      assert.ok(after.diagnostics.some((d) => /onerror/.test(d)), after.diagnostics.join("\n"));
      assert.ok(after.diagnostics.some((d) => /<script>/.test(d)), after.diagnostics.join("\n"));
      assert.ok(after.diagnostics.every((d) => /\(body, line \d+, column \d+\)|\(front matter,/.test(d)), after.diagnostics.join("\n"));
      assert.match(await editor.innerText(), /<script>pwn\(3\)<\/script>/);
    });
  });

  test("an unchanged image keeps its node and is not requested again while typing", async () => {
    await openEntry("hello-decap", async ({ page, requests }) => {
      await previewShows(page, "What the preview checks");
      await pane(page).evaluate(() => {
        const img = document.querySelector('[data-pp="decap-preview"]').shadowRoot.querySelector("img");
        window.__img = img;
        return new Promise((resolve) => (img.complete ? resolve() : img.addEventListener("load", resolve, { once: true })));
      });
      const before = requests.filter((r) => r.srcdoc && r.url.endsWith("/diagram.svg")).length;
      assert.equal(before, 1, "the preview loaded the image once");
      await bodyEditorEnd(page);
      await page.keyboard.type(" More text after the image.", { delay: 20 });
      await previewShows(page, "More text after the image.");
      const kept = await pane(page).evaluate(() => window.__img.isConnected);
      assert.equal(kept, true, "the image element is the same node");
      assert.equal(requests.filter((r) => r.srcdoc && r.url.endsWith("/diagram.svg")).length, before);
    });
  });

  test("the preview pane follows the edit down a long post", async () => {
    await openEntry("long-post", async ({ page }) => {
      await previewShows(page, "Paragraph 60 of the long post");
      const top = await pane(page).evaluate(() => window.scrollY);
      assert.equal(top, 0);
      await bodyEditorEnd(page);
      await page.keyboard.type(" Edited at the end.", { delay: 20 });
      await previewShows(page, "Edited at the end.");
      await page.waitForTimeout(100);
      const seen = await pane(page).evaluate(() => {
        const shadow = document.querySelector('[data-pp="decap-preview"]').shadowRoot;
        const block = [...shadow.querySelectorAll('article[data-pp="body"] > *')].find((e) => e.textContent.includes("Edited at the end."));
        const box = block.getBoundingClientRect();
        return { scrollY: window.scrollY, top: box.top, bottom: box.bottom, height: window.innerHeight };
      });
      assert.ok(seen.scrollY > 0, JSON.stringify(seen));
      assert.ok(seen.top >= 0 && seen.bottom <= seen.height, `the edited block is in view: ${JSON.stringify(seen)}`);
    });
  });

  test("switching between two entries shows each one", async () => {
    await openEntry("hello-decap", async ({ page }) => {
      await previewShows(page, "Decap edits this body");
      for (const [slug, header, body] of [
        ["second-post", "A second post", "The second post's body."],
        ["hello-decap", "Hello from Decap", "Decap edits this body"],
        ["second-post", "A second post", "The second post's body."],
      ]) {
        await page.goto(`${BASE}/decap/#/collections/posts`);
        await page.getByText(header, { exact: true }).first().click();
        await page.waitForURL(new RegExp(`/entries/${slug}$`));
        await previewShows(page, body);
        await previewShows(page, header, "header");
        const now = await shown(page);
        assert.ok(now.header.includes(header), now.header);
        assert.ok(!now.body.includes(slug === "second-post" ? "Decap edits this body" : "second post's body"), now.body);
      }
    });
  });
});

// The embedding API: <post-preview> in a host page (www/embed.html).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, newContext, openPage, renderedAfter, renders, settled } from "./harness.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function withEmbed(fn) {
  const context = await newContext(browser);
  try {
    const page = await openPage(context, "embed.html?test");
    await settled(page);
    await fn(page);
  } finally {
    await context.close();
  }
}

const RED = "rgb(255, 0, 0)";

describe("<post-preview> embed", () => {
  test("the preview follows the host textarea and re-dispatches the rendered event", async () => {
    await withEmbed(async (page) => {
      await page.evaluate(() => {
        window.__fromElement = [];
        window.__cms.preview.addEventListener("post-preview:rendered", (e) => {
          window.__fromElement.push({
            target: e.target.id,
            bubbles: e.bubbles,
            composed: e.composed,
            diagnostics: Array.isArray(e.detail?.diagnostics) ? e.detail.diagnostics : null,
          });
        });
      });
      const n = await renders(page);
      await page.focus("#cms-body");
      await page.keyboard.press("Control+End");
      await page.keyboard.type("Typed in the host.\n\n");
      await page.keyboard.type('<img src="x.png" onerror="alert(1)">\n');
      await renderedAfter(page, n);
      await settled(page);
      assert.match(await page.locator('#cms-preview article[data-pp="body"]').innerText(), /Typed in the host\./);

      const events = await page.evaluate(() => window.__fromElement);
      assert.ok(events.length >= 1);
      for (const e of events) {
        assert.equal(e.target, "cms-preview");
        assert.equal(e.bubbles, true);
        assert.equal(e.composed, true);
        assert.ok(Array.isArray(e.diagnostics));
      }
      // Seen once per render at the document too (not once more from inside the shadow root).
      assert.equal(await renders(page) - n, events.length);
      assert.match(await page.textContent("#cms-status"), /^Preview updated: \d+ words, \d+ problem\(s\), \d+ error\(s\)\.$/);
      const last = events.at(-1);
      assert.ok(last.diagnostics.length >= 1, "the stripped onerror attribute is reported");
    });
  });

  test("host styles and preview styles do not leak into each other", async () => {
    await withEmbed(async (page) => {
      const styles = await page.evaluate(() => {
        const root = document.getElementById("cms-preview").shadowRoot;
        const cs = (el) => (el ? getComputedStyle(el) : null);
        const previewH1 = root.querySelector("h1");
        const previewH2 = root.querySelector('article[data-pp="body"] h2');
        const previewTag = root.querySelector(".post-tag");
        const previewHeader = root.querySelector('header[data-pp="header"]');
        return {
          hostH1: cs(document.querySelector(".cms-bar h1")).color,
          hostTag: cs(document.querySelector(".cms-toolbar .post-tag")).backgroundColor,
          hostStatus: cs(document.getElementById("cms-status")).color,
          hostLabel: cs(document.querySelector("label")).color,
          previewH1: cs(previewH1)?.color ?? null,
          previewH2: cs(previewH2)?.color ?? null,
          previewTag: cs(previewTag)?.backgroundColor ?? null,
          previewHeaderBorder: cs(previewHeader)?.borderTopStyle ?? null,
          previewFont: cs(root.querySelector(".pp-frame")).fontFamily,
        };
      });
      // Sanity: the host's loud rules apply to the host.
      assert.equal(styles.hostH1, RED);
      assert.equal(styles.hostTag, "rgb(255, 255, 0)");
      // The preview's stylesheet (stylesheet="embed-preview.css") does not restyle the host.
      assert.notEqual(styles.hostStatus, "rgb(0, 255, 0)");
      assert.notEqual(styles.hostLabel, "rgb(0, 255, 0)");
      // Host rules do not reach the preview; the site stylesheet does.
      assert.ok(styles.previewH2 !== null, "the preview's body has an h2");
      assert.notEqual(styles.previewH2, RED);
      assert.notEqual(styles.previewHeaderBorder, "dashed");
      assert.doesNotMatch(styles.previewFont, /Trebuchet/);
      assert.ok(styles.previewH1 !== null, "the preview has a title heading");
      assert.equal(styles.previewH1, "rgb(15, 118, 110)", "the stylesheet attribute applies inside the preview");
      assert.ok(styles.previewTag !== null, "the preview has tag chips");
      assert.notEqual(styles.previewTag, "rgb(255, 255, 0)");
    });
  });

  test("attributes update live: preset, stylesheet and for", async () => {
    await withEmbed(async (page) => {
      let n = await renders(page);
      await page.evaluate(() => window.__cms.preview.setAttribute("preset", "commonmark"));
      await renderedAfter(page, n);

      await page.evaluate(() => window.__cms.preview.removeAttribute("stylesheet"));
      assert.equal(
        await page.evaluate(() => window.__cms.preview.shadowRoot.querySelector('link[data-pp="host-stylesheet"]')),
        null,
      );

      n = await renders(page);
      await page.evaluate(() => {
        const t = document.createElement("textarea");
        t.id = "other-body";
        t.value = "---\ntitle: Another textarea\n---\nFrom the other one.\n";
        document.body.append(t);
        window.__cms.preview.setAttribute("for", "other-body");
      });
      await renderedAfter(page, n);
      await settled(page);
      assert.match(await page.locator('#cms-preview article[data-pp="body"]').innerText(), /From the other one\./);

      // The old textarea no longer drives the preview; the new one does.
      n = await renders(page);
      await page.focus("#cms-body");
      await page.keyboard.type("ignored");
      await page.waitForTimeout(200);
      assert.equal(await renders(page), n);
      await page.evaluate(() => {
        window.__elementEvents = 0;
        window.__bindingEvents = 0;
        window.__cms.preview.addEventListener("post-preview:rendered", () => (window.__elementEvents += 1));
        window.__cms.preview.shadowRoot
          .querySelector('[data-pp="root"]')
          .addEventListener("post-preview:rendered", () => (window.__bindingEvents += 1));
      });
      await page.focus("#other-body");
      await page.keyboard.type(" More.");
      await renderedAfter(page, n);
      await settled(page);
      assert.match(await page.locator('#cms-preview article[data-pp="body"]').innerText(), /More\./);
      // After re-binding, still one event per render (the old mount's listeners are gone).
      const counts = await page.evaluate(() => [window.__elementEvents, window.__bindingEvents]);
      assert.ok(counts[1] >= 1);
      assert.equal(counts[0], counts[1], "one element event per binding event");
    });
  });

  test("the JS API: render(), mount() and its handle, composePage()", async () => {
    await withEmbed(async (page) => {
      const result = await page.evaluate(async () => {
        const api = await import(new URL("post-preview.js", document.baseURI).href);
        const preview = await api.render("---\ntitle: Via render\n---\nHello *there*.\n", { preset: "commonmark" });

        const textarea = document.createElement("textarea");
        textarea.value = "---\ntitle: Mounted\n---\nFirst.\n";
        const host = document.createElement("div");
        document.body.append(textarea, host);
        const seen = [];
        host.addEventListener("post-preview:rendered", (e) => seen.push(e.detail.stats.words));
        const handle = api.mount(textarea, host, {});
        await handle.ready;
        await handle.update();
        const first = host.shadowRoot.querySelector('[data-pp="body"]').textContent;
        textarea.value += "Second.\n";
        textarea.dispatchEvent(new Event("input"));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const second = host.shadowRoot.querySelector('[data-pp="body"]').textContent;
        const last = handle.lastPreview();
        handle.destroy();
        const before = seen.length;
        textarea.value += "Third.\n";
        textarea.dispatchEvent(new Event("input"));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

        const page = api.composePage(
          { front_matter: { title: "<Tricky & title>", attachments: [{ name: "a", url: "javascript:alert(1)" }] }, header_html: "<h1>H</h1>", html: "<p>B</p>" },
          "p{color:red}",
        );
        return {
          renderTitle: preview.front_matter.title,
          renderHtml: preview.html,
          first,
          second,
          lastTitle: last && last.front_matter.title,
          events: seen.length,
          afterDestroy: seen.length - before,
          emptied: host.shadowRoot.childNodes.length,
          page,
        };
      });
      assert.equal(result.renderTitle, "Via render");
      assert.match(result.renderHtml, /<em>there<\/em>/);
      assert.match(result.first, /First\./);
      assert.match(result.second, /Second\./);
      assert.equal(result.lastTitle, "Mounted");
      assert.ok(result.events >= 2);
      assert.equal(result.afterDestroy, 0, "a destroyed mount no longer renders");
      assert.equal(result.emptied, 0);
      assert.match(result.page, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;; script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;;/);
      assert.match(result.page, /<title>&#60;Tricky &#38; title&#62;<\/title>/);
      assert.doesNotMatch(result.page, /javascript:/);
      assert.match(result.page, /<article data-pp="body"><p>B<\/p><\/article>/);
    });
  });
});

// mount() and <post-preview> on nodes of another document (a same-origin
// iframe's, as Decap CMS renders its previews), and mounts driven by a
// source string instead of a textarea (handle.setSource, element.source).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, newContext, settled, url } from "./harness.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const POST = `---
title: Realms
description: A post previewed across frames.
---
First paragraph with a [link](https://example.org/away).

Second paragraph.

Third paragraph.
`;

// A host page that imports post-preview.js and holds a same-origin srcdoc
// iframe with a textarea and a preview element, as Decap's preview pane.
const HOST = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<iframe id="frame" style="width:900px;height:700px" srcdoc="<!doctype html><html><body><textarea id='t' style='width:400px;height:300px'></textarea><div id='p' style='height:300px;overflow:auto'></div></body></html>"></iframe>
<script type="module">
  import * as pp from "/post-preview.js";
  window.pp = pp;
  window.__events = [];
  const frame = document.getElementById("frame");
  const loaded = () => frame.contentDocument && frame.contentDocument.readyState === "complete" && frame.contentDocument.getElementById("p");
  await new Promise((resolve) => { const poll = () => (loaded() ? resolve() : setTimeout(poll, 10)); poll(); });
  window.__ready = true;
</script>
</body></html>`;

async function withHost(fn) {
  const context = await newContext(browser);
  await context.route(url("realm-host.html"), (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: HOST }),
  );
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.goto(url("realm-host.html"));
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 15_000 });
    await fn(page);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}

/** Waits until the iframe's preview shows `text` in its body. */
function bodyShows(page, text, selector = "#p") {
  return page.waitForFunction(
    ([text, selector]) => {
      const doc = document.getElementById("frame").contentDocument;
      const body = doc.querySelector(selector)?.shadowRoot?.querySelector('article[data-pp="body"]');
      return body && body.textContent.includes(text);
    },
    [text, selector],
    { timeout: 10_000 },
  );
}

describe("another realm: an iframe's nodes", () => {
  test("mount() from the host page on an iframe's textarea renders, follows typing and edits in place", async () => {
    await withHost(async (page) => {
      await page.evaluate((post) => {
        const doc = document.getElementById("frame").contentDocument;
        const t = doc.getElementById("t");
        t.value = post;
        window.__handle = window.pp.mount(t, doc.getElementById("p"), { stylesheet: "site.css" });
        doc.getElementById("p").addEventListener("post-preview:rendered", (e) => window.__events.push(e.detail.ms));
      }, POST);
      await bodyShows(page, "Second paragraph.");
      const shape = await page.evaluate(() => {
        const doc = document.getElementById("frame").contentDocument;
        const shadow = doc.getElementById("p").shadowRoot;
        const root = shadow.querySelector('[data-pp="root"]');
        const links = [...shadow.querySelectorAll("link")].map((l) => ({ doc: l.ownerDocument === doc, href: l.href }));
        return {
          header: shadow.querySelector('header[data-pp="header"]').textContent,
          rootDoc: root.ownerDocument === doc,
          links,
          // The scroll mirror, if any, goes in the textarea's document.
          hostMirror: document.querySelectorAll('[data-pp="scroll-mirror"]').length,
        };
      });
      assert.match(shape.header, /Realms/);
      assert.equal(shape.rootDoc, true, "the preview's nodes are the iframe document's");
      assert.equal(shape.links.length, 2);
      assert.ok(shape.links.every((l) => l.doc), "the stylesheets are the iframe document's <link>s");
      assert.match(shape.links[0].href, /\/preview\.css$/);
      assert.equal(shape.links[1].href, new URL("site.css", url("realm-host.html")).href);
      assert.equal(shape.hostMirror, 0);

      // A keystroke in the second paragraph edits its text node in place
      // (the core's node checks work on the iframe's nodes).
      await page.evaluate(() => {
        const doc = document.getElementById("frame").contentDocument;
        const body = doc.getElementById("p").shadowRoot.querySelector('article[data-pp="body"]');
        const para = [...body.children].find((e) => e.textContent === "Second paragraph.");
        window.__para = para;
        window.__text = para.firstChild;
        const t = doc.getElementById("t");
        const at = t.value.indexOf("Second paragraph") + "Second".length;
        t.focus();
        t.setSelectionRange(at, at);
      });
      const frame = page.frame({ url: /srcdoc/ }) ?? page.frames()[1];
      await frame.focus("#t");
      await page.keyboard.type(" typed");
      await bodyShows(page, "Second typed paragraph.");
      const kept = await page.evaluate(() => ({
        para: window.__para.isConnected,
        text: window.__text.isConnected && window.__text.data,
      }));
      assert.deepEqual(kept, { para: true, text: "Second typed paragraph." });
      assert.ok((await page.evaluate(() => window.__events.length)) >= 2);
    });
  });

  test("a link clicked in an iframe's preview does not navigate the iframe", async () => {
    await withHost(async (page) => {
      await page.evaluate((post) => {
        const doc = document.getElementById("frame").contentDocument;
        const t = doc.getElementById("t");
        t.value = post;
        window.__opened = [];
        window.open = (u) => window.__opened.push(u);
        window.pp.mount(t, doc.getElementById("p"));
      }, POST);
      await bodyShows(page, "First paragraph");
      await page.evaluate(() => {
        const doc = document.getElementById("frame").contentDocument;
        doc.getElementById("p").shadowRoot.querySelector('a[href="https://example.org/away"]').click();
      });
      await settled(page);
      const after = await page.evaluate(() => ({
        opened: window.__opened,
        location: document.getElementById("frame").contentWindow.location.href,
      }));
      assert.deepEqual(after.opened, ["https://example.org/away"]);
      assert.equal(after.location, "about:srcdoc");
    });
  });

  test("<post-preview> defined in the iframe's registry follows a textarea there", async () => {
    await withHost(async (page) => {
      await page.evaluate((post) => {
        const frame = document.getElementById("frame");
        const doc = frame.contentDocument;
        window.pp.definePostPreview(frame.contentWindow);
        doc.getElementById("t").value = post;
        const element = doc.createElement("post-preview");
        element.id = "el";
        element.setAttribute("for", "t");
        doc.body.append(element);
      }, POST);
      await bodyShows(page, "Third paragraph.", "#el");
      const source = await page.evaluate(() => document.getElementById("frame").contentDocument.getElementById("el").source);
      assert.equal(source, POST);
    });
  });
});

describe("a source instead of a textarea", () => {
  test("setSource() renders the new text and replaces only the units that changed", async () => {
    await withHost(async (page) => {
      await page.evaluate((post) => {
        const doc = document.getElementById("frame").contentDocument;
        const p = doc.getElementById("p");
        p.addEventListener("post-preview:rendered", (e) => window.__events.push(e.detail));
        window.__handle = window.pp.mount(post, p);
      }, POST);
      await bodyShows(page, "Third paragraph.");
      assert.equal(await page.evaluate(() => window.__handle.source), POST);

      // Mark every block shown; the preview's first render is counted.
      const before = await page.evaluate(() => {
        const doc = document.getElementById("frame").contentDocument;
        const body = doc.getElementById("p").shadowRoot.querySelector('article[data-pp="body"]');
        [...body.children].forEach((e, i) => (e.__mark = i));
        window.__firstText = body.children[1].firstChild;
        return { blocks: body.children.length, renders: window.__events.length };
      });
      assert.equal(before.blocks, 3);

      // Typing, as an editor reports it: one setSource per keystroke.
      const typed = " and more";
      for (let i = 1; i <= typed.length; i++) {
        await page.evaluate(
          ([post, text]) => window.__handle.setSource(post.replace("Second paragraph.", `Second paragraph${text}.`)),
          [POST, typed.slice(0, i)],
        );
        if (i % 3 === 0) await settled(page);
      }
      await bodyShows(page, "Second paragraph and more.");
      let state = await page.evaluate(() => {
        const doc = document.getElementById("frame").contentDocument;
        const body = doc.getElementById("p").shadowRoot.querySelector('article[data-pp="body"]');
        return { marks: [...body.children].map((e) => e.__mark ?? null), sameText: body.children[1].firstChild === window.__firstText };
      });
      // A keystroke in a paragraph edits it in place: every node stays.
      assert.deepEqual(state, { marks: [0, 1, 2], sameText: true });

      // A change of shape (emphasis) replaces that block alone.
      await page.evaluate((post) => window.__handle.setSource(post.replace("Third paragraph.", "Third *emphatic* paragraph.")), POST);
      await page.waitForFunction(() => {
        const doc = document.getElementById("frame").contentDocument;
        return doc.getElementById("p").shadowRoot.querySelector("em");
      });
      state = await page.evaluate(() => {
        const doc = document.getElementById("frame").contentDocument;
        const body = doc.getElementById("p").shadowRoot.querySelector('article[data-pp="body"]');
        return [...body.children].map((e) => e.__mark ?? null);
      });
      assert.deepEqual(state, [0, 1, null]);

      // The same text again renders nothing.
      const n = await page.evaluate(() => window.__events.length);
      await page.evaluate((post) => window.__handle.setSource(post.replace("Third paragraph.", "Third *emphatic* paragraph.")), POST);
      await settled(page);
      assert.equal(await page.evaluate(() => window.__events.length), n);
      assert.ok(n > before.renders);
    });
  });

  test("the element's source property renders without a textarea, then follows changes in place", async () => {
    await withHost(async (page) => {
      await page.evaluate((post) => {
        const element = document.createElement("post-preview");
        element.id = "host-el";
        document.body.append(element);
        element.source = post;
      }, POST);
      await page.waitForFunction(() => {
        const body = document.getElementById("host-el").shadowRoot?.querySelector('article[data-pp="body"]');
        return body && body.textContent.includes("Second paragraph.");
      });
      await page.evaluate(() => {
        const body = document.getElementById("host-el").shadowRoot.querySelector('article[data-pp="body"]');
        [...body.children].forEach((e, i) => (e.__mark = i));
      });
      await page.evaluate((post) => {
        document.getElementById("host-el").source = post.replace("Second paragraph.", "Second paragraph, changed.");
      }, POST);
      await page.waitForFunction(() =>
        document.getElementById("host-el").shadowRoot.querySelector('article[data-pp="body"]').textContent.includes("changed."),
      );
      const marks = await page.evaluate(() => {
        const el = document.getElementById("host-el");
        const body = el.shadowRoot.querySelector('article[data-pp="body"]');
        return { marks: [...body.children].map((e) => e.__mark ?? null), source: el.source.includes("changed.") };
      });
      assert.deepEqual(marks, { marks: [0, 1, 2], source: true });
    });
  });
});

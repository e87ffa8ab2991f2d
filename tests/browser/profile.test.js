// Site profiles in the browser: the page's Site selector, the element's
// `profile` and `profile-src` attributes, and `render(source, { profile })`.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, newContext, openPage, renders, renderedAfter, settled } from "./harness.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function withPage(path, fn) {
  const context = await newContext(browser);
  try {
    const page = await openPage(context, path);
    await settled(page);
    await fn(page, context);
  } finally {
    await context.close();
  }
}

const RUST_BLOG_POST = `+++
path = "2026/12/02/profiles"
title = "Profiles & <sites>"
authors = ["Ferris", "Corro"]

[extra]
team = "The Docs Team"
team_url = "https://example.org/docs"
+++

## Hello, crab 🦀

See ![a chart](chart.png) and [the site](https://www.rust-lang.org/).

{{ youtube(id="x") }}
`;

describe("site profiles", () => {
  test("the page's Site selector renders as blog.rust-lang.org publishes, and is remembered", async () => {
    await withPage("index.html?test", async (page) => {
      const n = await renders(page);
      await page.selectOption("#profile", "rust-blog");
      await page.evaluate((text) => {
        const source = document.getElementById("source");
        source.value = text;
        source.dispatchEvent(new Event("input", { bubbles: true }));
      }, RUST_BLOG_POST);
      await renderedAfter(page, n);
      await settled(page);
      const header = page.locator('#preview header[data-pp="header"]');
      assert.equal(await header.locator("header h2").innerText(), "Profiles & <sites>");
      assert.match(
        await header.locator(".publish-date-author").innerText(),
        /^Dec\. 2, 2026 · Ferris, Corro\s+on behalf of The Docs Team$/,
      );
      const body = page.locator('#preview article[data-pp="body"]');
      assert.equal(await body.locator("h2").getAttribute("id"), "hello-crab-crab");
      assert.equal(await body.locator("h2 a.anchor").getAttribute("href"), "#hello-crab-crab");
      assert.equal(
        await body.locator("img").getAttribute("src"),
        "https://blog.rust-lang.org/2026/12/02/profiles/chart.png",
      );
      assert.equal(await body.locator('a[href="https://www.rust-lang.org/"]').getAttribute("rel"), "external");
      assert.match(await page.locator("#diagnostics").innerText(), /`youtube\(…\)` calls a shortcode the site does not define/);

      // The choice survives a reload.
      await page.reload();
      await settled(page);
      assert.equal(await page.locator("#profile").inputValue(), "rust-blog");
    });
  });

  test("<post-preview profile> and profile-src: a built-in name, a site's own file, a file that is missing", async () => {
    await withPage("embed.html?test", async (page) => {
      const result = await page.evaluate(async () => {
        const textarea = document.createElement("textarea");
        textarea.id = "mine";
        textarea.value = "---\ntitle: Mine\nslug: hello\nauthor: Ann\ntags: [a, draft, b]\n---\n# Intro {#start}\n\n\"Quoted\" -- [x](https://docs.rs) ![p](pic.png)\n";
        document.body.append(textarea);
        const wait = (el) => new Promise((resolve) => el.addEventListener("post-preview:rendered", resolve, { once: true }));
        const preview = document.createElement("post-preview");
        preview.setAttribute("for", "mine");
        preview.setAttribute("profile", "commonmark");
        let rendered = wait(preview);
        document.body.append(preview);
        await rendered;
        const root = preview.shadowRoot;
        const builtin = root.querySelector('article[data-pp="body"] h1').outerHTML;
        // A site's own profile file: the preview switches to it once loaded.
        rendered = wait(preview);
        preview.setAttribute("profile-src", "examples/my-site.toml");
        await rendered;
        const header = root.querySelector('header[data-pp="header"]').innerHTML;
        const body = root.querySelector('article[data-pp="body"]').innerHTML;
        // A missing file: an event, and the preview keeps rendering.
        const error = new Promise((resolve) => preview.addEventListener("post-preview:profile-error", (e) => resolve(e.detail), { once: true }));
        preview.setAttribute("profile-src", "examples/no-such-profile.toml");
        const detail = await error;
        return { builtin, header, body, detail };
      });
      // commonmark: no heading ids (the `{#start}` is text), pulldown-cmark's output.
      assert.match(result.builtin, /<h1[^>]*>Intro \{#start\}<\/h1>/);
      assert.doesNotMatch(result.builtin, /id=/);
      // my-site.toml: its header template, hidden tags, smart punctuation,
      // heading attributes, its anchor, rel words, page-relative images.
      assert.match(result.header, /<h1 class="my-title">Mine<\/h1><p class="byline">by Ann<\/p><p class="tags">a, b<\/p>/);
      assert.match(result.body, /<h1 [^>]*id="start"[^>]*>Intro<a class="anchor" href="#start">#<\/a><\/h1>/);
      assert.match(result.body, /“Quoted” – <a href="https:\/\/docs.rs" rel="external nofollow">x<\/a>/);
      assert.match(result.body, /<img src="https:\/\/example.org\/posts\/hello\/pic.png" alt="p">/);
      assert.match(result.detail.message, /cannot load the profile at .*no-such-profile\.toml: HTTP 404/);
    });
  });

  test("render(source, { profile }) takes a name or a profile's text, and says what is wrong with one", async () => {
    await withPage("embed.html?test", async (page) => {
      const out = await page.evaluate(async () => {
        const { render } = await import("./post-preview.js");
        const named = await render("+++\npath = \"x\"\n+++\n# A\n", { profile: "rust-blog" });
        const broken = await render("# A\n", { profile: 'name = "x"\n[markdown]\nbreaks = "yes"\n' });
        return { named: named.diagnostics, brokenHtml: broken.html, broken: broken.diagnostics[0] };
      });
      assert.ok(out.named.some((d) => /`path` must hold the date/.test(d.message)));
      assert.match(out.brokenHtml, /direct-link/); // the default profile rendered the body
      assert.equal(out.broken.origin, "profile");
      assert.deepEqual([out.broken.line, out.broken.column], [3, 10]);
    });
  });
});

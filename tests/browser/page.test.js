// The editor page (www/index.html) end to end.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  exampleText,
  launch,
  newContext,
  openPage,
  renderedAfter,
  renders,
  settled,
  typeSource,

} from "./harness.js";

let browser;
let example;
before(async () => {
  browser = await launch();
  example = await exampleText();
});
after(async () => {
  await browser?.close();
});

/** A page with the example post typed in; the context is closed by the caller. */
async function withExample(fn) {
  const context = await newContext(browser);
  try {
    const page = await openPage(context);
    const detail = await typeSource(page, example);
    await fn(page, detail, context);
  } finally {
    await context.close();
  }
}

describe("editor page", () => {
  test("loads the example post on the first visit", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      // openPage cleared storage after the first load: reload for a true first visit.
      await page.reload();
      await page.waitForFunction(() => window.__ppRenders > 0);
      assert.equal(await page.inputValue("#source"), example);
      assert.equal(await page.getAttribute("#source", "spellcheck"), "false");
    } finally {
      await context.close();
    }
  });

  test("header shows title, byline, date and tags, not the internal news tag", async () => {
    await withExample(async (page) => {
      const header = page.locator('#preview header[data-pp="header"]');
      await header.waitFor();
      const text = await header.innerText();
      assert.match(text, /Announcing the Rust Foundation’s Associate Membership with OpenSSF/);
      assert.match(text, /by The Rust Foundation/);
      assert.match(text, /18 Sep 2023/);
      const tags = await page.locator("#preview .post-tag").allInnerTexts();
      assert.deepEqual(
        tags.map((t) => t.trim()),
        ["announcement", "membership", "security", "security initiative"],
      );
      assert.ok(!tags.some((t) => t.trim() === "news"), "the news tag is hidden");
      assert.equal(await page.locator("#preview h1").first().innerText(), "Announcing the Rust Foundation’s Associate Membership with OpenSSF");
    });
  });

  test("front matter badges: index: false shows 'hidden from search engines'", async () => {
    await withExample(async (page) => {
      const badges = await page.locator("#preview .pp-badge").allInnerTexts();
      assert.deepEqual(badges.map((b) => b.trim().toLowerCase()), ["hidden from search engines"]);
      const n = await renders(page);
      const withMore = example.replace(
        "index: false\n",
        "index: false\ndraft: true\nexternalurl: https://blog.example/post\nattachments:\n  Slides: https://files.example/slides.pdf\n",
      );
      await page.fill("#source", withMore);
      await renderedAfter(page, n);
      await settled(page);
      const more = await page.locator("#preview .pp-badge").allInnerTexts();
      assert.deepEqual(more.map((b) => b.trim().toLowerCase()), ["hidden from search engines", "draft", "external link"]);
      assert.equal(await page.locator("#preview a.pp-badge-external").getAttribute("href"), "https://blog.example/post");
      const attachment = page.locator('#preview .pp-attachments a');
      assert.equal(await attachment.innerText(), "Slides");
      assert.equal(await attachment.getAttribute("href"), "https://files.example/slides.pdf");
    });
  });

  test("every target=_blank link in the body has rel noopener noreferrer", async () => {
    await withExample(async (page) => {
      const rels = await page.locator('#preview article[data-pp="body"] a[target="_blank"]').evaluateAll((as) =>
        as.map((a) => a.getAttribute("rel") || ""),
      );
      assert.ok(rels.length >= 4, `expected the example's target=_blank links, got ${rels.length}`);
      for (const rel of rels) {
        const words = rel.split(/\s+/);
        assert.ok(words.includes("noopener") && words.includes("noreferrer"), `rel="${rel}"`);
      }
    });
  });

  test("word count, reading time and the outline; clicking a heading scrolls to it", async () => {
    await withExample(async (page, detail) => {
      assert.match(await page.innerText("#stats"), /^\d+ words · \d+ min read$/);
      assert.ok(detail.stats.words > 200, `words: ${detail.stats.words}`);
      assert.equal(await page.innerText("#stats"), `${detail.stats.words} words · ${detail.stats.reading_minutes} min read`);

      const outline = (await page.locator("#outline button").allInnerTexts()).map((t) => t.trim());
      assert.equal(outline.length, 3, `outline: ${JSON.stringify(outline)}`);
      assert.match(outline[0], /Executive Director & CEO, Rebecca Rumbul/);
      assert.match(outline[1], /To learn more about Rebecca’s keynote/);
      assert.match(outline[2], /To read OpenSSF’s Associate Membership Announcement/);

      // Make the preview short enough to need scrolling, then jump to the last heading.
      await page.setViewportSize({ width: 1280, height: 420 });
      await page.locator("#outline button").nth(2).click();
      await page.waitForFunction(() => document.getElementById("preview").scrollTop > 0);
      const id = await page.locator("#outline button").nth(2).getAttribute("data-id");
      assert.ok(id, "outline entries carry the heading id");
      const inView = await page.evaluate((hid) => {
        const host = document.getElementById("preview");
        const h = host.shadowRoot.getElementById(hid);
        const r = h.getBoundingClientRect();
        const box = host.getBoundingClientRect();
        return r.top >= box.top - 1 && r.top < box.bottom;
      }, id);
      assert.ok(inView, "the heading is scrolled into the preview's view");
      assert.equal(new URL(page.url()).hash, "", "the page's URL does not change");
    });
  });

  // An unquoted ": " inside a value is a YAML error the parser finds on its own line.
  test("a YAML error on line 3 shows as 3:N and clicking it selects line 3", async () => {
    await withExample(async (page) => {
      const lines = example.split("\n");
      lines[2] = 'byline: The Rust: Foundation';
      const broken = lines.join("\n");
      const detail = await typeSource(page, broken, { typed: 0 });
      assert.ok(
        detail.diagnostics.some((d) => d.severity === "error" && d.line === 3),
        `diagnostics: ${JSON.stringify(detail.diagnostics)}`,
      );
      const item = page.locator('#diagnostics button.diagnostic[data-line="3"]').first();
      assert.equal(await item.locator(".severity").textContent(), "error");
      assert.match(await item.locator(".position").textContent(), /^3:\d+$/);
      assert.ok((await item.locator(".message").textContent()).trim().length > 0);
      await item.click();
      const sel = await page.evaluate(() => {
        const t = document.getElementById("source");
        return { focused: document.activeElement === t, text: t.value.slice(t.selectionStart, t.selectionEnd) };
      });
      assert.equal(sel.focused, true);
      assert.equal(sel.text, 'byline: The Rust: Foundation');

      // Keyboard: Enter on a diagnostic does the same.
      await page.evaluate(() => document.getElementById("source").setSelectionRange(0, 0));
      await item.focus();
      await page.keyboard.press("Enter");
      assert.equal(
        await page.evaluate(() => {
          const t = document.getElementById("source");
          return t.value.slice(t.selectionStart, t.selectionEnd);
        }),
        'byline: The Rust: Foundation',
      );
    });
  });

  test("line selection handles CRLF", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      const ranges = await page.evaluate(() => {
        const { lineRange } = window.__postPreview;
        const t = "a\r\nbb\r\nccc\nd\re";
        return [1, 2, 3, 4, 5, 9].map((n) => {
          const r = lineRange(t, n);
          return t.slice(r.start, r.end);
        });
      });
      assert.deepEqual(ranges, ["a", "bb", "ccc", "d", "e", ""]);
    } finally {
      await context.close();
    }
  });

  test("the draft is autosaved and survives a reload", async () => {
    await withExample(async (page) => {
      await page.focus("#source");
      await page.keyboard.press("Control+End");
      await page.keyboard.type("\n\nAutosave check.");
      await page.waitForFunction(
        () => (localStorage.getItem("post-preview:draft") || "").endsWith("Autosave check."),
        null,
        { timeout: 5_000 },
      );
      await page.reload();
      await page.waitForFunction(() => window.__ppRenders > 0);
      assert.equal(await page.inputValue("#source"), `${example}\n\nAutosave check.`);
      assert.match(await page.locator('#preview article[data-pp="body"]').innerText(), /Autosave check\./);
    });
  });

  test("autosave writes at most once per second while typing", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await page.evaluate(() => {
        window.__draftWrites = [];
        const set = Storage.prototype.setItem;
        Storage.prototype.setItem = function (key, value) {
          if (key === "post-preview:draft") window.__draftWrites.push(performance.now());
          return set.call(this, key, value);
        };
      });
      await page.focus("#source");
      const t0 = Date.now();
      while (Date.now() - t0 < 2600) await page.keyboard.type("abc ", { delay: 20 });
      await page.waitForTimeout(1100);
      const writes = await page.evaluate(() => window.__draftWrites);
      assert.ok(writes.length >= 2 && writes.length <= 5, `writes: ${writes.length}`);
      for (let i = 1; i < writes.length; i++) assert.ok(writes[i] - writes[i - 1] >= 950, `gap ${writes[i] - writes[i - 1]}ms`);
      assert.equal(await page.evaluate(() => localStorage.getItem("post-preview:draft")), await page.inputValue("#source"));
    } finally {
      await context.close();
    }
  });

  test("the draft is saved at once when the page is hidden", async () => {
    await withExample(async (page) => {
      await page.focus("#source");
      await page.keyboard.type("X");
      // Within the debounce window, a pagehide must flush the draft.
      await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide")));
      assert.ok((await page.evaluate(() => localStorage.getItem("post-preview:draft"))).includes("X"));
    });
  });

  test("links in the preview never navigate the editor away", async () => {
    await withExample(async (page, _detail, context) => {
      const before = page.url();
      const popup = context.waitForEvent("page");
      await page.locator('#preview article[data-pp="body"] a[href^="https://openssf.org/"]').first().click();
      const opened = await popup;
      assert.match(opened.url(), /^https:\/\/openssf\.org\//);
      assert.equal(await opened.evaluate(() => window.opener), null, "opened with noopener");
      await opened.close();
      assert.equal(page.url(), before);
      assert.ok(context.__external.every((u) => /^https:\/\/openssf\.org\//.test(u)), context.__external.join());
    });
  });

  test("#fragment links scroll inside the preview", async () => {
    await withExample(async (page) => {
      await page.setViewportSize({ width: 1280, height: 420 });
      const anchor = page.locator('#preview article[data-pp="body"] a[href^="#"]').first();
      assert.ok((await anchor.count()) > 0, "the eleventy preset gives headings a # permalink");
      const id = (await anchor.getAttribute("href")).slice(1);
      await anchor.click();
      await page.waitForFunction(() => document.getElementById("preview").scrollTop > 0);
      const top = await page.evaluate((hid) => {
        const host = document.getElementById("preview");
        return host.shadowRoot.getElementById(hid).getBoundingClientRect().top - host.getBoundingClientRect().top;
      }, id);
      assert.ok(Math.abs(top) < 40, `target at ${top}px from the preview's top`);
      assert.equal(new URL(page.url()).hash, "");
    });
  });

  test("the test hook exists only with ?test", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context, "index.html");
      assert.equal(await page.evaluate(() => typeof window.__postPreview), "undefined");
      const detail = await page.evaluate(() => window.__ppLast);
      assert.equal(typeof detail.ms, "number");
      assert.ok(Array.isArray(detail.diagnostics) && Array.isArray(detail.outline));
    } finally {
      await context.close();
    }
  });

  test("the split is a keyboard-usable separator", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      const sep = page.locator('[role="separator"]');
      assert.equal(await sep.getAttribute("aria-valuenow"), "50");
      const w0 = (await page.locator("#source").boundingBox()).width;
      await sep.focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      assert.equal(await sep.getAttribute("aria-valuenow"), "54");
      assert.ok((await page.locator("#source").boundingBox()).width > w0);
      await page.keyboard.press("Shift+ArrowLeft");
      assert.equal(await sep.getAttribute("aria-valuenow"), "44");
      await page.keyboard.press("Home");
      assert.equal(await sep.getAttribute("aria-valuenow"), "20");
      // Dragging works too.
      const box = await sep.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(640, box.y + box.height / 2, { steps: 4 });
      await page.mouse.up();
      const now = Number(await sep.getAttribute("aria-valuenow"));
      assert.ok(now >= 48 && now <= 52, `after drag: ${now}`);
    } finally {
      await context.close();
    }
  });

  test("Load example asks before replacing a changed draft; Download .md and Export HTML", async () => {
    await withExample(async (page) => {
      await page.fill("#source", "---\ntitle: Mine\n---\nMy own words.\n");
      let asked = 0;
      page.once("dialog", (d) => {
        asked += 1;
        d.dismiss();
      });
      await page.click("#load-example");
      await page.waitForTimeout(200);
      assert.equal(asked, 1);
      assert.equal(await page.inputValue("#source"), "---\ntitle: Mine\n---\nMy own words.\n");

      const md = page.waitForEvent("download");
      await page.click("#download-md");
      const mdFile = await md;
      assert.equal(mdFile.suggestedFilename(), "mine.md");
      assert.equal(await streamText(await mdFile.createReadStream()), "---\ntitle: Mine\n---\nMy own words.\n");

      const html = page.waitForEvent("download");
      await page.click("#export-html");
      const htmlFile = await html;
      assert.equal(htmlFile.suggestedFilename(), "mine.html");
      const page2 = await streamText(await htmlFile.createReadStream());
      assert.match(page2, /<meta http-equiv="Content-Security-Policy"/i);
      assert.match(page2, /My own words\./);

      page.once("dialog", (d) => d.accept());
      await page.click("#load-example");
      await page.waitForFunction((ex) => document.getElementById("source").value === ex, example);
    });
  });

  test("Open file loads a local file", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      const n = await renders(page);
      await page.setInputFiles("#open-file", {
        name: "hello.md",
        mimeType: "text/markdown",
        buffer: Buffer.from("---\ntitle: From a file\n---\nOpened.\n"),
      });
      await page.waitForFunction(() => document.getElementById("source").value.includes("From a file"));
      await renderedAfter(page, n);
      assert.match(await page.locator('#preview article[data-pp="body"]').innerText(), /Opened\./);
    } finally {
      await context.close();
    }
  });

  test("preview ids and names cannot clobber page globals", async () => {
    const context = await newContext(browser);
    try {
      const page = await openPage(context);
      await typeSource(page, '---\ntitle: t\n---\n<a id="source" name="ppClobber" href="#x">a</a> <img name="getElementById" src="data:,">\n\nText.\n', { typed: 6 });
      const result = await page.evaluate(() => ({
        source: document.getElementById("source") instanceof HTMLTextAreaElement,
        clobber: typeof window.ppClobber,
        gebi: typeof document.getElementById,
      }));
      assert.deepEqual(result, { source: true, clobber: "undefined", gebi: "function" });
    } finally {
      await context.close();
    }
  });

  test("no console errors and no request leaves the machine in a normal session", async () => {
    await withExample(async (page, _detail, context) => {
      const errors = page.__consoleErrors.filter((e) => !/Failed to load resource/.test(e));
      assert.deepEqual(errors, []);
      assert.deepEqual(context.__external, [], "the example references no images, so nothing is fetched elsewhere");
    });
  });
});

async function streamText(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}


// Shared set-up for the browser tests: real headless Chromium through
// playwright-core, against a static server on www/ named by PP_BASE_URL.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLE_PATH = new URL("../../www/examples/openssf.md", import.meta.url);

export function baseUrl() {
  const base = process.env.PP_BASE_URL;
  if (!base) {
    throw new Error(
      "PP_BASE_URL is not set. These tests need a static server on www/ (with www/pkg built): " +
        "run them through `cargo xtask test`, or start one yourself, e.g. " +
        "`python3 -m http.server --bind 127.0.0.1 8099 --directory www` and " +
        "`PP_BASE_URL=http://127.0.0.1:8099 node --test tests/browser/`.",
    );
  }
  return base.replace(/\/+$/, "");
}

export function url(path) {
  return `${baseUrl()}/${path.replace(/^\//, "")}`;
}

export async function launch() {
  baseUrl(); // fail fast, with the message above
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function exampleText() {
  return readFile(EXAMPLE_PATH, "utf8");
}

/**
 * A fresh context (empty storage) whose pages count `post-preview:rendered`
 * events reaching the document, and in which nothing leaves the machine:
 * requests to other origins are answered with a stub here.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const origin = new URL(baseUrl()).origin;
  context.__external = [];
  await context.route(
    (u) => u.origin !== origin,
    (route) => {
      context.__external.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/plain", body: "stub" });
    },
  );
  await context.addInitScript(() => {
    window.__ppRenders = 0;
    window.__ppLast = null;
    window.__ppErrors = [];
    document.addEventListener("post-preview:rendered", (e) => {
      window.__ppRenders += 1;
      window.__ppLast = JSON.parse(JSON.stringify(e.detail ?? null));
    });
    window.addEventListener("error", (e) => window.__ppErrors.push(String(e.error ?? e.message)));
  });
  return context;
}

/** Opens a page of www/ with cleared storage and waits for its first render. */
export async function openPage(context, path = "index.html?test") {
  const page = await context.newPage();
  page.__consoleErrors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") page.__consoleErrors.push(msg.text());
  });
  await page.goto(url(path));
  await page.evaluate(() => localStorage.clear());
  await page.waitForFunction(() => window.__ppRenders > 0, null, { timeout: 15_000 });
  return page;
}

export async function renders(page) {
  return page.evaluate(() => window.__ppRenders);
}

/** Waits for a render after `count` (from renders()), returns the last detail. */
export async function renderedAfter(page, count, timeout = 10_000) {
  await page.waitForFunction((n) => window.__ppRenders > n, count, { timeout });
  return page.evaluate(() => window.__ppLast);
}

/**
 * What random edits insert or delete: text that changes how blocks split
 * and what they share (emphasis, raw HTML, footnotes, headings, fences,
 * lists, quotes, autolinks, tables).
 */
export const EDIT_SNIPPETS = [
  "x", " ", "\n", "\n\n", "*", "#", "<u>", "</u>", "[^1]", "\n\n[^1]: note\n\n", "\n\n## Heading\n\n",
  "\n\n<div>\n\n**in a div**\n\n</div>\n\n", "https://docs.rs ", "`", "\n```\n", "\n- item\n", "\n> quote\n", "|",
];

/**
 * Edits the editor like a user would (setRangeText + an input event): at
 * `at` (a fraction of the text), inserts `text`, or with `remove` deletes as
 * many characters. Does not wait for the render.
 */
export function editAt(page, { at, text, remove = false }) {
  return page.evaluate(
    ({ at, text, remove }) => {
      const t = document.getElementById("source");
      const i = Math.floor(at * t.value.length);
      if (remove) t.setRangeText("", i, Math.min(t.value.length, i + text.length), "end");
      else t.setRangeText(text, i, i, "end");
      t.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: remove ? "deleteContentForward" : "insertText" }));
    },
    { at, text, remove },
  );
}

/** Replaces the editor's text: fill() for the bulk, real keystrokes for the tail. */
export async function typeSource(page, text, { typed = 40, selector = "#source" } = {}) {
  const cut = Math.max(0, text.length - typed);
  const n = await renders(page);
  await page.fill(selector, text.slice(0, cut));
  await page.focus(selector);
  await page.evaluate((sel) => {
    const t = document.querySelector(sel);
    t.setSelectionRange(t.value.length, t.value.length);
  }, selector);
  await page.keyboard.type(text.slice(cut));
  await renderedAfter(page, n);
  return settled(page);
}

/** Lets pending animation-frame renders run, then returns the last rendered detail. */
export async function settled(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
  return page.evaluate(() => window.__ppLast);
}

/** A small deterministic PRNG (mulberry32), so failures replay. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The preview body's HTML and the HTML of a full render of the textarea, both as the browser serializes them. */
export function bodyAndFull(page) {
  return page.evaluate(async () => {
    const { render } = await import("/post-preview.js");
    const text = document.getElementById("source").value;
    const full = await render(text);
    const template = document.createElement("template");
    template.innerHTML = full.html;
    const body = document.getElementById("preview").shadowRoot.querySelector('article[data-pp="body"]').cloneNode(true);
    // Long posts group their units in chunks (layout only): compare what is in them.
    for (const chunk of body.querySelectorAll(':scope > div[data-pp="chunk"]')) chunk.replaceWith(...chunk.childNodes);
    // The last rendered event's other parts, against the full render's.
    const pick = (d) => d && JSON.parse(JSON.stringify([d.diagnostics, d.outline, d.stats, d.front_matter]));
    return { shown: body.innerHTML, full: template.innerHTML, parts: pick(window.__ppLast), fullParts: pick(full) };
  });
}

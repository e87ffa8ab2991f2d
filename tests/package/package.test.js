// The npm package as an embedder gets it: the tarball `cargo xtask pack`
// writes (PP_TARBALL) installed into a fresh temporary project, then
//   - type-checked: `tsc --noEmit` on a typed example using every export;
//   - loaded with no bundler (an import map to node_modules), and
//   - built by Vite,
// each page rendering a post (on the main thread and in the worker, and
// through <post-preview>) and updating on typing, in headless Chromium.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(HERE, "fixture");

function tarball() {
  const file = process.env.PP_TARBALL;
  if (!file || !existsSync(file)) {
    throw new Error(
      `PP_TARBALL must name the package tarball (got ${file ?? "nothing"}): run these tests through ` +
        "`cargo xtask test`, or `cargo xtask pack` and then `PP_TARBALL=target/npm/post-preview-VERSION.tgz node --test tests/package/`.",
    );
  }
  return path.resolve(file);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".md": "text/plain; charset=utf-8",
};

/** A static server on 127.0.0.1 for `dir`; resolves to { url, close }. */
export function serve(dir) {
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(dir, pathname);
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    if (pathname.endsWith("/")) file = path.join(file, "index.html");
    if (!existsSync(file)) return void res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }),
    );
  });
}

let project; // the temporary embedder project
let browser;

before(async () => {
  project = mkdtempSync(path.join(tmpdir(), "post-preview-consumer-"));
  cpSync(FIXTURE, project, { recursive: true });
  // The page with no bundler is Vite's page with an import map for the bare names.
  const importMap = JSON.stringify({
    imports: {
      "post-preview": "/node_modules/post-preview/post-preview.js",
      "post-preview/element": "/node_modules/post-preview/element.js",
    },
  });
  writeFileSync(
    path.join(project, "plain.html"),
    readFileSync(path.join(FIXTURE, "index.html"), "utf8").replace("</title>", `</title>\n<script type="importmap">${importMap}</script>`),
  );
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { "post-preview": `file:${tarball()}` } }, null, 2),
  );
  // The tarball alone: nothing comes from a registry.
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock"], { cwd: project, stdio: "inherit" });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});

after(async () => {
  await browser?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("the npm package", () => {
  test("holds the module, the element, Decap's entry, the worker, the scroll sync, the stylesheet, the wasm and the types", () => {
    const root = path.join(project, "node_modules", "post-preview");
    const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.exports).sort(), [".", "./decap", "./element", "./package.json", "./preview.css"]);
    for (const file of [
      "post-preview.js", "post-preview.d.ts", "element.js", "element.d.ts", "decap.js", "decap.d.ts",
      "render-worker.js", "scroll-sync.js", "preview.css", "pkg/post_preview.js", "pkg/post_preview_bg.wasm", "pkg/post_preview.d.ts",
    ]) {
      assert.ok(existsSync(path.join(root, file)), `${file} is in the package`);
    }
  });

  test("tsc --noEmit accepts the typed example (and rejects its deliberate mistakes)", () => {
    const tsc = path.join(HERE, "node_modules", "typescript", "bin", "tsc");
    try {
      execFileSync(process.execPath, [tsc, "--noEmit", "-p", project], { encoding: "utf8" });
    } catch (error) {
      assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`);
    }
  });

  for (const mode of ["no bundler", "vite"]) {
    test(`${mode}: renders a post and follows typing (main thread, worker, <post-preview>)`, async () => {
      let dir = project;
      if (mode === "vite") {
        const { build } = await import("vite");
        await build({ root: project, configFile: false, logLevel: "warn", build: { outDir: path.join(project, "dist"), emptyOutDir: true } });
        dir = path.join(project, "dist");
        const assets = readdirSync(path.join(dir, "assets"));
        assert.ok(assets.some((f) => f.endsWith(".wasm")), `Vite emitted the wasm: ${assets}`);
        assert.ok(assets.some((f) => f.endsWith(".css")), `Vite emitted the stylesheet: ${assets}`);
      }
      const server = await serve(dir);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
      // Every file the page asks for is there (but the favicon nobody ships).
      page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && errors.push(`${r.status()} ${r.url()}`));
      try {
        await page.goto(`${server.url}/${mode === "vite" ? "" : "plain.html"}`);
        const shows = (id, text) =>
          page.waitForFunction(
            ([id, text]) => document.getElementById(id)?.shadowRoot?.querySelector('article[data-pp="body"]')?.textContent.includes(text),
            [id, text],
            { timeout: 15_000 },
          );
        for (const id of ["main", "worker", "element"]) await shows(`${id}-preview`, "A post from the package.");
        const header = await page.evaluate(() => document.getElementById("main-preview").shadowRoot.querySelector('header[data-pp="header"]').textContent);
        assert.match(header, /Packaged/);
        // The worker preview really rendered in the worker: its body is chunked.
        assert.equal(
          await page.evaluate(() => document.getElementById("worker-preview").shadowRoot.querySelectorAll('div[data-pp="chunk"]').length > 0),
          true,
        );
        // The stylesheet came with the package.
        assert.equal(
          await page.evaluate(() => getComputedStyle(document.getElementById("main-preview")).getPropertyValue("--pp-accent").trim()),
          "#b7410e",
        );
        for (const id of ["main", "worker", "element"]) {
          await page.focus(`#${id}-source`);
          await page.keyboard.press("Control+End");
          await page.keyboard.type(`\n\nTyped into ${id}.`);
          await shows(`${id}-preview`, `Typed into ${id}.`);
        }
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
        await server.close();
      }
    });
  }
});

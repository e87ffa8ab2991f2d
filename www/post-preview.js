// post-preview: the one module that pages and embedders import.
//
//   import { mount, render, renderPage } from "./post-preview.js";
//   const handle = mount(textarea, previewElement, { base_url, profile, stylesheet });
//
// or, with no script of one's own beyond importing this module:
//
//   <post-preview for="body" base-url="https://site.example" profile="rust-foundation"
//                 stylesheet="/css/site.css"></post-preview>
//
// The preview lives in a shadow root owned by the preview element, so the
// post's ids cannot clobber window/document globals and styles don't leak in
// either direction. A trap inside wasm (a Rust panic) is caught here: the
// module is instantiated afresh and every mounted preview is re-bound to its
// textarea, which is never rewritten.

import { syncScroll } from "./scroll-sync.js";

// Every file is found relative to this module, with `new URL(…,
// import.meta.url)` written out in full: bundlers (Vite, webpack) see these
// and emit the files, and served as plain files they resolve as they are.
const PKG_URL = new URL("./pkg/post_preview.js", import.meta.url);
const WASM_URL = new URL("./pkg/post_preview_bg.wasm", import.meta.url);
const PREVIEW_CSS_URL = new URL("./preview.css", import.meta.url);

export const RENDERED_EVENT = "post-preview:rendered";
export const CRASHED_EVENT = "post-preview:crashed";
export const CRASH_MESSAGE = "The previewer crashed and was restarted; your text is safe.";

/**
 * Posts at least this long (UTF-16 code units) render in a worker, so no
 * keystroke blocks the page for longer than applying its patch; shorter ones
 * render on the main thread, which answers sooner (no message round trip).
 * A post that shrinks below half of it goes back to the main thread.
 */
export const WORKER_THRESHOLD = 256 * 1024;

/**
 * In the worker's (long-post) mode the body's units are grouped in
 * `<div data-pp="chunk">` elements of at most this many units (a chunk that
 * grows past twice this is split). An edit then makes the browser lay out one
 * chunk and the row of chunks, not every block of the post: replacing a
 * paragraph among 20,000 costs about 30 ms of layout in a flat body and about
 * 1 ms in chunks of 64. A chunk has no box of its own to speak of (no margin,
 * border or padding), so margins collapse through it as before.
 */
export const CHUNK_UNITS = 64;

const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 10_000;

// ---------------------------------------------------------------------------
// The wasm module: one live instance shared by every mount, replaced on a trap.

let generation = 0; // which instance is current; bumped on every restart
let modulePromise = null; // Promise<module namespace> for `generation`
let restartTimes = [];
let gaveUp = false;
const mounts = new Set(); // live mount states, re-bound on restart
// Bindings of crashed instances are kept referenced on purpose: if they were
// garbage collected, their finalizers would call into the dead instance.
const graveyard = [];

function loadModule(gen) {
  const url = gen === 0 ? PKG_URL.href : `${PKG_URL.href}?instance=${gen}`;
  return import(/* @vite-ignore */ url).then(async (mod) => {
    await mod.default({ module_or_path: WASM_URL });
    return mod;
  });
}

/** The current wasm module namespace, instantiated on first use. */
export function getModule() {
  if (!modulePromise) {
    const gen = generation;
    modulePromise = loadModule(gen);
    modulePromise.catch(() => {
      // A failed load (e.g. offline with nothing cached) may be retried later.
      if (generation === gen) modulePromise = null;
    });
  }
  return modulePromise;
}

/** Is this thrown value / error-event payload a wasm trap? */
export function isWasmTrap(value) {
  return typeof WebAssembly !== "undefined" && value instanceof WebAssembly.RuntimeError;
}

let restarting = null;

/**
 * Throws away the current instance (it may be poisoned by the trap), loads a
 * new one, and re-binds every mount. Concurrent calls share one restart.
 */
function restart(error) {
  if (restarting) return restarting;
  const now = Date.now();
  restartTimes = restartTimes.filter((t) => now - t < RESTART_WINDOW_MS);
  restartTimes.push(now);
  // Detach every binding first, without calling into the dead instance.
  for (const state of mounts) state.detach();
  if (restartTimes.length > MAX_RESTARTS) {
    gaveUp = true;
    for (const state of mounts) {
      state.notify(
        "The previewer keeps crashing, so it has stopped; your text is safe. Reload the page to try again.",
        error,
        false,
      );
    }
    return Promise.resolve();
  }
  generation += 1;
  modulePromise = null;
  restarting = getModule()
    .then(() => Promise.all([...mounts].map((state) => state.attach(true))))
    .then(() => {
      for (const state of mounts) state.notify(CRASH_MESSAGE, error, true);
    })
    .catch((err) => {
      for (const state of mounts) {
        state.notify(`The previewer crashed and could not be restarted (${err}); your text is safe.`, error, false);
      }
    })
    .finally(() => {
      restarting = null;
    });
  return restarting;
}

let globalHandlersInstalled = false;
function installGlobalHandlers() {
  if (globalHandlersInstalled) return;
  globalHandlersInstalled = true;
  // A trap in the LiveBinding's animation-frame callback surfaces here.
  window.addEventListener("error", (event) => {
    if (isWasmTrap(event.error) && mounts.size > 0) restart(event.error);
  });
  window.addEventListener("unhandledrejection", (event) => {
    if (isWasmTrap(event.reason) && mounts.size > 0) restart(event.reason);
  });
}

/** Renders a post (lazy init). Resolves to the core's preview object. */
export async function render(source, options = {}) {
  const mod = await getModule();
  try {
    return mod.render(source, coreOptions(options));
  } catch (err) {
    if (!isWasmTrap(err)) throw err;
    await restart(err);
    return (await getModule()).render(source, coreOptions(options));
  }
}

/**
 * A standalone HTML page for a post: the core's renderPage when the module
 * has it, else one composed here from render().
 */
export async function renderPage(source, options = {}) {
  const mod = await getModule();
  if (typeof mod.renderPage === "function") {
    try {
      return mod.renderPage(source, coreOptions(options));
    } catch (err) {
      if (!isWasmTrap(err)) throw err;
      await restart(err);
    }
  }
  const preview = await render(source, options);
  return composePage(preview, await previewStylesheetText());
}

export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-src 'none'; img-src * data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'";

async function previewStylesheetText() {
  try {
    const res = await fetch(PREVIEW_CSS_URL);
    if (res.ok) return await res.text();
  } catch {
    // fall through to the minimal sheet
  }
  return "body{font:16px/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}img{max-width:100%}";
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A standalone page from a preview object (header_html and html are sanitized by the core). */
export function composePage(preview, css = "") {
  const fm = preview.front_matter || {};
  const title = fm.title || "Untitled post";
  const attachments = (fm.attachments || [])
    .filter((a) => a && safeHref(a.url))
    .map((a) => `<li><a href="${escapeHtml(a.url)}">${escapeHtml(a.name || a.url)}</a></li>`)
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>
${css.replace(/:host\b/g, ":root")}
</style>
</head>
<body>
<main class="pp-page">
<header data-pp="header">${preview.header_html || ""}</header>
<article data-pp="body">${preview.html || ""}</article>
${attachments ? `<section class="pp-attachments"><h2>Attachments</h2><ul>${attachments}</ul></section>` : ""}
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------
// Helpers shared by mount and the custom element.

function coreOptions(options = {}) {
  const out = {};
  const base = options.base_url ?? options.baseUrl;
  if (base) out.base_url = String(base);
  // `preset` is the earlier name of `profile`: a built-in profile's name.
  const profile = options.profile ?? options.preset;
  if (profile) out.profile = String(profile);
  return out;
}

function safeHref(url, base) {
  if (typeof url !== "string" || url.trim() === "") return null;
  try {
    const u = new URL(url, base || document.baseURI);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/**
 * Is `node` an element (named `name`, when given)? Node types and names, not
 * `instanceof`: a node of another document (an iframe's) belongs to another
 * realm, whose `Element` is not this one's.
 */
function isElement(node, name) {
  return node != null && node.nodeType === 1 && (name === undefined || node.localName === name);
}

/** Is `node` an HTML `<textarea>` (of any realm)? */
function isTextarea(node) {
  return isElement(node, "textarea") && node.namespaceURI === "http://www.w3.org/1999/xhtml";
}

/** An element of `doc` (the preview's document, which may be an iframe's) with attributes and text. */
function makeElement(tag, props = {}, text, doc = document) {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(props)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A fallback for a wasm package without LiveBinding: same contract, built on
 * render(). Kept small; the core's LiveBinding is what normally runs.
 */
class JsBinding {
  constructor(mod, textarea, root, options, signal) {
    this.mod = mod;
    this.textarea = textarea;
    this.root = root;
    this.options = options;
    this.frame = 0;
    this.last = null;
    const doc = root.ownerDocument;
    this.header = root.querySelector('[data-pp="header"]') || root.appendChild(makeElement("header", { "data-pp": "header" }, undefined, doc));
    this.body = root.querySelector('[data-pp="body"]') || root.appendChild(makeElement("article", { "data-pp": "body" }, undefined, doc));
    textarea.addEventListener("input", () => this.schedule(), { signal });
  }
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.update();
    });
  }
  update() {
    const t0 = performance.now();
    const p = this.mod.render(this.textarea.value, this.options);
    this.header.innerHTML = p.header_html;
    this.body.innerHTML = p.html;
    this.last = p;
    const { diagnostics, outline, stats, front_matter } = p;
    this.root.dispatchEvent(
      new CustomEvent(RENDERED_EVENT, {
        bubbles: true,
        composed: true,
        detail: { ms: performance.now() - t0, diagnostics, outline, stats, front_matter, header_stale: false },
      }),
    );
  }
  setOptions(o) {
    this.options = o;
  }
  lastPreview() {
    return this.last;
  }
  destroy() {
    cancelAnimationFrame(this.frame);
  }
  failNextUpdate() {
    throw new Error("failNextUpdate needs the core's LiveBinding");
  }
}

/** Sets a unit's line attributes on its first element (the core's `data-line` / `data-line-end`). */
function tagLines(nodes, first, last) {
  const element = nodes.find((node) => node.nodeType === Node.ELEMENT_NODE);
  if (!element) return;
  if (element.getAttribute("data-line") !== String(first)) element.setAttribute("data-line", String(first));
  if (element.getAttribute("data-line-end") !== String(last)) element.setAttribute("data-line-end", String(last));
}

/**
 * Applies one NodeEdit to a unit's nodes after checking that its node holds
 * what the edit expects (the values come from the core's sanitized HTML).
 * Returns false, changing nothing, when the check fails.
 */
function applyEdit(nodes, edit) {
  let node = nodes[edit.path[0]];
  for (let i = 1; node && i < edit.path.length; i++) node = node.childNodes[edit.path[i]];
  if (!node) return false;
  if (edit.kind === "text") {
    if (node.nodeType !== Node.TEXT_NODE || node.data !== edit.old) return false;
    node.replaceData(edit.offset, edit.delete, edit.insert);
    return true;
  }
  if (node.nodeType !== Node.ELEMENT_NODE || node.localName !== edit.tag || node.getAttribute(edit.name) !== edit.old) return false;
  if (edit.value === null) node.removeAttribute(edit.name);
  else node.setAttribute(edit.name, edit.value);
  return true;
}

/**
 * The LiveBinding contract with the rendering in a Web Worker
 * (render-worker.js): the main thread reads the text, posts it, and applies
 * the patch the worker answers (the units to remove and insert, and the
 * kept units to re-tag), the way LiveBinding patches. One render is in
 * flight at a time; edits made meanwhile are rendered together next.
 */
class WorkerBinding {
  constructor(mod, textarea, root, options, signal, onCrash, onUnavailable) {
    this.mod = mod;
    this.onUnavailable = onUnavailable;
    this.started = false; // whether the worker ever answered
    this.textarea = textarea;
    this.root = root;
    this.doc = root.ownerDocument; // the preview's document (maybe an iframe's)
    this.options = options;
    this.onCrash = onCrash;
    const header = root.querySelector(':scope > header[data-pp="header"]');
    const body = root.querySelector(':scope > article[data-pp="body"]');
    if (header && body) {
      this.header = header;
      this.body = body;
    } else {
      this.header = makeElement("header", { "data-pp": "header" }, undefined, this.doc);
      this.body = makeElement("article", { "data-pp": "body" }, undefined, this.doc);
      root.replaceChildren(this.header, this.body);
    }
    // The top-level nodes of each unit shown, in order (null: unknown). They
    // sit in chunks, the body's children; `chunks` counts those.
    this.units = null;
    this.chunks = 0;
    this.parts = {}; // the last diagnostics, outline, stats and front_matter
    this.busy = false;
    this.dirty = false;
    this.fresh = true; // the next request sends the options and asks for a reset
    this.failNext = false;
    this.destroyed = false;
    this.restarts = [];
    this.id = 0;
    this.sendMs = 0;
    this.worker = this.spawn();
    textarea.addEventListener("input", () => this.schedule(), { signal });
    signal.addEventListener("abort", () => this.destroy(), { once: true });
  }

  spawn() {
    // The URL inline in the constructor, for bundlers to bundle the worker.
    const worker = new Worker(new URL("./render-worker.js", import.meta.url), { type: "module", name: "post-preview render" });
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      // A worker that never answered could not start (no Worker support for
      // modules, a CSP or COEP that refuses the script): render on the main
      // thread instead. One that answered before has crashed.
      if (!this.started && !this.destroyed) {
        this.destroy();
        this.onUnavailable(event.message || "the render worker could not start");
      } else {
        this.crashed(event.message || "the render worker failed");
      }
    };
    return worker;
  }

  // No waiting for an animation frame: the worker starts while the page lays
  // out the edited textarea, and edits made meanwhile wait for its answer.
  schedule() {
    this.send();
  }

  /** Renders the textarea's value now; the rendered event follows when the worker answers. */
  update() {
    if (this.destroyed) throw new Error("WorkerBinding.update: the binding was destroyed");
    this.send();
  }

  send() {
    if (this.destroyed) return;
    if (this.busy) {
      this.dirty = true;
      return;
    }
    this.busy = true;
    this.dirty = false;
    const t0 = performance.now();
    const message = { id: ++this.id, text: this.textarea.value };
    if (this.fresh) {
      message.options = this.options;
      message.reset = true;
      this.fresh = false;
    }
    if (this.failNext) {
      message.fail = true;
      this.failNext = false;
    }
    this.worker.postMessage(message);
    this.sendMs = performance.now() - t0;
  }

  receive(data) {
    this.started = true;
    if (this.destroyed || data.id !== this.id) return;
    this.busy = false;
    if (data.error) {
      if (data.trap) this.crashed(data.error);
      else console.error("post-preview:", data.error);
      return;
    }
    const t0 = performance.now();
    // The worker sends diagnostics, outline, stats and front matter only
    // when they changed (null: as before), so unchanged ones keep their
    // identity from event to event, as LiveBinding's do.
    const parts = this.parts;
    for (const key of ["diagnostics", "outline", "stats", "front_matter"]) {
      if (data.patch[key] !== null) parts[key] = data.patch[key];
    }
    const changed = this.apply(data.patch);
    const main = performance.now() - t0 + this.sendMs;
    if (changed !== undefined) {
      const { diagnostics, outline, stats, front_matter } = parts;
      this.root.dispatchEvent(
        new CustomEvent(RENDERED_EVENT, {
          bubbles: true,
          composed: true,
          detail: {
            ms: data.ms + main,
            main_ms: main,
            diagnostics,
            outline,
            stats,
            front_matter,
            changed,
            header_stale: data.patch.header_stale,
          },
        }),
      );
    }
    if (this.dirty) this.send();
  }

  /** Applies a WorkerPatch; returns the first element inserted (or null), undefined when it could not. */
  apply(patch) {
    const body = this.body;
    if (patch.reset) {
      body.replaceChildren();
      this.units = [];
      this.chunks = 0;
    } else if (!this.units || body.childNodes.length !== this.chunks) {
      // Someone else changed the body: start again from a full render.
      this.fresh = true;
      this.dirty = true;
      return undefined;
    }
    // The header's HTML and every unit's are sanitized by the core.
    if (patch.header !== null) this.header.innerHTML = patch.header;
    // The header of an earlier version while the front matter cannot be read.
    this.header.toggleAttribute("data-pp-stale", patch.header_stale);
    // A keystroke in a paragraph: edit its nodes in place when the worker
    // says how and every check passes (else they are replaced below).
    const morphed = patch.morph ? this.morph(patch) : undefined;
    const first = morphed !== undefined ? morphed : this.replace(patch);
    const moved = patch.moved;
    for (let k = 0; k < moved.length; k += 3) {
      if (moved[k + 1]) tagLines(this.units[moved[k]], moved[k + 1], moved[k + 2]);
    }
    return first;
  }

  /**
   * Applies the patch's in-place edits (one UnitMorph per replaced unit).
   * Returns the first edited unit's first element (or null), or undefined
   * when a unit has none or an edit's check fails: the caller then replaces
   * the units from their HTML, edited or not.
   */
  morph(patch) {
    const { start, morph } = patch;
    if (morph.length !== patch.remove) return undefined;
    for (let j = 0; j < morph.length; j++) {
      const m = morph[j];
      const nodes = this.units[start + j];
      if (!m || !nodes || nodes.length !== m.top_level) return undefined;
      for (const edit of m.edits) if (!applyEdit(nodes, edit)) return undefined;
      if (m.lines) tagLines(nodes, m.lines[0], m.lines[1]);
    }
    return (this.units[start] || []).find((node) => node.nodeType === Node.ELEMENT_NODE) || null;
  }

  /** Removes and inserts the patch's units; returns the first element inserted (or null). */
  replace(patch) {
    const body = this.body;
    const units = this.units;
    const emptied = new Set();
    for (const nodes of units.splice(patch.start, patch.remove)) {
      for (const node of nodes) {
        emptied.add(node.parentNode);
        node.remove();
      }
    }
    for (const chunk of emptied) {
      if (chunk && chunk !== body && !chunk.firstChild) {
        chunk.remove();
        this.chunks -= 1;
      }
    }
    let first = null;
    if (patch.insert.length) {
      const template = this.doc.createElement("template");
      const added = [];
      for (const html of patch.insert) {
        template.innerHTML = html;
        if (!first) first = template.content.firstElementChild;
        added.push(Array.from(template.content.childNodes));
      }
      // No spread of `added` into a call: a long post has more units than
      // a call takes arguments.
      if (units.length === 0) {
        // A first render (or an empty body): chunk it before it goes in.
        const chunks = this.doc.createDocumentFragment();
        for (let i = 0; i < added.length; i += CHUNK_UNITS) {
          const chunk = this.newChunk();
          for (const nodes of added.slice(i, i + CHUNK_UNITS)) chunk.append(...nodes);
          chunks.append(chunk);
        }
        body.append(chunks);
        this.units = added;
      } else {
        const fragment = this.doc.createDocumentFragment();
        for (const nodes of added) fragment.append(...nodes);
        const { chunk, anchor } = this.place(patch.start);
        chunk.insertBefore(fragment, anchor);
        this.units = units.slice(0, patch.start).concat(added, units.slice(patch.start));
        this.split(chunk, patch.start);
      }
    }
    return first;
  }

  /** Where units inserted at index `at` go: next to their neighbours, in their chunk (or a new one). */
  place(at) {
    const units = this.units;
    for (let i = at; i < units.length; i++) {
      if (units[i].length) return { chunk: units[i][0].parentNode, anchor: units[i][0] };
    }
    for (let i = at - 1; i >= 0; i--) {
      const nodes = units[i];
      if (nodes.length) return { chunk: nodes[0].parentNode, anchor: nodes[nodes.length - 1].nextSibling };
    }
    const chunk = this.newChunk();
    this.body.append(chunk);
    return { chunk, anchor: null };
  }

  newChunk() {
    this.chunks += 1;
    return makeElement("div", { "data-pp": "chunk" }, undefined, this.doc);
  }

  /** Splits `chunk`, which holds unit `at`, into chunks of CHUNK_UNITS when it holds more than twice that. */
  split(chunk, at) {
    const units = this.units;
    const inChunk = (i) => units[i].length === 0 || units[i][0].parentNode === chunk;
    let from = at;
    while (from > 0 && inChunk(from - 1)) from--;
    let to = at;
    while (to < units.length && inChunk(to)) to++;
    if (to - from <= 2 * CHUNK_UNITS) return;
    // The first CHUNK_UNITS stay; the rest move, in order, into new chunks after it.
    let after = chunk;
    for (let i = from + CHUNK_UNITS; i < to; i += CHUNK_UNITS) {
      const next = this.newChunk();
      for (let j = i; j < Math.min(i + CHUNK_UNITS, to); j++) next.append(...units[j]);
      after.after(next);
      after = next;
    }
  }

  crashed(message) {
    if (this.destroyed) return;
    this.worker.terminate();
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    this.restarts.push(now);
    const recovered = this.restarts.length <= MAX_RESTARTS;
    this.onCrash(
      recovered
        ? CRASH_MESSAGE
        : "The previewer keeps crashing, so it has stopped; your text is safe. Reload the page to try again.",
      new Error(message),
      recovered,
    );
    if (!recovered) {
      this.destroyed = true;
      return;
    }
    this.worker = this.spawn();
    this.busy = false;
    this.fresh = true;
    this.send();
  }

  setOptions(o) {
    this.options = o;
    this.fresh = true;
  }

  /** The current text's preview, rendered on the main thread (this binding's renders live in the worker). */
  lastPreview() {
    return this.mod.render(this.textarea.value, this.options);
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.worker.terminate();
  }

  failNextUpdate() {
    this.failNext = true;
  }
}

// ---------------------------------------------------------------------------
// mount

/**
 * Binds a textarea, or a source text, to a preview rendered in
 * previewElement's shadow root.
 *
 * The first argument is a `<textarea>` (the preview follows its `input`
 * events) or a string: the post's source, which the host changes with
 * `handle.setSource(text)` (for editors that are not a textarea); a change
 * costs what it touched, as a keystroke does. Either node may belong to
 * another document, such as a same-origin iframe's.
 *
 * options: { base_url?, profile?, preset?, stylesheet?, worker? } — profile is a
 * built-in profile's name (rust-foundation, rust-blog, commonmark; preset is
 * its earlier name) or a profile's TOML text; stylesheet is a URL
 * of the host site's CSS, applied to the preview only; worker: true (always
 * render in a Web Worker), false (never), or "auto" (the default: posts of
 * WORKER_THRESHOLD characters or more).
 *
 * Events dispatched on previewElement (bubbling, composed):
 *   post-preview:rendered  detail {ms, diagnostics, outline, stats, front_matter,
 *                          changed (the first block element the render replaced, or null),
 *                          main_ms (in a worker: the main thread's share of ms)}
 *   post-preview:crashed   detail {message, error, recovered}
 *
 * Returns { ready, update(), destroy(), lastPreview(), setOptions(o),
 *           setSource(text), source, scrollToId(id), shadowRoot,
 *           failNextUpdate() (test hook) }.
 */
export function mount(textarea, previewElement, options = {}) {
  const fromSource = textarea == null || typeof textarea === "string";
  if (!fromSource && !isTextarea(textarea)) throw new TypeError("mount: textarea must be a <textarea> or a source string");
  if (!isElement(previewElement)) throw new TypeError("mount: previewElement must be an element");
  installGlobalHandlers();

  // The preview's own document: the host page's, or an iframe's.
  const doc = previewElement.ownerDocument;
  const el = (tag, props, text) => makeElement(tag, props, text, doc);
  // A source string lives in a textarea of our own, out of any document: the
  // bindings read it and follow its input events as they do an author's.
  if (fromSource) {
    const text = textarea ?? "";
    textarea = doc.createElement("textarea");
    textarea.value = text;
  }

  let opts = { ...options };
  const shadow = previewElement.shadowRoot || previewElement.attachShadow({ mode: "open" });
  shadow.replaceChildren();

  const baseSheet = el("link", { rel: "stylesheet", href: PREVIEW_CSS_URL.href });
  const hostSheet = el("link", { rel: "stylesheet", "data-pp": "host-stylesheet" });
  const notice = el("div", { class: "pp-notice", role: "alert", "data-pp": "notice" });
  notice.hidden = true;
  const badges = el("div", { class: "pp-badges", "data-pp": "badges" });
  const root = el("div", { class: "pp-root", "data-pp": "root" });
  const attachments = el("section", { class: "pp-attachments", "data-pp": "attachments" });
  attachments.hidden = true;
  const frame = el("div", { class: "pp-frame" });
  frame.append(notice, badges, root, attachments);
  shadow.append(baseSheet, hostSheet, frame);

  function applyStylesheet() {
    if (opts.stylesheet) {
      hostSheet.href = new URL(opts.stylesheet, doc.baseURI).href;
      if (!hostSheet.isConnected) baseSheet.after(hostSheet);
    } else {
      hostSheet.removeAttribute("href");
      hostSheet.remove();
    }
  }
  applyStylesheet();

  let binding = null;
  let controller = null;
  let destroyed = false;
  // The mount's own listeners on the (reusable) shadow root go with it.
  const life = new AbortController();
  const own = { signal: life.signal };
  // Editor and preview scroll together unless the host opts out.
  // (With a source string there is no editor to scroll.)
  const sync = opts.sync_scroll === false || fromSource ? null : syncScroll(textarea, root, own);

  function baseForLinks() {
    const b = opts.base_url ?? opts.baseUrl;
    return b ? new URL(b, doc.baseURI).href : doc.baseURI;
  }

  // Badges and attachments from the front matter (text via textContent only).
  let shownChrome = { fm: undefined, base: undefined, key: undefined };
  function renderChrome(fm) {
    const items = [];
    if (fm && fm.index === false) items.push(el("span", { class: "pp-badge pp-badge-noindex" }, "hidden from search engines"));
    if (fm && fm.draft === true) items.push(el("span", { class: "pp-badge pp-badge-draft" }, "draft"));
    if (fm && fm.externalurl) {
      const u = safeHref(fm.externalurl, baseForLinks());
      const badge = u
        ? el("a", { class: "pp-badge pp-badge-external", href: u.href, title: u.href }, "external link")
        : el("span", { class: "pp-badge pp-badge-external", title: String(fm.externalurl) }, "external link");
      items.push(badge);
    }
    badges.replaceChildren(...items);
    badges.hidden = items.length === 0;

    const list = ((fm && fm.attachments) || []).filter((a) => a && a.url);
    if (list.length) {
      const ul = el("ul");
      for (const a of list) {
        const u = safeHref(a.url, baseForLinks());
        const li = el("li");
        li.append(u ? el("a", { href: u.href }, a.name || a.url) : el("span", {}, a.name || a.url));
        ul.append(li);
      }
      attachments.replaceChildren(el("h2", {}, "Attachments"), ul);
      attachments.hidden = false;
    } else {
      attachments.replaceChildren();
      attachments.hidden = true;
    }
  }

  // The binding's event stops at the shadow root and is re-dispatched from
  // the preview element, so listeners see it exactly once, from the host.
  shadow.addEventListener(RENDERED_EVENT, (event) => {
    if (event.target === previewElement) return;
    event.stopPropagation();
    const detail = event.detail || {};
    // The chrome changes only with the front matter: most keystrokes leave
    // it (and then it is the previous event's very object).
    const base = baseForLinks();
    if (detail.front_matter !== shownChrome.fm || base !== shownChrome.base) {
      const key = JSON.stringify([detail.front_matter, base]);
      if (key !== shownChrome.key) renderChrome(detail.front_matter);
      shownChrome = { fm: detail.front_matter, base, key };
    }
    if (sync) sync.revealCaret(detail.changed);
    previewElement.dispatchEvent(new CustomEvent(RENDERED_EVENT, { bubbles: true, composed: true, detail }));
  }, own);

  // Links never navigate the page away.
  function onLinkActivate(event) {
    const a = event.composedPath().find((n) => isElement(n, "a")); // <a> of HTML or SVG, of any realm
    if (!a) return;
    const raw = a.getAttribute("href") ?? a.getAttribute("xlink:href");
    event.preventDefault();
    if (raw == null) return;
    if (raw.startsWith("#")) {
      if (event.type === "click") scrollToId(raw.slice(1));
      return;
    }
    const u = safeHref(raw, baseForLinks());
    // A primary click (with or without modifiers) or a middle click opens a new tab.
    if (u && (event.type === "click" || event.button === 1)) window.open(u.href, "_blank", "noopener,noreferrer");
  }
  shadow.addEventListener("click", onLinkActivate, own);
  shadow.addEventListener("auxclick", onLinkActivate, own);
  shadow.addEventListener("submit", (event) => event.preventDefault(), own);

  function scrollToId(id) {
    if (!id) return false;
    let decoded = id;
    try {
      decoded = decodeURIComponent(id);
    } catch {
      // not percent-encoded
    }
    // The eleventy preset's ids are percent-encoded slugs: try them as written first.
    const target =
      shadow.getElementById(id) ||
      shadow.getElementById(decoded) ||
      shadow.querySelector(`a[name="${CSS.escape(id)}"], a[name="${CSS.escape(decoded)}"]`);
    if (!target) return false;
    target.scrollIntoView({ block: "start", behavior: "auto" });
    return true;
  }

  function notify(message, error, recovered) {
    notice.textContent = message;
    notice.hidden = false;
    previewElement.dispatchEvent(
      new CustomEvent(CRASHED_EVENT, { bubbles: true, composed: true, detail: { message, error, recovered } }),
    );
  }

  function detach() {
    if (controller) controller.abort();
    if (binding) graveyard.push(binding);
    controller = null;
    binding = null;
  }

  async function attach(afterCrash = false) {
    if (destroyed) return;
    const mod = await getModule();
    if (destroyed) return;
    detach();
    controller = new AbortController();
    if (afterCrash) root.replaceChildren();
    const o = coreOptions(opts);
    inWorker = wantsWorker() && typeof Worker === "function" && typeof mod.WorkerRenderer === "function";
    binding = inWorker
      ? new WorkerBinding(mod, textarea, root, o, controller.signal, notify, (why) => {
          console.warn(`post-preview: rendering on the main thread: ${why}`);
          workerUnavailable = true;
          attach().catch(() => {});
        })
      : typeof mod.LiveBinding === "function"
        ? new mod.LiveBinding(textarea, root, o, controller.signal)
        : new JsBinding(mod, textarea, root, o, controller.signal);
    safeUpdate();
  }

  // Long posts render in a worker (see WORKER_THRESHOLD). This listener is
  // added before any binding's, so a paste that crosses the threshold is
  // already rendered by the right one.
  let inWorker = false;
  let workerUnavailable = false;
  function wantsWorker() {
    if (workerUnavailable) return false;
    if (opts.worker === true || opts.worker === false) return opts.worker;
    const n = textarea.textLength;
    return inWorker ? n >= WORKER_THRESHOLD / 2 : n >= WORKER_THRESHOLD;
  }
  textarea.addEventListener(
    "input",
    () => {
      if (binding && !gaveUp && wantsWorker() !== inWorker) attach();
    },
    own,
  );

  function safeUpdate() {
    if (!binding || gaveUp) return;
    try {
      binding.update();
    } catch (err) {
      if (isWasmTrap(err)) restart(err);
      else throw err;
    }
  }

  const state = { attach, detach, notify };
  mounts.add(state);

  const ready = attach().catch((err) => {
    notice.textContent = `The previewer could not start: ${err && err.message ? err.message : err}. Your text is safe.`;
    notice.hidden = false;
    throw err;
  });
  ready.catch(() => {});

  return {
    ready,
    shadowRoot: shadow,
    root,
    update() {
      return ready.then(safeUpdate);
    },
    /** The source text (the textarea's value, or the string given). */
    get source() {
      return textarea.value;
    },
    /**
     * Replaces the source of a mount made from a string; the preview follows
     * on the next animation frame, patched as after a keystroke.
     */
    setSource(text) {
      if (!fromSource) throw new TypeError("setSource: this preview follows a <textarea>; set its value instead");
      text = String(text ?? "");
      if (destroyed || text === textarea.value) return;
      textarea.value = text;
      textarea.dispatchEvent(new Event("input"));
    },
    setOptions(o) {
      opts = { ...opts, ...o };
      applyStylesheet();
      if (binding && wantsWorker() !== inWorker) {
        attach().catch(() => {});
        return;
      }
      if (binding) {
        try {
          binding.setOptions(coreOptions(opts));
        } catch (err) {
          if (isWasmTrap(err)) return void restart(err);
          throw err;
        }
        safeUpdate();
      }
    },
    lastPreview() {
      try {
        return binding ? binding.lastPreview() : null;
      } catch (err) {
        if (isWasmTrap(err)) restart(err);
        return null;
      }
    },
    scrollToId,
    clearNotice() {
      notice.hidden = true;
      notice.textContent = "";
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      mounts.delete(state);
      life.abort();
      const b = binding;
      if (controller) controller.abort();
      controller = null;
      binding = null;
      try {
        if (b && typeof b.destroy === "function") b.destroy();
        if (b && typeof b.free === "function") b.free();
      } catch {
        // a dead instance cannot be destroyed; the aborted signal already detached it
        graveyard.push(b);
      }
      shadow.replaceChildren();
    },
    /** Test hook: the next update panics inside wasm. */
    failNextUpdate() {
      if (!binding) throw new Error("not bound yet");
      binding.failNextUpdate();
    },
  };
}

// ---------------------------------------------------------------------------
// <post-preview for="textarea-id" base-url profile|profile-src|preset stylesheet>
//
// Or, for an editor that is not a textarea, no `for` and the `source`
// property: `element.source = text` renders it (and takes over from `for`);
// `element.source = null` goes back to the textarea named by `for`.

export class PostPreviewElement extends HTMLElement {
  static get observedAttributes() {
    return ["for", "base-url", "preset", "profile", "profile-src", "stylesheet"];
  }

  constructor() {
    super();
    this.init();
  }

  /** The constructor's work, shared with the classes made for other realms (definePostPreview). */
  init() {
    this.handle = null;
    this.boundTo = null;
    // The text of the profile at `profile-src`, once loaded, and for which URL.
    this.loadedProfile = null;
    this.sourceText = null; // the `source` property (null: follow `for`)
  }

  get textarea() {
    const id = this.getAttribute("for");
    if (!id) return null;
    const scope = this.getRootNode();
    const found = (scope.getElementById ? scope.getElementById(id) : null) || this.ownerDocument.getElementById(id);
    return isTextarea(found) ? found : null;
  }

  /** The previewed source: the one set here, else the textarea's value (or null). */
  get source() {
    return this.sourceText ?? (this.boundTo ? this.boundTo.value : null);
  }

  set source(text) {
    this.sourceText = text == null ? null : String(text);
    if (this.isConnected) this.bind();
  }

  options() {
    const o = {};
    if (this.hasAttribute("base-url")) o.base_url = this.getAttribute("base-url");
    if (this.hasAttribute("preset")) o.preset = this.getAttribute("preset");
    if (this.hasAttribute("profile")) o.profile = this.getAttribute("profile");
    const src = this.getAttribute("profile-src");
    if (src && this.loadedProfile && this.loadedProfile.src === src) o.profile = this.loadedProfile.text;
    if (this.hasAttribute("stylesheet")) o.stylesheet = this.getAttribute("stylesheet");
    return o;
  }

  /**
   * Loads the profile file at `profile-src` (a site's own profile, TOML) and
   * renders with it. Until it arrives the preview uses `profile` (or the
   * default); a file that cannot be loaded is reported with a
   * `post-preview:profile-error` event and a console warning.
   */
  loadProfile() {
    const src = this.getAttribute("profile-src");
    if (!src || (this.loadedProfile && this.loadedProfile.src === src)) return;
    const url = new URL(src, this.ownerDocument.baseURI).href;
    fetch(url)
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.text();
      })
      .then((text) => {
        if (this.getAttribute("profile-src") !== src) return;
        this.loadedProfile = { src, text };
        if (this.handle) this.handle.setOptions({ base_url: null, preset: null, profile: null, stylesheet: null, ...this.options() });
      })
      .catch((error) => {
        const message = `post-preview: cannot load the profile at ${url}: ${error.message}`;
        console.warn(message);
        this.dispatchEvent(new CustomEvent("post-preview:profile-error", { bubbles: true, composed: true, detail: { url, message } }));
      });
  }

  connectedCallback() {
    this.loadProfile();
    this.bind();
  }

  disconnectedCallback() {
    this.unbind();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.isConnected || oldValue === newValue) return;
    if (name === "for") this.bind();
    else if (name === "profile-src") this.loadProfile();
    else if (this.handle) this.handle.setOptions({ base_url: null, preset: null, profile: null, stylesheet: null, ...this.options() });
  }

  bind() {
    if (this.sourceText !== null) {
      if (this.handle && this.boundTo === null) return this.handle.setSource(this.sourceText);
      this.unbind();
      this.handle = mount(this.sourceText, this, this.options());
      return;
    }
    const textarea = this.textarea;
    if (textarea === this.boundTo && this.handle) return;
    this.unbind();
    if (!textarea) {
      // The textarea may come later in the document.
      const doc = this.ownerDocument;
      if (doc.readyState === "loading") {
        doc.addEventListener("DOMContentLoaded", () => this.isConnected && this.bind(), { once: true });
      }
      return;
    }
    this.boundTo = textarea;
    this.handle = mount(textarea, this, this.options());
  }

  unbind() {
    if (this.handle) this.handle.destroy();
    this.handle = null;
    this.boundTo = null;
  }

  /** Re-renders now. */
  update() {
    return this.handle ? this.handle.update() : Promise.resolve();
  }

  lastPreview() {
    return this.handle ? this.handle.lastPreview() : null;
  }
}

/**
 * Defines `<post-preview>` in `win`'s custom element registry (this window's
 * by default; an iframe's, for elements made in its document) and returns
 * the class. Another realm's registry needs a class that extends that
 * realm's HTMLElement: it gets one with PostPreviewElement's members.
 */
export function definePostPreview(win = window, name = "post-preview") {
  const registry = win.customElements;
  const defined = registry.get(name);
  if (defined) return defined;
  let cls = PostPreviewElement;
  if (win.HTMLElement !== HTMLElement) {
    cls = class extends win.HTMLElement {
      constructor() {
        super();
        this.init();
      }
      static get observedAttributes() {
        return PostPreviewElement.observedAttributes;
      }
    };
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(PostPreviewElement.prototype))) {
      if (key !== "constructor") Object.defineProperty(cls.prototype, key, descriptor);
    }
  }
  registry.define(name, cls);
  return cls;
}

if (typeof customElements !== "undefined") definePostPreview();

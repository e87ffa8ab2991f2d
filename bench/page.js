// The bench page: post-preview (mount() from /post-preview.js, as www/app.js
// uses it) and the baseline (markdown-it 12 + DOMPurify 3 + js-yaml 3, full
// innerHTML update), side by side, each with its own textarea. bench/run.mjs
// drives it through window.bench; every measurement runs inside the page.
//
// One sample (one keystroke):
//   1. requestAnimationFrame(() => tFrame = now)  -- registered before the
//      edit, so it runs first in the frame that renders the edit
//   2. the edit, through the browser's editing as a keystroke makes it:
//      document.execCommand("insertText" | "delete") on the focused
//      textarea, which fires the native input event; t0 = that event's time
//   3. the side renders (on its next animation frame, or in post-preview's
//      worker for big posts) and dispatches its rendered event from the
//      preview element; our listener reads root.offsetHeight (forces style
//      and layout), then t1 = now
//   e2e  = t1 - t0      input event -> preview DOM updated and laid out,
//                        including the wait for the animation frame
//   work = t1 - tFrame  the frame's share: render + DOM update + layout
//                        (+ for post-preview everything mount() does on a
//                        render: badges, scroll-sync's revealCaret); when the
//                        preview was updated before any frame began, e2e
//   main = post-preview's main-thread share: detail.main_ms when it rendered
//          in a worker (sending the text + applying the patch), else
//          detail.ms; plus everything after the binding's event: mount()'s
//          listener (badges, revealCaret, which lays out) and the layout read
//   core = the side's own figure: post-preview's detail.ms (render + patch in
//          wasm); the baseline's yaml + markdown-it + DOMPurify + innerHTML.
// Both sides render at most once per animation frame, on the frame after the
// input event: the baseline schedules itself exactly like LiveBinding does.

import { mount, RENDERED_EVENT } from "/post-preview.js";

const BASELINE_EVENT = "baseline:rendered";
const now = () => performance.now();
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));
const settle = () => nextFrame().then(nextFrame).then(() => new Promise((r) => setTimeout(r, 0)));

// ---------------------------------------------------------------------------
// The baseline: the site's own pipeline (tests/fidelity/reference.mjs) minus
// the markdown-it-anchor and -footnote plugins, sanitized with DOMPurify.

const md = window.markdownit({ html: true, breaks: true, linkify: true });

/** gray-matter 4's split, simplified: { matter, body }. */
function splitFrontMatter(text) {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  return m ? { matter: m[1], body: text.slice(m[0].length) } : { matter: null, body: text };
}

const escapeHtml = (v) =>
  v == null ? "" : String(v).replace(/[&"'<>]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "'": "&#39;", "<": "&lt;", ">": "&gt;" })[c]);

/** The header as the site's news layout shows it (reference.mjs renderHeader). */
function renderHeader(data) {
  let html = `<h1>${escapeHtml(data.title)}</h1>`;
  if (data.description) html += `<h2>${escapeHtml(data.description)}</h2>`;
  if (data.byline) html += `<div class="post-byline">by ${escapeHtml(data.byline)}</div>`;
  const date = data.date instanceof Date ? data.date : data.date ? new Date(data.date) : null;
  if (date && !Number.isNaN(date.getTime())) {
    const iso = date.toISOString().slice(0, 10);
    const readable = date.toLocaleDateString("en-GB", { day: "2-digit", month: "short", year: "numeric", timeZone: "UTC" });
    html += `<time class="post-date" datetime="${iso}">${escapeHtml(readable)}</time>`;
  }
  let tags = Array.isArray(data.tags) ? data.tags : data.tags ? [data.tags] : [];
  html += `<div class="post-tags">Tagged:`;
  html += tags.map((t) => `\n  <a href="/tags/${escapeHtml(t)}/" class="post-tag">${escapeHtml(t)}</a>`).join("");
  return html + `\n</div>`;
}

class Baseline {
  constructor(textarea, host) {
    this.textarea = textarea;
    this.host = host;
    const shadow = host.attachShadow({ mode: "open" });
    // The same stylesheet and structure as post-preview's shadow root.
    this.sheet = Object.assign(document.createElement("link"), { rel: "stylesheet", href: "/preview.css" });
    const frame = Object.assign(document.createElement("div"), { className: "pp-frame" });
    this.root = Object.assign(document.createElement("div"), { className: "pp-root" });
    this.header = document.createElement("header");
    this.body = document.createElement("article");
    this.root.append(this.header, this.body);
    frame.append(this.root);
    shadow.append(this.sheet, frame);
    this.frame = 0;
    this.paused = false; // while the control ("textarea alone") uses this textarea
    textarea.addEventListener("input", () => {
      if (!this.paused && !this.frame) this.frame = requestAnimationFrame(() => this.update());
    });
  }

  update() {
    this.frame = 0;
    const start = now();
    const { matter, body } = splitFrontMatter(this.textarea.value);
    let data = {};
    try {
      data = (matter && window.jsyaml.safeLoad(matter)) || {};
    } catch {
      data = {};
    }
    this.header.innerHTML = window.DOMPurify.sanitize(renderHeader(data));
    this.body.innerHTML = window.DOMPurify.sanitize(md.render(body));
    const ms = now() - start;
    this.host.dispatchEvent(new CustomEvent(BASELINE_EVENT, { bubbles: true, detail: { ms } }));
  }
}

// ---------------------------------------------------------------------------
// The two sides

const ppHost = document.getElementById("pp-preview");
const baseHost = document.getElementById("base-preview");
// The site profile: `?profile=NAME` (bench/run.mjs --profile=NAME), else the default.
const profile = new URLSearchParams(location.search).get("profile") || "rust-foundation";
const handle = mount(document.getElementById("pp-source"), ppHost, { profile });
const baseline = new Baseline(document.getElementById("base-source"), baseHost);
// When post-preview's binding dispatched its rendered event (right after its
// DOM update), before mount()'s own listener (badges, revealCaret) runs.
let bindingEventAt = NaN;
handle.shadowRoot.addEventListener(RENDERED_EVENT, () => {
  bindingEventAt = now();
}, { capture: true });
// A crash is a failed measurement: say so (bench/run.mjs collects console errors).
ppHost.addEventListener("post-preview:crashed", (e) => console.error(`post-preview crashed: ${e.detail.message} (${e.detail.error})`));

const sheetLoaded = (link) =>
  link.sheet ? Promise.resolve() : new Promise((r, j) => {
    link.addEventListener("load", r, { once: true });
    link.addEventListener("error", () => j(new Error(`stylesheet ${link.href} failed`)), { once: true });
  });

const sides = {
  pp: {
    textarea: document.getElementById("pp-source"),
    host: ppHost,
    event: RENDERED_EVENT,
    get root() {
      return handle.root;
    },
  },
  base: {
    textarea: document.getElementById("base-source"),
    host: baseHost,
    event: BASELINE_EVENT,
    get root() {
      return baseline.root;
    },
  },
};

/**
 * Makes an edit the way a keystroke does: through the browser's editing
 * (document.execCommand on the focused textarea), which changes the
 * textarea's text node in place, records the edit on its undo stack and
 * fires native beforeinput and input events. (setRangeText or assigning
 * `value` would instead replace the whole text node, which no keystroke does:
 * at 1 MB that costs Chromium about 75 ms a frame against about 18 ms for
 * the real edit.) `whole` (loading a document) replaces the value at once.
 * Returns the time the command took (the browser's editing, and the input
 * event's listeners, which only schedule).
 */
function edit(textarea, { start, end, text, whole }) {
  if (whole) {
    textarea.value = text;
    textarea.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
    return NaN;
  }
  if (document.activeElement !== textarea) textarea.focus();
  if (textarea.selectionStart !== start || textarea.selectionEnd !== end) textarea.setSelectionRange(start, end);
  const t = now();
  const ok = document.execCommand(text ? "insertText" : "delete", false, text);
  const ms = now() - t;
  if (!ok) throw new Error(`the browser refused the edit ${JSON.stringify({ start, end, text })}`);
  return ms;
}

/** The time of the next input event's dispatch (a capturing listener: before every side's own). */
function nextInputEvent() {
  let at = NaN;
  const listener = () => {
    at = now();
  };
  window.addEventListener("input", listener, { capture: true, once: true });
  return () => {
    window.removeEventListener("input", listener, { capture: true });
    return at;
  };
}

/**
 * One keystroke on one side: { e2e, work, core, layout, main, command } in ms.
 * work is measured from the start of the animation frame that renders the
 * edit, or from the input event when the preview was updated before any
 * frame began (a worker that answered first).
 */
function measure(side, change) {
  const s = sides[side];
  let tFrame = NaN;
  requestAnimationFrame(() => {
    tFrame = now();
  });
  const done = new Promise((resolve) => {
    s.host.addEventListener(
      s.event,
      (event) => {
        const tListener = now();
        void s.root.offsetHeight; // style + layout, now
        const t1 = now();
        const d = event.detail || {};
        // The main thread's share: all of the render on the main thread, or
        // (in a worker) sending the text and applying the patch; then what
        // follows the binding's event (mount()'s listener, the layout).
        const own = typeof d.main_ms === "number" ? d.main_ms : typeof d.ms === "number" ? d.ms : NaN;
        const after = side === "pp" ? t1 - bindingEventAt : t1 - tListener;
        resolve({ t1, tListener, tFrame, core: typeof d.ms === "number" ? d.ms : NaN, main: own + after });
      },
      { once: true },
    );
  });
  const inputAt = nextInputEvent();
  const command = edit(s.textarea, change);
  const t0 = inputAt();
  if (Number.isNaN(t0)) throw new Error("the edit fired no input event");
  // layout: what was left for our offsetHeight read (post-preview's revealCaret may already have laid out).
  return done.then(({ t1, tListener, tFrame, core, main }) => ({
    e2e: t1 - t0,
    work: t1 - (tFrame < t1 ? tFrame : t0),
    core,
    layout: t1 - tListener,
    main,
    command,
  }));
}

/**
 * The control, "textarea alone": the same keystroke in the baseline's
 * textarea (same size, font and text) with the baseline paused, so nothing
 * but the browser handles it. `work` is that frame's whole rendering, from
 * its start (a requestAnimationFrame callback) to the first task after it
 * (a MessageChannel message posted from that callback runs once the frame's
 * style, layout and paint are done). A side that renders inside the frame
 * (post-preview on the main thread, the baseline) is measured before that
 * layout of the textarea; an answer from post-preview's worker arrives after
 * it, so the 1 MB figures include it.
 */
function sampleControl(change) {
  const textarea = sides.base.textarea;
  const done = new Promise((resolve) => {
    requestAnimationFrame(() => {
      const tFrame = now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const t1 = now();
        channel.port1.close();
        resolve({ t1, tFrame });
      };
      channel.port2.postMessage(null);
    });
  });
  const inputAt = nextInputEvent();
  const command = edit(textarea, change);
  const t0 = inputAt();
  return done.then(({ t1, tFrame }) => ({ e2e: t1 - t0, work: t1 - tFrame, core: NaN, layout: NaN, main: NaN, command }));
}

/**
 * The browser's floor: what the smallest visible change to a preview costs
 * in a keystroke's frame, whatever the previewer. A keystroke goes into the
 * baseline's textarea (the baseline paused, as for the control); in the
 * next frame one character is inserted into (or deleted from) the first
 * text node of the baseline preview's paragraph that starts with `probe`,
 * in place (CharacterData.replaceData, as post-preview's in-place edits
 * do), then style and layout are forced. Returns { edit, layout, total }
 * per sample. The baseline's text and preview are as before afterwards.
 */
async function sampleFloor({ pos, probe, samples }) {
  const textarea = sides.base.textarea;
  const paragraph = [...baseline.body.querySelectorAll("p")].find((p) => p.textContent.startsWith(probe));
  const text = paragraph && paragraph.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) throw new Error(`floor: no paragraph starting with ${JSON.stringify(probe)}`);
  const out = [];
  baseline.paused = true;
  try {
    textarea.focus();
    textarea.setSelectionRange(pos, pos);
    await settle();
    for (let i = 0; i < 2 * samples; i++) {
      const insert = i % 2 === 0;
      const done = new Promise((resolve) => {
        requestAnimationFrame(() => {
          const t0 = now();
          if (insert) text.replaceData(0, 0, "x");
          else text.replaceData(0, 1, "");
          const t1 = now();
          void baseline.root.offsetHeight;
          const t2 = now();
          resolve({ edit: t1 - t0, layout: t2 - t1, total: t2 - t0 });
        });
      });
      edit(textarea, insert ? { start: pos, end: pos, text: "x" } : { start: pos, end: pos + 1, text: "" });
      out.push(await done);
      await settle();
    }
  } finally {
    baseline.paused = false;
  }
  textarea.blur();
  return out;
}

/**
 * Scroll sync's cost per scroll event, on post-preview's side: the scroll
 * listener's time, run synchronously by dispatching the scroll event right
 * after moving the scroll position, for
 *   editor:     the editor scrolled (the preview follows);
 *   after_edit: the same right after a keystroke at `pos` was rendered (the
 *               editor's line geometry follows the edit first);
 *   preview:    the preview scrolled (the editor follows).
 * The text is as before afterwards. Returns one { editor, after_edit,
 * preview } per sample.
 */
async function sampleScroll({ pos, samples }) {
  const { textarea, host } = sides.pp;
  const to = (el, i) => {
    el.scrollTop = (((i * 7) % 10) + 1) / 11 * (el.scrollHeight - el.clientHeight);
  };
  const timed = (el) => {
    const t0 = now();
    el.dispatchEvent(new Event("scroll"));
    return now() - t0;
  };
  const out = Array.from({ length: samples }, () => ({}));
  for (let i = 0; i < samples; i++) {
    to(textarea, i);
    out[i].editor = timed(textarea);
    await settle();
  }
  textarea.focus();
  for (let i = 0; i < samples; i++) {
    const insert = i % 2 === 0;
    await measure("pp", insert ? { start: pos, end: pos, text: "x" } : { start: pos, end: pos + 1, text: "" });
    await settle();
    to(textarea, i);
    out[i].after_edit = timed(textarea);
    await settle();
  }
  if (samples % 2 === 1) {
    await measure("pp", { start: pos, end: pos + 1, text: "" });
    await settle();
  }
  textarea.blur();
  for (let i = 0; i < samples; i++) {
    to(host, i);
    out[i].preview = timed(host);
    await settle();
  }
  textarea.scrollTop = 0;
  host.scrollTop = 0;
  await settle();
  return out;
}

const previewText = (side) => (side === "ta" ? "" : sides[side].root.textContent);

/**
 * Every edit kind at one position, on one side: W warm-up + N measured
 * keystrokes each. Typing inserts TYPED one character at a time from `pos`;
 * deleting backspaces those characters away again (the text is restored);
 * pasting inserts `paste` at `pos`, then (unmeasured, but rendered) removes it.
 */
async function runSide(side, { pos, warmup, samples, typed, paste }) {
  const control = side === "ta";
  const s = control ? sides.base : sides[side];
  const sample = control ? (_, edit) => sampleControl(edit) : measure;
  const original = s.textarea.value;
  const total = warmup + samples;
  const keep = (i, r, into) => {
    if (i >= warmup) into.push(r);
  };
  const out = { type: [], delete: [], paste: [] };
  const checks = {};
  const before = previewText(side);
  s.textarea.focus();
  s.textarea.setSelectionRange(pos, pos);
  await settle();

  let cursor = pos;
  for (let i = 0; i < total; i++) {
    const ch = typed[i % typed.length];
    keep(i, await sample(side, { start: cursor, end: cursor, text: ch }), out.type);
    cursor += 1;
    await settle();
  }
  // The preview showed every edit: the typed text, then exactly the original again.
  const typedText = Array.from({ length: total }, (_, i) => typed[i % typed.length]).join("").trim();
  const afterTyping = previewText(side);
  checks.typed_shown = control || (afterTyping !== before && afterTyping.includes(typedText));

  for (let i = 0; i < total; i++) {
    keep(i, await sample(side, { start: cursor - 1, end: cursor, text: "" }), out.delete);
    cursor -= 1;
    await settle();
  }
  checks.restored_after_delete = s.textarea.value === original;
  checks.typed_gone = previewText(side) === before;

  const marker = "makes it easier for organizations of every size";
  for (let i = 0; i < total; i++) {
    keep(i, await sample(side, { start: pos, end: pos, text: paste }), out.paste);
    if (i === total - 1) checks.paste_shown = control || (previewText(side).includes(marker) && !before.includes(marker));
    await settle();
    await sample(side, { start: pos, end: pos + paste.length, text: "" });
    await settle();
  }
  checks.restored_after_paste = s.textarea.value === original && previewText(side) === before;
  return { samples: out, checks };
}

function timerResolution() {
  let min = Infinity;
  let last = now();
  for (let i = 0; i < 200000 && min > 0.001; i++) {
    const t = now();
    if (t !== last) {
      min = Math.min(min, t - last);
      last = t;
    }
  }
  return min;
}

window.bench = {
  ready: (async () => {
    await handle.ready;
    await Promise.all([sheetLoaded(baseline.sheet), sheetLoaded(handle.shadowRoot.querySelector("link[rel=stylesheet]"))]);
    await settle();
  })(),

  info() {
    return {
      crossOriginIsolated: self.crossOriginIsolated,
      timer_resolution_ms: timerResolution(),
      user_agent: navigator.userAgent,
      hardware_concurrency: navigator.hardwareConcurrency,
      devicePixelRatio,
      viewport: [innerWidth, innerHeight],
    };
  },

  /** Puts `text` in both textareas and waits for both renders. */
  async load(text) {
    for (const side of ["pp", "base"]) {
      const s = sides[side];
      s.textarea.blur();
      s.textarea.scrollTop = 0;
      sides[side].host.scrollTop = 0;
      await measure(side, { whole: true, text });
      s.textarea.setSelectionRange(0, 0);
      await settle();
    }
    return { pp: previewText("pp").length, base: previewText("base").length };
  },

  /** The browser's floor at `pos` (see sampleFloor). */
  floor: (params) => sampleFloor(params),

  /** Scroll sync's cost per scroll event (see sampleScroll). */
  scroll: (params) => sampleScroll(params),

  /** Both sides at one position (post-preview first), then the control. */
  async position(params) {
    const pp = await runSide("pp", params);
    sides.pp.textarea.blur();
    const base = await runSide("base", params);
    baseline.paused = true;
    let ta;
    try {
      ta = await runSide("ta", params); // ends with the baseline's text as it was
    } finally {
      baseline.paused = false;
    }
    sides.base.textarea.blur();
    await settle();
    return { pp, base, ta };
  },
};

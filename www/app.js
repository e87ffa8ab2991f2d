// The editor page: wires the textarea, the preview (through post-preview.js),
// the panels, drafts, files and the service worker. No inline scripts: the
// page's CSP forbids them.

import { mount, renderPage, RENDERED_EVENT, CRASHED_EVENT } from "./post-preview.js";

const DRAFT_KEY = "post-preview:draft";
const SPLIT_KEY = "post-preview:split";
// An example post for each built-in profile (the Foundation's for the others).
const EXAMPLES = { "rust-blog": "./examples/rust-blog.md" };
const exampleUrl = (profile) => new URL(EXAMPLES[profile] || "./examples/openssf.md", import.meta.url);
const SAVE_INTERVAL_MS = 1000;
const testMode = new URLSearchParams(location.search).has("test");

const $ = (id) => document.getElementById(id);
const source = $("source");
const previewEl = $("preview");

// ---------------------------------------------------------------------------
// Drafts: localStorage, saved at most once per second while typing, and at
// once when the page is hidden or left.

let lastSaved = null;
let saveTimer = 0;
let lastSaveAt = 0;

function saveDraft() {
  clearTimeout(saveTimer);
  saveTimer = 0;
  const text = source.value;
  if (text === lastSaved) return;
  try {
    localStorage.setItem(DRAFT_KEY, text);
    lastSaved = text;
    lastSaveAt = Date.now();
    $("save-status").textContent = `Draft saved ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    $("save-status").textContent = `Draft not saved: ${err.name}`;
  }
}

function scheduleSave() {
  if (saveTimer) return;
  const wait = Math.max(0, SAVE_INTERVAL_MS - (Date.now() - lastSaveAt));
  saveTimer = setTimeout(saveDraft, wait);
}

function loadDraft() {
  try {
    return localStorage.getItem(DRAFT_KEY);
  } catch {
    return null;
  }
}

source.addEventListener("input", scheduleSave);
window.addEventListener("pagehide", saveDraft);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") saveDraft();
});

// ---------------------------------------------------------------------------
// The preview

// The site profile, chosen in the toolbar and kept across visits.
const PROFILE_KEY = "post-preview:profile";
const profileSelect = $("profile");
function savedProfile() {
  try {
    const saved = localStorage.getItem(PROFILE_KEY);
    return [...profileSelect.options].some((o) => o.value === saved) ? saved : profileSelect.value;
  } catch {
    return profileSelect.value;
  }
}
profileSelect.value = savedProfile();

const handle = mount(source, previewEl, { profile: profileSelect.value });
profileSelect.addEventListener("change", () => {
  handle.setOptions({ profile: profileSelect.value });
  try {
    localStorage.setItem(PROFILE_KEY, profileSelect.value);
  } catch {
    // storage unavailable: the choice lasts for this visit
  }
});

const noticeEl = $("notice");
function showNotice(message) {
  $("notice-text").textContent = message;
  noticeEl.hidden = false;
}
$("notice-dismiss").addEventListener("click", () => {
  noticeEl.hidden = true;
  handle.clearNotice();
  source.focus();
});
previewEl.addEventListener(CRASHED_EVENT, (event) => showNotice(event.detail.message));

// ---------------------------------------------------------------------------
// Diagnostics, outline, counts

/** Offset of the start and end (before the line break) of a 1-based line; CRLF and CR aware. */
export function lineRange(text, line) {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const lf = text.indexOf("\n", start);
    const cr = text.indexOf("\r", start);
    let brk = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (brk === -1) return { start: text.length, end: text.length };
    start = brk + (text[brk] === "\r" && text[brk + 1] === "\n" ? 2 : 1);
  }
  let end = start;
  while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
  return { start, end };
}

function selectLine(line) {
  const text = source.value;
  const { start, end } = lineRange(text, Math.max(1, line | 0));
  source.focus();
  source.setSelectionRange(start, end);
  // Bring the line into view: the caret alone doesn't scroll a focused textarea.
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 20;
  const top = (Math.max(1, line) - 1) * lineHeight;
  if (top < source.scrollTop || top > source.scrollTop + source.clientHeight - 2 * lineHeight) {
    source.scrollTop = Math.max(0, top - source.clientHeight / 3);
  }
}

function renderDiagnostics(list) {
  const ul = $("diagnostics");
  const items = (list || []).map((d) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const severity = ["error", "warning", "info"].includes(d.severity) ? d.severity : "info";
    button.className = `diagnostic ${severity}`;
    button.dataset.line = String(d.line);
    button.dataset.column = String(d.column);
    const sev = document.createElement("span");
    sev.className = "severity";
    sev.textContent = severity;
    const pos = document.createElement("span");
    pos.className = "position";
    pos.textContent = `${d.line}:${d.column}`;
    const msg = document.createElement("span");
    msg.className = "message";
    msg.textContent = d.message;
    button.append(sev, pos, msg);
    button.setAttribute("aria-label", `${severity} at line ${d.line}, column ${d.column}: ${d.message}`);
    button.addEventListener("click", () => selectLine(Number(d.line)));
    li.append(button);
    return li;
  });
  ul.replaceChildren(...items);
  $("diagnostics-count").textContent = String(items.length);
  $("diagnostics-empty").hidden = items.length > 0;
}

function renderOutline(outline) {
  const ol = $("outline");
  const items = (outline || []).map((h) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = `level-${Math.min(6, Math.max(1, h.level | 0))}`;
    button.textContent = h.text;
    button.title = h.text;
    button.dataset.id = h.id;
    button.disabled = !h.id;
    button.addEventListener("click", () => handle.scrollToId(h.id));
    li.append(button);
    return li;
  });
  ol.replaceChildren(...items);
  $("outline-empty").hidden = items.length > 0;
}

function renderStats(stats) {
  if (!stats) return;
  const words = stats.words | 0;
  $("stats").textContent = `${words} ${words === 1 ? "word" : "words"} · ${stats.reading_minutes | 0} min read`;
}

let lastFrontMatter = null;
// The panels are rebuilt only when their content changed: most keystrokes
// change neither the diagnostics nor the outline. A part that did not change
// is the very object of the previous event (RenderedDetail), so identity
// answers at once; otherwise the text is compared.
const shownPanels = { diagnostics: null, outline: null };
function changed(panel, value) {
  const shown = shownPanels[panel];
  if (shown && shown.value === value) return false;
  const key = JSON.stringify(value || []);
  shownPanels[panel] = { value, key };
  return !shown || shown.key !== key;
}
previewEl.addEventListener(RENDERED_EVENT, (event) => {
  const { diagnostics, outline, stats, front_matter } = event.detail || {};
  lastFrontMatter = front_matter || null;
  if (changed("diagnostics", diagnostics)) renderDiagnostics(diagnostics);
  if (changed("outline", outline)) renderOutline(outline);
  renderStats(stats);
  const title = front_matter && front_matter.title;
  document.title = title ? `${title} — post-preview` : "post-preview";
});

// ---------------------------------------------------------------------------
// Loading, opening, downloading, exporting

let exampleText = null;
async function fetchExample() {
  if (exampleText === null) {
    const res = await fetch(exampleUrl(profileSelect.value));
    if (!res.ok) throw new Error(`could not load the example (${res.status})`);
    exampleText = await res.text();
  }
  return exampleText;
}

/** Replaces the editor's text, asking first when that would drop unsaved-elsewhere work. */
async function replaceSource(text, what) {
  const current = source.value;
  if (current === text) return true;
  let example = null;
  try {
    example = await fetchExample();
  } catch {
    // offline without a cached example: treat the draft as precious
  }
  if (current.trim() !== "" && current !== example) {
    if (!window.confirm(`Replace your current draft with ${what}? Your draft is not kept anywhere else.`)) return false;
  }
  source.value = text;
  source.setSelectionRange(0, 0);
  source.scrollTop = 0;
  saveDraft();
  handle.update();
  return true;
}

$("load-example").addEventListener("click", async () => {
  try {
    await replaceSource(await fetchExample(), "the example post");
  } catch (err) {
    showNotice(String(err.message || err));
  }
});

const fileInput = $("open-file");
$("open-file-button").addEventListener("click", () => fileInput.click());
let fileName = null;
fileInput.addEventListener("change", async () => {
  const file = fileInput.files && fileInput.files[0];
  fileInput.value = "";
  if (!file) return;
  const text = await file.text();
  if (await replaceSource(text, `“${file.name}”`)) fileName = file.name;
});

function slug() {
  const title = (lastFrontMatter && lastFrontMatter.title) || "";
  const s = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return s || "post";
}

function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$("download-md").addEventListener("click", () => {
  const name = fileName && /\.(md|markdown|txt)$/i.test(fileName) ? fileName : `${slug()}.md`;
  download(source.value, name, "text/markdown;charset=utf-8");
});

$("export-html").addEventListener("click", async () => {
  try {
    const html = await renderPage(source.value, { profile: profileSelect.value });
    download(html, `${slug()}.html`, "text/html;charset=utf-8");
  } catch (err) {
    showNotice(`Export failed: ${err.message || err}`);
  }
});

// ---------------------------------------------------------------------------
// The resizable split (pointer and keyboard)

const splitter = $("splitter");
const workspace = $("workspace");
function setSplit(percent, persist = true) {
  const min = Number(splitter.getAttribute("aria-valuemin"));
  const max = Number(splitter.getAttribute("aria-valuemax"));
  const p = Math.round(Math.min(max, Math.max(min, percent)));
  workspace.style.setProperty("--split", `${p}%`);
  splitter.setAttribute("aria-valuenow", String(p));
  splitter.setAttribute("aria-valuetext", `editor ${p}% of the width`);
  if (persist) {
    try {
      localStorage.setItem(SPLIT_KEY, String(p));
    } catch {
      // not essential
    }
  }
}
let savedSplit = null;
try {
  savedSplit = localStorage.getItem(SPLIT_KEY);
} catch {
  // storage may be unavailable; the default split is fine
}
setSplit(Number(savedSplit) || 50, false);

splitter.addEventListener("keydown", (event) => {
  const now = Number(splitter.getAttribute("aria-valuenow"));
  const step = event.shiftKey ? 10 : 2;
  const moves = {
    ArrowLeft: now - step,
    ArrowDown: now - step,
    ArrowRight: now + step,
    ArrowUp: now + step,
    Home: Number(splitter.getAttribute("aria-valuemin")),
    End: Number(splitter.getAttribute("aria-valuemax")),
  };
  if (event.key in moves) {
    event.preventDefault();
    setSplit(moves[event.key]);
  } else if (event.key === "Enter") {
    event.preventDefault();
    setSplit(50);
  }
});
splitter.addEventListener("pointerdown", (event) => {
  if (event.button !== 0) return;
  event.preventDefault();
  splitter.setPointerCapture(event.pointerId);
  splitter.classList.add("dragging");
  splitter.focus();
  const rect = workspace.getBoundingClientRect();
  const move = (e) => setSplit(((e.clientX - rect.left) / rect.width) * 100, false);
  const up = (e) => {
    splitter.releasePointerCapture(e.pointerId);
    splitter.classList.remove("dragging");
    splitter.removeEventListener("pointermove", move);
    splitter.removeEventListener("pointerup", up);
    splitter.removeEventListener("pointercancel", up);
    setSplit(Number(splitter.getAttribute("aria-valuenow")));
  };
  splitter.addEventListener("pointermove", move);
  splitter.addEventListener("pointerup", up);
  splitter.addEventListener("pointercancel", up);
});

// ---------------------------------------------------------------------------
// Start: restore the draft, or load the example on the first visit.

async function start() {
  const draft = loadDraft();
  if (draft !== null) {
    source.value = draft;
    lastSaved = draft;
  } else {
    try {
      source.value = await fetchExample();
    } catch (err) {
      showNotice(String(err.message || err));
    }
  }
  await handle.ready;
  await handle.update();
  document.documentElement.dataset.ready = "true";
}

start().catch((err) => showNotice(`The previewer could not start: ${err.message || err}. Your text is safe.`));

if (testMode) {
  // Test hook, only with ?test in the URL.
  window.__postPreview = { handle, lineRange, selectLine };
}

// Offline: cache the page's own assets.
if ("serviceWorker" in navigator && !new URLSearchParams(location.search).has("nosw")) {
  navigator.serviceWorker.register(new URL("./sw.js", import.meta.url), { scope: "./" }).catch((err) => {
    console.warn("post-preview: service worker not registered:", err);
  });
}

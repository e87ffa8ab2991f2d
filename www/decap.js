// post-preview as Decap CMS's preview template:
//
//   import { registerPostPreview } from "post-preview/decap";
//   registerPostPreview(CMS, { collection: "posts", base_url: "https://site.example",
//                              stylesheet: "/css/site.css" });
//
// Decap renders preview templates into a same-origin iframe and re-renders
// them on every change of the entry. The template builds the post's source
// from the entry (its front matter fields, then the body) and hands it to a
// source-driven mount() on a node of that iframe: each change is patched in
// (unchanged blocks keep their nodes, so nothing flickers and no image
// loads again), the edited block is kept in view, and the diagnostics are
// listed under the preview. It uses
// nothing but the `h` and `createClass` Decap gives templates (the globals
// its bundle sets, or the ones passed here).

import { mount, RENDERED_EVENT } from "./post-preview.js";

/** Options of registerPostPreview that are its own; every other one goes to mount(). */
const OWN_OPTIONS = ["collection", "body_field", "h", "createClass"];

/** A key as YAML writes it: bare when plain, else as a JSON (so YAML) string. */
function yamlKey(key) {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
}

/**
 * A front matter value as YAML: JSON's forms (strings, numbers, booleans,
 * null, arrays, objects), which YAML reads the same; a date as its ISO text
 * (a Date's toJSON).
 */
function yamlValue(value) {
  return JSON.stringify(value);
}

/** A plain JS value from what Decap holds (Immutable.js collections or plain values). */
function plain(value) {
  return value && typeof value.toJS === "function" ? value.toJS() : value;
}

/**
 * The post's source from an entry's data: every field but the body as YAML
 * front matter (in the entry's order), then the body.
 *
 * Returns `{ source, bodyLine }`, bodyLine being the source line the body
 * starts on (1-based), to tell front matter lines from body lines.
 */
export function entrySource(data, { body_field = "body" } = {}) {
  const fields = plain(data) || {};
  const lines = ["---"];
  for (const [key, value] of Object.entries(fields)) {
    if (key === body_field || value === undefined) continue;
    lines.push(`${yamlKey(key)}: ${yamlValue(value)}`);
  }
  lines.push("---");
  const body = fields[body_field] == null ? "" : String(fields[body_field]);
  return { source: `${lines.join("\n")}\n${body}`, bodyLine: lines.length + 1 };
}

/** Shows the diagnostics in `list` (text only), each at its field or body line. */
function showDiagnostics(list, diagnostics, bodyLine) {
  const doc = list.ownerDocument;
  const items = (diagnostics || []).map((d) => {
    const li = doc.createElement("li");
    li.className = `pp-decap-${d.severity}`;
    li.setAttribute("data-severity", d.severity);
    const where = d.line >= bodyLine ? `body, line ${d.line - bodyLine + 1}` : "front matter";
    li.textContent = `${d.severity} (${where}, column ${d.column}): ${d.message}`;
    return li;
  });
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
}

/**
 * Keeps the edited block (`changed`, the rendered event's) in view in the
 * preview pane: scrolls the pane's own window, never the page around it,
 * and only when the block is out of sight.
 */
function reveal(changed) {
  if (!changed || !changed.isConnected) return;
  const win = changed.ownerDocument.defaultView;
  if (!win) return;
  const box = changed.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= win.innerHeight) return;
  win.scrollBy(0, box.top - win.innerHeight / 3);
}

/**
 * Registers post-preview as Decap's preview template for `options.collection`.
 *
 * options: { collection (required), body_field ("body"), h, createClass
 * (default: Decap's globals), and mount()'s options (base_url, preset,
 * stylesheet, profile, …), passed through as they are }.
 * Returns the template class registered.
 */
export function registerPostPreview(CMS, options = {}) {
  const { collection, body_field = "body" } = options;
  if (!CMS || typeof CMS.registerPreviewTemplate !== "function") {
    throw new TypeError("registerPostPreview: the first argument must be Decap's CMS object");
  }
  if (!collection) throw new TypeError("registerPostPreview: options.collection names the collection to preview");
  const h = options.h ?? globalThis.h;
  const createClass = options.createClass ?? globalThis.createClass;
  if (typeof h !== "function" || typeof createClass !== "function") {
    throw new TypeError("registerPostPreview: Decap's `h` and `createClass` are missing (load decap-cms.js first, or pass them)");
  }
  const mountOptions = Object.fromEntries(Object.entries(options).filter(([k]) => !OWN_OPTIONS.includes(k)));

  const Template = createClass({
    displayName: "PostPreview",

    componentDidMount() {
      this.sync();
    },

    componentDidUpdate() {
      this.sync();
    },

    componentWillUnmount() {
      this.teardown();
    },

    /** The source of the entry now shown. */
    current() {
      return entrySource(this.props.entry && this.props.entry.get("data"), { body_field });
    },

    /** Mounts on the first call with both nodes in place, then passes each new source on. */
    sync() {
      if (!this.host || !this.list) return;
      const { source, bodyLine } = this.current();
      this.bodyLine = bodyLine;
      if (this.handle) {
        this.handle.setSource(source);
        return;
      }
      const host = this.host;
      this.handle = mount(source, host, mountOptions);
      this.onRendered = (event) => {
        const detail = event.detail || {};
        showDiagnostics(this.list, detail.diagnostics, this.bodyLine);
        // The first render shows the top; later ones follow the edit.
        if (this.rendered) reveal(detail.changed);
        this.rendered = true;
      };
      host.addEventListener(RENDERED_EVENT, this.onRendered);
    },

    teardown() {
      if (this.handle) this.handle.destroy();
      if (this.host && this.onRendered) this.host.removeEventListener(RENDERED_EVENT, this.onRendered);
      this.handle = null;
      this.onRendered = null;
      this.rendered = false;
    },

    // Callback refs (React 19 has no string refs); null when the node goes.
    setHost(node) {
      if (node === this.host) return;
      this.teardown();
      this.host = node;
      this.sync();
    },

    setList(node) {
      this.list = node;
      if (node) node.hidden = true;
      this.sync();
    },

    render() {
      // Both elements are empty to React: it never touches what the
      // preview puts in them, so unchanged blocks keep their nodes.
      return h(
        "div",
        { className: "post-preview-decap" },
        h("div", { ref: this.setHost, "data-pp": "decap-preview" }),
        h("ul", {
          ref: this.setList,
          "data-pp": "decap-diagnostics",
          style: { font: "13px/1.5 system-ui, sans-serif", margin: "1rem", padding: "0.5rem 1rem", borderTop: "1px solid #ccc" },
        }),
      );
    },
  });

  CMS.registerPreviewTemplate(collection, Template);
  return Template;
}

// HTML fragment comparison the way a browser sees it.
//
// Both sides are parsed with parse5's parseFragment, then normalized:
// comments dropped, adjacent text merged, runs of ASCII whitespace (space, \t,
// \n, \f, \r; never U+00A0) collapsed to one space outside <pre>, <textarea>,
// <script>, <style>, text trimmed at block boundaries (start/end of a block
// element, next to a block element or <br>), text left empty dropped (so
// whitespace-only text between blocks goes; a space between two inline
// elements stays, as it does on screen), attributes sorted, and the ignored
// attributes removed: `rel` on <a> (the sanitizer rewrites it) and
// `data-line` / `data-line-end` (post-preview's source map).

import { parseFragment } from "parse5";

const BLOCK = new Set(
  ("address article aside blockquote body caption center col colgroup dd details dialog dir div dl dt " +
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav " +
    "ol optgroup option p pre section summary table tbody td tfoot th thead tr ul #fragment")
    .split(" "),
);
const PRESERVE = new Set(["pre", "textarea", "script", "style", "listing", "plaintext", "xmp"]);
const ASCII_WS_RUN = /[ \t\n\f\r]+/g;

/** Parses an HTML fragment into parse5's tree. */
export function parse(html) {
  return parseFragment(html);
}

const isElement = (n) => n.tagName !== undefined;
const isText = (n) => n.nodeName === "#text";
const isBoundary = (n) => n && isElement(n) && (BLOCK.has(n.tagName) || n.tagName === "br");

/** Whether an attribute is ignored on an element. */
export function ignoredAttribute(tag, name) {
  return (tag === "a" && name === "rel") || name === "data-line" || name === "data-line-end";
}

/**
 * Normalized tree: element = { tag, attrs: [[name, value]...], children },
 * text = { text }. `root` is a parse5 node with childNodes.
 */
export function normalize(root) {
  return { tag: "#fragment", attrs: [], children: normalizeChildren(root, "#fragment", false) };
}

function childNodesOf(node) {
  // <template> keeps its children in .content
  if (node.tagName === "template" && node.content) return node.content.childNodes;
  return node.childNodes ?? [];
}

function normalizeChildren(node, tag, preserve) {
  // 1. drop comments, merge adjacent text
  const merged = [];
  for (const c of childNodesOf(node)) {
    if (c.nodeName === "#comment" || c.nodeName === "#documentType") continue;
    if (isText(c)) {
      const last = merged[merged.length - 1];
      if (last && isText(last)) last.value += c.value;
      else merged.push({ nodeName: "#text", value: c.value });
    } else {
      merged.push(c);
    }
  }
  // 2. collapse, trim at block boundaries, drop empty text
  const out = [];
  const parentIsBlock = BLOCK.has(tag);
  merged.forEach((c, i) => {
    if (isText(c)) {
      let t = c.value;
      if (!preserve) {
        t = t.replace(ASCII_WS_RUN, " ");
        const prev = merged[i - 1];
        const next = merged[i + 1];
        if ((prev === undefined && parentIsBlock) || isBoundary(prev)) t = t.replace(/^ /, "");
        if ((next === undefined && parentIsBlock) || isBoundary(next)) t = t.replace(/ $/, "");
      }
      if (t !== "") out.push({ text: t });
    } else {
      const ctag = c.tagName;
      const attrs = c.attrs
        .filter((a) => !ignoredAttribute(ctag, a.name))
        .map((a) => [a.prefix ? `${a.prefix}:${a.name}` : a.name, a.value])
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      out.push({ tag: ctag, attrs, children: normalizeChildren(c, ctag, preserve || PRESERVE.has(ctag)) });
    }
  });
  return out;
}

/** Path step names for the children of a normalized or parse5 node: `p[2]`, `text()[1]`. */
function stepNames(children, elementTag, textTest) {
  const counts = new Map();
  return children.map((c) => {
    const key = textTest(c) ? "text()" : elementTag(c);
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return `${key}[${n}]`;
  });
}

const normSteps = (children) => stepNames(children, (c) => c.tag, (c) => c.text !== undefined);

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const escText = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\u00a0/g, "&nbsp;");
const escAttr = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/\u00a0/g, "&nbsp;");

/** Serializes a normalized node (for reports). */
export function serialize(node) {
  if (node === undefined) return "(nothing)";
  if (node.text !== undefined) return escText(node.text);
  const inner = node.children.map(serialize).join("");
  if (node.tag === "#fragment") return inner;
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${escAttr(v)}"`).join("");
  if (VOID.has(node.tag) && node.children.length === 0) return `<${node.tag}${attrs}>`;
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`;
}

/**
 * Compares two normalized trees. Returns null when equal, else the first
 * difference: { path, what, expected, actual } (expected/actual are nodes).
 */
export function compareTrees(exp, act, path = "") {
  const ec = exp.children;
  const ac = act.children;
  const es = normSteps(ec);
  const as = normSteps(ac);
  const n = Math.max(ec.length, ac.length);
  for (let i = 0; i < n; i++) {
    const e = ec[i];
    const a = ac[i];
    const p = `${path}/${es[i] ?? as[i]}`;
    if (e === undefined) return { path: `${path}/${as[i]}`, what: "unexpected extra node", expected: e, actual: a };
    if (a === undefined) return { path: p, what: "missing node", expected: e, actual: a };
    const eText = e.text !== undefined;
    const aText = a.text !== undefined;
    if (eText || aText) {
      if (eText && aText) {
        if (e.text !== a.text) return { path: p, what: "text differs", expected: e, actual: a };
        continue;
      }
      return { path: p, what: eText ? "expected text, got element" : "expected element, got text", expected: e, actual: a };
    }
    if (e.tag !== a.tag) return { path: p, what: `tag differs (<${e.tag}> vs <${a.tag}>)`, expected: e, actual: a };
    const ea = new Map(e.attrs);
    const aa = new Map(a.attrs);
    for (const [k, v] of ea) {
      if (!aa.has(k)) return { path: p, what: `attribute ${k} missing`, expected: e, actual: a };
      if (aa.get(k) !== v) return { path: p, what: `attribute ${k} differs (${JSON.stringify(v)} vs ${JSON.stringify(aa.get(k))})`, expected: e, actual: a };
    }
    for (const k of aa.keys()) {
      if (!ea.has(k)) return { path: p, what: `unexpected attribute ${k}`, expected: e, actual: a };
    }
    const d = compareTrees(e, a, p);
    if (d) return d;
  }
  return null;
}

/**
 * Finds the parse5 elements at `path` under `root`: element steps only,
 * `/p[3]/a[1]`; an index `*` takes every element of that name
 * (`/div[*]/noscript[*]`).
 */
export function resolvePaths(root, path) {
  let nodes = [root];
  for (const step of path.split("/").filter(Boolean)) {
    const m = /^([a-z][a-z0-9-]*)\[(\d+|\*)\]$/i.exec(step);
    if (!m) return [];
    nodes = nodes.flatMap((node) => {
      const same = childNodesOf(node).filter((k) => isElement(k) && k.tagName === m[1].toLowerCase());
      return m[2] === "*" ? same : same.slice(Number(m[2]) - 1, Number(m[2]));
    });
  }
  return nodes.filter((n) => n !== root);
}

/** The one parse5 element at `path` (see `resolvePaths`), or null. */
export function resolvePath(root, path) {
  return resolvePaths(root, path)[0] ?? null;
}

/**
 * Applies one security removal to a parse5 tree (mutates it). `removed` is
 * `element PATH` (the element and its content), `tag PATH` (the element,
 * its content kept in its place, as the sanitizer removes a tag it does
 * not know), `attribute NAME at PATH` or `declaration PROPERTY at PATH` (one
 * property's declarations out of the element's `style`, the others kept as
 * the sanitizer writes them); a PATH with `[*]` steps applies to
 * every element it finds, and to at least one. Returns an error string or null.
 */
export function applyRemoval(root, removed) {
  const forms = [
    [/^(?:element|tag) (\/\S+)$/, removeElement],
    [/^declaration (\S+) at (\/\S+)$/, removeDeclaration],
    [/^attribute (\S+) at (\/\S+)$/, removeAttribute],
  ];
  for (const [pattern, remove] of forms) {
    const m = pattern.exec(removed);
    if (!m) continue;
    const path = m[m.length - 1];
    const els = resolvePaths(root, path);
    if (!els.length) return `no element at ${path}`;
    for (const el of els) {
      const err = remove(el, m[1], removed.startsWith("tag "));
      if (err) return `element at ${path} ${err}`;
    }
    return null;
  }
  return `cannot parse removal ${JSON.stringify(removed)} (expected "element PATH", "tag PATH", "attribute NAME at PATH" or "declaration PROPERTY at PATH")`;
}

/** Takes `el` out of its parent; with `keepContent`, its children take its place. */
function removeElement(el, _path, keepContent) {
  const parent = el.parentNode;
  const siblings = parent.tagName === "template" && parent.content ? parent.content.childNodes : parent.childNodes;
  const kept = keepContent ? childNodesOf(el) : [];
  for (const k of kept) k.parentNode = parent;
  siblings.splice(siblings.indexOf(el), 1, ...kept);
  return null;
}

/** Takes `property`'s declarations out of `el`'s style, the others written as the sanitizer writes them (trimmed, joined with "; "). */
function removeDeclaration(el, property) {
  const i = el.attrs.findIndex((a) => a.name === "style");
  if (i === -1) return "has no style attribute";
  const all = el.attrs[i].value.split(";").map((d) => d.trim()).filter(Boolean);
  const kept = all.filter((d) => d.split(":")[0].trim().toLowerCase() !== property);
  if (kept.length === all.length) return `has no declaration ${property} in its style`;
  if (kept.length) el.attrs[i].value = kept.join("; ");
  else el.attrs.splice(i, 1);
  return null;
}

/** Takes attribute `name` off `el`. */
function removeAttribute(el, name) {
  const i = el.attrs.findIndex((a) => a.name === name);
  if (i === -1) return `has no attribute ${name}`;
  el.attrs.splice(i, 1);
  return null;
}

// The reference: what the Rust Foundation's Eleventy site publishes for a post.
//
// Runs the site's real packages, at the versions its package.json resolves to:
// front matter split as gray-matter 4 does and parsed with js-yaml 3 (safeLoad),
// the body rendered with markdown-it 12.3.2 {html, breaks, linkify} +
// markdown-it-anchor 5 {permalink, permalinkClass: "direct-link", permalinkSymbol: "#"} +
// markdown-it-footnote 3, and the header built as `_includes/layouts/news.njk` shows it.
//
// Not emulated (asserted absent instead): Liquid template code in bodies
// (`{{`, `{%`), `externalurl` (no page body) and `attachments`.

import yaml from "js-yaml";
import MarkdownIt from "markdown-it";
import anchor from "markdown-it-anchor";
import footnote from "markdown-it-footnote";

/** The site's markdown-it instance (`.eleventy.js`). */
export function createMarkdownIt() {
  return new MarkdownIt({ html: true, breaks: true, linkify: true })
    .use(anchor, { permalink: true, permalinkClass: "direct-link", permalinkSymbol: "#" })
    .use(footnote);
}

const md = createMarkdownIt();

/**
 * Tags the site never shows: the layout links a tag only when it is in
 * `collections.tagList`, which `.eleventy.js` builds from every tag except
 * this list ("this list should match the `filter` list in tags.njk").
 * news.json merges `news` into every post; `events` and `event` occur in the corpus too.
 */
export const HIDDEN_TAGS = new Set([
  "all", "nav", "people", "posts", "post", "members", "policies", "events", "event", "meetings", "meeting", "news",
]);

/**
 * Splits front matter the way gray-matter 4.0.3 (Eleventy 1.x) does.
 * Returns { matter: string|null, content: string }.
 */
export function splitFrontMatter(input) {
  let str = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input; // strip-bom-string
  const open = "---";
  const close = "\n---";
  if (!str.startsWith(open)) return { matter: null, content: str };
  if (str.charAt(open.length) === "-") return { matter: null, content: str };
  str = str.slice(open.length);
  const len = str.length;
  // gray-matter: text after the opening delimiter on its line names a language.
  const nl = str.search(/\r?\n/);
  const language = str.slice(0, nl);
  if (language.trim() !== "" && language.trim() !== "yaml") {
    throw new Error(`front matter language ${JSON.stringify(language.trim())} not supported`);
  }
  str = str.slice(language.length);
  let closeIndex = str.indexOf(close);
  if (closeIndex === -1) closeIndex = len;
  const matter = str.slice(0, closeIndex);
  let content;
  if (closeIndex === len) {
    content = "";
  } else {
    content = str.slice(closeIndex + close.length);
    if (content[0] === "\r") content = content.slice(1);
    if (content[0] === "\n") content = content.slice(1);
  }
  return { matter, content };
}

/** Parses a post's source: { data, body }. */
export function parsePost(source) {
  const { matter, content } = splitFrontMatter(source);
  let data = {};
  if (matter !== null && matter.replace(/^\s*#[^\n]+/gm, "").trim() !== "") {
    data = yaml.safeLoad(matter) ?? {};
  }
  return { data, body: content };
}

/** Nunjucks autoescape (nunjucks/src/lib.js escapeMap). */
export function escapeHtml(value) {
  if (value === undefined || value === null) return "";
  return String(value).replace(/[&"'<>]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "'": "&#39;", "<": "&lt;", ">": "&gt;" })[c]);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n) => String(n).padStart(2, "0");

/** luxon, zone UTC: [`yyyy-LL-dd`, `dd LLL yyyy`]. */
export function formatDate(date) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new Error(`date is not a YAML timestamp: ${JSON.stringify(date)}`);
  }
  const y = String(date.getUTCFullYear()).padStart(4, "0");
  const m = date.getUTCMonth();
  const d = pad2(date.getUTCDate());
  return [`${y}-${pad2(m + 1)}-${d}`, `${d} ${MONTHS[m]} ${y}`];
}

/** The header as the news layout shows it. */
export function renderHeader(data) {
  const [iso, readable] = formatDate(data.date);
  let html = `<h1>${escapeHtml(data.title)}</h1>`;
  html += `<h2>${escapeHtml(data.description)}</h2>`;
  if (data.byline) html += `<div class="post-byline">by ${escapeHtml(data.byline)}</div>`;
  html += `<time class="post-date" datetime="${iso}">${readable}</time>`;
  let tags = data.tags ?? [];
  if (typeof tags === "string") tags = tags ? [tags] : [];
  tags = [...new Set(tags)].filter((t) => !HIDDEN_TAGS.has(t));
  // The layout's loop leaves a newline and indentation before each link:
  // on screen, one space between "Tagged:" and each tag.
  html += `<div class="post-tags">Tagged:`;
  html += tags.map((t) => `\n        <a href="/tags/${escapeHtml(t)}/" class="post-tag">${escapeHtml(t)}</a>`).join("");
  html += `\n</div>`;
  return html;
}

/** Renders a body with the site's markdown-it. */
export function renderBody(body) {
  return md.render(body);
}

/**
 * The reference rendering of a post's source: { data, header, body }.
 * Throws when the post uses something this reference does not emulate.
 */
export function renderReference(source) {
  const { data, body } = parsePost(source);
  if (body.includes("{{") || body.includes("{%")) {
    throw new Error("body contains Liquid template code ({{ or {%), which the reference does not emulate");
  }
  if (data.externalurl) throw new Error("externalurl posts have no page body; not emulated");
  if (data.attachments) throw new Error("attachments are not part of the compared header; not emulated");
  return { data, header: renderHeader(data), body: renderBody(body) };
}

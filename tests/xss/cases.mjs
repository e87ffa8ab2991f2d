// Places every payload of payloads.json into each of its contexts: one post
// (front matter + markdown) per (payload, context) pair.
//
//   import { cases } from "./cases.mjs";   // [{ id, payload, class, context, source }]
//   node tests/xss/cases.mjs [--dump]       // count (or print) the cases
//
// tests/xss/main.rs places the same payloads natively with the same context
// templates (keep the two in step).
//
// Every `__sentinel()` in a payload becomes `__sentinel(N)`, N the case's
// number, so a hit in the browser names its case.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const HERE = new URL("./", import.meta.url);
export const PAYLOADS = JSON.parse(readFileSync(new URL("payloads.json", HERE), "utf8")).payloads;

const q = (s) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
const indent = (s, n) => s.replace(/\n/g, `\n${" ".repeat(n)}`);
const quoteLines = (s) => s.replace(/\n/g, "\n> ");
const attr = (s) => s.replace(/"/g, "&quot;");
// A markdown link destination: bare when it can be, else <…>; when it cannot
// be either (a newline, < or >), written as is and the link stays text.
const dest = (u) => (/[\s()<>\u0000-\u001f]/.test(u) && !/[\n<>]/.test(u) ? `<${u}>` : u);

/** Context name → post source, for HTML/markdown payloads. */
export const HTML_CONTEXTS = {
  inline: (p) => `Before ${p} after.\n`,
  "html-block": (p) => `<div class="ctx">\n${p}\n</div>\n\nAfter.\n`,
  "list-item": (p) => `- first\n- ${indent(p, 2)}\n- last\n`,
  "task-item": (p) => `- [ ] ${indent(p, 2)}\n- [x] done\n`,
  blockquote: (p) => `> ${quoteLines(p)}\n`,
  "front-matter": (p) =>
    `---\ntitle: ${q(p)}\ndescription: ${q(p)}\nbyline: ${q(p)}\ntags: [${q(p)}, ok]\n---\nBody.\n`,
};

/** Context name → post source, for URL payloads. */
export const URL_CONTEXTS = {
  link: (u) => `A [link](${dest(u)} "title") here.\n`,
  image: (u) => `An ![image](${dest(u)}) here.\n`,
  reference: (u) => `A [reference][r] and ![image][r].\n\n[r]: ${dest(u)}\n`,
  autolink: (u) => `An <${u}> autolink.\n`,
  "html-link": (u) => `<p><a href="${attr(u)}">html link</a> <img src="${attr(u)}" alt="i"></p>\n`,
  "list-item-link": (u) => `- [link](${dest(u)})\n- <a href="${attr(u)}">html link</a>\n`,
  "blockquote-link": (u) => `> [link](${dest(u)}) <a href="${attr(u)}">html link</a>\n`,
  "front-matter-url": (u) =>
    `---\ntitle: ${q(u)}\nexternalurl: ${q(u)}\nattachments:\n  file: ${q(u)}\n---\nBody.\n`,
};

const DOCUMENT_CONTEXTS = { document: (d) => d };

function contextsOf(kind) {
  switch (kind) {
    case "html":
      return HTML_CONTEXTS;
    case "url":
      return URL_CONTEXTS;
    case "document":
      return DOCUMENT_CONTEXTS;
    default:
      throw new Error(`unknown payload kind ${kind}`);
  }
}

/** Every (payload, context) pair as a post. */
export function cases() {
  const out = [];
  for (const p of PAYLOADS) {
    const table = contextsOf(p.kind);
    for (const context of p.contexts) {
      const place = table[context];
      if (!place) throw new Error(`${p.id}: unknown context ${context} for kind ${p.kind}`);
      const n = out.length + 1;
      const payload = p.payload.replaceAll("__sentinel()", `__sentinel(${n})`);
      out.push({ n, id: `${p.id}@${context}`, payload: p.id, class: p.class, context, source: place(payload) });
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const all = cases();
  if (process.argv.includes("--dump")) console.log(JSON.stringify(all, null, 1));
  else console.log(`${PAYLOADS.length} payloads, ${all.length} cases`);
}

// The inputs of the conformance test (conformance.mjs): the fixtures of the
// site's markdown packages and the rust-blog posts, each as { id, body }.

import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * The inputs of a markdown-it-testgen fixture file: an optional description,
 * a line `.`, the input, a line `.`, the expected HTML, a line `.`. A `→`
 * in an input stands for a tab. IDs are `NAME:LINE` of the opening `.`.
 */
export function testgenInputs(text, name) {
  const lines = text.split(/\r?\n/);
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== ".") continue;
    const start = i;
    const input = [];
    for (i++; i < lines.length && lines[i] !== "."; i++) input.push(lines[i]);
    for (i++; i < lines.length && lines[i] !== "."; i++); // the expected HTML: not used
    const body = input.length ? `${input.join("\n")}\n`.replace(/→/g, "\t") : "";
    out.push({ id: `${name}:${start + 1}`, body });
  }
  return out;
}

/**
 * The inputs of linkify-it's links.txt and not_links.txt: one input a
 * paragraph, its first line (in links.txt the next line is the link
 * expected); `%` starts a comment at the start of a line or after a space.
 * IDs are `NAME:LINE`.
 */
export function linkifyInputs(text, name) {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^%.*/, ""));
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    out.push({ id: `${name}:${i + 1}`, body: `${lines[i].replace(/\s%.*$/, "")}\n` });
    while (i + 1 < lines.length && lines[i + 1].trim()) i++;
  }
  return out;
}

/** Every input of the conformance folder (`*.txt` under it, sorted), IDs relative to it. */
export function fixtureInputs(root) {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".txt")) files.push(path.relative(root, p).split(path.sep).join("/"));
    }
  };
  walk(root);
  files.sort();
  return files.flatMap((f) => {
    const text = readFileSync(path.join(root, f), "utf8");
    return f.startsWith("linkify-it") ? linkifyInputs(text, f) : testgenInputs(text, f);
  });
}

/**
 * A post's body without its front matter: `+++`…`+++` (TOML) or `---`…`---`
 * (YAML), after leading blank lines; a YAML block whose opening `---` is
 * missing ends at its first `---` line when every line before it is a key or
 * indented. Anything else is all body.
 */
export function stripFrontMatter(source) {
  const lines = source.split("\n");
  let i = 0;
  while (i < lines.length && lines[i].trim() === "") i++;
  const first = (lines[i] ?? "").trimEnd();
  if (first === "+++" || first === "---") {
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].trimEnd() === first) return lines.slice(j + 1).join("\n");
    }
    return source;
  }
  for (let j = i; j < lines.length; j++) {
    if (lines[j].trimEnd() === "---") return lines.slice(j + 1).join("\n");
    if (!/^([\w-]+:|[ \t])/.test(lines[j])) break;
  }
  return source;
}

/** The rust-blog posts (`toml/*.md`, then `yaml/*.md`), front matter stripped; IDs `DIR/FILE`. */
export function rustBlogInputs(root) {
  return ["toml", "yaml"].flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => ({ id: `${dir}/${f}`, body: stripFrontMatter(readFileSync(path.join(root, dir, f), "utf8")) })),
  );
}

/** Orders IDs by name, then by line number (`x.txt:9` before `x.txt:10`). */
export function compareIds(a, b) {
  const [an, al] = a.split(/:(?=\d+$)/);
  const [bn, bl] = b.split(/:(?=\d+$)/);
  if (an !== bn) return an < bn ? -1 : 1;
  return Number(al ?? 0) - Number(bl ?? 0);
}

// The benchmark's documents and edit positions (pure functions, no browser).
//
// - "example": www/examples/openssf.md as it is.
// - "100 KB" / "1 MB": the corpus (foundation-news/*.md, file-name order):
//   the first post whole (front matter and body), then the bodies of the
//   following posts (front matter dropped), cycling through the corpus again
//   when it runs out (it is ~0.9 MB), until the target size. The last body is
//   cut at a blank line outside any code fence, so the post stays whole
//   markdown and ends just under the target (UTF-8 bytes: 100 KiB, 1 MiB).

import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

export const KIB = 1024;
export const MIB = 1024 * 1024;

const bytes = (s) => Buffer.byteLength(s, "utf8");

/** Splits `---` front matter off: { matter (with both fences, or ""), body }. */
export function splitFrontMatter(text) {
  const m = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  return m ? { matter: m[0], body: text.slice(m[0].length) } : { matter: "", body: text };
}

/** Normalizes line ends and trims trailing blank lines: text ending in exactly one "\n". */
function tidy(text) {
  return text.replace(/\r\n?/g, "\n").replace(/\s+$/, "") + "\n";
}

/** The longest prefix of `body` ending at a blank line outside code fences with at most `budget` bytes. */
function prefixWithin(body, budget) {
  let best = "";
  let fence = null; // the open fence's marker, or null
  let offset = 0;
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const next = offset + line.length + 1;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (marker) {
      if (fence === null) fence = marker[1];
      else if (marker[1][0] === fence[0] && marker[1].length >= fence.length && line.trim() === marker[1]) fence = null;
    }
    if (fence === null && line.trim() === "" && i > 0) {
      const candidate = body.slice(0, offset);
      if (bytes(candidate) > budget) break;
      best = candidate;
    }
    offset = next;
  }
  return best.replace(/\s+$/, "");
}

/** The corpus posts, file-name (code unit) order. */
export function corpusPosts(dir) {
  const names = readdirSync(dir).filter((n) => n.endsWith(".md")).sort();
  if (names.length === 0) throw new Error(`no *.md files in ${dir}`);
  return names.map((name) => ({ name, text: tidy(readFileSync(path.join(dir, name), "utf8")) }));
}

/** A post of at most `target` bytes (and within one paragraph of it) from the corpus. */
export function concatenated(posts, target) {
  let out = posts[0].text.replace(/\n$/, "");
  if (bytes(out) > target) throw new Error("the first corpus post alone is larger than the target");
  const bodies = posts.slice(1).map((p) => splitFrontMatter(p.text).body.trim()).filter(Boolean);
  for (let i = 0; ; i = (i + 1) % bodies.length) {
    const sep = "\n\n";
    const room = target - bytes(out) - bytes(sep) - 1; // the final "\n"
    if (room <= 0) break;
    const body = bodies[i];
    if (bytes(body) <= room) {
      out += sep + body;
      continue;
    }
    const part = prefixWithin(body, room);
    if (part) out += sep + part;
    break;
  }
  return out + "\n";
}

/** Offsets of prose paragraphs' first lines (a letter first, after a blank line or the front matter). */
function proseStarts(text, bodyStart) {
  const starts = [];
  let fence = false;
  let prevBlank = true;
  let offset = 0;
  for (const line of text.split("\n")) {
    if (/^ {0,3}(```|~~~)/.test(line)) fence = !fence;
    else if (!fence && prevBlank && /^\p{L}/u.test(line) && line.length > 40) starts.push(offset);
    offset += line.length + 1;
    prevBlank = line.trim() === "" || offset === bodyStart;
  }
  return starts;
}

/**
 * Where the edits happen (UTF-16 offsets, what setRangeText takes):
 * start: the first prose paragraph of the body (front matter left alone);
 * middle: the first prose paragraph starting at or after half the text;
 * end: the end of the text (after its final "\n").
 */
export function positions(text) {
  const { matter } = splitFrontMatter(text);
  const starts = proseStarts(text, matter.length);
  const start = starts.find((o) => o >= matter.length);
  const middle = starts.find((o) => o >= text.length / 2) ?? starts[starts.length - 1];
  if (start === undefined || middle === undefined) throw new Error("no prose paragraph to edit");
  return { start, middle, end: text.length };
}

/** The pasted paragraph: prose with a link, emphasis and inline code, like the corpus. */
export const PARAGRAPH =
  "The Rust Foundation is pleased to share that the [Security Initiative](https://foundation.rust-lang.org/news/) " +
  "has completed another round of audits of the most downloaded crates. Maintainers received *detailed* reports, " +
  "and the fixes are already available in `cargo update`. We are grateful to every volunteer who reviewed the " +
  "findings, wrote patches and answered questions from the community; this work keeps the **ecosystem** healthy " +
  "and makes it easier for organizations of every size to adopt Rust with confidence.";

/** What a paste inserts at a position: a paragraph, kept apart by blank lines. */
export function pasteText(where) {
  return where === "end" ? `\n${PARAGRAPH}\n` : `${PARAGRAPH}\n\n`;
}

/** What typing inserts, one character per keystroke. */
export const TYPED = "the quick brown fox jumps over the lazy dog ";

export function documents({ examplePath, corpusDir }) {
  const example = tidy(readFileSync(examplePath, "utf8"));
  const posts = corpusPosts(corpusDir);
  return [
    { id: "example", label: "example (openssf.md)", text: example },
    { id: "100k", label: "100 KB", text: concatenated(posts, 100 * KIB) },
    { id: "1m", label: "1 MB", text: concatenated(posts, MIB) },
  ].map((d) => ({ ...d, bytes: bytes(d.text), positions: positions(d.text) }));
}

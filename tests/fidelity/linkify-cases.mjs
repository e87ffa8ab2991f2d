#!/usr/bin/env node
// Writes linkify-cases.json: what markdown-it 12.3.2's linkify (linkify-it 3)
// makes of tricky strings and of every plain-text run of the corpus, for the
// unit test in src/markdown/linkify.rs.
//
//   node linkify-cases.mjs            (rewrites linkify-cases.json)
//   node linkify-cases.mjs --check    (exit 1 when linkify-cases.json is not what it would write)
//
// The file is { links: [...], pretest: [...] }.
//
// links: { source, text, links: [{ start, end, href, normalized, label }] } where
// start/end are UTF-8 byte offsets into text, href is linkify-it's url
// (`http://` / `mailto:` added to fuzzy links), normalized is markdown-it's
// normalizeLink(href) (the href it finally emits) and label its
// normalizeLinkText (the link's text). Only start, end and href are checked by
// find_links' test; normalized and label document what the caller does next.
//
// pretest: { source, inline, pretest } — markdown-it runs linkify on an
// inline block's text tokens only when linkify-it's pretest accepts the
// block's whole inline source (`thanks to <u>crates.io</u>.` has no link:
// `.io<` fails the pretest). Recorded for every corpus block with a text run
// that would hold a link, and for tricky inline sources.
//
// Before writing, the script checks that this model (pretest on the block,
// then linkify-it on each text run outside links) predicts exactly the links
// markdown-it's own linkify rule makes in every corpus post.

import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMarkdownIt, parsePost } from "./reference.mjs";
import { requireCorpus } from "./corpus.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const corpus = requireCorpus("fidelity linkify cases (tests/fidelity/linkify-cases.mjs)");

const md = createMarkdownIt();
const utf8 = (s) => Buffer.byteLength(s, "utf8");

function linksOf(text) {
  const out = [];
  if (!md.linkify.test(text)) return out;
  for (const m of md.linkify.match(text) ?? []) {
    const normalized = md.normalizeLink(m.url);
    if (!md.validateLink(normalized)) continue; // never happens for linkify-it's schemas
    let label;
    if (!m.schema) label = md.normalizeLinkText(`http://${m.text}`).replace(/^http:\/\//, "");
    else if (m.schema === "mailto:" && !/^mailto:/i.test(m.text)) label = md.normalizeLinkText(`mailto:${m.text}`).replace(/^mailto:/, "");
    else label = md.normalizeLinkText(m.text);
    out.push({
      start: utf8(text.slice(0, m.index)),
      end: utf8(text.slice(0, m.lastIndex)),
      href: m.url,
      normalized,
      label,
    });
  }
  return out;
}

// ---- tricky strings -------------------------------------------------------

const tricky = [
  // schemas
  "see https://example.com for more", "http://example.com.", "http://example.com,", "https://example.com/a/b?c=d#e",
  "(https://example.com)", "(https://example.com/foo_(bar))", "https://en.wikipedia.org/wiki/Rust_(programming_language)).",
  "HTTPS://EXAMPLE.COM/X", "ftp://ftp.example.org/file.txt", "mailto:someone@example.com", "mailto:x@y", "MAILTO:A@B.CO",
  "//example.com/path", "a://example.com", "x//example.com", "http://localhost:8080/x", "http://127.0.0.1/", "http://user:pw@host.com/",
  "https://example.com:65535/", "https://example.com:65536/", "https://example.com:80a", "http://ex-ample.com", "http://-example.com",
  "http://example.com/a.b.c", "http://example.com/a...", "http://example.com/a...b", "http://example.com/a!!", "http://example.com/a!!b",
  "http://example.com/a?", "http://example.com/a?b", "http://example.com/a;", "http://example.com/a;b", "http://example.com/a-", "http://example.com/a--b",
  "http://example.com/a,b", "http://example.com/a,", "http://example.com/'quoted'", "http://example.com/I'm", "http://example.com/it's.", "http://example.com/\"q\"",
  "http://example.com/[x]", "http://example.com/{x}", "http://example.com/(x", "http://example.com/a)b", "http://example.com/…", "http://example.com/a…",
  "http://example.com/ä/ö", "http://例え.テスト/パス", "http://xn--d1acpjx3f.xn--p1ai", "https://example.com/a_b_c", "_http://example.com", "foo_https://example.com",
  "https://", "http://.com", "http://a", "http://a.b", "http://example.com>foo", "<http://example.com>", "http://example.com|x",
  "https://example.com/#/route", "https://example.com/path/", "https://example.com/ ", "https://example.com/%20x", "http://example.com:/",
  // www
  "www.example.com", "WWW.EXAMPLE.COM", "visit www.example.com.", "www.example", "www.rust-lang.org/learn", "(www.example.com)", "www.com",
  "xwww.example.com", "-www.example.com", ".www.example.com", "www.example.com/foo.", "www..example.com",
  // bare domains
  "docs.rs", "build.rs", "M.Sc", "main.rs and lib.rs", "crates.io", "example.com", "example.community", "example.org.", "example.org,",
  "foo.bar", "foo.info", "foo.infoo", "foo.name", "foo.shop", "foo.museum", "foo.рф", "пример.рф", "foo.xn--p1ai", "a.b.c.de", "e.g. this",
  "i.e. that", "v1.2.3", "1.2.3.4", "version 0.1.0 on example.net", "file.txt", "readme.md", "script.js", "config.json", "index.html", "Cargo.toml",
  ".example.com", ":example.com", "/example.com", "-example.com", "_example.com", "@example.com", "$example.com", "+example.com", "=example.com",
  "^example.com", "`example.com", "|example.com", "<example.com", ">example.com", "(example.com)", "\"example.com\"", "'example.com'",
  "[example.com]", "{example.com}", "example.com!", "example.com?", "example.com…", "example.com;", "example.com:8080", "example.com:8080/x",
  "example.com:99999", "example.com-", "example.com_", "example.com.au", "example.co.uk/path", "ex_ample.com", "ex-ample.com", "-ex.com", "ex-.com",
  "a.com.b", "a.com.", "localhost", "localhost:3000", "foo.localhost", "Rust.Edu", "sub.domain.gov/x", "日本.jp", "emoji🦀.com", "🦀.rs",
  "foo.com\u00a0bar", "foo.com\u3000bar", "foo.com｜bar", "x.co", "x.c", "a.b", "Node.js", "Vue.js", "ASP.NET", "asp.net", "U.S.", "U.S.A.",
  "St. Louis", "Mr.Smith", "Dr.No", "no.de", "it.is", "is.it", "to.be", "tl;dr.com", "foo..com", "foo.com..", "foo.com/..", "foo.com/...a",
  // emails
  "someone@example.com", "some.one+tag@example.co.uk", "write to someone@example.com.", "(someone@example.com)", "\"someone@example.com\"",
  "<someone@example.com>", "x someone@example", "someone@localhost", "someone@127.0.0.1", "a@b.c", "first.last@sub.example.org",
  "user_name@example.com", "user-name@example.com", "user@ex-ample.com", "@user", "user@", "foo@bar@baz.com", "x:someone@example.com",
  "xsomeone@example.com", "bücher@example.com", "someone@例え.jp", "security@rust-lang.org", "contact us at hello@rustfoundation.org!",
  // mixed, several per string
  "a.com b.com c.com", "see docs.rs and https://crates.io, or mail x@y.com.", "www.a.com/b (c.com) [d.org]", "http://a.com http://b.com",
  "foo.com/bar?baz=qux&x=1#frag.", "Look at https://github.com/rust-lang/rust/pull/12345!", "https://example.com/path?query=1;x=2",
  "text https://example.com/a%20b text", "«https://example.com»", "“https://example.com”", "‘example.com’", "https://example.com”",
  "example.com/“quoted”", "https://example.com/a—b", "https://example.com/\u00a0x", "a\nb.com", "x.com\ny.com",
];

// ---- generated strings ----------------------------------------------------
// Concatenations of link-ish fragments (fixed seed): many links and refused
// schemas per string, for find_links' bookkeeping across matches.

const FRAGMENTS = [
  "http:", "//", "https://", "x.com", "a@b.co", " ", " ", ".", ",", "(", ")", "www.", "mailto:", "_", ":", "/", "-", "é", "<", ">",
  "'", "\"", "!", "?", "1.2.3", "localhost", "ftp://", "xn--p1ai", "рф", "docs.rs", "a", "b", "@", "#", "[", "]", ";", "…", "🦀",
  ":80", "\u00a0", "HTTP://", "x_y", "..", "e.g.", "example.org/path",
];
function generated(count, seed) {
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rnd() * 30);
    let t = "";
    for (let j = 0; j < n; j++) t += FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)];
    out.push(t);
  }
  return out;
}

// ---- corpus text runs -----------------------------------------------------

const isLinkOpen = (s) => /^<a[>\s]/i.test(s);
const isLinkClose = (s) => /^<\/a\s*>/i.test(s);

/** Per inline block: { inline, runs } — the text tokens markdown-it's linkify rule looks at. */
function textRuns(body) {
  const md2 = createMarkdownIt();
  md2.set({ linkify: false });
  const blocks = [];
  for (const block of md2.parse(body, {})) {
    if (block.type !== "inline") continue;
    const runs = [];
    blocks.push({ inline: block.content, runs });
    // linkify scans backwards; html <a> nesting counted the same way
    const kids = block.children;
    let htmlLinkLevel = 0;
    for (let i = kids.length - 1; i >= 0; i--) {
      const t = kids[i];
      if (t.type === "link_close") {
        i--;
        while (kids[i].level !== t.level && kids[i].type !== "link_open") i--;
        continue;
      }
      if (t.type === "html_inline") {
        if (isLinkOpen(t.content) && htmlLinkLevel > 0) htmlLinkLevel--;
        if (isLinkClose(t.content)) htmlLinkLevel++;
      }
      if (htmlLinkLevel > 0) continue;
      if (t.type === "text") runs.unshift(t.content);
    }
  }
  return blocks;
}

/** The links markdown-it's own linkify rule makes in a body: [href...]. */
function actualLinkified(body) {
  const hrefs = [];
  for (const block of md.parse(body, {})) {
    if (block.type !== "inline") continue;
    for (const t of block.children) if (t.type === "link_open" && t.markup === "linkify") hrefs.push(t.attrGet("href"));
  }
  return hrefs;
}

const seen = new Set();
const cases = [];
function add(text, source) {
  if (seen.has(text)) return;
  seen.add(text);
  cases.push({ source, text, links: linksOf(text) });
}
for (const t of tricky) add(t, "tricky");
for (const t of generated(400, 2024)) add(t, "generated");
const pretests = [];
const seenInline = new Set();
function addPretest(inline, source) {
  if (seenInline.has(inline)) return;
  seenInline.add(inline);
  pretests.push({ source, inline, pretest: md.linkify.pretest(inline) });
}
for (const t of [
  "thanks to <u>crates.io</u>.", "thanks to <u>crates.io</u> .", "see x.com>", "see x.io<", "x.com", "x.comm", "a@b", "no link here",
  "www.x", "WWW.X", "localhost", "1.2.3", "v1.2", "http:", "_http:", "x_http:", "(http:", "ftp:", "Mailto:", "//", "a//b", "x.рф", "x.xn--p1ai!",
  "x.de\ny", "*x.com*", "[x](y) z.org", "x.co_", "x.io`",
]) addPretest(t, "tricky");
for (const t of generated(200, 7)) addPretest(t, "generated");

let corpusRuns = 0;
let mismatches = 0;
for (const f of readdirSync(corpus).filter((f) => f.endsWith(".md") && f !== "README.md").sort()) {
  const slug = f.slice(0, -3);
  const { body } = parsePost(readFileSync(path.join(corpus, f), "utf8"));
  const predicted = [];
  for (const { inline, runs } of textRuns(body)) {
    const pass = md.linkify.pretest(inline);
    let linkable = false;
    for (const run of runs) {
      corpusRuns++;
      // a run without '.', '@' or '/' cannot hold a link (every rule needs one)
      if (/[.@/]/.test(run)) add(run, slug);
      const links = linksOf(run);
      if (links.length) linkable = true;
      if (pass) predicted.push(...links.map((l) => l.normalized));
    }
    if (linkable) addPretest(inline, slug);
  }
  const actual = actualLinkified(body);
  if (JSON.stringify(actual) !== JSON.stringify(predicted)) {
    mismatches++;
    console.error(`${slug}: model predicts ${JSON.stringify(predicted)}, markdown-it made ${JSON.stringify(actual)}`);
  }
}
if (mismatches) {
  console.error(`the pretest + text-run model disagrees with markdown-it on ${mismatches} post(s); not writing`);
  process.exit(1);
}

const out = path.join(HERE, "linkify-cases.json");
const lines = (list) => list.map((c) => JSON.stringify(c)).join(",\n");
const json = `{"links": [\n${lines(cases)}\n],\n"pretest": [\n${lines(pretests)}\n]}\n`;
if (process.argv.includes("--check")) {
  const current = existsSync(out) ? readFileSync(out, "utf8") : "";
  if (current !== json) {
    console.error("linkify-cases.json is out of date: run `node linkify-cases.mjs`");
    process.exit(1);
  }
  console.log(`linkify-cases.json is up to date (${cases.length} link cases, ${pretests.length} pretest cases)`);
  process.exit(0);
}
writeFileSync(out, json);
const linked = cases.filter((c) => c.links.length).length;
console.log(
  `wrote ${cases.length} link cases (${tricky.length} tricky strings, 400 generated, ${corpusRuns} corpus text runs), ${linked} with links; ` +
    `${pretests.length} pretest cases (${pretests.filter((p) => !p.pretest).length} refused); model matches markdown-it on every post`,
);

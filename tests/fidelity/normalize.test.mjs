// Unit tests of the comparator: `node --test` in tests/fidelity.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, normalize, compareTrees, serialize, applyRemoval } from "./normalize.mjs";
import { renderHeader, splitFrontMatter, formatDate } from "./reference.mjs";

const diff = (a, b) => compareTrees(normalize(parse(a)), normalize(parse(b)));
const same = (a, b) => assert.equal(diff(a, b), null, `${a}  vs  ${b}`);
const differ = (a, b) => assert.notEqual(diff(a, b), null, `${a}  vs  ${b}`);

test("whitespace collapses and trims at block boundaries, as a browser shows it", () => {
  same("<p>a  b\n c</p>\n<p>d</p>", "<p> a b c </p><p>d</p>");
  same("<p>a<br>\nb</p>", "<p>a <br> b</p>");
  same("<ul>\n<li>x</li>\n</ul>", "<ul><li>x</li></ul>");
  differ("<p>a b</p>", "<p>ab</p>");
  differ("<p><em>a</em> <em>b</em></p>", "<p><em>a</em><em>b</em></p>"); // a visible space
  differ("<p>a\u00a0</p>", "<p>a</p>"); // U+00A0 is not collapsible
});

test("pre keeps its whitespace", () => {
  same("<pre><code>a\n  b\n</code></pre>", "<pre><code>a\n  b\n</code></pre>");
  differ("<pre><code>a\n  b</code></pre>", "<pre><code>a\n b</code></pre>");
});

test("attributes: order and entities do not matter; rel on <a> and data-line are ignored", () => {
  same('<a href="/x" class="c">t</a>', '<a class="c" href="/x" rel="noopener">t</a>');
  same('<p data-line="3" data-line-end="4">x &amp; y</p>', "<p>x &#38; y</p>");
  differ('<a href="/x">t</a>', '<a href="/x/">t</a>');
  differ('<img src="a" alt="">', '<img src="a">');
  differ('<h2 id="a">t</h2>', '<h2 id="b">t</h2>');
});

test("comments are dropped and the text around them merged", () => {
  same("<p>a<!-- x -->b</p>", "<p>ab</p>");
});

test("the report names the first differing path", () => {
  const d = diff("<p>x</p><ul><li>a</li><li><a href='/1'>b</a></li></ul>", "<p>x</p><ul><li>a</li><li><a href='/2'>b</a></li></ul>");
  assert.equal(d.path, "/ul[1]/li[2]/a[1]");
  assert.match(d.what, /attribute href differs/);
  assert.equal(serialize(d.expected), '<a href="/1">b</a>');
});

test("allowlisted removals apply exactly", () => {
  const tree = parse('<p>a<script>x()</script>b</p><p><img src="i" onerror="y()"></p>');
  assert.equal(applyRemoval(tree, "element /p[1]/script[1]"), null);
  assert.equal(applyRemoval(tree, "attribute onerror at /p[2]/img[1]"), null);
  assert.equal(compareTrees(normalize(tree), normalize(parse('<p>ab</p><p><img src="i"></p>'))), null);
  assert.match(applyRemoval(tree, "element /p[3]"), /no element/);
  assert.match(applyRemoval(tree, "attribute onclick at /p[2]/img[1]"), /no attribute/);
  assert.match(applyRemoval(tree, "the script"), /cannot parse/);
});

test("a tag removal keeps the element's content in its place", () => {
  const tree = parse("<p>a<foo>b<em>c</em></foo>d<bar></bar></p>");
  assert.equal(applyRemoval(tree, "tag /p[1]/foo[1]"), null);
  assert.equal(applyRemoval(tree, "tag /p[1]/bar[1]"), null);
  assert.equal(compareTrees(normalize(tree), normalize(parse("<p>ab<em>c</em>d</p>"))), null);
  assert.match(applyRemoval(tree, "tag /p[1]/foo[1]"), /no element/);
  // the kept content is the tree's own: a later removal inside it applies
  const nested = parse("<p><foo><script>x</script></foo></p>");
  assert.equal(applyRemoval(nested, "tag /p[1]/foo[1]"), null);
  assert.equal(applyRemoval(nested, "element /p[1]/script[1]"), null);
  assert.equal(compareTrees(normalize(nested), normalize(parse("<p></p>"))), null);
});

test("a [*] step applies a removal to every element it names", () => {
  const tree = parse('<div><div><noscript>a</noscript><a target="_x">1</a></div><div><noscript>b</noscript><a target="_x">2</a></div></div>');
  assert.equal(applyRemoval(tree, "element /div[1]/div[*]/noscript[*]"), null);
  assert.equal(applyRemoval(tree, "attribute target at /div[*]/div[*]/a[*]"), null);
  assert.equal(compareTrees(normalize(tree), normalize(parse("<div><div><a>1</a></div><div><a>2</a></div></div>"))), null);
  assert.match(applyRemoval(tree, "element /div[*]/noscript[*]"), /no element/);
  assert.match(applyRemoval(parse("<p><a>x</a><a title=t>y</a></p>"), "attribute title at /p[1]/a[*]"), /no attribute title/);
});

test("a declaration removal takes one property out of a style, as the sanitizer writes the rest", () => {
  const tree = parse('<table style="width: 100vw; position: relative; left: 50%;margin-left: -49vw;"></table><p style="position:fixed">p</p>');
  assert.equal(applyRemoval(tree, "declaration position at /table[1]"), null);
  assert.equal(applyRemoval(tree, "declaration left at /table[1]"), null);
  assert.equal(applyRemoval(tree, "declaration position at /p[1]"), null);
  assert.equal(compareTrees(normalize(tree), normalize(parse('<table style="width: 100vw; margin-left: -49vw"></table><p>p</p>'))), null);
  assert.match(applyRemoval(tree, "declaration z-index at /table[1]"), /no declaration z-index/);
  assert.match(applyRemoval(tree, "declaration color at /p[1]"), /no style attribute/);
});

test("reference header", () => {
  const h = renderHeader({
    title: "A & B",
    description: null,
    byline: "",
    date: new Date("2023-09-08T23:30:00Z"),
    tags: ["news", "rust project", "events", "x<y"],
  });
  same(
    h,
    '<h1>A &amp; B</h1><h2></h2><time class="post-date" datetime="2023-09-08">08 Sep 2023</time>' +
      '<div class="post-tags">Tagged: <a href="/tags/rust project/" class="post-tag">rust project</a> <a href="/tags/x&lt;y/" class="post-tag">x&lt;y</a></div>',
  );
  assert.deepEqual(formatDate(new Date("2021-02-08")), ["2021-02-08", "08 Feb 2021"]);
});

test("front matter split like gray-matter", () => {
  assert.deepEqual(splitFrontMatter("---\na: 1\n---\nbody"), { matter: "\na: 1", content: "body" });
  assert.deepEqual(splitFrontMatter("----\na: 1\n---\nx"), { matter: null, content: "----\na: 1\n---\nx" });
  assert.deepEqual(splitFrontMatter("\ufeff---\na: 1\n---\r\nx"), { matter: "\na: 1", content: "x" });
});

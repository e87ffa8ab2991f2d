// Unit tests of the conformance test's input readers: `node --test` in tests/fidelity.
import { test } from "node:test";
import assert from "node:assert/strict";
import { testgenInputs, linkifyInputs, stripFrontMatter, compareIds } from "./inputs.mjs";

test("testgen fixtures: each input between the first two dots, tabs from arrows", () => {
  const text = "desc\n.\na→b\n\nc\n.\n<p>x</p>\n.\n\nother\n.\n.\n<p></p>\n.\n";
  assert.deepEqual(testgenInputs(text, "f.txt"), [
    { id: "f.txt:2", body: "a\tb\n\nc\n" },
    { id: "f.txt:11", body: "" },
  ]);
});

test("linkify fixtures: the first line of each paragraph, comments dropped", () => {
  const text = "%\n% header\n%\nMy http://a.com site\nhttp://a.com\n\nhttp://x.invalid % why\nhttp://x.invalid\n\nfoo.123\n\nq?a=1%3A2\n";
  assert.deepEqual(linkifyInputs(text, "links.txt"), [
    { id: "links.txt:4", body: "My http://a.com site\n" },
    { id: "links.txt:7", body: "http://x.invalid\n" },
    { id: "links.txt:10", body: "foo.123\n" },
    { id: "links.txt:12", body: "q?a=1%3A2\n" },
  ]);
});

test("front matter stripped as the rust-blog corpus writes it", () => {
  assert.equal(stripFrontMatter('+++\npath = "x"\n+++\n\nBody\n'), "\nBody\n");
  assert.equal(stripFrontMatter("---\r\ntitle: x\r\n---\r\nBody\r\n"), "Body\r\n");
  assert.equal(stripFrontMatter("\n---\nlayout: post\n---\nBody"), "Body");
  assert.equal(stripFrontMatter("layout: post\ntitle: t\n  more\n---\nBody"), "Body");
  assert.equal(stripFrontMatter("Just text\n---\nmore"), "Just text\n---\nmore");
  assert.equal(stripFrontMatter("+++\nunclosed"), "+++\nunclosed");
});

test("IDs sort by file, then by line number", () => {
  assert.deepEqual(["f.txt:10", "f.txt:9", "e.txt:100", "toml/a.md"].sort(compareIds), ["e.txt:100", "f.txt:9", "f.txt:10", "toml/a.md"]);
});

//! What a live preview must change to show a new render, given the units it
//! shows: pure, so the DOM patchers (the wasm `LiveBinding`, and the page's
//! worker binding) share one definition of "changed" and it is tested here.
//!
//! Two levels: [`diff`] says which units to replace; [`morph`] says how to
//! turn one replaced unit's nodes into the next in place when only text and
//! attributes changed (a keystroke in a paragraph), so the browser keeps the
//! unit's elements: no parse, no new elements to style, text shaping reused,
//! and an image in the edited paragraph is not reloaded.

use std::cell::RefCell;
use std::ops::Range;

use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult};
use serde::Serialize;

use crate::markdown::Unit;

/// The difference between the units shown and the units of a new render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPatch {
    /// Units kept at the start (the same HTML in the same order).
    pub prefix: usize,
    /// Shown units to remove, starting at index `prefix`.
    pub removed: usize,
    /// The new units to insert in their place (indices into the new units).
    pub inserted: Range<usize>,
    /// Kept units (indices into the new units) whose lines changed: only
    /// their line attributes need updating.
    pub moved: Vec<usize>,
}

/// Compares by HTML only: a unit whose HTML is unchanged keeps its nodes
/// (images are not reloaded, `<details>` stay open), even when it moved.
/// The kept units are the longest common prefix and, after it, the longest
/// common suffix.
pub fn diff(shown: &[Unit], units: &[Unit]) -> UnitPatch {
    let prefix = shown
        .iter()
        .zip(units)
        .take_while(|(a, b)| a.html == b.html)
        .count();
    let suffix = shown[prefix..]
        .iter()
        .rev()
        .zip(units[prefix..].iter().rev())
        .take_while(|(a, b)| a.html == b.html)
        .count();
    let removed = shown.len() - prefix - suffix;
    let inserted = prefix..units.len() - suffix;
    let kept = (0..prefix)
        .map(|i| (i, i))
        .chain((units.len() - suffix..units.len()).map(|i| (i + shown.len() - units.len(), i)));
    let moved = kept
        .filter(|&(old, new)| shown[old].lines != units[new].lines)
        .map(|(_, new)| new)
        .collect();
    UnitPatch {
        prefix,
        removed,
        inserted,
        moved,
    }
}

/// One in-place change to a node of a unit's DOM. `path` finds the node:
/// its index among the unit's top-level nodes, then a child index per
/// level. Each edit also says what the node must hold before, so a patcher
/// checks that the DOM is what this model says before it changes anything,
/// and replaces the unit's nodes instead when it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum NodeEdit {
    /// In the text node at `path`, whose text is `old`, replace `delete`
    /// UTF-16 code units at UTF-16 offset `offset` with `insert`
    /// (`CharacterData.replaceData`).
    Text {
        /// Where the text node is.
        path: Vec<u32>,
        /// The node's whole text before the edit.
        old: String,
        /// Where the replaced range starts, in UTF-16 code units.
        offset: u32,
        /// How long the replaced range is, in UTF-16 code units.
        delete: u32,
        /// The text that replaces it.
        insert: String,
    },
    /// On the element at `path` (tag name `tag`), set attribute `name` to
    /// `value`, or remove it when `value` is `None`. `old` is its value
    /// before (`None`: absent).
    Attribute {
        /// Where the element is.
        path: Vec<u32>,
        /// The element's local name.
        tag: String,
        /// The attribute's name.
        name: String,
        /// Its value before the edit.
        old: Option<String>,
        /// Its value after the edit (`None`: removed).
        value: Option<String>,
    },
}

/// How to turn a unit's nodes into a new unit's in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Morph {
    /// How many top-level nodes the unit has (before and after): a patcher
    /// checks that it shows exactly as many for the unit.
    pub top_level: u32,
    /// The edits, in document order. Empty when the two differ in nothing
    /// a browser keeps (they never do for different units' HTML).
    pub edits: Vec<NodeEdit>,
}

/// The edits that turn the DOM of unit HTML `old` into that of `new` without
/// replacing a node, when both have the same shape: the same elements in the
/// same nesting, and text nodes in the same places. `None` when the shapes
/// differ, or when either holds markup whose DOM this model does not follow
/// (comments, raw-text and foreign elements, stray end tags, anything the
/// tokenizer reports as an error): the unit is then replaced.
///
/// Both are sanitized HTML, which the sanitizer keeps at a fixed point of a
/// browser's parse and serialization (see [`crate::sanitize`]): html5ever's
/// tokenizer, a start tag per element, an end tag per non-void element and a
/// text node per run of characters model the DOM the browser builds. The one
/// tree-builder rule that changes text is followed: a newline right after
/// `<pre>` or `<listing>` is dropped.
pub fn morph(old: &str, new: &str) -> Option<Morph> {
    let a = shape(old)?;
    let b = shape(new)?;
    if a.len() != b.len() {
        return None;
    }
    let mut edits = Vec::new();
    // The path of the current node: one child counter per open element.
    let mut path: Vec<u32> = vec![0];
    for (x, y) in a.into_iter().zip(b) {
        match (x, y) {
            (
                Item::Open { tag, attrs: before },
                Item::Open {
                    tag: t2,
                    attrs: after,
                },
            ) => {
                if tag != t2 {
                    return None;
                }
                for (name, value) in &after {
                    let old = before.iter().find(|(n, _)| n == name).map(|(_, v)| v);
                    if old != Some(value) {
                        edits.push(NodeEdit::Attribute {
                            path: path.clone(),
                            tag: tag.clone(),
                            name: name.clone(),
                            old: old.cloned(),
                            value: Some(value.clone()),
                        });
                    }
                }
                for (name, value) in &before {
                    if !after.iter().any(|(n, _)| n == name) {
                        edits.push(NodeEdit::Attribute {
                            path: path.clone(),
                            tag: tag.clone(),
                            name: name.clone(),
                            old: Some(value.clone()),
                            value: None,
                        });
                    }
                }
                if !is_void(&tag) {
                    path.push(0);
                    continue;
                }
            }
            (Item::Close, Item::Close) => {
                path.pop();
            }
            (Item::Text(before), Item::Text(after)) => {
                if before != after {
                    edits.push(text_edit(path.clone(), before, &after));
                }
            }
            _ => return None,
        }
        *path.last_mut()? += 1;
    }
    Some(Morph {
        top_level: path[0],
        edits,
    })
}

/// The smallest replacement that turns `old` into `new`: their common prefix
/// and suffix stay.
fn text_edit(path: Vec<u32>, old: String, new: &str) -> NodeEdit {
    let prefix: usize = old
        .chars()
        .zip(new.chars())
        .take_while(|(a, b)| a == b)
        .map(|(c, _)| c.len_utf8())
        .sum();
    let suffix: usize = old[prefix..]
        .chars()
        .rev()
        .zip(new[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(c, _)| c.len_utf8())
        .sum();
    let utf16 = |s: &str| s.encode_utf16().count() as u32;
    NodeEdit::Text {
        path,
        offset: utf16(&old[..prefix]),
        delete: utf16(&old[prefix..old.len() - suffix]),
        insert: new[prefix..new.len() - suffix].to_owned(),
        old,
    }
}

/// A node boundary of unit HTML, as the browser's DOM has it.
#[derive(Debug)]
enum Item {
    /// An element's start (a void element has no `Close`).
    Open {
        tag: String,
        attrs: Vec<(String, String)>,
    },
    Close,
    /// A whole text node (adjacent character tokens joined).
    Text(String),
}

/// Elements without an end tag or children.
fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose content the tree builder or the tokenizer treats
/// specially (raw text, foreign content, templates, document structure): a
/// unit holding one is replaced, never morphed.
fn is_special(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
            | "template"
            | "svg"
            | "math"
            | "html"
            | "head"
            | "body"
            | "frameset"
            | "select"
            | "form"
            | "image"
    )
}

/// The items of `html`, or `None` when it holds anything [`morph`] does not
/// model.
fn shape(html: &str) -> Option<Vec<Item>> {
    let sink = ShapeSink::default();
    crate::sanitize::tokenize(html, &sink);
    let ShapeSink { items, state } = sink;
    let (items, state) = (items.into_inner(), state.into_inner());
    (!state.bad && state.open == 0).then_some(items)
}

#[derive(Default)]
struct ShapeSink {
    items: RefCell<Vec<Item>>,
    state: RefCell<ShapeState>,
}

#[derive(Default)]
struct ShapeState {
    /// Open elements.
    open: u32,
    /// Something the model does not follow was seen.
    bad: bool,
    /// The last item opened a `<pre>` or `<listing>`: a newline right after
    /// it is not part of the DOM.
    after_pre: bool,
}

impl TokenSink for ShapeSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        if state.bad {
            return TokenSinkResult::Continue;
        }
        let mut items = self.items.borrow_mut();
        let after_pre = std::mem::take(&mut state.after_pre);
        match token {
            Token::CharacterTokens(text) => {
                let mut text: &str = &text;
                if after_pre {
                    text = text.strip_prefix('\n').unwrap_or(text);
                }
                match items.last_mut() {
                    Some(Item::Text(run)) => run.push_str(text),
                    _ if text.is_empty() => {}
                    _ => items.push(Item::Text(text.to_owned())),
                }
            }
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                let void = is_void(name);
                if is_special(name) || (tag.self_closing && !void) {
                    state.bad = true;
                    return TokenSinkResult::Continue;
                }
                match tag.kind {
                    TagKind::StartTag => {
                        let attrs = tag
                            .attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect();
                        items.push(Item::Open {
                            tag: name.to_owned(),
                            attrs,
                        });
                        if !void {
                            state.open += 1;
                            state.after_pre = matches!(name, "pre" | "listing");
                        }
                    }
                    TagKind::EndTag if !void && state.open > 0 => {
                        state.open -= 1;
                        items.push(Item::Close);
                    }
                    TagKind::EndTag => state.bad = true,
                }
            }
            Token::EOFToken => {}
            Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::NullCharacterToken
            | Token::ParseError(_) => state.bad = true,
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::expect;

    use super::*;

    fn units(spec: &[(&str, u32)]) -> Vec<Unit> {
        spec.iter()
            .map(|&(html, line)| Unit {
                html: Arc::from(html),
                lines: Some((line, line)),
            })
            .collect()
    }

    #[test]
    fn replaces_only_the_changed_middle() {
        let shown = units(&[("a", 1), ("b", 3), ("c", 5)]);
        let new = units(&[("a", 1), ("B", 3), ("c", 5)]);
        assert_eq!(
            diff(&shown, &new),
            UnitPatch {
                prefix: 1,
                removed: 1,
                inserted: 1..2,
                moved: vec![]
            }
        );
    }

    #[test]
    fn units_below_an_insertion_move() {
        let shown = units(&[("a", 1), ("c", 3)]);
        let new = units(&[("a", 1), ("b", 3), ("c", 5)]);
        assert_eq!(
            diff(&shown, &new),
            UnitPatch {
                prefix: 1,
                removed: 0,
                inserted: 1..2,
                moved: vec![2]
            }
        );
    }

    #[test]
    fn repeated_units_are_not_kept_twice() {
        let shown = units(&[("x", 1), ("x", 3)]);
        let new = units(&[("x", 1)]);
        let patch = diff(&shown, &new);
        assert_eq!((patch.prefix, patch.removed, patch.inserted), (1, 1, 1..1));
        assert_eq!(diff(&[], &new).inserted, 0..1);
        assert_eq!(diff(&shown, &[]).removed, 2);
    }

    /// `morph(old, new)`, one line per edit, or `None`.
    fn check_morph(old: &str, new: &str, expect: expect_test::Expect) {
        let actual = match morph(old, new) {
            None => "None".to_owned(),
            Some(m) => {
                let mut out = format!("top_level {}", m.top_level);
                for edit in m.edits {
                    out.push('\n');
                    out.push_str(&match edit {
                        NodeEdit::Text {
                            path,
                            old,
                            offset,
                            delete,
                            insert,
                        } => format!(
                            "text {path:?} {old:?}: at {offset} delete {delete} insert {insert:?}"
                        ),
                        NodeEdit::Attribute {
                            path,
                            tag,
                            name,
                            old,
                            value,
                        } => format!("attr {path:?} <{tag}> {name}: {old:?} -> {value:?}"),
                    });
                }
                out
            }
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn morph_a_keystroke_in_a_paragraph() {
        check_morph(
            "<p>Hello <em>big</em> world</p>\n",
            "<p>Hello <em>big</em> wide world</p>\n",
            expect![[r#"
                top_level 2
                text [0, 2] " world": at 2 delete 0 insert "ide w""#]],
        );
        // Offsets count UTF-16 code units, as the DOM does; entities are decoded.
        check_morph(
            "<p>😀 a&amp;b&nbsp;c</p>",
            "<p>😀 a&lt;b&nbsp;c</p>",
            expect![[r#"
                top_level 1
                text [0, 0] "😀 a&b\u{a0}c": at 4 delete 1 insert "<""#]],
        );
    }

    #[test]
    fn morph_attributes() {
        check_morph(
            r#"<h2 id="a-b">A b</h2><p><a href="x" title="t">l</a><img src="i.png" alt=""></p>"#,
            r#"<h2 id="a-bc">A bc</h2><p><a href="y">l</a><img src="i.png" alt="i"></p>"#,
            expect![[r#"
                top_level 2
                attr [0] <h2> id: Some("a-b") -> Some("a-bc")
                text [0, 0] "A b": at 3 delete 0 insert "c"
                attr [1, 0] <a> href: Some("x") -> Some("y")
                attr [1, 0] <a> title: Some("t") -> None
                attr [1, 1] <img> alt: Some("") -> Some("i")"#]],
        );
    }

    #[test]
    fn morph_needs_the_same_shape() {
        // Typing `*` turns text into an element; a text node appears.
        check_morph("<p>a b</p>", "<p>a <em>b</em></p>", expect!["None"]);
        check_morph("<p>a</p>", "<p></p>", expect!["None"]);
        check_morph("<p>a</p>", "<h1>a</h1>", expect!["None"]);
        check_morph("<p>a</p>\n", "<p>a</p>", expect!["None"]);
        // Void elements have no end tag; what follows is a sibling.
        check_morph(
            "<p>a<br>b</p>",
            "<p>a<br>c</p>",
            expect![[r#"
                top_level 1
                text [0, 2] "b": at 0 delete 1 insert "c""#]],
        );
    }

    #[test]
    fn morph_follows_the_parser_after_pre() {
        // The browser drops a newline right after <pre>: the DOM's text starts at "x".
        check_morph(
            "<pre>\nx\n</pre>",
            "<pre>\ny\n</pre>",
            expect![[r#"
                top_level 1
                text [0, 0] "x\n": at 0 delete 1 insert "y""#]],
        );
        check_morph(
            "<pre><code>fn a() {}\n</code></pre>",
            "<pre><code>fn ab() {}\n</code></pre>",
            expect![[r#"
                top_level 1
                text [0, 0, 0] "fn a() {}\n": at 4 delete 0 insert "b""#]],
        );
    }

    #[test]
    fn morph_declines_what_it_does_not_model() {
        for (old, new) in [
            ("<p>a<!-- c --></p>", "<p>b<!-- c --></p>"),
            ("<p>a</p><script>x</script>", "<p>b</p><script>x</script>"),
            ("<svg><path/></svg><p>a</p>", "<svg><path/></svg><p>b</p>"),
            ("<p>a</p></div>", "<p>b</p></div>"),
            ("<p>a", "<p>b"),
            ("<div/><p>a</p>", "<div/><p>b</p>"),
            ("<textarea>a</textarea>", "<textarea>b</textarea>"),
        ] {
            assert_eq!(morph(old, new), None, "{old} -> {new}");
        }
    }
}

/// The property behind [`morph`]: applied to the DOM of the old HTML (here
/// the tree its items describe), the edits give the DOM of the new HTML.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod morph_properties {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    enum Tree {
        Element(String, Vec<(String, String)>, Vec<Tree>),
        Text(String),
    }

    /// The top-level nodes that `shape(html)` describes.
    fn tree(html: &str) -> Vec<Tree> {
        type Open = (String, Vec<(String, String)>, Vec<Tree>);
        let mut stack: Vec<Open> = vec![(String::new(), vec![], vec![])];
        for item in shape(html).expect("generated HTML is modelled") {
            match item {
                Item::Open { tag, attrs } if is_void(&tag) => stack
                    .last_mut()
                    .unwrap()
                    .2
                    .push(Tree::Element(tag, attrs, vec![])),
                Item::Open { tag, attrs } => stack.push((tag, attrs, vec![])),
                Item::Close => {
                    let (tag, attrs, children) = stack.pop().unwrap();
                    stack
                        .last_mut()
                        .unwrap()
                        .2
                        .push(Tree::Element(tag, attrs, children));
                }
                Item::Text(text) => stack.last_mut().unwrap().2.push(Tree::Text(text)),
            }
        }
        stack.pop().unwrap().2
    }

    fn node<'a>(top: &'a mut [Tree], path: &[u32]) -> &'a mut Tree {
        let mut node = &mut top[path[0] as usize];
        for &i in &path[1..] {
            let Tree::Element(_, _, children) = node else {
                panic!("a path through text")
            };
            node = &mut children[i as usize];
        }
        node
    }

    fn apply(top: &mut [Tree], edit: &NodeEdit) {
        match edit {
            NodeEdit::Text {
                path,
                old,
                offset,
                delete,
                insert,
            } => {
                let Tree::Text(text) = node(top, path) else {
                    panic!("not text")
                };
                assert_eq!(text, old);
                let mut units: Vec<u16> = text.encode_utf16().collect();
                let (at, n) = (*offset as usize, *delete as usize);
                units.splice(at..at + n, insert.encode_utf16());
                *text = String::from_utf16(&units).expect("edits keep surrogate pairs whole");
            }
            NodeEdit::Attribute {
                path,
                tag,
                name,
                old,
                value,
            } => {
                let Tree::Element(t, attrs, _) = node(top, path) else {
                    panic!("not an element")
                };
                assert_eq!(t, tag);
                let at = attrs.iter().position(|(n, _)| n == name);
                assert_eq!(at.map(|i| &attrs[i].1), old.as_ref());
                match (at, value) {
                    (Some(i), Some(v)) => attrs[i].1 = v.clone(),
                    (None, Some(v)) => attrs.push((name.clone(), v.clone())),
                    (Some(i), None) => drop(attrs.remove(i)),
                    (None, None) => panic!("removing an absent attribute"),
                }
            }
        }
    }

    /// Sorted attributes: their order is not part of the DOM's meaning here.
    fn normalized(mut top: Vec<Tree>) -> Vec<Tree> {
        fn walk(t: &mut Tree) {
            if let Tree::Element(_, attrs, children) = t {
                attrs.sort();
                children.iter_mut().for_each(walk);
            }
        }
        top.iter_mut().for_each(walk);
        top
    }

    fn escape(s: &str, attr: bool) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\u{a0}', "&nbsp;")
            .replace('"', if attr { "&quot;" } else { "\"" })
    }

    /// Unit HTML of a given shape (the tags) with the given texts and link URLs.
    fn html(shape: &[u8], texts: &[String], urls: &[String]) -> String {
        let mut out = String::new();
        for (i, &kind) in shape.iter().enumerate() {
            let text = escape(&texts[i % texts.len()], false);
            let alt = escape(&texts[i % texts.len()], true);
            let url = escape(&urls[i % urls.len()], true);
            out.push_str(&match kind % 6 {
                0 => format!("<p>{text}</p>\n"),
                1 => format!("<p><em>{text}</em> {text}<br>{text}</p>\n"),
                2 => format!(
                    "<p><a href=\"{url}\">{text}</a><img src=\"{url}\" alt=\"{alt}\"></p>\n"
                ),
                3 => format!("<pre><code>\n{text}\n</code></pre>\n"),
                4 => format!("<ul>\n<li>{text}</li>\n<li><code>{text}</code></li>\n</ul>\n"),
                _ => format!("<h2 id=\"{url}\">{text}</h2>\n"),
            });
        }
        out
    }

    fn texts() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec("[a-c &<>\"\u{a0}é😀\n]{1,8}", 1..4)
    }

    proptest! {
        #[test]
        fn edits_turn_the_old_dom_into_the_new(
            shape in prop::collection::vec(any::<u8>(), 1..5),
            (t1, t2) in (texts(), texts()),
            (u1, u2) in (prop::collection::vec("[a-c/:&\"]{0,6}", 1..3), prop::collection::vec("[a-c/:&\"]{0,6}", 1..3)),
        ) {
            let (old, new) = (html(&shape, &t1, &u1), html(&shape, &t2, &u2));
            let m = morph(&old, &new).expect("the same shape morphs");
            let mut dom = tree(&old);
            prop_assert_eq!(m.top_level as usize, dom.len());
            for edit in &m.edits {
                apply(&mut dom, edit);
            }
            prop_assert_eq!(normalized(dom), normalized(tree(&new)));
        }

        #[test]
        fn a_different_shape_does_not_morph(
            (a, b) in (prop::collection::vec(any::<u8>(), 1..4), prop::collection::vec(any::<u8>(), 1..4)),
            t in texts(),
        ) {
            let kinds = |s: &[u8]| s.iter().map(|k| k % 6).collect::<Vec<_>>();
            prop_assume!(kinds(&a) != kinds(&b));
            let urls = vec!["u".to_owned()];
            prop_assert_eq!(morph(&html(&a, &t, &urls), &html(&b, &t, &urls)), None);
        }
    }
}

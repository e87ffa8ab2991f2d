//! `LiveBinding`: a `<textarea>` wired to a preview root, rendered at most
//! once per animation frame.
//!
//! The root gets two children, created once (or reused when a previous
//! binding left them there): `<header data-pp="header">` and
//! `<article data-pp="body">`. [`patch`] is the only code that writes them.
//! The textarea is only ever read.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{
    AbortSignal, AddEventListenerOptions, CharacterData, CustomEvent, CustomEventInit, Element,
    HtmlElement, HtmlTemplateElement, HtmlTextAreaElement, Node, NodeList, Window,
};

use super::{console_error_value, init_once, js_error, options_from_js, to_js, Parts};
use crate::markdown::Unit;

/// The attribute on `<header data-pp="header">` while it shows the header of
/// an earlier version (the front matter cannot be read now).
const STALE: &str = "data-pp-stale";
use crate::patch::NodeEdit;
use crate::{Rendered, Renderer};

/// The event dispatched on the root after every render.
const RENDERED_EVENT: &str = "post-preview:rendered";

/// Keeps a preview root in sync with a textarea.
///
/// Keep a reference to it: when the JS object is freed (`free()`, or garbage
/// collected), the binding destroys itself.
#[wasm_bindgen]
pub struct LiveBinding {
    inner: Rc<Inner>,
}

struct Inner {
    window: Window,
    textarea: HtmlTextAreaElement,
    root: HtmlElement,
    view: View,
    signal: Option<AbortSignal>,
    /// Keeps the sanitized units of the previous render: typing re-sanitizes
    /// only the blocks that changed.
    renderer: RefCell<Renderer>,
    shown: RefCell<Shown>,
    /// The last render, its body as units.
    last: RefCell<Option<Rendered>>,
    /// The event detail's parts, converted once per change.
    parts: RefCell<Parts>,
    /// The pending `requestAnimationFrame` id.
    frame: Cell<Option<i32>>,
    fail_next: Cell<bool>,
    destroyed: Cell<bool>,
    /// Both closures hold a `Weak` to their `Inner`: no cycle, and a call
    /// after the binding is gone does nothing.
    on_input: Closure<dyn Fn()>,
    on_frame: Closure<dyn Fn()>,
}

/// The two elements the binding owns inside the root, and how it tags lines.
struct View {
    header: Element,
    body: Element,
    tagger: LineTagger,
}

/// What the view currently shows (`None`: unknown, rebuild).
#[derive(Default)]
struct Shown {
    header: Option<String>,
    /// Whether the header carries `data-pp-stale` (see [`Rendered::header_stale`]).
    ///
    /// [`Rendered::header_stale`]: crate::Rendered::header_stale
    header_stale: bool,
    /// The body's units as shown.
    body: Option<ShownBody>,
}

/// The body's units as shown, with what each put in the DOM.
struct ShownBody {
    units: Vec<Unit>,
    /// How many top-level nodes each unit produced.
    counts: Vec<u32>,
    /// Each unit's first element, which carries its line attributes.
    tagged: Vec<Option<Element>>,
}

#[wasm_bindgen]
impl LiveBinding {
    /// Listens for `input` on `textarea` and renders into `root`. With a
    /// `signal`, aborting it detaches the listener without calling into wasm.
    /// The first render happens on the next animation frame.
    #[wasm_bindgen(constructor)]
    pub fn new(
        textarea: HtmlTextAreaElement,
        root: HtmlElement,
        #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AbortSignal")] signal: Option<AbortSignal>,
    ) -> Result<LiveBinding, JsValue> {
        init_once();
        let options = options_from_js(options)?;
        let window = web_sys::window().ok_or_else(|| js_error("LiveBinding", "no `window`"))?;
        let view = View::attach(&root)?;
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let on_input = {
                let weak = weak.clone();
                Closure::<dyn Fn()>::new(move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.schedule();
                    }
                })
            };
            let on_frame = {
                let weak = weak.clone();
                Closure::<dyn Fn()>::new(move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.frame.set(None);
                        if inner.live() {
                            if let Err(error) = inner.update() {
                                console_error_value(&error);
                            }
                        }
                    }
                })
            };
            Inner {
                window,
                textarea,
                root,
                view,
                signal,
                renderer: RefCell::new(Renderer::new(options)),
                shown: RefCell::default(),
                last: RefCell::new(None),
                parts: RefCell::default(),
                frame: Cell::new(None),
                fail_next: Cell::new(false),
                destroyed: Cell::new(false),
                on_input,
                on_frame,
            }
        });
        let listen = AddEventListenerOptions::new();
        if let Some(signal) = &inner.signal {
            listen.set_signal(signal);
        }
        inner
            .textarea
            .add_event_listener_with_callback_and_add_event_listener_options(
                "input",
                inner.on_input.as_ref().unchecked_ref(),
                &listen,
            )?;
        inner.schedule();
        Ok(LiveBinding { inner })
    }

    /// Renders the textarea's value now, synchronously, and dispatches the
    /// rendered event. Cancels a pending frame.
    pub fn update(&self) -> Result<(), JsValue> {
        if self.inner.destroyed.get() {
            return Err(js_error("LiveBinding.update", "the binding was destroyed"));
        }
        self.inner.cancel_frame();
        self.inner.update()
    }

    /// Replaces the options (throws on a bad object) and re-renders on the
    /// next frame.
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        let options = options_from_js(options)?;
        self.inner.renderer.borrow_mut().set_options(options);
        self.inner.schedule();
        Ok(())
    }

    /// Removes the listener and cancels a pending frame. Idempotent.
    pub fn destroy(&self) {
        self.inner.destroy();
    }

    /// The last rendered `Preview`, or `null` before the first render.
    #[wasm_bindgen(js_name = lastPreview, unchecked_return_type = "Preview | null")]
    pub fn last_preview(&self) -> Result<JsValue, JsValue> {
        match &*self.inner.last.borrow() {
            Some(rendered) => {
                let mut preview = rendered.preview.clone();
                preview.html = rendered.html();
                to_js(&preview)
            }
            None => Ok(JsValue::NULL),
        }
    }

    /// Testing hook: the next update panics inside wasm (a trap in release
    /// builds). Nothing else, and no input text, makes the binding panic.
    #[wasm_bindgen(js_name = failNextUpdate)]
    pub fn fail_next_update(&self) {
        self.inner.fail_next.set(true);
    }
}

impl Drop for LiveBinding {
    fn drop(&mut self) {
        self.inner.destroy();
    }
}

impl Inner {
    /// Neither destroyed nor aborted.
    fn live(&self) -> bool {
        !self.destroyed.get() && !self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }

    /// Requests one animation frame unless one is pending.
    fn schedule(&self) {
        if !self.live() || self.frame.get().is_some() {
            return;
        }
        match self
            .window
            .request_animation_frame(self.on_frame.as_ref().unchecked_ref())
        {
            Ok(id) => self.frame.set(Some(id)),
            Err(error) => console_error_value(&error),
        }
    }

    fn cancel_frame(&self) {
        if let Some(id) = self.frame.take() {
            let _ = self.window.cancel_animation_frame(id);
        }
    }

    fn destroy(&self) {
        if self.destroyed.replace(true) {
            return;
        }
        self.cancel_frame();
        let _ = self
            .textarea
            .remove_event_listener_with_callback("input", self.on_input.as_ref().unchecked_ref());
    }

    /// Render, patch, remember, then dispatch (with no borrow held, so
    /// listeners may call back into the binding).
    fn update(&self) -> Result<(), JsValue> {
        if self.fail_next.replace(false) {
            panic!("failNextUpdate() forced this panic (testing hook)");
        }
        let performance = self.window.performance();
        let now = || {
            performance
                .as_ref()
                .map_or_else(js_sys::Date::now, |p| p.now())
        };
        let start = now();
        let source = self.textarea.value();
        let rendered = self.renderer.borrow_mut().render_live(&source);
        let changed = patch(
            &self.view,
            &mut self.shown.borrow_mut(),
            (&rendered.preview.header_html, rendered.header_stale),
            &rendered.units,
        )?;
        let ms = now() - start;

        // The detail carries everything but the body's HTML (the preview
        // shows it; `lastPreview()` joins it on demand). Parts that did not
        // change are the previous event's objects.
        let detail = Object::new();
        Reflect::set(&detail, &"ms".into(), &ms.into())?;
        Reflect::set(
            &detail,
            &"changed".into(),
            &changed.map_or(JsValue::NULL, Into::into),
        )?;
        Reflect::set(
            &detail,
            &"header_stale".into(),
            &rendered.header_stale.into(),
        )?;
        self.parts
            .borrow_mut()
            .set(&detail, &rendered.preview, true)?;
        *self.last.borrow_mut() = Some(rendered);
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        let event = CustomEvent::new_with_event_init_dict(RENDERED_EVENT, &init)?;
        self.root.dispatch_event(&event)?;
        Ok(())
    }
}

impl View {
    /// Reuses the root's `header[data-pp=header]` and `article[data-pp=body]`
    /// children when both exist; otherwise empties the root and creates them.
    fn attach(root: &HtmlElement) -> Result<View, JsValue> {
        let existing = (
            root.query_selector(":scope > header[data-pp=header]")?,
            root.query_selector(":scope > article[data-pp=body]")?,
        );
        let tagger = LineTagger::new()?;
        if let (Some(header), Some(body)) = existing {
            return Ok(View {
                header,
                body,
                tagger,
            });
        }
        let document = root
            .owner_document()
            .ok_or_else(|| js_error("LiveBinding", "the root element has no document"))?;
        let header = document.create_element("header")?;
        header.set_attribute("data-pp", "header")?;
        let body = document.create_element("article")?;
        body.set_attribute("data-pp", "body")?;
        root.set_inner_html("");
        root.append_child(&header)?;
        root.append_child(&body)?;
        Ok(View {
            header,
            body,
            tagger,
        })
    }
}

/// Writes the preview into the view, touching only what changed: the header
/// when its HTML differs (and its `data-pp-stale` mark when `header`'s
/// staleness changes); in the body, the nodes of the units whose HTML
/// differs from what is shown (the same units at the start and the end are
/// left alone, so their images do not reload and `<details>` keep their
/// state), and the line attributes of kept units that moved. A changed unit
/// that replaces exactly one shown unit of the same shape (a keystroke in a
/// paragraph) is edited in place ([`crate::patch::morph`]) rather than
/// replaced. Returns the first element of the first changed unit (the edited
/// block), if any.
fn patch(
    view: &View,
    shown: &mut Shown,
    (header, stale): (&str, bool),
    units: &[Unit],
) -> Result<Option<Element>, JsValue> {
    if shown.header.as_deref() != Some(header) {
        view.header.set_inner_html(header);
        shown.header = Some(header.to_owned());
    }
    if shown.header_stale != stale || view.header.has_attribute(STALE) != stale {
        view.header.toggle_attribute_with_force(STALE, stale)?;
        shown.header_stale = stale;
    }
    let tagger = &view.tagger;
    let body = &view.body;
    let ShownBody {
        units: mut shown_units,
        mut counts,
        mut tagged,
    } = match shown.body.take() {
        // The DOM is still what we left there: patch it.
        Some(old) if body.child_nodes().length() == old.counts.iter().sum::<u32>() => old,
        _ => {
            body.set_inner_html("");
            ShownBody {
                units: Vec::new(),
                counts: Vec::new(),
                tagged: Vec::new(),
            }
        }
    };
    let diff = crate::patch::diff(&shown_units, units);
    let start: u32 = counts[..diff.prefix].iter().sum();
    // One live list for the whole patch: each `child_nodes()` call makes a new one.
    let nodes = body.child_nodes();
    let mut dom = Dom {
        body,
        nodes: &nodes,
        template: None,
    };
    let mut first_changed = None;
    if diff.removed == diff.inserted.len() {
        // One new unit per shown unit: each is edited in place when it can
        // be, else its nodes are replaced, in place.
        let mut at = start;
        for (k, new) in (diff.prefix..).zip(&units[diff.inserted.clone()]) {
            let morphed = crate::patch::morph(&shown_units[k].html, &new.html)
                .filter(|m| m.top_level == counts[k])
                .map_or(Ok(false), |m| dom.apply(at, &m.edits))?;
            if !morphed {
                dom.remove(at, counts[k])?;
                let (count, first) = dom.insert(at, &new.tagged())?;
                counts[k] = count;
                tagged[k] = first;
            } else if shown_units[k].lines != new.lines {
                tagger.retag(&tagged[k], new.lines)?;
            }
            shown_units[k] = new.clone();
            if first_changed.is_none() {
                first_changed = tagged[k].clone();
            }
            at += counts[k];
        }
    } else {
        let removed: u32 = counts[diff.prefix..diff.prefix + diff.removed].iter().sum();
        dom.remove(start, removed)?;
        let mut inserted = Vec::with_capacity(diff.inserted.len());
        let mut inserted_counts = Vec::with_capacity(diff.inserted.len());
        let mut inserted_tagged = Vec::with_capacity(diff.inserted.len());
        let mut at = start;
        for unit in &units[diff.inserted.clone()] {
            let (count, first) = dom.insert(at, &unit.tagged())?;
            at += count;
            inserted_counts.push(count);
            inserted_tagged.push(first);
            inserted.push(unit.clone());
        }
        first_changed = inserted_tagged.iter().flatten().next().cloned();
        // Kept units stay where they are: only the changed range is replaced.
        let replaced = diff.prefix..diff.prefix + diff.removed;
        shown_units.splice(replaced.clone(), inserted);
        counts.splice(replaced.clone(), inserted_counts);
        tagged.splice(replaced, inserted_tagged);
    }
    // Kept units that moved (lines added or removed above them): re-tag
    // their first element, which the binding kept (no lookup in the DOM).
    for &i in &diff.moved {
        tagger.retag(&tagged[i], units[i].lines)?;
        shown_units[i].lines = units[i].lines;
    }
    shown.body = Some(ShownBody {
        units: shown_units,
        counts,
        tagged,
    });
    Ok(first_changed)
}

/// Sets units' line attributes. A paste near the top of a long post moves
/// every later unit, so this is the patch's hottest DOM call: it calls
/// `Element.prototype.setAttribute` with the two names as JS strings made
/// once and the lines as numbers (which JS turns into the same decimal text),
/// instead of formatting two Rust strings and decoding them in JS per call.
struct LineTagger {
    set_attribute: js_sys::Function,
    line: JsValue,
    line_end: JsValue,
}

impl LineTagger {
    fn new() -> Result<LineTagger, JsValue> {
        let element = Reflect::get(&js_sys::global(), &"Element".into())?;
        let prototype = Reflect::get(&element, &"prototype".into())?;
        let set_attribute = Reflect::get(&prototype, &"setAttribute".into())?
            .dyn_into::<js_sys::Function>()
            .map_err(|_| {
                js_error(
                    "LiveBinding",
                    "Element.prototype.setAttribute is not a function",
                )
            })?;
        Ok(LineTagger {
            set_attribute,
            line: "data-line".into(),
            line_end: "data-line-end".into(),
        })
    }

    /// Sets a unit's line attributes on its first element.
    fn retag(&self, element: &Option<Element>, lines: Option<(u32, u32)>) -> Result<(), JsValue> {
        if let (Some((first, last)), Some(element)) = (lines, element) {
            self.set_attribute
                .call2(element, &self.line, &JsValue::from(first))?;
            self.set_attribute
                .call2(element, &self.line_end, &JsValue::from(last))?;
        }
        Ok(())
    }
}

/// The body's nodes, as one patch changes them.
struct Dom<'a> {
    body: &'a Element,
    /// The body's child nodes (a live list).
    nodes: &'a NodeList,
    /// Parses unit HTML; made on first use.
    template: Option<HtmlTemplateElement>,
}

impl Dom<'_> {
    /// Removes `count` nodes from index `at`.
    fn remove(&self, at: u32, count: u32) -> Result<(), JsValue> {
        for _ in 0..count {
            if let Some(node) = self.nodes.item(at) {
                self.body.remove_child(&node)?;
            }
        }
        Ok(())
    }

    /// Inserts the nodes of (complete, sanitized) unit HTML at index `at`:
    /// parsed inertly in a template, then moved in. Returns how many there
    /// are and the first element.
    fn insert(&mut self, at: u32, html: &str) -> Result<(u32, Option<Element>), JsValue> {
        let template = match &self.template {
            Some(template) => template,
            None => {
                let document = self
                    .body
                    .owner_document()
                    .ok_or_else(|| js_error("LiveBinding", "the preview has no document"))?;
                self.template
                    .insert(document.create_element("template")?.unchecked_into())
            }
        };
        template.set_inner_html(html);
        let fragment = template.content();
        let count = fragment.child_nodes().length();
        let first = fragment.first_element_child();
        self.body
            .insert_before(&fragment, self.nodes.item(at).as_ref())?;
        Ok((count, first))
    }

    /// Applies a unit's in-place edits; its first top-level node is at `at`.
    /// Each edit first checks that its node holds what the edit expects; on
    /// the first that does not, stops and returns `false` (the caller then
    /// replaces the unit's nodes, edited or not).
    fn apply(&self, at: u32, edits: &[NodeEdit]) -> Result<bool, JsValue> {
        for edit in edits {
            match edit {
                NodeEdit::Text {
                    path,
                    old,
                    offset,
                    delete,
                    insert,
                } => {
                    // Node types, not `instanceof` (`dyn_into`): the preview
                    // may live in another realm's document (an iframe's).
                    let Some(text) = self
                        .find(at, path)
                        .filter(|n| n.node_type() == Node::TEXT_NODE)
                        .map(|n| n.unchecked_into::<CharacterData>())
                        .filter(|t| t.data() == *old)
                    else {
                        return Ok(false);
                    };
                    text.replace_data(*offset, *delete, insert)?;
                }
                NodeEdit::Attribute {
                    path,
                    tag,
                    name,
                    old,
                    value,
                } => {
                    let Some(element) = self
                        .find(at, path)
                        .filter(|n| n.node_type() == Node::ELEMENT_NODE)
                        .map(|n| n.unchecked_into::<Element>())
                        .filter(|e| e.local_name() == *tag && e.get_attribute(name) == *old)
                    else {
                        return Ok(false);
                    };
                    match value {
                        Some(value) => element.set_attribute(name, value)?,
                        None => element.remove_attribute(name)?,
                    }
                }
            }
        }
        Ok(true)
    }

    /// The node at `path` below the unit whose first top-level node is at `at`.
    fn find(&self, at: u32, path: &[u32]) -> Option<Node> {
        let (&top, rest) = path.split_first()?;
        let mut node = self.nodes.item(at + top)?;
        for &i in rest {
            node = node.child_nodes().item(i)?;
        }
        Some(node)
    }
}

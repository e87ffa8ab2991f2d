//! The wasm-bindgen binding: converts between JS values and the core, nothing more.
//!
//! - [`render`] / [`render_page`]: one-shot functions over [`crate::render`]
//!   and [`crate::standalone_page`].
//! - [`live::LiveBinding`]: wires a `<textarea>` to a preview root element
//!   (input events, one render per animation frame, minimal DOM patching).
//! - [`worker::WorkerRenderer`]: the same renders in a Web Worker, answered
//!   as patches for the page to apply.
//!
//! Every JS value crosses here: options come in through `serde-wasm-bindgen`
//! ([`options_from_js`]), previews go out as plain JSON-compatible objects
//! ([`to_js`]), and every Rust error becomes a JS `Error` in one place
//! ([`js_error`]). Panics are logged with `console.error` by the hook that
//! [`init_once`] installs; release builds then abort (a wasm trap), and the
//! page recovers by re-instantiating the module.

mod live;
mod worker;

use std::fmt::Display;
use std::sync::Once;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::Options;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options for `render`, `renderPage` and `LiveBinding`. Every key is optional. */
export interface RenderOptions {
    /** Absolute http(s) URL that site-root and relative link/image URLs resolve against. */
    base_url?: string | null;
    /** The earlier name of `profile`: "eleventy" (rust-foundation) or "commonmark". */
    preset?: "eleventy" | "commonmark";
    /**
     * The site profile: a built-in name ("rust-foundation", the default;
     * "rust-blog"; "commonmark"; the alias "eleventy") or a profile's TOML
     * text. A broken profile renders with the default, and its problems are
     * diagnostics with `origin: "profile"`.
     */
    profile?: string | null;
}

export type Severity = "error" | "warning" | "info";

/** One problem, at a 1-based, file-absolute line and column (in Unicode scalar values). */
export interface Diagnostic {
    severity: Severity;
    line: number;
    column: number;
    message: string;
    /** Absent for the post; "profile" when line and column are in the site profile. */
    origin?: "profile";
}

/** A named attachment (`attachments: {name: url}`). */
export interface Attachment {
    name: string;
    url: string;
}

/** The typed front matter. Strings are plain text, never HTML. */
export interface FrontMatter {
    format: "yaml" | "toml" | null;
    title: string | null;
    description: string | null;
    byline: string | null;
    /** RFC 3339, UTC (`2023-09-18T03:00:00Z`). */
    date: string | null;
    tags: string[];
    layout: string | null;
    index: boolean | null;
    draft: boolean | null;
    series: string | null;
    externalurl: string | null;
    attachments: Attachment[];
    /** Every other key, as JSON data. */
    extra: Record<string, unknown>;
}

/** One heading of the outline. */
export interface Heading {
    level: number;
    text: string;
    /** The heading's id in `html` ("" when the preset gives headings no id). */
    id: string;
    /** The 1-based line of the heading in the file. */
    line: number;
}

export interface Stats {
    words: number;
    reading_minutes: number;
}

/** Everything the preview of one post shows. */
export interface Preview {
    front_matter: FrontMatter;
    /** Sanitized header HTML (title, description, byline, date, tags). */
    header_html: string;
    /** Sanitized body HTML. */
    html: string;
    /** Sorted by position. */
    diagnostics: Diagnostic[];
    outline: Heading[];
    stats: Stats;
}

/**
 * `event.detail` of the `post-preview:rendered` event a `LiveBinding` dispatches on its root.
 * Treat it as read-only: a part that did not change since the previous event is the
 * very same object as then (so `===` tells which parts changed).
 */
export interface RenderedDetail {
    /** Milliseconds spent rendering and patching the DOM (`performance.now()` delta). */
    ms: number;
    diagnostics: Diagnostic[];
    outline: Heading[];
    stats: Stats;
    front_matter: FrontMatter;
    /** The first block element the render inserted (the edited block), or null. */
    changed: Element | null;
    /**
     * Whether the header shown is an earlier version's: the front matter cannot be
     * read now (its error is in `diagnostics`). The header element then carries
     * `data-pp-stale`.
     */
    header_stale: boolean;
}

/** In-place edits of one shown unit's nodes (see `patch::morph`). */
export interface UnitMorph {
    /** How many top-level nodes the unit has. */
    top_level: number;
    /** The unit's lines after the edit, for its first element (null: no element to tag). */
    lines: [number, number] | null;
    edits: NodeEdit[];
}

/** One in-place edit; `path` is the top-level node's index, then a child index per level. */
export type NodeEdit =
    | { kind: "text"; path: number[]; old: string; offset: number; delete: number; insert: string }
    | { kind: "attribute"; path: number[]; tag: string; name: string; old: string | null; value: string | null };

/** What `WorkerRenderer.render` answers: the patch from what the page shows to the new render. */
export interface WorkerPatch {
    /** The header's sanitized HTML, or null when it did not change. */
    header: string | null;
    /** Whether the header is an earlier version's (the front matter cannot be read now). */
    header_stale: boolean;
    /** Whether the page must empty the body first (the first answer, or after `reset()`). */
    reset: boolean;
    /** Remove `remove` units starting at unit `start`, and insert `insert` there. */
    start: number;
    remove: number;
    /** Sanitized HTML of each unit to insert, its first element tagged with its lines. */
    insert: string[];
    /** `[unit, first line, last line, …]`: kept units to re-tag (indices after the patch). */
    moved: Uint32Array;
    /**
     * When each inserted unit replaces one removed unit (`insert.length === remove`):
     * per pair, how to edit the shown unit's nodes in place instead, or null
     * when it must be replaced. The page may apply these and skip `insert`
     * when every pair has them and every edit's check passes.
     */
    morph: (UnitMorph | null)[] | null;
    /** How many units the body has after the patch. */
    units: number;
    /** These four are null when they did not change since the previous answer (never after a reset). */
    diagnostics: Diagnostic[] | null;
    outline: Heading[] | null;
    stats: Stats | null;
    front_matter: FrontMatter | null;
}
"#;

/// Renders a post to a plain object (see the `Preview` TypeScript interface).
///
/// Throws an `Error` only for a bad `options` object, never for the text.
#[wasm_bindgen(js_name = render, unchecked_return_type = "Preview")]
pub fn render(
    source: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    init_once();
    let options = options_from_js(options)?;
    to_js(&crate::render(source, &options))
}

/// Renders a post as a standalone HTML page (the "Export HTML" file).
///
/// Throws an `Error` only for a bad `options` object, never for the text.
#[wasm_bindgen(js_name = renderPage)]
pub fn render_page(
    source: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions")] options: JsValue,
) -> Result<String, JsValue> {
    init_once();
    let options = options_from_js(options)?;
    Ok(crate::standalone_page(&crate::render(source, &options)))
}

/// Installs the panic hook; cheap after the first call. Every export calls it.
pub(crate) fn init_once() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error(&format!("post-preview: wasm panicked: {info}"));
        }));
    });
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error_value(value: &JsValue);
}

/// `undefined`/`null` mean the defaults; anything else must deserialize into
/// [`Options`]. It goes through a `serde_json::Value` because
/// `serde-wasm-bindgen` reads only the known keys of an object, so
/// `deny_unknown_fields` would never see a misspelt `baseUrl`.
pub(crate) fn options_from_js(value: JsValue) -> Result<Options, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    let invalid = |e: &dyn Display| js_error("invalid options", e);
    let json: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(|e| invalid(&e))?;
    serde_json::from_value(json).map_err(|e| invalid(&e))
}

/// Serializes to plain JSON-compatible JS values (objects, not `Map`s; `null`,
/// not `undefined`). Front matter can hold integers beyond 2^53, which
/// `serde-wasm-bindgen` refuses; those previews go through JSON text instead,
/// so they come out exactly as `JSON.parse` would give them.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .or_else(|_| {
            let json = serde_json::to_string(value).map_err(|e| js_error("serializing", e))?;
            js_sys::JSON::parse(&json)
        })
}

/// A value's JS conversion, kept while the value does not change: a keystroke
/// in the body changes neither the front matter nor (mostly) the outline,
/// and converting a long post's outline and diagnostics on every keystroke
/// costs more than rendering the keystroke.
pub(crate) struct Converted<T> {
    last: Option<(T, JsValue)>,
}

impl<T> Default for Converted<T> {
    fn default() -> Self {
        Converted { last: None }
    }
}

impl<T: Serialize + PartialEq + Clone> Converted<T> {
    /// `value` as JS, and whether it differs from the previous call's (when
    /// it does not, this is the same JS object as then).
    pub(crate) fn get(&mut self, value: &T) -> Result<(JsValue, bool), JsValue> {
        if let Some((last, js)) = &self.last {
            if last == value {
                return Ok((js.clone(), false));
            }
        }
        let js = to_js(value)?;
        self.last = Some((value.clone(), js.clone()));
        Ok((js, true))
    }

    /// Forgets the last value: the next `get` converts.
    pub(crate) fn clear(&mut self) {
        self.last = None;
    }
}

/// The rendered event's parts besides the body, each converted once per change.
#[derive(Default)]
pub(crate) struct Parts {
    diagnostics: Converted<Vec<crate::Diagnostic>>,
    outline: Converted<Vec<crate::Heading>>,
    stats: Converted<crate::Stats>,
    front_matter: Converted<crate::FrontMatter>,
}

impl Parts {
    /// Sets `diagnostics`, `outline`, `stats` and `front_matter` on `object`:
    /// every one when `all`, else only those that changed (the others are
    /// set to `null`, meaning "as in the previous answer").
    pub(crate) fn set(
        &mut self,
        object: &js_sys::Object,
        preview: &crate::Preview,
        all: bool,
    ) -> Result<(), JsValue> {
        let set = |key: &str, (js, changed): (JsValue, bool)| {
            let js = if changed || all { js } else { JsValue::NULL };
            js_sys::Reflect::set(object, &JsValue::from_str(key), &js).map(drop)
        };
        set("diagnostics", self.diagnostics.get(&preview.diagnostics)?)?;
        set("outline", self.outline.get(&preview.outline)?)?;
        set("stats", self.stats.get(&preview.stats)?)?;
        set(
            "front_matter",
            self.front_matter.get(&preview.front_matter)?,
        )?;
        Ok(())
    }

    /// Forgets every part: the next `set` converts them all.
    pub(crate) fn clear(&mut self) {
        self.diagnostics.clear();
        self.outline.clear();
        self.stats.clear();
        self.front_matter.clear();
    }
}

/// The one conversion of a Rust error into a JS `Error`.
pub(crate) fn js_error(context: &str, error: impl Display) -> JsValue {
    // serde-wasm-bindgen errors display as `String(jsError)`: drop the "Error: ".
    let message = error.to_string();
    let message = message.strip_prefix("Error: ").unwrap_or(&message);
    js_sys::Error::new(&format!("post-preview: {context}: {message}")).into()
}

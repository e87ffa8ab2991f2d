//! Browser tests of the JS API exactly as it ships: they load `www/pkg`
//! (`cargo xtask build`: release, `panic = "abort"`) into a second wasm
//! instance next to the test's own, and drive it through its JS exports.
//! So the exported names, the object shapes and the trap on panic are all
//! tested, and a trap in the binding cannot kill the test harness.
//!
//! Run with `cargo xtask test` (which builds `www/pkg` first), or by hand:
//! `cargo xtask build`, then
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_binding`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The shipped module, passed to `initSync` (the test server does not serve `www/`).
static PKG_WASM: &[u8] = include_bytes!("../www/pkg/post_preview_bg.wasm");

#[wasm_bindgen(module = "/www/pkg/post_preview.js")]
extern "C" {
    #[wasm_bindgen(js_name = initSync)]
    fn init_sync(options: &JsValue) -> JsValue;

    #[wasm_bindgen(catch, js_name = render)]
    fn pp_render(source: &str, options: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = renderPage)]
    fn pp_render_page(source: &str, options: &JsValue) -> Result<String, JsValue>;

    type LiveBinding;

    #[wasm_bindgen(constructor, catch)]
    fn new(
        textarea: &HtmlTextAreaElement,
        root: &HtmlElement,
        options: &JsValue,
        signal: &JsValue,
    ) -> Result<LiveBinding, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn update(this: &LiveBinding) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = setOptions)]
    fn set_options(this: &LiveBinding, options: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn destroy(this: &LiveBinding);

    #[wasm_bindgen(method, js_name = lastPreview)]
    fn last_preview(this: &LiveBinding) -> JsValue;

    #[wasm_bindgen(method, js_name = failNextUpdate)]
    fn fail_next_update(this: &LiveBinding);
}

#[wasm_bindgen(inline_js = r#"
export function nextFrame() {
    return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}
export function collect(target, name) {
    const events = [];
    target.addEventListener(name, (event) => events.push(event));
    return events;
}
export function input(textarea, value) {
    textarea.value = value;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
}
export function observe(node) {
    const seen = { count: 0 };
    const observer = new MutationObserver((records) => { seen.count += records.length; });
    observer.observe(node, { childList: true, subtree: true, characterData: true, attributes: true });
    seen.observer = observer;
    return seen;
}
export function mutations(seen) {
    return seen.count + seen.observer.takeRecords().length;
}
export async function freshPackage(bytes) {
    // The module snippet sits next to this inline one; a query string makes a
    // new module instance, hence a new wasm instance.
    const url = new URL("./www/pkg/post_preview.js", import.meta.url);
    url.search = "?fresh=" + Math.random();
    const pkg = await import(url.href);
    pkg.initSync({ module: bytes });
    return pkg;
}
export function isPlainObject(value) {
    return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}
export function sortedKeys(value) {
    return Object.keys(value).sort().join(",");
}
export function spyConsoleError() {
    const calls = [];
    const original = console.error;
    console.error = (...args) => calls.push(args.map(String).join(" "));
    return { calls, restore() { console.error = original; } };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = nextFrame)]
    fn next_frame_promise() -> js_sys::Promise;
    fn collect(target: &Element, name: &str) -> Array;
    fn input(textarea: &HtmlTextAreaElement, value: &str);
    fn observe(node: &Element) -> JsValue;
    fn mutations(observer: &JsValue) -> u32;
    #[wasm_bindgen(js_name = isPlainObject)]
    fn is_plain_object(value: &JsValue) -> bool;
    #[wasm_bindgen(js_name = sortedKeys)]
    fn sorted_keys(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = spyConsoleError)]
    fn spy_console_error() -> JsValue;
    #[wasm_bindgen(js_name = freshPackage)]
    fn fresh_package(bytes: &js_sys::Uint8Array) -> js_sys::Promise;
}

const POST: &str = "---\n\
title: Hello\n\
tags: [a, b]\n\
custom: {nested: 1}\n\
---\n\
# Heading\n\
\n\
<script>alert(1)</script>\n\
\n\
Some text.\n";

/// The line of `<script>` in [`POST`].
const SCRIPT_LINE: f64 = 8.0;

fn init() {
    let bytes = js_sys::Uint8Array::from(PKG_WASM);
    let options = Object::new();
    Reflect::set(&options, &"module".into(), &bytes).unwrap();
    init_sync(&options);
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), &(*value).into()).unwrap();
    }
    object.into()
}

async fn next_frame() {
    JsFuture::from(next_frame_promise()).await.unwrap();
}

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh textarea holding `value` and a fresh root, both in the document.
fn fixture(value: &str) -> (HtmlTextAreaElement, HtmlElement) {
    let document = document();
    let body = document.body().unwrap();
    let textarea: HtmlTextAreaElement = document
        .create_element("textarea")
        .unwrap()
        .unchecked_into();
    textarea.set_value(value);
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    body.append_child(&textarea).unwrap();
    body.append_child(&root).unwrap();
    (textarea, root)
}

fn child(root: &HtmlElement, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no `{selector}` in the root: {}", root.inner_html()))
}

fn error_message(error: &JsValue) -> String {
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "not an Error: {error:?}"
    );
    String::from(error.unchecked_ref::<js_sys::Error>().message())
}

#[wasm_bindgen_test]
fn render_returns_plain_json_objects() {
    init();
    let preview = pp_render(POST, &JsValue::UNDEFINED).unwrap();
    assert!(is_plain_object(&preview));
    assert_eq!(
        sorted_keys(&preview),
        "diagnostics,front_matter,header_html,html,outline,stats"
    );

    let front_matter = get(&preview, "front_matter");
    assert!(is_plain_object(&front_matter));
    assert_eq!(
        sorted_keys(&front_matter),
        "attachments,byline,date,description,draft,externalurl,extra,format,index,layout,series,tags,title"
    );
    assert_eq!(get(&front_matter, "title"), "Hello");
    assert_eq!(get(&front_matter, "format"), "yaml");
    assert!(
        get(&front_matter, "description").is_null(),
        "missing is null, not undefined"
    );
    assert!(Array::is_array(&get(&front_matter, "tags")));
    let extra = get(&front_matter, "extra");
    assert!(is_plain_object(&extra), "maps are plain objects, not Map");
    assert!(is_plain_object(&get(&extra, "custom")));
    assert_eq!(get(&get(&extra, "custom"), "nested"), 1.0);

    let diagnostics = get(&preview, "diagnostics");
    assert!(Array::is_array(&diagnostics));
    let diagnostics: Array = diagnostics.unchecked_into();
    assert!(diagnostics.length() > 0, "the <script> must be reported");
    for diagnostic in diagnostics.iter() {
        assert!(is_plain_object(&diagnostic));
        assert_eq!(sorted_keys(&diagnostic), "column,line,message,severity");
        let severity = get(&diagnostic, "severity").as_string().unwrap();
        assert!(["error", "warning", "info"].contains(&severity.as_str()));
        assert!(get(&diagnostic, "line").as_f64().unwrap() >= 1.0);
        assert!(get(&diagnostic, "column").as_f64().unwrap() >= 1.0);
        assert!(get(&diagnostic, "message").is_string());
    }
    assert!(
        diagnostics.iter().any(|d| get(&d, "line") == SCRIPT_LINE),
        "no diagnostic at the <script> line"
    );

    let outline: Array = get(&preview, "outline").unchecked_into();
    assert_eq!(outline.length(), 1);
    assert_eq!(sorted_keys(&outline.get(0)), "id,level,line,text");
    assert_eq!(get(&outline.get(0), "text"), "Heading");
    let stats = get(&preview, "stats");
    assert_eq!(sorted_keys(&stats), "reading_minutes,words");
    assert!(get(&stats, "words").as_f64().unwrap() >= 2.0);
    let html = get(&preview, "html").as_string().unwrap();
    assert!(html.contains("Some text."));
    assert!(!html.contains("<script"));
    assert!(get(&preview, "header_html")
        .as_string()
        .unwrap()
        .contains("Hello"));
}

#[wasm_bindgen_test]
fn render_accepts_integers_beyond_2_pow_53() {
    init();
    let preview = pp_render("---\nhuge: 18446744073709551615\n---\nx\n", &JsValue::NULL).unwrap();
    let huge = get(&get(&get(&preview, "front_matter"), "extra"), "huge");
    assert_eq!(huge.as_f64(), Some(18446744073709551615_u64 as f64));
    assert!(is_plain_object(&get(&preview, "stats")));
}

#[wasm_bindgen_test]
fn render_validates_options() {
    init();
    for ok in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        Object::new().into(),
        options(&[
            ("preset", "commonmark"),
            ("base_url", "https://example.org"),
        ]),
    ] {
        pp_render("# x", &ok).unwrap();
    }
    let commonmark = pp_render("# x", &options(&[("preset", "commonmark")])).unwrap();
    let outline: Array = get(&commonmark, "outline").unchecked_into();
    assert_eq!(
        get(&outline.get(0), "id"),
        "",
        "commonmark headings have no id"
    );

    let error = pp_render("# x", &options(&[("preset", "nope")])).unwrap_err();
    let message = error_message(&error);
    assert!(
        message.starts_with("post-preview: invalid options: "),
        "{message}"
    );
    assert!(message.contains("nope"), "{message}");
    let message = error_message(&pp_render("x", &options(&[("baseUrl", "x")])).unwrap_err());
    assert!(message.contains("unknown field `baseUrl`"), "{message}");
    let message = error_message(&pp_render("x", &"eleventy".into()).unwrap_err());
    assert!(message.contains("invalid options"), "{message}");
}

#[wasm_bindgen_test]
fn render_page_is_a_standalone_document() {
    init();
    let page = pp_render_page(POST, &JsValue::UNDEFINED).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("Some text."));
    assert!(pp_render_page("x", &options(&[("preset", "nope")])).is_err());
}

#[wasm_bindgen_test]
async fn live_binding_renders_once_per_frame_and_dispatches() {
    init();
    let (textarea, root) = fixture("# First");
    let events = collect(&root, "post-preview:rendered");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    assert!(binding.last_preview().is_null());
    next_frame().await;

    // The root holds exactly the two children the binding created.
    assert_eq!(root.child_element_count(), 2);
    let header = child(&root, ":scope > header[data-pp=header]");
    let body = child(&root, ":scope > article[data-pp=body]");
    assert!(body.inner_html().contains("First"));
    assert_eq!(
        events.length(),
        1,
        "the first render happens on the first frame"
    );

    // Three inputs in one frame: one render, after the frame.
    let value = "---\ntitle: T\n---\n# Second\n\n<script>x</script>\n";
    input(&textarea, "# a");
    input(&textarea, "# b");
    input(&textarea, value);
    assert!(
        body.inner_html().contains("First"),
        "nothing renders before the frame"
    );
    next_frame().await;
    assert!(body.inner_html().contains("Second"));
    assert!(header.inner_html().contains('T'));
    assert_eq!(events.length(), 2);

    let event: web_sys::CustomEvent = events.get(1).unchecked_into();
    assert!(event.bubbles() && event.composed());
    assert_eq!(
        event.target().map(JsValue::from),
        Some(JsValue::from(&root))
    );
    let detail = event.detail();
    assert_eq!(
        sorted_keys(&detail),
        "changed,diagnostics,front_matter,header_stale,ms,outline,stats"
    );
    assert!(get(&detail, "ms").as_f64().unwrap() >= 0.0);
    assert_eq!(get(&detail, "header_stale"), JsValue::FALSE);
    // The block the render replaced ("Second"), for scroll sync to reveal.
    let changed: web_sys::Element = get(&detail, "changed").unchecked_into();
    assert!(changed
        .text_content()
        .unwrap_or_default()
        .contains("Second"));
    let diagnostics: Array = get(&detail, "diagnostics").unchecked_into();
    assert!(diagnostics.length() > 0);
    assert_eq!(get(&get(&detail, "front_matter"), "title"), "T");

    let last = binding.last_preview();
    assert!(is_plain_object(&last));
    assert!(get(&last, "html").as_string().unwrap().contains("Second"));
    assert_eq!(textarea.value(), value, "the textarea is never written");
    binding.destroy();
}

#[wasm_bindgen_test]
async fn live_binding_keeps_a_stale_header_marked() {
    init();
    let (textarea, root) = fixture("---\ntitle: Kept\n---\nbody\n");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    binding.update().unwrap();
    let header = child(&root, ":scope > header[data-pp=header]");
    assert!(!header.has_attribute("data-pp-stale"));
    // An opened quote: the front matter cannot be read.
    input(&textarea, "---\ntitle: \"Kept\n---\nbody\n");
    next_frame().await;
    assert!(header.inner_html().contains("Kept"), "the header stays");
    assert!(header.has_attribute("data-pp-stale"), "marked out of date");
    input(&textarea, "---\ntitle: \"Kept, again\"\n---\nbody\n");
    next_frame().await;
    assert!(header.inner_html().contains("Kept, again"));
    assert!(!header.has_attribute("data-pp-stale"));
    binding.destroy();
}

#[wasm_bindgen_test]
async fn live_binding_patches_only_what_changed() {
    init();
    let (textarea, root) = fixture("---\ntitle: Same\n---\nbody one\n");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    binding.update().unwrap();
    let header = child(&root, ":scope > header[data-pp=header]");
    let body = child(&root, ":scope > article[data-pp=body]");
    let header_mutations = observe(&header);
    let body_mutations = observe(&body);

    input(&textarea, "---\ntitle: Same\n---\nbody two\n");
    next_frame().await;
    assert!(body.inner_html().contains("body two"));
    assert_eq!(
        mutations(&header_mutations),
        0,
        "an unchanged header is not rewritten"
    );
    assert!(mutations(&body_mutations) > 0);

    // A new binding on the same root reuses its children (re-instantiation after a trap).
    binding.destroy();
    let again =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    again.update().unwrap();
    assert_eq!(root.child_element_count(), 2);
    assert!(root.contains(Some(&header)) && root.contains(Some(&body)));
    again.destroy();
}

/// Parts of the detail that did not change are the previous event's very
/// objects (nothing converted again); parts that changed are new ones.
#[wasm_bindgen_test]
fn unchanged_detail_parts_keep_their_identity() {
    init();
    let (textarea, root) = fixture("---\ntitle: T\n---\n# One\n\nWords here.\n");
    let events = collect(&root, "post-preview:rendered");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    binding.update().unwrap();
    textarea.set_value("---\ntitle: T\n---\n# One\n\nWords here, more words.\n");
    binding.update().unwrap();
    textarea.set_value("---\ntitle: U\n---\n# One\n\nWords here, more words.\n");
    binding.update().unwrap();
    let detail = |i: u32| get(&events.get(i), "detail");
    let same = |i: u32, j: u32, key: &str| Object::is(&get(&detail(i), key), &get(&detail(j), key));
    assert!(
        same(0, 1, "front_matter"),
        "the front matter did not change"
    );
    assert!(same(0, 1, "outline"), "the outline did not change");
    assert!(!same(0, 1, "stats"), "the word count changed");
    assert!(!same(1, 2, "front_matter"), "the title changed");
    assert_eq!(
        get(&get(&detail(2), "front_matter"), "title")
            .as_string()
            .as_deref(),
        Some("U")
    );
    binding.destroy();
}

#[wasm_bindgen_test]
fn live_binding_update_is_synchronous() {
    init();
    let (textarea, root) = fixture("# Now");
    let events = collect(&root, "post-preview:rendered");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    binding.update().unwrap();
    assert_eq!(events.length(), 1);
    assert!(child(&root, "[data-pp=body]").inner_html().contains("Now"));
    binding.destroy();
    let message = error_message(&binding.update().unwrap_err());
    assert!(message.contains("destroyed"), "{message}");
}

#[wasm_bindgen_test]
async fn live_binding_set_options_rerenders() {
    init();
    let (textarea, root) = fixture("# Title");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    binding.update().unwrap();
    assert!(child(&root, "[data-pp=body] h1").id() != "");
    binding
        .set_options(&options(&[("preset", "commonmark")]))
        .unwrap();
    next_frame().await;
    assert_eq!(child(&root, "[data-pp=body] h1").id(), "");
    let error = binding
        .set_options(&options(&[("preset", "nope")]))
        .unwrap_err();
    assert!(error_message(&error).contains("invalid options"));
    assert!(LiveBinding::new(
        &textarea,
        &root,
        &options(&[("x", "y")]),
        &JsValue::UNDEFINED
    )
    .is_err());
    binding.destroy();
}

#[wasm_bindgen_test]
async fn live_binding_abort_signal_detaches() {
    init();
    let (textarea, root) = fixture("# Before");
    let controller = web_sys::AbortController::new().unwrap();
    let events = collect(&root, "post-preview:rendered");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &controller.signal()).unwrap();
    next_frame().await;
    assert_eq!(events.length(), 1);

    // Aborting with a frame pending: neither the frame nor later input renders.
    input(&textarea, "# Pending");
    controller.abort();
    next_frame().await;
    input(&textarea, "# After");
    next_frame().await;
    assert_eq!(events.length(), 1);
    assert!(child(&root, "[data-pp=body]")
        .inner_html()
        .contains("Before"));
    assert_eq!(textarea.value(), "# After");
    drop(binding);
}

#[wasm_bindgen_test]
async fn live_binding_destroy_detaches_and_cancels_the_frame() {
    init();
    let (textarea, root) = fixture("# Before");
    let events = collect(&root, "post-preview:rendered");
    let binding =
        LiveBinding::new(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED).unwrap();
    binding.update().unwrap();
    input(&textarea, "# Pending");
    binding.destroy();
    binding.destroy();
    next_frame().await;
    input(&textarea, "# After");
    next_frame().await;
    assert_eq!(events.length(), 1);
    assert!(child(&root, "[data-pp=body]")
        .inner_html()
        .contains("Before"));
}

/// The trap gets its own module instance: async tests run interleaved, and
/// the shared instance must stay healthy for them.
#[wasm_bindgen_test]
async fn fail_next_update_traps_and_logs() {
    let pkg = JsFuture::from(fresh_package(&js_sys::Uint8Array::from(PKG_WASM)))
        .await
        .unwrap();
    let (textarea, root) = fixture("# Fine");
    let class: js_sys::Function = get(&pkg, "LiveBinding").unchecked_into();
    let args = Array::of4(&textarea, &root, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    let binding = Reflect::construct(&class, &args).unwrap();
    let call = |name: &str| {
        let method: js_sys::Function = get(&binding, name).unchecked_into();
        method.call0(&binding)
    };
    call("update").unwrap();
    let spy = spy_console_error();
    call("failNextUpdate").unwrap();
    let error = call("update").unwrap_err();
    js_sys::Function::from(get(&spy, "restore"))
        .call0(&spy)
        .unwrap();
    assert!(
        error.is_instance_of::<js_sys::WebAssembly::RuntimeError>(),
        "{error:?}"
    );
    let logged: Array = get(&spy, "calls").unchecked_into();
    let logged = String::from(logged.join("\n"));
    assert!(logged.contains("post-preview: wasm panicked"), "{logged}");
    assert!(
        logged.contains("failNextUpdate() forced this panic"),
        "{logged}"
    );
    assert_eq!(textarea.value(), "# Fine");
}

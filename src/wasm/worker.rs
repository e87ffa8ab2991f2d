//! `WorkerRenderer`: the core for a Web Worker, which has no DOM. It renders
//! and answers with what the page must change ([`crate::patch::diff`] against
//! what it last answered), so the page's main thread only applies a patch
//! the size of the edit (`www/render-worker.js`, `WorkerBinding` in
//! `www/post-preview.js`).

use js_sys::{Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

use super::{init_once, options_from_js, to_js, Parts};
use crate::markdown::Unit;
use crate::Renderer;

/// A `UnitMorph` of the `WorkerPatch`: the in-place edits and the unit's new lines.
#[derive(serde::Serialize)]
struct UnitMorph {
    #[serde(flatten)]
    morph: crate::patch::Morph,
    lines: Option<(u32, u32)>,
}

/// Renders successive versions of one post into patches for a preview that
/// shows the previous answer.
#[wasm_bindgen]
pub struct WorkerRenderer {
    renderer: Renderer,
    /// The units and header of the last answer: what the page shows.
    shown: Vec<Unit>,
    header: Option<String>,
    /// The last answer's diagnostics, outline, stats and front matter.
    parts: Parts,
    fail_next: bool,
}

#[wasm_bindgen]
impl WorkerRenderer {
    /// A renderer with `options` (throws on a bad object).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions")] options: JsValue,
    ) -> Result<WorkerRenderer, JsValue> {
        init_once();
        Ok(WorkerRenderer {
            renderer: Renderer::new(options_from_js(options)?),
            shown: Vec::new(),
            header: None,
            parts: Parts::default(),
            fail_next: false,
        })
    }

    /// Replaces the options (throws on a bad object).
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        self.renderer.set_options(options_from_js(options)?);
        Ok(())
    }

    /// Testing hook: the next render panics inside wasm (a trap in release
    /// builds). Nothing else, and no input text, makes it panic.
    #[wasm_bindgen(js_name = failNextRender)]
    pub fn fail_next_render(&mut self) {
        self.fail_next = true;
    }

    /// Forgets what the page shows: the next answer replaces everything.
    pub fn reset(&mut self) {
        self.shown.clear();
        self.header = None;
        self.parts.clear();
    }

    /// Renders `source` and answers with a `WorkerPatch`: `header` (the
    /// header's HTML, or `null` when unchanged), `header_stale` (whether it is
    /// an earlier version's, see [`crate::Rendered::header_stale`]), `start` and `remove` (the
    /// shown units to remove), `insert` (the tagged HTML of the units to
    /// insert there), `moved` (flat `[unit, first line, last line, …]` of kept
    /// units to re-tag, indices after the patch), `units` (how many there are
    /// then), `reset` (whether the page must clear the body first), and the
    /// preview's `diagnostics`, `outline`, `stats` and `front_matter`, each
    /// `null` when it did not change since the previous answer (all four are
    /// there in the first answer and after `reset()`).
    #[wasm_bindgen(unchecked_return_type = "WorkerPatch")]
    pub fn render(&mut self, source: &str) -> Result<JsValue, JsValue> {
        if std::mem::take(&mut self.fail_next) {
            panic!("failNextRender() forced this panic (testing hook)");
        }
        let reset = self.shown.is_empty() && self.header.is_none();
        let rendered = self.renderer.render_live(source);
        let diff = crate::patch::diff(&self.shown, &rendered.units);
        let out = Object::new();
        let set = |key: &str, value: &JsValue| Reflect::set(&out, &JsValue::from_str(key), value);
        let header = &rendered.preview.header_html;
        if self.header.as_deref() == Some(header.as_str()) {
            set("header", &JsValue::NULL)?;
        } else {
            set("header", &JsValue::from_str(header))?;
            self.header = Some(header.clone());
        }
        set("header_stale", &rendered.header_stale.into())?;
        set("reset", &reset.into())?;
        set("start", &(diff.prefix as u32).into())?;
        set("remove", &(diff.removed as u32).into())?;
        let insert: Array = rendered.units[diff.inserted.clone()]
            .iter()
            .map(|u| JsValue::from_str(&u.tagged()))
            .collect();
        set("insert", &insert)?;
        let mut moved = Vec::with_capacity(diff.moved.len() * 3);
        for &i in &diff.moved {
            let (first, last) = rendered.units[i].lines.unwrap_or((0, 0));
            moved.extend([i as u32, first, last]);
        }
        set("moved", &Uint32Array::from(&moved[..]))?;
        // One new unit per shown unit: how to edit each in place, if it can be.
        let morph = if diff.removed == diff.inserted.len() && diff.removed > 0 {
            let pairs = self.shown[diff.prefix..]
                .iter()
                .zip(&rendered.units[diff.inserted.clone()]);
            let morphs: Array = pairs
                .map(
                    |(old, new)| match crate::patch::morph(&old.html, &new.html) {
                        Some(morph) => to_js(&UnitMorph {
                            morph,
                            lines: new.lines,
                        }),
                        None => Ok(JsValue::NULL),
                    },
                )
                .collect::<Result<_, _>>()?;
            morphs.into()
        } else {
            JsValue::NULL
        };
        set("morph", &morph)?;
        set("units", &(rendered.units.len() as u32).into())?;
        self.parts.set(&out, &rendered.preview, reset)?;
        self.shown = rendered.units;
        Ok(out.into())
    }
}

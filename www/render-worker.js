// The render worker: the core's WorkerRenderer, off the page's main thread.
// post-preview.js (WorkerBinding) sends the text, and gets back the patch from
// what the preview shows to the new render; the main thread only applies it.
//
// In:  {id, text, options?, reset?, fail?}
// Out: {id, patch, ms}  or  {id, error, trap}  (after a trap this worker is
//      replaced: a trapped instance must not be used again)

import init, { WorkerRenderer } from "./pkg/post_preview.js";

// The wasm's URL written out, for bundlers (see post-preview.js).
const ready = init({ module_or_path: new URL("./pkg/post_preview_bg.wasm", import.meta.url) });
let renderer = null;

self.onmessage = async (event) => {
  const { id, text, options, reset, fail } = event.data;
  try {
    await ready;
    if (!renderer) renderer = new WorkerRenderer(options);
    else if (options) renderer.setOptions(options);
    if (reset) renderer.reset();
    if (fail) renderer.failNextRender();
    const t0 = performance.now();
    const patch = renderer.render(String(text));
    self.postMessage({ id, patch, ms: performance.now() - t0 });
  } catch (error) {
    self.postMessage({
      id,
      error: String((error && error.message) || error),
      trap: typeof WebAssembly !== "undefined" && error instanceof WebAssembly.RuntimeError,
    });
  }
};

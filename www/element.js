// `import "post-preview/element"`: defines <post-preview> in this window's
// custom element registry (post-preview.js does so too when it loads; this
// entry point says so in the import). For an iframe's document, call
// definePostPreview(iframe.contentWindow).

import { definePostPreview } from "./post-preview.js";

export { PostPreviewElement, definePostPreview } from "./post-preview.js";

definePostPreview();

// `import "post-preview/element"` defines <post-preview> (see post-preview.d.ts).
export { PostPreviewElement, definePostPreview } from "./post-preview.js";

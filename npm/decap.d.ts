// Types of `post-preview/decap` (www/decap.js).

import type { MountOptions } from "./post-preview.js";

/** The part of Decap CMS's `CMS` object this module calls. */
export interface DecapCMS {
  registerPreviewTemplate(collection: string, component: unknown, ...rest: unknown[]): void;
}

/** Options of registerPostPreview: its own, and mount()'s (passed through as they are). */
export interface DecapPreviewOptions extends MountOptions {
  /** The collection whose entries are previewed (its `name` in config.yml). */
  collection: string;
  /** The field holding the markdown body. Default: "body". */
  body_field?: string;
  /** Decap's `h` (React.createElement); default: the global Decap's bundle sets. */
  h?: (...args: any[]) => unknown;
  /** Decap's `createClass`; default: the global Decap's bundle sets. */
  createClass?: (spec: object) => unknown;
  /** Any other option goes to mount() as it is (e.g. a site profile). */
  [option: string]: unknown;
}

/**
 * Registers post-preview as Decap's preview template for `options.collection`:
 * the entry's front matter fields and body, rendered on every change, with
 * the diagnostics under the preview. Returns the template class.
 */
export function registerPostPreview(CMS: DecapCMS, options: DecapPreviewOptions): unknown;

/**
 * The post's source from an entry's data (a plain object or an Immutable.js
 * map): every field but the body as YAML front matter, then the body.
 * `bodyLine` is the 1-based source line the body starts on.
 */
export function entrySource(data: unknown, options?: { body_field?: string }): { source: string; bodyLine: number };

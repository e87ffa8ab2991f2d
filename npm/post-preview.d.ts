// Types of post-preview's embedding API (www/post-preview.js), for the npm
// package "post-preview". The core's types (Preview, Diagnostic, FrontMatter,
// …) are the wasm binding's own, generated into pkg/post_preview.d.ts.

import type {
  Diagnostic,
  FrontMatter,
  Heading,
  Preview,
  RenderOptions,
  Stats,
} from "./pkg/post_preview.js";

export type { Diagnostic, FrontMatter, Heading, Preview, RenderOptions, Severity, Stats } from "./pkg/post_preview.js";

/** Options of `mount()` and `handle.setOptions()`: the core's, and the preview's own. */
export interface MountOptions extends RenderOptions {
  /** Same as `base_url`. */
  baseUrl?: string | null;
  /** A URL of the host site's CSS, applied to the preview only (resolved against the preview's document). */
  stylesheet?: string | null;
  /** `true`: always render in a Web Worker; `false`: never; `"auto"` (default): posts of WORKER_THRESHOLD characters or more. */
  worker?: boolean | "auto";
  /** `false` turns off the editor/preview scroll sync (a mount from a source string has none). */
  sync_scroll?: boolean;
}

/** `event.detail` of `post-preview:rendered`, dispatched on the preview element after every render. */
export interface RenderedDetail {
  /** Milliseconds spent rendering and patching (in a worker, including the worker's share). */
  ms: number;
  /** In a worker: the main thread's share of `ms`. */
  main_ms?: number;
  /** Sorted by position; file-absolute lines and columns. A part unchanged since the last event is the same object. */
  diagnostics: Diagnostic[];
  outline: Heading[];
  stats: Stats;
  front_matter: FrontMatter;
  /** The first block element the render replaced (the edited block), or null. */
  changed: Element | null;
}

/** `event.detail` of `post-preview:crashed`. */
export interface CrashedDetail {
  /** What the preview's notice says. */
  message: string;
  error: unknown;
  /** Whether the previewer restarted (false: it gave up). */
  recovered: boolean;
}

/** What `mount()` returns. */
export interface MountHandle {
  /** Settles when the first binding is in place (rejects when the module cannot load). */
  readonly ready: Promise<void>;
  /** The preview element's shadow root. */
  readonly shadowRoot: ShadowRoot;
  /** The element inside the shadow root that holds the header and the body. */
  readonly root: HTMLElement;
  /** The source text: the textarea's value, or the string given to `mount()`/`setSource()`. */
  readonly source: string;
  /** Renders now. */
  update(): Promise<void>;
  /**
   * For a mount made from a source string: the new source. The preview follows
   * on the next animation frame and changes only what the edit touched.
   * Throws on a mount that follows a textarea.
   */
  setSource(text: string): void;
  /** Merges options in and renders again (`null` removes one). */
  setOptions(options: { [K in keyof MountOptions]?: MountOptions[K] | null }): void;
  /** The current text's preview (null before the first render). */
  lastPreview(): Preview | null;
  /** Scrolls the preview to the element with this id (or `<a name>`); false when there is none. */
  scrollToId(id: string): boolean;
  /** Hides the crash notice. */
  clearNotice(): void;
  /** Stops following the source and empties the shadow root. */
  destroy(): void;
  /** Test hook: the next update panics inside wasm. */
  failNextUpdate(): void;
}

/**
 * Binds a `<textarea>` (its `input` events) or a source string (then
 * `handle.setSource()`) to a preview rendered in `previewElement`'s shadow
 * root. Both may belong to another document, such as a same-origin iframe's.
 */
export function mount(
  source: HTMLTextAreaElement | string | null,
  previewElement: Element,
  options?: MountOptions,
): MountHandle;

/** Renders a post once. */
export function render(source: string, options?: RenderOptions): Promise<Preview>;

/** A standalone HTML page (strict CSP) for a post. */
export function renderPage(source: string, options?: RenderOptions): Promise<string>;

/** A standalone page from a preview object. */
export function composePage(preview: Preview, css?: string): string;

/** The wasm module, instantiated on first use. */
export function getModule(): Promise<unknown>;

/** Is this value a wasm trap (a panic inside the core)? */
export function isWasmTrap(value: unknown): boolean;

export const RENDERED_EVENT: "post-preview:rendered";
export const CRASHED_EVENT: "post-preview:crashed";
export const CRASH_MESSAGE: string;
/** The CSP of the pages renderPage() makes. */
export const CSP: string;
/** Posts at least this long (UTF-16 code units) render in a Web Worker. */
export const WORKER_THRESHOLD: number;
/** In the worker's mode, the body's blocks are grouped in chunks of this many. */
export const CHUNK_UNITS: number;

/**
 * The element's attributes: `for` (the id of the textarea to follow, in the
 * element's root or document), `base-url`, `profile` (a built-in profile's
 * name; `preset` is its earlier name) and `stylesheet` (the mount options of
 * the same names), and `profile-src` (the URL of a site's own profile file,
 * TOML; until it loads, `profile` or the default applies, and a file that
 * cannot be loaded dispatches `post-preview:profile-error`).
 */
export type PostPreviewAttribute = "for" | "base-url" | "preset" | "profile" | "profile-src" | "stylesheet";

/** `event.detail` of `post-preview:profile-error`, dispatched on the element. */
export interface ProfileErrorDetail {
  /** The profile file's absolute URL. */
  url: string;
  /** What went wrong. */
  message: string;
}

/**
 * `<post-preview for="textarea-id" base-url profile|profile-src stylesheet>`: follows the
 * textarea named by `for`, or, once `source` is set, that text.
 */
export class PostPreviewElement extends HTMLElement {
  static readonly observedAttributes: PostPreviewAttribute[];
  /** The textarea named by `for` (in the element's root or document), or null. */
  readonly textarea: HTMLTextAreaElement | null;
  /** The previewed text. Setting it renders that text (and takes over from `for`); null goes back to `for`. */
  get source(): string | null;
  set source(text: string | null);
  /** The mount behind the element (null while unbound). */
  handle: MountHandle | null;
  /** The options read from the attributes. */
  options(): MountOptions;
  /** Renders now. */
  update(): Promise<void>;
  lastPreview(): Preview | null;
}

/**
 * Defines `<post-preview>` in `win`'s registry (default: this window's; an
 * iframe's window for elements of its document). Returns the class defined.
 */
export function definePostPreview(win?: Window, name?: string): CustomElementConstructor;

declare global {
  interface HTMLElementTagNameMap {
    "post-preview": PostPreviewElement;
  }
  interface HTMLElementEventMap {
    "post-preview:rendered": CustomEvent<RenderedDetail>;
    "post-preview:crashed": CustomEvent<CrashedDetail>;
  }
}

// Scroll sync between the editor textarea and the preview, through the
// source line ranges the core puts on every top-level block
// (`data-line` / `data-line-end`, 1-based and inclusive).
//
// - Scrolling the editor scrolls the preview to the block under the editor's
//   top line (proportionally inside the block), and the other way round.
// - After each render, the block the edit changed is kept in view.
//
// The textarea soft-wraps, so a source line may take several visual lines:
// line positions come from a hidden mirror of the textarea's lines with its
// font, width and wrapping (LineGeometry), kept in the document and brought
// up to date, line by line, when a scroll needs it.

const MIRROR_STYLES = [
  "boxSizing", "width", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
  "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "borderStyle",
  "fontFamily", "fontSize", "fontWeight", "fontStyle", "fontVariant", "fontStretch",
  "lineHeight", "letterSpacing", "wordSpacing", "tabSize", "textIndent", "textTransform",
  "whiteSpace", "overflowWrap", "wordBreak",
];

// Nodes may belong to another document (an iframe's), so another realm: no
// `instanceof` checks, and each node's own document and window.

/** `node`'s computed style, from its own window. */
function styleOf(node) {
  return (node.ownerDocument.defaultView || window).getComputedStyle(node);
}

/** The element above `n`, crossing shadow roots. */
function up(n) {
  return n.parentNode || (n.nodeType === 11 ? n.host || null : null);
}

/** The nearest element styled to scroll vertically, crossing shadow roots (whether or not it overflows now). */
function scrollContainerOf(node) {
  let n = node;
  while (n) {
    if (n.nodeType === 1 && /(auto|scroll)/.test(styleOf(n).overflowY)) return n;
    n = up(n);
  }
  return node.ownerDocument.scrollingElement;
}

/** The nearest element that scrolls vertically, crossing shadow roots. */
export function scrollerOf(node) {
  let n = node;
  while (n) {
    if (n.nodeType === 1) {
      const s = styleOf(n);
      if (/(auto|scroll)/.test(s.overflowY) && n.scrollHeight > n.clientHeight) return n;
    }
    n = up(n);
  }
  return node.ownerDocument.scrollingElement;
}

/**
 * Where each source line starts, in the textarea's content pixels, read from
 * a hidden mirror: one block per source line with the textarea's font, width
 * and wrapping. The mirror stays in the document between measurements and
 * follows the text by replacing only the lines that changed, so measuring
 * after an edit lays out those lines, not the whole post, and a lookup reads
 * O(log lines) positions. It goes when `signal` aborts.
 */
class LineGeometry {
  constructor(textarea, signal) {
    this.textarea = textarea;
    this.signal = signal;
    this.text = ""; // the text the mirror shows (null: a prefix of its lines, unfinished)
    this.lines = []; // its source lines
    this.rows = []; // one element per source line
    this.styleKey = null;
    this.box = null;
    this.mirror = null;
    this.idle = null; // the pending prebuild's idle callback
  }

  /** Brings the mirror up to date with the textarea's text, width and style. */
  measure() {
    if (!this.prepare()) return;
    const text = this.textarea.value;
    if (text !== this.text) this.follow(text, Infinity);
  }

  /**
   * When the mirror is far behind the text (a post just loaded or pasted
   * whole, or a mirror still being built), brings it up to date in idle
   * periods, about PREBUILD_CHARS characters of lines at a time, so that the
   * browser lays a long post's mirror out over several frames rather than in
   * one scroll event. Smaller edits wait for the next measurement, which
   * replaces only their lines. A measurement meanwhile finishes it at once.
   */
  prebuild() {
    if (this.idle || this.signal?.aborted) return;
    const length = this.textarea.value.length;
    if (this.text !== null && Math.abs(length - this.text.length) <= PREBUILD_CHARS) return;
    const later = window.requestIdleCallback ?? ((f) => setTimeout(f, 50));
    this.idle = later(() => {
      this.idle = null;
      if (this.prepare() && !this.follow(this.textarea.value, PREBUILD_CHARS)) this.prebuild();
    });
  }

  /**
   * Styles the mirror and puts it in the document; false once `signal`
   * aborted, or while the textarea is out of the document (the mirror then
   * leaves it too).
   */
  prepare() {
    const t = this.textarea;
    if (this.signal?.aborted) return false;
    if (!t.isConnected) {
      this.box?.remove();
      return false;
    }
    const style = styleOf(t);
    const styleKey = [t.clientWidth, ...MIRROR_STYLES.map((p) => style[p])].join("\u0000");
    if (styleKey !== this.styleKey) {
      this.styleKey = styleKey;
      this.restyle(style);
    }
    if (!this.box.isConnected) t.ownerDocument.body.append(this.box);
    return true;
  }

  /**
   * Styles the mirror like the textarea now (made on first use). Its rows
   * stay: a new width or font lays them out again, nothing more.
   */
  restyle(style) {
    if (!this.box) {
      // A zero-size, clipped, contained box: the mirror inside it lays out on
      // its own and never adds to the page's size or scrolling.
      const doc = this.textarea.ownerDocument;
      this.box = doc.createElement("div");
      this.box.setAttribute("aria-hidden", "true");
      this.box.setAttribute("data-pp", "scroll-mirror");
      this.box.style.cssText =
        "display:block;position:absolute;left:-99999px;top:0;width:0;height:0;margin:0;padding:0;border:0;" +
        "overflow:hidden;visibility:hidden;contain:strict;pointer-events:none";
      // In a shadow root of its own: the page's stylesheets (a `div` rule)
      // never reach the rows.
      this.mirror = doc.createElement("div");
      this.box.attachShadow({ mode: "open" }).append(this.mirror);
      this.signal?.addEventListener("abort", () => this.box.remove(), { once: true });
    }
    const mirror = this.mirror;
    for (const p of MIRROR_STYLES) mirror.style[p] = style[p];
    mirror.style.width = `${this.textarea.clientWidth}px`;
    mirror.style.boxSizing = "border-box";
    mirror.style.borderStyle = "none";
    mirror.style.whiteSpace = "pre-wrap";
    mirror.style.position = "relative";
    mirror.style.height = "auto";
  }

  /**
   * Replaces the mirror's rows for the lines that differ from `text`'s. Rows
   * sit in chunks of up to 2 × MIRROR_CHUNK, so a changed row makes the
   * browser lay out its chunk and the row of chunks, not every line. At most
   * about `budget` characters of new lines are added: past that, the mirror
   * shows only a prefix of `text`'s lines. Returns whether it shows them all.
   */
  follow(text, budget) {
    const old = this.lines;
    let lines = text.split("\n");
    let a = 0;
    const max = Math.min(old.length, lines.length);
    while (a < max && old[a] === lines[a]) a++;
    let b = 0;
    while (b < max - a && old[old.length - 1 - b] === lines[lines.length - 1 - b]) b++;
    let end = lines.length - b;
    let complete = true;
    if (budget !== Infinity && b === 0) {
      // Nothing after the change matches (a post loaded or pasted whole, or
      // a mirror still being built): past the budget, show a prefix of the
      // text's lines, to be continued. A change with a kept tail is always
      // made whole: it costs what it adds, and the tail stays laid out.
      let chars = 0;
      let e = a;
      for (; e < end && chars <= budget; e++) chars += lines[e].length + 1;
      if (e < end) {
        end = e;
        complete = false;
        lines = lines.slice(0, end);
      }
    }
    const added = [];
    const doc = this.mirror.ownerDocument;
    const frag = doc.createDocumentFragment();
    for (let i = a; i < end; i++) {
      const row = doc.createElement("div");
      row.textContent = lines[i] || "\u200b";
      added.push(row);
      frag.append(row);
    }
    for (const row of this.rows.slice(a, old.length - b)) {
      const chunk = row.parentNode;
      row.remove();
      if (!chunk.firstChild) chunk.remove();
    }
    if (added.length) {
      const next = this.rows[old.length - b];
      let chunk = next ? next.parentNode : this.mirror.lastChild;
      if (!chunk) chunk = this.mirror.appendChild(doc.createElement("div"));
      chunk.insertBefore(frag, next ?? null);
      split(chunk);
    }
    // No spreading into splice: a paste may add more rows than a call takes arguments.
    this.rows = this.rows.slice(0, a).concat(added, this.rows.slice(old.length - b));
    this.lines = lines;
    // An unfinished mirror matches no text: the next measurement follows.
    this.text = complete ? text : null;
    return complete;
  }

  /** The content offset of row `i` (0-based source line). */
  top(i) {
    return this.rows[i].offsetTop - this.rows[0].offsetTop;
  }

  get height() {
    return this.rows.length ? this.mirror.scrollHeight - this.rows[0].offsetTop : 0;
  }

  /** The fractional 0-based source line at content offset y. */
  lineAt(y) {
    const n = this.rows.length;
    if (!n) return 0;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.top(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    const top = this.top(lo);
    const next = lo + 1 < n ? this.top(lo + 1) : this.height;
    const span = Math.max(1, next - top);
    return lo + Math.min(1, Math.max(0, (y - top) / span));
  }

  /** The content offset of fractional 0-based source line `line`. */
  yOf(line) {
    const n = this.rows.length;
    if (!n) return 0;
    const i = Math.max(0, Math.min(n - 1, Math.floor(line)));
    const top = this.top(i);
    const next = i + 1 < n ? this.top(i + 1) : this.height;
    return top + (line - i) * (next - top);
  }
}

/** About how many characters of lines one idle period adds to the mirror. */
const PREBUILD_CHARS = 16384;

/** Rows per mirror chunk (a chunk is split when it holds more than twice as many). */
const MIRROR_CHUNK = 64;

/** Splits a chunk of more than 2 × MIRROR_CHUNK rows into chunks of MIRROR_CHUNK. */
function split(chunk) {
  if (chunk.childElementCount <= 2 * MIRROR_CHUNK) return;
  const moving = Array.from(chunk.children).slice(MIRROR_CHUNK);
  let after = chunk;
  for (let i = 0; i < moving.length; i += MIRROR_CHUNK) {
    const next = chunk.ownerDocument.createElement("div");
    next.append(...moving.slice(i, i + MIRROR_CHUNK));
    after.after(next);
    after = next;
  }
}

/**
 * The preview's blocks: the elements carrying `data-line`, in document order,
 * which is also the order of their lines and of their positions (in the
 * preview's block flow), so lookups binary-search them: one native
 * querySelectorAll, then O(log blocks) attribute and position reads.
 */
class Blocks {
  constructor(root, scroller) {
    this.list = root.querySelectorAll("[data-line]");
    this.scroller = scroller;
    this.length = this.list.length;
  }

  /** Block `i`'s source lines, 0-based, end exclusive. */
  start(i) {
    return Number(this.list[i].getAttribute("data-line")) - 1;
  }

  end(i) {
    const el = this.list[i];
    return Number(el.getAttribute("data-line-end") || el.getAttribute("data-line"));
  }

  top(i) {
    return topIn(this.scroller, this.list[i]);
  }

  bottom(i) {
    return this.top(i) + this.list[i].offsetHeight;
  }

  /** The first index whose `key(i)` exceeds `value` (keys ascending), or `length`. */
  firstAbove(key, value) {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key.call(this, mid) > value) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function topIn(scroller, el) {
  return el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
}

/**
 * Keeps `textarea` and the preview under `root` scrolled to the same place.
 * Returns `{ revealCaret(changed), watchPreview() }`; everything stops when `signal` aborts.
 */
export function syncScroll(textarea, root, { signal } = {}) {
  const geometry = new LineGeometry(textarea, signal);
  // The side whose scroll we caused, and where we put it: its next scroll
  // event is ours, not the user's.
  let echo = null;
  // Non-zero until two frames after a render while the author types. The
  // preview's scroll events meanwhile come from the render itself: the
  // browser's scroll anchoring moves the preview when blocks above what it
  // shows change size, applies that in the frame's layout and reports it in
  // the next frame. The editor under the caret must not follow them.
  let typing = 0;

  /** The fractional source line at the preview's top edge. */
  function previewLineAt(scroller) {
    const blocks = new Blocks(root, scroller);
    if (!blocks.length) return null;
    const y = scroller.scrollTop;
    // The first block that ends below y.
    const i = blocks.firstAbove(blocks.bottom, y);
    if (i === blocks.length) return blocks.end(i - 1);
    const top = blocks.top(i);
    const bottom = top + blocks.list[i].offsetHeight;
    if (y < top) {
      if (i === 0) return blocks.start(i);
      // Between two blocks: interpolate over the gap's source lines.
      const prevBottom = blocks.bottom(i - 1);
      const f = (y - prevBottom) / Math.max(1, top - prevBottom);
      return blocks.end(i - 1) + f * (blocks.start(i) - blocks.end(i - 1));
    }
    return blocks.start(i) + ((y - top) / Math.max(1, bottom - top)) * (blocks.end(i) - blocks.start(i));
  }

  /** Where the preview shows fractional source line `line`. */
  function previewYOf(scroller, line) {
    const blocks = new Blocks(root, scroller);
    if (!blocks.length) return null;
    // The first block whose lines end after `line`.
    const i = blocks.firstAbove(blocks.end, line);
    if (i === blocks.length) return blocks.bottom(i - 1);
    const top = blocks.top(i);
    const start = blocks.start(i);
    if (line < start) {
      if (i === 0) return top;
      const prevBottom = blocks.bottom(i - 1);
      const f = (line - blocks.end(i - 1)) / Math.max(1, start - blocks.end(i - 1));
      return prevBottom + f * (top - prevBottom);
    }
    const bottom = top + blocks.list[i].offsetHeight;
    return top + ((line - start) / Math.max(1, blocks.end(i) - start)) * (bottom - top);
  }

  function setScroll(side, el, y) {
    const target = Math.max(0, Math.min(Math.round(y), el.scrollHeight - el.clientHeight));
    if (Math.abs(el.scrollTop - target) < 1) return;
    echo = { side, top: target };
    el.scrollTop = target;
  }

  // A scroll event at the position we left a side at is not the author's
  // (the browser may send more than one); the first elsewhere is.
  function isEcho(side, el) {
    if (!echo || echo.side !== side) return false;
    if (Math.abs(el.scrollTop - echo.top) <= 1) return true;
    echo = null;
    return false;
  }

  function onEditorScroll() {
    if (isEcho("editor", textarea)) return;
    const scroller = scrollerOf(root);
    if (!scroller) return;
    geometry.measure();
    const padding = parseFloat(styleOf(textarea).paddingTop) || 0;
    const line = geometry.lineAt(Math.max(0, textarea.scrollTop - padding));
    const y = previewYOf(scroller, line);
    if (y != null) setScroll("preview", scroller, y);
  }

  function onPreviewScroll(event) {
    const scroller = event.currentTarget;
    if (typing) {
      // The render's own move; an echo it swallowed is spent.
      if (echo?.side === "preview") echo = null;
      return;
    }
    if (isEcho("preview", scroller)) return;
    const line = previewLineAt(scroller);
    if (line == null) return;
    geometry.measure();
    const padding = parseFloat(styleOf(textarea).paddingTop) || 0;
    setScroll("editor", textarea, geometry.yOf(line) + (line > 0 ? padding : 0));
  }

  textarea.addEventListener("scroll", onEditorScroll, { signal, passive: true });
  let previewScroller = null;
  // Found once (by style, not by current overflow): looking it up walks the
  // ancestors' computed styles, too much to do on every keystroke.
  function watchPreview() {
    if (previewScroller && previewScroller.isConnected && root.isConnected) return;
    const s = scrollContainerOf(root);
    if (s === previewScroller || s === root.ownerDocument.scrollingElement) return;
    if (previewScroller) previewScroller.removeEventListener("scroll", onPreviewScroll);
    previewScroller = s;
    previewScroller.addEventListener("scroll", onPreviewScroll, { signal, passive: true });
  }

  /**
   * After a render: keep `changed`, the first element the render replaced
   * (the edited block), in view, only while the author types. Costs the
   * same whatever the document's length.
   */
  function revealCaret(changed) {
    watchPreview();
    geometry.prebuild();
    if (textarea.ownerDocument.activeElement !== textarea) return;
    const mark = ++typing;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (typing === mark) typing = 0;
    }));
    if (!changed || changed.nodeType !== 1 || !changed.isConnected) return;
    const scroller = previewScroller || scrollerOf(root);
    if (!scroller) return;
    const top = topIn(scroller, changed);
    const bottom = top + changed.offsetHeight;
    if (top >= scroller.scrollTop && bottom <= scroller.scrollTop + scroller.clientHeight) return;
    if (top < scroller.scrollTop || changed.offsetHeight > scroller.clientHeight) setScroll("preview", scroller, top);
    else setScroll("preview", scroller, bottom - scroller.clientHeight);
  }

  return { revealCaret, watchPreview };
}

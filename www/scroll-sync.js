// Scroll sync between the editor textarea and the preview, through the
// source line ranges the core puts on every top-level block
// (`data-line` / `data-line-end`, 1-based and inclusive).
//
// - Scrolling the editor scrolls the preview to the block under the editor's
//   top line (proportionally inside the block), and the other way round.
// - After each render, the block the edit changed is kept in view.
//
// The textarea soft-wraps, so a source line may take several visual lines:
// line positions come from a hidden mirror element with the textarea's font,
// width and wrapping, measured lazily and cached until the text or the width
// changes.

const MIRROR_STYLES = [
  "boxSizing", "width", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
  "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "borderStyle",
  "fontFamily", "fontSize", "fontWeight", "fontStyle", "fontVariant", "fontStretch",
  "lineHeight", "letterSpacing", "wordSpacing", "tabSize", "textIndent", "textTransform",
  "whiteSpace", "overflowWrap", "wordBreak",
];

/** The nearest element styled to scroll vertically, crossing shadow roots (whether or not it overflows now). */
function scrollContainerOf(node) {
  let n = node;
  while (n) {
    if (n instanceof Element && /(auto|scroll)/.test(getComputedStyle(n).overflowY)) return n;
    n = n.parentNode || (n instanceof ShadowRoot ? n.host : null);
  }
  return document.scrollingElement;
}

/** The nearest element that scrolls vertically, crossing shadow roots. */
export function scrollerOf(node) {
  let n = node;
  while (n) {
    if (n instanceof Element) {
      const s = getComputedStyle(n);
      if (/(auto|scroll)/.test(s.overflowY) && n.scrollHeight > n.clientHeight) return n;
    }
    n = n.parentNode || (n instanceof ShadowRoot ? n.host : null);
  }
  return document.scrollingElement;
}

/** Where each source line starts, in the textarea's content pixels. */
class LineGeometry {
  constructor(textarea) {
    this.textarea = textarea;
    this.key = null;
    this.tops = [0];
    this.height = 0;
  }

  measure() {
    const t = this.textarea;
    const key = `${t.clientWidth}\u0000${t.value.length}\u0000${t.value}`;
    if (key === this.key) return;
    this.key = key;
    const mirror = document.createElement("div");
    const style = getComputedStyle(t);
    for (const p of MIRROR_STYLES) mirror.style[p] = style[p];
    mirror.style.width = `${t.clientWidth}px`;
    mirror.style.boxSizing = "border-box";
    mirror.style.borderStyle = "none";
    mirror.style.whiteSpace = "pre-wrap";
    mirror.style.position = "absolute";
    mirror.style.visibility = "hidden";
    mirror.style.left = "-99999px";
    mirror.style.top = "0";
    mirror.style.height = "auto";
    mirror.setAttribute("aria-hidden", "true");
    const lines = t.value.split("\n");
    const frag = document.createDocumentFragment();
    for (const line of lines) {
      const div = document.createElement("div");
      div.textContent = line || "\u200b";
      frag.append(div);
    }
    mirror.append(frag);
    document.body.append(mirror);
    const base = mirror.firstChild ? mirror.firstChild.offsetTop : 0;
    this.tops = Array.from(mirror.children, (c) => c.offsetTop - base);
    this.height = mirror.scrollHeight;
    mirror.remove();
  }

  /** The fractional 0-based source line at content offset y. */
  lineAt(y) {
    const tops = this.tops;
    let lo = 0;
    let hi = tops.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (tops[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    const next = lo + 1 < tops.length ? tops[lo + 1] : this.height;
    const span = Math.max(1, next - tops[lo]);
    return lo + Math.min(1, Math.max(0, (y - tops[lo]) / span));
  }

  /** The content offset of fractional 0-based source line `line`. */
  yOf(line) {
    const tops = this.tops;
    const i = Math.max(0, Math.min(tops.length - 1, Math.floor(line)));
    const next = i + 1 < tops.length ? tops[i + 1] : this.height;
    return tops[i] + (line - i) * (next - tops[i]);
  }
}

/** The preview's blocks, sorted by first line: `{el, start, end}` (0-based, end exclusive). */
function blocksOf(root) {
  const blocks = [];
  for (const el of root.querySelectorAll("[data-line]")) {
    const start = Number(el.getAttribute("data-line")) - 1;
    const end = Number(el.getAttribute("data-line-end") || el.getAttribute("data-line"));
    if (Number.isFinite(start) && Number.isFinite(end)) blocks.push({ el, start, end });
  }
  return blocks;
}

function topIn(scroller, el) {
  return el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
}

/**
 * Keeps `textarea` and the preview under `root` scrolled to the same place.
 * Returns `{ revealCaret(changed), watchPreview() }`; everything stops when `signal` aborts.
 */
export function syncScroll(textarea, root, { signal } = {}) {
  const geometry = new LineGeometry(textarea);
  // The side whose scroll we caused, and where we put it: its next scroll
  // event is ours, not the user's.
  let echo = null;

  function previewLineAt(scroller) {
    const blocks = blocksOf(root);
    if (!blocks.length) return null;
    const y = scroller.scrollTop;
    let prev = null;
    for (const b of blocks) {
      const top = topIn(scroller, b.el);
      const bottom = top + b.el.offsetHeight;
      if (y < top) {
        if (!prev) return b.start;
        // Between two blocks: interpolate over the gap's source lines.
        const f = (y - prev.bottom) / Math.max(1, top - prev.bottom);
        return prev.b.end + f * (b.start - prev.b.end);
      }
      if (y < bottom) return b.start + ((y - top) / Math.max(1, bottom - top)) * (b.end - b.start);
      prev = { b, bottom };
    }
    return prev.b.end;
  }

  function previewYOf(scroller, line) {
    const blocks = blocksOf(root);
    if (!blocks.length) return null;
    let prev = null;
    for (const b of blocks) {
      const top = topIn(scroller, b.el);
      const bottom = top + b.el.offsetHeight;
      if (line < b.start) {
        if (!prev) return top;
        const f = (line - prev.b.end) / Math.max(1, b.start - prev.b.end);
        return prev.bottom + f * (top - prev.bottom);
      }
      if (line < b.end) return top + ((line - b.start) / Math.max(1, b.end - b.start)) * (bottom - top);
      prev = { b, bottom };
    }
    return prev.bottom;
  }

  function setScroll(side, el, y) {
    const target = Math.max(0, Math.min(Math.round(y), el.scrollHeight - el.clientHeight));
    if (Math.abs(el.scrollTop - target) < 1) return;
    echo = { side, top: target };
    el.scrollTop = target;
  }

  function isEcho(side, el) {
    if (echo && echo.side === side && Math.abs(el.scrollTop - echo.top) <= 1) {
      echo = null;
      return true;
    }
    return false;
  }

  function onEditorScroll() {
    if (isEcho("editor", textarea)) return;
    const scroller = scrollerOf(root);
    if (!scroller) return;
    geometry.measure();
    const padding = parseFloat(getComputedStyle(textarea).paddingTop) || 0;
    const line = geometry.lineAt(Math.max(0, textarea.scrollTop - padding));
    const y = previewYOf(scroller, line);
    if (y != null) setScroll("preview", scroller, y);
  }

  function onPreviewScroll(event) {
    const scroller = event.currentTarget;
    if (isEcho("preview", scroller)) return;
    const line = previewLineAt(scroller);
    if (line == null) return;
    geometry.measure();
    const padding = parseFloat(getComputedStyle(textarea).paddingTop) || 0;
    setScroll("editor", textarea, geometry.yOf(line) + (line > 0 ? padding : 0));
  }

  textarea.addEventListener("scroll", onEditorScroll, { signal, passive: true });
  let previewScroller = null;
  // Found once (by style, not by current overflow): looking it up walks the
  // ancestors' computed styles, too much to do on every keystroke.
  function watchPreview() {
    if (previewScroller && previewScroller.isConnected && root.isConnected) return;
    const s = scrollContainerOf(root);
    if (s === previewScroller || s === document.scrollingElement) return;
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
    if (document.activeElement !== textarea || !(changed instanceof Element) || !changed.isConnected) return;
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

// The example CMS's own script: it knows nothing of the previewer's internals,
// only the element's `post-preview:rendered` event and its textarea.

const body = document.getElementById("cms-body");
const title = document.getElementById("cms-title");
const status = document.getElementById("cms-status");
const preview = document.getElementById("cms-preview");

document.getElementById("cms-form").addEventListener("submit", (event) => event.preventDefault());

preview.addEventListener("post-preview:rendered", (event) => {
  const { diagnostics = [], stats = {} } = event.detail || {};
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  status.textContent = `Preview updated: ${stats.words ?? 0} words, ${diagnostics.length} problem(s), ${errors} error(s).`;
});

function wrapSelection(before, after) {
  const { selectionStart: s, selectionEnd: e, value } = body;
  body.focus();
  body.setRangeText(before + value.slice(s, e) + after, s, e, "end");
  body.dispatchEvent(new Event("input", { bubbles: true }));
}
document.getElementById("cms-bold").addEventListener("click", () => wrapSelection("**", "**"));
document.getElementById("cms-link").addEventListener("click", () => wrapSelection("[", "](https://site.example/)"));

// Keep the front matter's title in step with the CMS's title field.
document.getElementById("cms-sync-title").addEventListener("click", () => {
  const safe = title.value.replace(/["\\]/g, "\\$&");
  body.value = body.value.replace(/^title:.*$/m, `title: "${safe}"`);
  body.dispatchEvent(new Event("input", { bubbles: true }));
});

if (new URLSearchParams(location.search).has("test")) window.__cms = { preview };

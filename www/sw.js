// Offline support: the page's own assets, served cache-first and refreshed
// from the network in the background. Only same-origin GETs inside this
// worker's scope are handled; everything else (the post's images) goes to the
// network untouched. Bump VERSION when the asset list changes.

const VERSION = "v4";
const CACHE = `post-preview-${VERSION}`;
const ASSETS = [
  "./",
  "index.html",
  "app.js",
  "app.css",
  "post-preview.js",
  "scroll-sync.js",
  "render-worker.js",
  "preview.css",
  "pkg/post_preview.js",
  "pkg/post_preview_bg.wasm",
  "examples/openssf.md",
  "examples/rust-blog.md",
  "examples/my-site.toml",
  "embed.html",
  "embed.js",
  "embed.css",
  "embed-preview.css",
];

const scope = new URL(self.registration.scope);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        Promise.all(
          ASSETS.map((path) =>
            cache.add(new Request(new URL(path, scope), { cache: "reload" })).catch((err) => {
              console.warn(`post-preview sw: could not cache ${path}:`, err);
            }),
          ),
        ),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("post-preview-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function cacheKey(request) {
  // One entry per asset: "?test", "?instance=N" and the like share it.
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  return url.href;
}

async function refresh(cache, request, key) {
  const response = await fetch(request, { cache: "no-cache" });
  if (response.ok && response.type === "basic") await cache.put(key, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;

  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const key = cacheKey(request);
      const cached = await cache.match(key);
      if (cached) {
        // Cache first; update in the background for the next load.
        event.waitUntil(refresh(cache, request, key).catch(() => {}));
        return cached;
      }
      try {
        return await refresh(cache, request, key);
      } catch (err) {
        if (request.mode === "navigate") {
          const page = (await cache.match(new URL("index.html", scope).href)) || (await cache.match(scope.href));
          if (page) return page;
        }
        throw err;
      }
    })(),
  );
});

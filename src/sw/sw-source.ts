// The service worker of the static build, as source text made at build time with the list of files to
// precache baked in: a new build changes the text, so browsers install the new worker and drop old caches.
// Hashed build assets are served cache-first; everything else (the page, demo files) network-first with the
// cache as the offline fallback, so the studio opens offline after one visit and updates when online.

export interface ServiceWorkerOptions {
  /** Build id: names the cache. */
  version: string;
  /** Paths relative to the scope (e.g. `assets/index-abc.js`, `./`) fetched on install. */
  precache: readonly string[];
}

/** A short stable hash of the file list (the files are content-hashed, so it changes with the build). */
export function buildVersion(files: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const f of [...files].sort()) {
    for (let i = 0; i < f.length; i++) h = Math.imul(h ^ f.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 10, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function serviceWorkerSource({ version, precache }: ServiceWorkerOptions): string {
  return `// Spatter Studio service worker (generated at build time, build ${version}).
const CACHE = 'spatter-studio-${version}';
const RUNTIME = 'spatter-studio-runtime';
const PRECACHE = ${JSON.stringify(precache)};
const scope = new URL(self.registration.scope);
const precached = new Set(PRECACHE.map((p) => new URL(p, scope).pathname));

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((c) => c.addAll(PRECACHE.map((p) => new Request(new URL(p, scope), { cache: 'reload' })))),
  );
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('spatter-studio-') && k !== CACHE && k !== RUNTIME).map((k) => caches.delete(k))))
      // No clients.claim(): the page of the first visit stays uncontrolled (it loaded from the network anyway),
      // so the worker only serves later visits, and tests that intercept a first page's requests see them all.
      .then(() => undefined),
  );
});

async function networkFirst(request, fallbackPath) {
  try {
    const res = await fetch(request);
    if (res.ok && res.type === 'basic') {
      const copy = res.clone();
      caches.open(RUNTIME).then((c) => c.put(request, copy)).catch(() => {});
    }
    return res;
  } catch (e) {
    const hit = (await caches.match(request, { ignoreSearch: true })) || (fallbackPath && (await caches.match(new URL(fallbackPath, scope).href)));
    if (hit) return hit;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || req.headers.has('range')) return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (precached.has(url.pathname) && req.mode !== 'navigate') {
    event.respondWith(caches.match(req, { ignoreSearch: true }).then((hit) => hit || fetch(req)));
  } else {
    event.respondWith(networkFirst(req, req.mode === 'navigate' ? './' : null));
  }
});
`;
}

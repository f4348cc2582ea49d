// The studio's service worker (Workbox, built by vite-plugin-pwa's injectManifest): precaches every file of the
// build — scripts, workers, wasm, the demo data — so a reload works with the server gone.
//
// Why the plugin below: `vite preview` (and many static hosts) answer with `Vary: Origin`; a cached response with
// Vary only matches a request with the same Origin header, so module scripts and worker fetches missed the cache
// offline (a blank page). The cached copy is stored without Vary. Query strings (the studio's links carry its
// configuration in the hash, but `?x=` links happen) are ignored for lookups.
//
// A new build waits (no skipWaiting on install): the page shows "update available" and the user chooses when
// to reload, so an open tab never runs a mix of two builds.
/// <reference lib="webworker" />
import {
  addPlugins,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

addPlugins([
  {
    cacheWillUpdate: async ({ response }) => {
      if (!response.headers.has('vary')) return response;
      const headers = new Headers(response.headers);
      headers.delete('vary');
      return new Response(await response.blob(), {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    },
  },
]);

precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
cleanupOutdatedCaches();
// Any navigation inside the scope (e.g. `./?x=1`) gets the precached page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

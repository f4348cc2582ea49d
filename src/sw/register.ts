// Registers the offline service worker in production builds only (the dev server has no sw.js, and a worker
// caching dev modules would hide edits). Relative URL: the scope is wherever the studio is published.
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((e: unknown) => {
      // Offline use is a bonus: the studio works without it, so a failure is only logged.
      console.warn('Offline support is unavailable:', e);
    });
  });
}

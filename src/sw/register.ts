// Registers the offline service worker (src/sw/sw.ts) in production builds only (the dev server has no sw.js,
// and a worker caching dev modules would hide edits). Relative URL: the scope is wherever the studio is published.
// When a new build is waiting, the user is asked to reload instead of the page being switched under them.
import { Workbox } from 'workbox-window';
import { useNotices } from '../state/notices-store';

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  const wb = new Workbox('./sw.js');
  wb.addEventListener('waiting', () => {
    useNotices.getState().notify({
      kind: 'info',
      title: 'An update of the studio is available',
      detail:
        'Reload to use it (runs and data are kept). Until then this tab keeps the version it opened with.',
      action: {
        label: 'Reload now',
        run: () => {
          wb.addEventListener('controlling', () => window.location.reload());
          wb.messageSkipWaiting();
        },
      },
    });
  });
  wb.register().catch((e: unknown) => {
    // Offline use is a bonus: the studio works without it, so a failure is only logged.
    console.warn('Offline support is unavailable:', e);
  });
}

// Worker entry helper: expose an API object over comlink, and turn unhandled rejections into crashes the
// bridge can see (a rejected promise nobody awaits would otherwise vanish silently).
import * as Comlink from 'comlink';

export function exposeApi(api: object): void {
  self.addEventListener('unhandledrejection', (ev) => {
    throw ev.reason instanceof Error ? ev.reason : new Error(String(ev.reason));
  });
  Comlink.expose(api);
}

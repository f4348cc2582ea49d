// Studio entry: routing, the app shell, and the bench hook used by `npm run bench`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { notifyError } from './state/notices-store';
import { startRouting } from './state/route-store';
import { WorkerBridge } from './workers/bridge';
import { installBenchHook } from './bench/hook';
import { App } from './ui/shell/App';
import { registerServiceWorker } from './sw/register';
import './ui/styles.css';

startRouting();
// A crashed worker is restarted by its bridge; the user sees which one and what to do.
WorkerBridge.onAnyCrash((e) =>
  notifyError(e.message, 'Work in progress in that worker was stopped; your data is kept.'),
);
installBenchHook();
registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Studio entry: routing, the app shell, and the bench hook used by `npm run bench`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startRouting } from './state/route-store';
import { installBenchHook } from './bench/hook';
import { App } from './ui/shell/App';
import './ui/styles.css';

startRouting();
installBenchHook();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The current area and the URL: reads the hash on load and on navigation, writes it back when the config
// changes, so the address bar always holds a link that reproduces the setup.
import { create } from 'zustand';
import { isSweepToken } from '../core/hpo/space';
import { formatHash, parseHash, type Area } from '../core/routing/hash-route';
import { useSettings } from './settings-store';

interface RouteState {
  area: Area;
  /** Sweep tokens from the URL (`training.lr=tag(log,interval(1e-4,1e-2))`): a search space for the Search area. */
  sweep: string[];
  go(area: Area): void;
}

/** The overrides a link carries: the config's, then the sweep's. */
const linkOverrides = () => [...useSettings.getState().overridesForLink(), ...useRoute.getState().sweep];

export const useRoute = create<RouteState>(() => ({
  area: parseHash(typeof location === 'undefined' ? '' : location.hash).area,
  sweep: [],
  go: (area) => {
    // Refused overrides stay in the link (and on screen) until fixed, rather than vanishing on navigation.
    const s = useSettings.getState();
    const overrides =
      s.configErrors.length > 0
        ? [...s.overridesText.split(/\s+/).filter(Boolean), ...useRoute.getState().sweep]
        : linkOverrides();
    location.hash = formatHash({ area, overrides });
  },
}));

/** Wire the hash to the stores. Call once at start-up. */
export function startRouting(): () => void {
  const fromHash = () => {
    const route = parseHash(location.hash);
    const sweep = route.overrides.filter(isSweepToken);
    useRoute.setState({ area: route.area, sweep });
    const text = route.overrides.filter((o) => !isSweepToken(o)).join(' ');
    if (text !== useSettings.getState().overridesText) useSettings.getState().setOverrides(text);
  };
  fromHash();
  window.addEventListener('hashchange', fromHash);
  const unsub = useSettings.subscribe((s, prev) => {
    if (s.config === prev.config) return;
    const hash = formatHash({ area: useRoute.getState().area, overrides: linkOverrides() });
    if (hash !== location.hash) history.replaceState(null, '', hash);
  });
  return () => {
    window.removeEventListener('hashchange', fromHash);
    unsub();
  };
}

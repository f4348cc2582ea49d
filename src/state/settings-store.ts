// Settings: the studio configuration (research defaults + the user's overrides, mirrored in the URL), the
// detected compute capabilities and the backend choice (persisted across reloads).
import { create } from 'zustand';
import {
  applyOverrides,
  defaultConfig,
  diffFromDefaults,
  type ConfigError,
  type StudioConfig,
} from '../core/config/config';
import {
  resolveBackend,
  type BackendChoice,
  type BackendName,
  type Capabilities,
} from '../core/backends/backends';
import { BACKENDS } from '../core/backends/backends';
import { computeWorker } from '../workers/compute/client';
import type { SmokeResult } from '../workers/compute/smoke';

const BACKEND_KEY = 'spatter-studio.backend';

function loadBackendChoice(): BackendChoice {
  try {
    const v = localStorage.getItem(BACKEND_KEY);
    if (v === 'auto' || (BACKENDS as readonly string[]).includes(v ?? '')) return v as BackendChoice;
  } catch {
    /* storage blocked: use the default */
  }
  return 'auto';
}

export interface SettingsState {
  config: StudioConfig;
  /** The override text as the user typed it (or as the URL carried it). */
  overridesText: string;
  configErrors: ConfigError[];
  backendChoice: BackendChoice;
  capabilities: Capabilities | null;
  detecting: boolean;
  detectError: string | null;
  smoke: SmokeResult[];
  /** Apply override text; on errors, the last good config stays and the errors are shown. */
  setOverrides(text: string): boolean;
  /** Overrides that turn the defaults into the current config (what a shareable link carries). */
  overridesForLink(): string[];
  setBackendChoice(choice: BackendChoice): void;
  /** The backend training will use now. */
  activeBackend(): { backend: BackendName; fellBack: boolean } | null;
  detect(): Promise<void>;
  runSmokeTests(): Promise<void>;
}

export const useSettings = create<SettingsState>((set, get) => ({
  config: defaultConfig(),
  overridesText: '',
  configErrors: [],
  backendChoice: loadBackendChoice(),
  capabilities: null,
  detecting: false,
  detectError: null,
  smoke: [],

  setOverrides: (text) => {
    const { config, errors } = applyOverrides(defaultConfig(), text);
    if (errors.length > 0) {
      set({ overridesText: text, configErrors: errors });
      return false;
    }
    set({ overridesText: text, configErrors: [], config });
    return true;
  },

  overridesForLink: () => diffFromDefaults(get().config),

  setBackendChoice: (choice) => {
    try {
      localStorage.setItem(BACKEND_KEY, choice);
    } catch {
      /* storage blocked: the choice lasts for this visit */
    }
    set({ backendChoice: choice });
  },

  activeBackend: () => {
    const c = get().capabilities;
    return c ? resolveBackend(c, get().backendChoice) : null;
  },

  detect: async () => {
    set({ detecting: true, detectError: null });
    try {
      const capabilities = await computeWorker.api.detect();
      set({ capabilities, detecting: false });
    } catch (e) {
      set({ detecting: false, detectError: e instanceof Error ? e.message : String(e) });
    }
  },

  runSmokeTests: async () => {
    const caps = get().capabilities;
    const list: BackendName[] = caps
      ? BACKENDS.filter((b) =>
          b === 'webgpu' ? caps.webgpu.available : b === 'webgl' ? caps.webgl2.available : true,
        )
      : [...BACKENDS];
    set({ smoke: [] });
    const smoke = await computeWorker.run('smokeTest', [list], {
      onProgress: () => undefined,
    });
    set({ smoke });
  },
}));

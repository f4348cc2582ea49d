// The one typed configuration of the studio, with the research defaults and Hydra-style dotted overrides
// (`training.batch_size=512 extract.min_area=2500`) accepted from a text field or the URL.
import {
  describeType,
  formatValue,
  parseValue,
  sectionDefaults,
  type SectionSpec,
  type SectionValues,
} from './spec';
import { dataSection } from './sections/data';
import { extractSection } from './sections/extract';
import { modelSection } from './sections/model';
import { trainingSection } from './sections/training';

export const configSchema = {
  extract: extractSection,
  data: dataSection,
  model: modelSection,
  training: trainingSection,
} as const satisfies Record<string, SectionSpec>;

type Schema = typeof configSchema;
export type SectionName = keyof Schema;
export type StudioConfig = { [S in SectionName]: SectionValues<Schema[S]> };
export type ExtractConfig = StudioConfig['extract'];
export type DataConfig = StudioConfig['data'];
export type ModelConfig = StudioConfig['model'];
export type TrainingConfig = StudioConfig['training'];

export function defaultConfig(): StudioConfig {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configSchema)) out[name] = sectionDefaults(spec);
  return out as StudioConfig;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface Override {
  key: string;
  value: unknown;
}

/** Split override text on whitespace, commas between overrides are not allowed (values may hold commas). */
export function tokenizeOverrides(text: string): string[] {
  return text
    .split(/[\s;&]+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** Parse one `section.key=value`; throws a ConfigError naming the key and the expected type. */
export function parseOverride(token: string): Override {
  const eq = token.indexOf('=');
  if (eq <= 0) {
    throw new ConfigError(`"${token}" is not an override: write it as section.key=value`, token);
  }
  const key = token.slice(0, eq).trim().replace(/^\+/, '');
  const raw = token.slice(eq + 1);
  const [section, field, ...rest] = key.split('.');
  const sectionSpec =
    section !== undefined ? (configSchema as Record<string, SectionSpec>)[section] : undefined;
  if (!sectionSpec || !field || rest.length > 0) {
    const sections = Object.keys(configSchema).join(', ');
    throw new ConfigError(`Unknown key "${key}": keys are section.name with section one of ${sections}`, key);
  }
  const spec = sectionSpec[field];
  if (!spec) {
    const known = Object.keys(sectionSpec).join(', ');
    throw new ConfigError(`Unknown key "${key}": ${section} has ${known}`, key);
  }
  const parsed = parseValue(spec, raw);
  if (!parsed.ok) {
    throw new ConfigError(`Bad value for "${key}": got "${raw}", expected ${describeType(spec)}`, key);
  }
  return { key, value: parsed.value };
}

/** Apply overrides to a copy of `base`. All errors are collected so the user sees every bad key at once. */
export function applyOverrides(
  base: StudioConfig,
  text: string,
): { config: StudioConfig; applied: Override[]; errors: ConfigError[] } {
  const config = structuredClone(base) as StudioConfig;
  const applied: Override[] = [];
  const errors: ConfigError[] = [];
  for (const token of tokenizeOverrides(text)) {
    try {
      const o = parseOverride(token);
      const [section, field] = o.key.split('.') as [SectionName, string];
      (config[section] as Record<string, unknown>)[field] = o.value;
      applied.push(o);
    } catch (e) {
      if (e instanceof ConfigError) errors.push(e);
      else throw e;
    }
  }
  const crossErrors = validateConfig(config);
  return { config, applied, errors: [...errors, ...crossErrors] };
}

/** Rules that span fields. */
export function validateConfig(c: StudioConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  if (c.extract.min_area >= c.extract.max_area) {
    errors.push(
      new ConfigError('extract.min_area must be smaller than extract.max_area', 'extract.min_area'),
    );
  }
  if (c.extract.blur % 2 === 0) {
    errors.push(new ConfigError('extract.blur must be odd (OpenCV needs an odd kernel)', 'extract.blur'));
  }
  const r = c.data.ratios;
  if (r.length !== 3 || r.some((x) => x < 0) || Math.abs(r[0]! + r[1]! + r[2]! - 1) > 1e-6) {
    errors.push(new ConfigError('data.ratios must be three non-negative shares summing to 1', 'data.ratios'));
  }
  if (c.model.input_size > c.data.cache_size) {
    errors.push(
      new ConfigError(
        'model.input_size must not exceed data.cache_size (the crop is cut from it)',
        'model.input_size',
      ),
    );
  }
  return errors;
}

/** The overrides that turn the defaults into `config`, as text (for links that reproduce a setup). */
export function diffFromDefaults(config: StudioConfig): string[] {
  const d = defaultConfig();
  const out: string[] = [];
  for (const section of Object.keys(configSchema) as SectionName[]) {
    const cur = config[section] as Record<string, unknown>;
    const def = d[section] as Record<string, unknown>;
    for (const key of Object.keys(def)) {
      if (formatValue(cur[key]) !== formatValue(def[key]))
        out.push(`${section}.${key}=${formatValue(cur[key])}`);
    }
  }
  return out;
}

/**
 * The configuration a run records: `training.backend` is the backend the run actually used (`auto` resolves to
 * one when training starts), so a run's config, its exported file and Compare say what happened.
 */
export function runConfig(
  config: StudioConfig,
  backendUsed: StudioConfig['training']['backend'],
): StudioConfig {
  return { ...config, training: { ...config.training, backend: backendUsed } };
}

// A tiny typed schema for the studio configuration: each field knows its default, its type and its bounds,
// so dotted overrides can be parsed and rejected with a message that names the key and the expected type.

export type FieldSpec =
  | { kind: 'int'; default: number; min?: number; max?: number; doc: string }
  | { kind: 'float'; default: number; min?: number; max?: number; doc: string }
  | { kind: 'bool'; default: boolean; doc: string }
  | { kind: 'string'; default: string; doc: string }
  | { kind: 'enum'; default: string; options: readonly string[]; doc: string }
  | { kind: 'floats'; default: readonly number[]; doc: string };

export type SectionSpec = Record<string, FieldSpec>;

type ValueOf<F extends FieldSpec> = F extends { kind: 'int' | 'float' }
  ? number
  : F extends { kind: 'bool' }
    ? boolean
    : F extends { kind: 'enum'; options: readonly (infer O)[] }
      ? O
      : F extends { kind: 'floats' }
        ? readonly number[]
        : string;

export type SectionValues<S extends SectionSpec> = { [K in keyof S]: ValueOf<S[K]> };

export const int = (d: number, doc: string, bounds: { min?: number; max?: number } = {}) =>
  ({ kind: 'int', default: d, doc, ...bounds }) as const;
export const float = (d: number, doc: string, bounds: { min?: number; max?: number } = {}) =>
  ({ kind: 'float', default: d, doc, ...bounds }) as const;
export const bool = (d: boolean, doc: string) => ({ kind: 'bool', default: d, doc }) as const;
export const str = (d: string, doc: string) => ({ kind: 'string', default: d, doc }) as const;
export const oneOf = <const O extends readonly string[]>(options: O, d: O[number], doc: string) =>
  ({ kind: 'enum', default: d, options, doc }) as const;
export const floats = (d: readonly number[], doc: string) => ({ kind: 'floats', default: d, doc }) as const;

export function sectionDefaults<S extends SectionSpec>(spec: S): SectionValues<S> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(spec)) out[k] = f.default;
  return out as SectionValues<S>;
}

export function describeType(f: FieldSpec): string {
  switch (f.kind) {
    case 'int':
    case 'float': {
      const range =
        f.min !== undefined || f.max !== undefined ? ` in [${f.min ?? '-inf'}, ${f.max ?? 'inf'}]` : '';
      return `${f.kind === 'int' ? 'an integer' : 'a number'}${range}`;
    }
    case 'bool':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'enum':
      return `one of ${f.options.join(' | ')}`;
    case 'floats':
      return 'a comma-separated list of numbers, e.g. 0.6,0.2,0.2';
  }
}

/** Parse one textual value against its field spec; returns the value or an error text. */
export function parseValue(f: FieldSpec, raw: string): { ok: true; value: unknown } | { ok: false } {
  const text = raw.trim();
  switch (f.kind) {
    case 'int':
    case 'float': {
      if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return { ok: false };
      const n = Number(text);
      if (!Number.isFinite(n) || (f.kind === 'int' && !Number.isInteger(n))) return { ok: false };
      if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) return { ok: false };
      return { ok: true, value: n };
    }
    case 'bool':
      if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
      return { ok: false };
    case 'string':
      return { ok: true, value: text.replace(/^(['"])(.*)\1$/, '$2') };
    case 'enum':
      return f.options.includes(text) ? { ok: true, value: text } : { ok: false };
    case 'floats': {
      const parts = text.replace(/^\[|\]$/g, '').split(',');
      const nums = parts.map((p) => Number(p.trim()));
      if (parts.some((p) => p.trim() === '') || nums.some((n) => !Number.isFinite(n))) return { ok: false };
      return { ok: true, value: nums };
    }
  }
}

export function formatValue(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

// The small YAML subset the exported job files use (block mappings, block and flow lists of scalars, comments):
// written for Hydra configs, runtime envs and Kubernetes manifests, and read back to check them. Not a full
// YAML parser: anchors, multi-line strings and nested flow collections are refused with a message.

export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

/** Comments to write after a key, by dotted path (`training.augment.flips`). */
export type YamlComments = Record<string, string>;

export class YamlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`YAML line ${line}: ${message}`);
    this.name = 'YamlError';
  }
}

const PLAIN = /^[A-Za-z_./][A-Za-z0-9_./@+-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~)$/i;

function scalar(v: YamlScalar): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`YAML: cannot write the number ${v}`);
    return String(v);
  }
  return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
}

function isScalar(v: YamlValue): v is YamlScalar {
  return v === null || typeof v !== 'object';
}

function emitMap(m: YamlMap, indent: string, path: string, comments: YamlComments, out: string[]): void {
  for (const [k, v] of Object.entries(m)) {
    const key = PLAIN.test(k) ? k : JSON.stringify(k);
    const p = path ? `${path}.${k}` : k;
    const note = comments[p] ? `  # ${comments[p]}` : '';
    if (isScalar(v)) out.push(`${indent}${key}: ${scalar(v)}${note}`);
    else if (Array.isArray(v)) {
      if (v.every(isScalar)) out.push(`${indent}${key}: [${v.map((x) => scalar(x)).join(', ')}]${note}`);
      else {
        out.push(`${indent}${key}:${note}`);
        emitList(v, indent + '  ', p, comments, out);
      }
    } else if (Object.keys(v).length === 0) out.push(`${indent}${key}: {}${note}`);
    else {
      out.push(`${indent}${key}:${note}`);
      emitMap(v, indent + '  ', p, comments, out);
    }
  }
}

function emitList(list: YamlValue[], indent: string, path: string, comments: YamlComments, out: string[]) {
  for (const item of list) {
    if (isScalar(item)) out.push(`${indent}- ${scalar(item)}`);
    else if (Array.isArray(item)) throw new Error(`YAML: nested lists are not written (${path})`);
    else {
      const lines: string[] = [];
      emitMap(item, indent + '  ', path, comments, lines);
      if (lines.length === 0) out.push(`${indent}- {}`);
      else out.push(`${indent}- ${lines[0]!.trimStart()}`, ...lines.slice(1));
    }
  }
}

/** YAML text of a mapping, with an optional header comment and comments after keys. */
export function toYaml(m: YamlMap, opts: { header?: string; comments?: YamlComments } = {}): string {
  const out: string[] = [];
  if (opts.header) for (const l of opts.header.split('\n')) out.push(l ? `# ${l}` : '#');
  emitMap(m, '', '', opts.comments ?? {}, out);
  return out.join('\n') + '\n';
}

// ---- reading ---------------------------------------------------------------------------------------------

interface Line {
  n: number;
  indent: number;
  text: string;
}

function stripComment(s: string): string {
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

function parseScalar(raw: string, line: number): YamlValue {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlError(`bad quoted string ${s}`, line);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new YamlError(`bad quoted string ${s}`, line);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new YamlError(`unclosed list ${s}`, line);
    const inner = s.slice(1, -1).trim();
    if (!inner) return [];
    if (/[[{]/.test(inner)) throw new YamlError('nested flow collections are not supported', line);
    return splitFlow(inner).map((x) => parseScalar(x, line));
  }
  if (s === '{}') return {};
  if (/^[&*!|>{]/.test(s)) throw new YamlError(`unsupported YAML syntax: ${s}`, line);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  return s;
}

function splitFlow(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (const c of s) {
    if (q) {
      cur += c;
      if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      q = c;
      cur += c;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim());
}

function keyValue(text: string, n: number): [string, string] | null {
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:'"]+?)\s*:(?:\s+(.*)|$)/.exec(text);
  if (!m) return null;
  const k = m[1]!;
  const key = k.startsWith('"') ? (JSON.parse(k) as string) : k.startsWith("'") ? k.slice(1, -1) : k.trim();
  if (!key) throw new YamlError('empty key', n);
  return [key, m[2] ?? ''];
}

/** Parse the subset written by toYaml (and the research's Hydra configs). */
export function parseYaml(text: string): YamlMap {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.includes('\t')) throw new YamlError('tabs are not allowed for indentation', i + 1);
    const body = stripComment(raw).replace(/\s+$/, '');
    if (!body.trim() || body.trim() === '---') return;
    lines.push({ n: i + 1, indent: body.length - body.trimStart().length, text: body.trim() });
  });
  let pos = 0;

  const block = (): YamlValue => {
    const first = lines[pos];
    if (!first) return null;
    if (first.text.startsWith('- ') || first.text === '-') return list(first.indent);
    return map(first.indent);
  };

  const map = (indent: number): YamlMap => {
    const out: YamlMap = {};
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) throw new YamlError('unexpected indentation', l.n);
      const kv = keyValue(l.text, l.n);
      if (!kv) throw new YamlError(`expected "key: value", got "${l.text}"`, l.n);
      const [key, rest] = kv;
      if (key in out) throw new YamlError(`duplicate key "${key}"`, l.n);
      pos++;
      if (rest.trim() === '') {
        const next = lines[pos];
        if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('-')))) {
          out[key] = block();
        } else out[key] = null;
      } else out[key] = parseScalar(rest, l.n);
    }
    return out;
  };

  const list = (indent: number): YamlValue[] => {
    const out: YamlValue[] = [];
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.indent < indent || !(l.text.startsWith('- ') || l.text === '-')) break;
      if (l.indent > indent) throw new YamlError('unexpected indentation', l.n);
      const rest = l.text.slice(1).trim();
      if (rest === '') {
        pos++;
        const next = lines[pos];
        out.push(next && next.indent > indent ? block() : null);
      } else if (keyValue(rest, l.n) && !rest.startsWith('"') && !rest.startsWith('[')) {
        // "- key: value" opens a mapping whose keys sit at the column after "- ".
        const inner = indent + (l.text.length - rest.length);
        lines[pos] = { n: l.n, indent: inner, text: rest };
        out.push(map(inner));
      } else {
        out.push(parseScalar(rest, l.n));
        pos++;
      }
    }
    return out;
  };

  if (lines.length === 0) return {};
  const v = block();
  if (pos < lines.length) throw new YamlError('unexpected content', lines[pos]!.n);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new YamlError('the document is not a mapping', 1);
  return v;
}

/** Dotted paths of every leaf (`training.optimizer.lr`); lists count as leaves. */
export function leafPaths(m: YamlMap, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(m)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0)
      out.push(...leafPaths(v, p));
    else out.push(p);
  }
  return out;
}

/** The value at a dotted path, or undefined. */
export function getPath(m: YamlValue, path: string): YamlValue | undefined {
  let cur: YamlValue | undefined = m;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as YamlMap)[part];
  }
  return cur;
}

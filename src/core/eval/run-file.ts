// The run file: one JSON document carrying a run (configuration, metric history, evaluation, timing, backend)
// and its weights, so a run exported in one browser imports in another. Versioned: a file from a newer
// studio is refused with a message saying so, never half-read.

export const RUN_FILE_FORMAT = 'spatter-studio-run';
/** Bump when a field changes meaning; add a migration in `parseRunFile` for older versions. */
export const RUN_FILE_VERSION = 1;

export class RunFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFileError';
  }
}

export interface EncodedTensor {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Little-endian float32 bytes, base64. */
  data: string;
}

export interface RunFileWeights {
  /** Registry name of the architecture, e.g. `lenet5`. */
  model: string;
  input: { size: number; channels: number };
  tensors: EncodedTensor[];
}

/** The minimum a run must carry to be imported; the rest of the record travels as it is. */
export interface RunFileRun {
  id: string;
  name: string;
  [key: string]: unknown;
}

export interface RunFile<R extends RunFileRun = RunFileRun> {
  format: typeof RUN_FILE_FORMAT;
  version: number;
  exportedAt: string;
  run: R;
  weights: RunFileWeights | null;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    bin += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(bin);
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

export function encodeTensor(name: string, shape: number[], data: Float32Array): EncodedTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new Error(`Tensor "${name}" has ${data.length} values but shape [${shape.join(', ')}] needs ${n}`);
  }
  if (!isLittleEndian()) throw new Error('Big-endian platforms are not supported for run export');
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, shape: [...shape], dtype: 'float32', data: bytesToBase64(bytes) };
}

export function decodeTensor(t: EncodedTensor): Float32Array {
  const bytes = base64ToBytes(t.data);
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== n * 4) {
    throw new RunFileError(
      `Weights "${t.name}" hold ${bytes.length} bytes but shape [${t.shape.join(', ')}] needs ${n * 4}: the file is damaged`,
    );
  }
  return new Float32Array(bytes.buffer, bytes.byteOffset, n);
}

export function makeRunFile<R extends RunFileRun>(
  run: R,
  weights: RunFileWeights | null,
  now: Date = new Date(),
): RunFile<R> {
  return { format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, exportedAt: now.toISOString(), run, weights };
}

export function serializeRunFile(file: RunFile): string {
  return JSON.stringify(file, (_k, v: unknown) =>
    // JSON has no NaN/Infinity: keep them readable instead of turning them into null.
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parse and check a run file's text; `fileName` names the file in every refusal. */
export function parseRunFile(text: string, fileName = 'the file'): RunFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new RunFileError(`${fileName} is not a Spatter Studio run file: it is not JSON.`);
  }
  if (!isObject(doc) || doc.format !== RUN_FILE_FORMAT) {
    throw new RunFileError(
      `${fileName} is not a Spatter Studio run file (no "format": "${RUN_FILE_FORMAT}" field). ` +
        'Export runs from the Runs area to get one.',
    );
  }
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new RunFileError(`${fileName} has an invalid run file version (${String(version)}).`);
  }
  if (version > RUN_FILE_VERSION) {
    throw new RunFileError(
      `${fileName} was written by a newer Spatter Studio (run file version ${version}); this studio reads ` +
        `versions up to ${RUN_FILE_VERSION}. Update the studio to import it. Nothing was imported.`,
    );
  }
  const run = doc.run;
  if (!isObject(run) || typeof run.id !== 'string' || typeof run.name !== 'string') {
    throw new RunFileError(`${fileName} has no run record (a run needs an id and a name).`);
  }
  const weights = doc.weights ?? null;
  if (weights !== null) {
    if (
      !isObject(weights) ||
      typeof weights.model !== 'string' ||
      !isObject(weights.input) ||
      !Array.isArray(weights.tensors)
    ) {
      throw new RunFileError(`${fileName} has a weights section that is not readable.`);
    }
    for (const t of weights.tensors as unknown[]) {
      if (
        !isObject(t) ||
        typeof t.name !== 'string' ||
        !Array.isArray(t.shape) ||
        t.dtype !== 'float32' ||
        typeof t.data !== 'string'
      ) {
        throw new RunFileError(`${fileName} has a weight tensor that is not readable.`);
      }
    }
  }
  return {
    format: RUN_FILE_FORMAT,
    version,
    exportedAt: typeof doc.exportedAt === 'string' ? doc.exportedAt : '',
    run: run as RunFileRun,
    weights: weights as RunFileWeights | null,
  };
}

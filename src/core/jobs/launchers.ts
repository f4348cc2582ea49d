// Launch files of an exported job: a torchrun script, a Ray job (`ray job submit` with a runtime env) and a
// Kubeflow Trainer `TrainJob` manifest, each with a checker against the fields its schema defines, so a typo
// in a generated file fails a unit test rather than a cluster submission.
import { parseYaml, toYaml, type YamlMap, type YamlValue } from './yaml';

export interface LaunchOptions {
  jobId: string;
  nprocPerNode: number;
  /** Nodes for Kubeflow (torchrun --nnodes). */
  numNodes: number;
  /** Container image for Kubeflow (built from the job's Dockerfile). */
  image: string;
}

/** A Kubernetes object name (DNS-1123 label, at most 63 characters) made from the job id. */
export function k8sName(id: string): string {
  const s = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (s || 'spatter-job').slice(0, 63).replace(/-+$/, '');
}

export function torchrunScript(o: LaunchOptions): string {
  return `#!/usr/bin/env sh
# Run the job on this machine with PyTorch's distributed launcher (DDP): gloo on CPU, nccl on GPU.
#   sh launch/torchrun.sh                      # ${o.nprocPerNode} processes
#   NPROC=4 sh launch/torchrun.sh training.epochs=5   # Hydra-style overrides are passed to train.py
set -eu
cd "$(dirname "$0")/.."
NPROC="\${NPROC:-${o.nprocPerNode}}"
PY="\${PYTHON:-python3}"
if command -v torchrun >/dev/null 2>&1; then
  RUN="torchrun"
  # the interpreter torchrun runs under (its shebang), for the version check below
  PY=$(awk 'NR==1{sub(/^#! */,""); if ($1 ~ /env$/) print $2; else print $1}' "$(command -v torchrun)")
else
  RUN="$PY -m torch.distributed.run"
fi
# torch 1.x under Python >= 3.11 (Debian 12's python3-torch) cannot parse torchrun's default --redirects/--tee "0"
# (IntFlag iteration changed); any valid pair works around it.
EXTRA=""
if "$PY" -c 'import sys, torch; sys.exit(0 if torch.__version__.startswith("1.") and sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  EXTRA="--redirects 2 --tee 2"
fi
exec $RUN --standalone --nnodes 1 --nproc_per_node "$NPROC" $EXTRA train.py "$@"
`;
}

export function rayRuntimeEnv(o: LaunchOptions): YamlMap {
  return {
    working_dir: '.',
    pip: ['h5py', 'opencv-python-headless', 'pyyaml', 'onnx'],
    env_vars: { SPATTER_JOB_ID: o.jobId, OMP_NUM_THREADS: '1' },
  };
}

/** The `ray job submit` argument list (after `ray job submit`). */
export function raySubmitArgs(o: LaunchOptions): string[] {
  return [
    '--address',
    '${RAY_ADDRESS:-http://127.0.0.1:8265}',
    '--submission-id',
    `${o.jobId}-$(date +%s)`,
    '--runtime-env',
    'launch/ray_runtime_env.yaml',
    '--entrypoint-num-cpus',
    String(o.nprocPerNode),
    '--',
    'python3',
    '-m',
    'torch.distributed.run',
    '--standalone',
    '--nnodes',
    '1',
    '--nproc_per_node',
    String(o.nprocPerNode),
    'train.py',
  ];
}

export function raySubmitScript(o: LaunchOptions): string {
  const args = raySubmitArgs(o).map((a) => (a.startsWith('$') || a.includes('$(') ? `"${a}"` : a));
  return `#!/usr/bin/env sh
# Submit the job to a Ray cluster (Ray Jobs API): the job folder is the working_dir of the runtime env, and the
# entrypoint runs train.py under torchrun on the node Ray picks. Set RAY_ADDRESS to your cluster's dashboard.
# The results are written under outputs/ on that node; fetch them (or set studio.output_dir to shared storage).
set -eu
cd "$(dirname "$0")/.."
exec ray job submit ${args.join(' ')} "$@"
`;
}

export function trainJobManifest(o: LaunchOptions): YamlMap {
  return {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'TrainJob',
    metadata: { name: k8sName(o.jobId), labels: { 'app.kubernetes.io/created-by': 'spatter-studio' } },
    spec: {
      runtimeRef: {
        name: 'torch-distributed',
        apiGroup: 'trainer.kubeflow.org',
        kind: 'ClusterTrainingRuntime',
      },
      trainer: {
        image: o.image,
        command: ['torchrun', '/workspace/job/train.py', 'studio.output_dir=/workspace/outputs'],
        numNodes: o.numNodes,
        numProcPerNode: o.nprocPerNode,
        env: [{ name: 'SPATTER_JOB_ID', value: o.jobId }],
        resourcesPerNode: {
          requests: { cpu: String(o.nprocPerNode), memory: '8Gi' },
          limits: { cpu: String(o.nprocPerNode), memory: '16Gi' },
        },
      },
    },
  };
}

export function dockerfile(): string {
  return `# Image for the Kubeflow TrainJob (launch/trainjob.yaml): the job folder at /workspace/job.
#   docker build -t <registry>/spatter-job:<tag> . && docker push <registry>/spatter-job:<tag>
FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
RUN pip install --no-cache-dir h5py opencv-python-headless pyyaml onnx
COPY . /workspace/job
WORKDIR /workspace/job
`;
}

/** Every launch file of a job (path → text). */
export function launchFiles(o: LaunchOptions): Record<string, string> {
  return {
    'launch/torchrun.sh': torchrunScript(o),
    'launch/ray_job.sh': raySubmitScript(o),
    'launch/ray_runtime_env.yaml': toYaml(rayRuntimeEnv(o), {
      header: 'Ray runtime environment for `ray job submit --runtime-env` (see launch/ray_job.sh).',
    }),
    'launch/trainjob.yaml': toYaml(trainJobManifest(o), {
      header:
        'Kubeflow Trainer TrainJob (trainer.kubeflow.org/v1alpha1) on the torch-distributed runtime.\nBuild the image from the Dockerfile first, set spec.trainer.image, then: kubectl apply -f launch/trainjob.yaml',
    }),
    Dockerfile: dockerfile(),
  };
}

// ---- schema checks ---------------------------------------------------------------------------------------

type FieldType =
  'string' | 'integer' | 'boolean' | 'string[]' | 'object' | 'list' | 'quantity-map' | 'string-map';

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
  /** Fields of an object, or of each element of a list of objects. */
  fields?: Record<string, FieldSpec>;
  enum?: readonly string[];
  pattern?: RegExp;
  min?: number;
}

const ENV_VAR: Record<string, FieldSpec> = {
  name: { type: 'string', required: true, pattern: /^[-._a-zA-Z][-._a-zA-Z0-9]*$/ },
  value: { type: 'string' },
};

const RESOURCES: Record<string, FieldSpec> = {
  requests: { type: 'quantity-map' },
  limits: { type: 'quantity-map' },
};

/** The TrainJob fields (trainer.kubeflow.org/v1alpha1, Kubeflow Trainer v2) the studio writes or may write. */
export const TRAINJOB_SCHEMA: Record<string, FieldSpec> = {
  apiVersion: { type: 'string', required: true, enum: ['trainer.kubeflow.org/v1alpha1'] },
  kind: { type: 'string', required: true, enum: ['TrainJob'] },
  metadata: {
    type: 'object',
    required: true,
    fields: {
      name: { type: 'string', required: true, pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/ },
      namespace: { type: 'string' },
      labels: { type: 'string-map' },
      annotations: { type: 'string-map' },
    },
  },
  spec: {
    type: 'object',
    required: true,
    fields: {
      runtimeRef: {
        type: 'object',
        required: true,
        fields: {
          name: { type: 'string', required: true },
          apiGroup: { type: 'string', enum: ['trainer.kubeflow.org'] },
          kind: { type: 'string', enum: ['TrainingRuntime', 'ClusterTrainingRuntime'] },
        },
      },
      trainer: {
        type: 'object',
        fields: {
          image: { type: 'string' },
          command: { type: 'string[]' },
          args: { type: 'string[]' },
          env: { type: 'list', fields: ENV_VAR },
          numNodes: { type: 'integer', min: 1 },
          numProcPerNode: { type: 'integer', min: 1 },
          resourcesPerNode: { type: 'object', fields: RESOURCES },
        },
      },
      initializer: { type: 'object', fields: {} },
      labels: { type: 'string-map' },
      annotations: { type: 'string-map' },
      suspend: { type: 'boolean' },
      managedBy: { type: 'string' },
    },
  },
};

/** The runtime_env fields of Ray's Jobs API (ray.runtime_env.RuntimeEnv). */
export const RAY_RUNTIME_ENV_SCHEMA: Record<string, FieldSpec> = {
  working_dir: { type: 'string' },
  py_modules: { type: 'string[]' },
  excludes: { type: 'string[]' },
  pip: { type: 'string[]' },
  uv: { type: 'string[]' },
  conda: { type: 'string' },
  env_vars: { type: 'string-map' },
  image_uri: { type: 'string' },
  py_executable: { type: 'string' },
  worker_process_setup_hook: { type: 'string' },
  config: {
    type: 'object',
    fields: { setup_timeout_seconds: { type: 'integer' }, eager_install: { type: 'boolean' } },
  },
};

/** Options of `ray job submit` (Ray 2.x CLI) and whether each takes a value. */
export const RAY_SUBMIT_FLAGS: Record<string, boolean> = {
  '--address': true,
  '--job-id': true,
  '--submission-id': true,
  '--runtime-env': true,
  '--runtime-env-json': true,
  '--working-dir': true,
  '--metadata-json': true,
  '--entrypoint-num-cpus': true,
  '--entrypoint-num-gpus': true,
  '--entrypoint-memory': true,
  '--entrypoint-resources': true,
  '--no-wait': false,
  '--verify': true,
  '--headers': true,
  '--log-style': true,
  '--log-color': true,
  '-v': false,
};

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

function typeError(path: string, want: string, v: YamlValue | undefined): string {
  return `${path}: expected ${want}, got ${JSON.stringify(v)}`;
}

/** Problems of `value` against `schema` (unknown fields, missing required fields, wrong types); empty when valid. */
export function checkFields(value: YamlValue, schema: Record<string, FieldSpec>, path = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [typeError(path || '.', 'an object', value)];
  const out: string[] = [];
  for (const k of Object.keys(value)) if (!(k in schema)) out.push(`${path}${k}: unknown field`);
  for (const [k, spec] of Object.entries(schema)) {
    const p = `${path}${k}`;
    const v = value[k];
    if (v === undefined || v === null) {
      if (spec.required) out.push(`${p}: required field missing`);
      continue;
    }
    out.push(...checkValue(v, spec, p));
  }
  return out;
}

function checkValue(v: YamlValue, spec: FieldSpec, p: string): string[] {
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string') return [typeError(p, 'a string', v)];
      if (spec.enum && !spec.enum.includes(v)) return [`${p}: "${v}" is not one of ${spec.enum.join(', ')}`];
      if (spec.pattern && !spec.pattern.test(v)) return [`${p}: "${v}" does not match ${spec.pattern}`];
      return [];
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return [typeError(p, 'an integer', v)];
      if (spec.min !== undefined && v < spec.min) return [`${p}: ${v} is below ${spec.min}`];
      return [];
    case 'boolean':
      return typeof v === 'boolean' ? [] : [typeError(p, 'a boolean', v)];
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string')
        ? []
        : [typeError(p, 'a list of strings', v)];
    case 'object':
      return checkFields(v, spec.fields ?? {}, `${p}.`);
    case 'list':
      if (!Array.isArray(v)) return [typeError(p, 'a list', v)];
      return v.flatMap((x, i) => checkFields(x, spec.fields ?? {}, `${p}[${i}].`));
    case 'string-map':
    case 'quantity-map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return [typeError(p, 'a map', v)];
      const out: string[] = [];
      for (const [k, x] of Object.entries(v)) {
        if (typeof x !== 'string') out.push(typeError(`${p}.${k}`, 'a string', x));
        else if (spec.type === 'quantity-map' && !QUANTITY.test(x))
          out.push(`${p}.${k}: "${x}" is not a quantity`);
      }
      return out;
    }
  }
}

export function checkTrainJob(yamlText: string): string[] {
  return checkFields(parseYaml(yamlText), TRAINJOB_SCHEMA);
}

export function checkRayRuntimeEnv(yamlText: string): string[] {
  return checkFields(parseYaml(yamlText), RAY_RUNTIME_ENV_SCHEMA);
}

/** Problems of a `ray job submit` argument list: unknown options, options without values, no entrypoint. */
export function checkRaySubmitArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!;
    if (!(a in RAY_SUBMIT_FLAGS)) {
      out.push(`unknown option ${a}`);
      continue;
    }
    if (RAY_SUBMIT_FLAGS[a]) {
      const v = args[i + 1];
      if (v === undefined || v === '--' || v.startsWith('--')) out.push(`${a} needs a value`);
      else i++;
    }
  }
  if (i >= args.length - 1) out.push('no entrypoint after --');
  return out;
}

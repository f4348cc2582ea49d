// Exported jobs: the Hydra mapping against the research's config, the launch files against their schema fields,
// the manifest digest (shared with train.py), the zip's contents and the checks on imported results.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { applyOverrides, defaultConfig } from '../config/config';
import { EXTRA_KEYS, hydraConfigFiles, type HydraJobInfo } from './hydra-config';
import { JobExportError, jobZip, trainPy, type JobSpec } from './job';
import {
  checkFields,
  checkRayRuntimeEnv,
  checkRaySubmitArgs,
  checkTrainJob,
  k8sName,
  launchFiles,
  raySubmitArgs,
  trainJobManifest,
  TRAINJOB_SCHEMA,
} from './launchers';
import { buildManifest, canonicalJson, type JobCrop } from './manifest';
import { nchwBatch } from './onnx-input';
import { parseSearchSpace, studyFiles, studyPy } from './study';
import { exportBaseName, exportedLocation, keepsDatasetNames } from './export-layout';
import { readJobResults } from './results';
import { getPath, leafPaths, parseYaml, toYaml, type YamlMap } from './yaml';

const fixture = (p: string) =>
  readFileSync(new URL(`./__fixtures__/seed_config/${p}`, import.meta.url), 'utf8');
const PYTHON = '/usr/bin/python3';
const hasPython = existsSync(PYTHON);

const job: HydraJobInfo = {
  jobId: 'spatter-job-test',
  datasetVersion: 'dvx-abc',
  manifestDigest: 'f'.repeat(64),
  files: [
    { path: 'left_low_0.h5', label: 0 },
    { path: 'left_high_2.h5', label: 1 },
  ],
  classNames: ['low gas flow', 'high gas flow'],
  nprocPerNode: 2,
  origin: 'current settings',
};

/** Research groups composed like Hydra: config.yaml + model/lenet5 + training/default + data/dataset. */
function research(): YamlMap {
  const root = parseYaml(fixture('config.yaml'));
  delete root.defaults;
  return {
    ...root,
    model: parseYaml(fixture('model/lenet5.yaml')),
    training: parseYaml(fixture('training/default.yaml')),
    data: parseYaml(fixture('data/dataset.yaml')),
  };
}

function mapped(files: Record<string, string>, model = 'lenet5'): YamlMap {
  const root = parseYaml(files['config/config.yaml']!);
  return {
    ...root,
    model: parseYaml(files[`config/model/${model}.yaml`]!),
    training: parseYaml(files['config/training/default.yaml']!),
    data: parseYaml(files['config/data/dataset.yaml']!),
  };
}

describe('Hydra config mapping', () => {
  const files = hydraConfigFiles(defaultConfig(), job);
  const ours = mapped(files);
  const theirs = research();

  it('writes every key of the research schema', () => {
    const missing = leafPaths(theirs).filter((p) => getPath(ours, p) === undefined);
    expect(missing).toEqual([]);
  });

  it('maps the studio defaults onto the research values', () => {
    for (const p of [
      'training.optimizer.name',
      'training.optimizer.lr',
      'training.optimizer.weight_decay',
      'training.loss',
      'training.epochs',
      'training.batch_size',
      'training.early_stopping.enabled',
      'training.early_stopping.patience',
      'training.early_stopping.min_delta',
      'training.early_stopping.monitor',
      'training.checkpoint.save_every',
      'data.resize',
      'data.grayscale',
      'data.splits.train',
      'data.splits.val',
      'data.splits.test',
      'data.transforms.rotation_degrees',
      'data.transforms.resize_factor',
      'model.name',
      'model.architecture.in_channels',
      'model.architecture.num_classes',
      'device',
    ]) {
      expect([p, getPath(ours, p)]).toEqual([p, getPath(theirs, p)]);
    }
    expect(ours.defaults).toEqual([
      { model: 'lenet5' },
      { training: 'default' },
      { data: 'dataset' },
      '_self_',
    ]);
  });

  it('documents every key beyond the research schema, in the YAML and the README table', () => {
    const research = new Set(leafPaths(theirs));
    const extras = leafPaths(ours).filter(
      (p) =>
        !research.has(p) &&
        !['defaults', 'data.files', 'data.labels'].includes(p) &&
        !p.startsWith('experiment.'),
    );
    expect(extras.length).toBeGreaterThan(5);
    for (const p of extras) expect(Object.keys(EXTRA_KEYS), p).toContain(p);
    expect(files['config/training/default.yaml']).toContain(
      'flips: false  # random horizontal/vertical flips',
    );
  });

  it('carries overrides: a run with other settings maps them', () => {
    const { config, errors } = applyOverrides(
      defaultConfig(),
      'training.lr=0.0005 training.batch_size=256 training.epochs=3 training.early_stopping=false model.name=lenet5-classic data.ratios=0.7,0.15,0.15 training.rotation=0',
    );
    expect(errors).toEqual([]);
    const m = mapped(hydraConfigFiles(config, job), 'lenet5-classic');
    expect(getPath(m, 'training.optimizer.lr')).toBe(0.0005);
    expect(getPath(m, 'training.batch_size')).toBe(256);
    expect(getPath(m, 'training.epochs')).toBe(3);
    expect(getPath(m, 'training.early_stopping.enabled')).toBe(false);
    expect(getPath(m, 'data.splits.train')).toBe(0.7);
    expect(getPath(m, 'data.transforms.rotation_degrees')).toBe(0);
    expect(m.defaults).toContainEqual({ model: 'lenet5-classic' });
    expect(getPath(m, 'data.files')).toEqual(['left_low_0.h5', 'left_high_2.h5']);
    expect(getPath(m, 'data.labels')).toEqual([0, 1]);
  });

  it.skipIf(!hasPython)('PyYAML reads the written files as this module does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hydra-'));
    const f = join(dir, 'c.yaml');
    writeFileSync(f, files['config/config.yaml']!);
    const py = execFileSync(
      PYTHON,
      ['-c', `import yaml,json,sys; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))`, f],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(py)).toEqual(parseYaml(files['config/config.yaml']!));
  });
});

describe('YAML subset', () => {
  it('round-trips maps, lists of maps and quoted strings', () => {
    const doc: YamlMap = {
      a: { b: [1, 2.5, 'x y'], c: null, d: true },
      list: [{ name: 'A', value: 'yes' }, 'plain'],
      'odd key': '#not a comment',
      empty: {},
    };
    expect(parseYaml(toYaml(doc))).toEqual(doc);
  });
  it('refuses what it does not read', () => {
    expect(() => parseYaml('a: &anchor 1')).toThrow(/unsupported/);
    expect(() => parseYaml('a:\n\tb: 1')).toThrow(/tabs/);
  });
});

describe('launch files', () => {
  const o = { jobId: 'Spatter_Job 2026/01', nprocPerNode: 4, numNodes: 2, image: 'reg/spatter:1' };
  const files = launchFiles(o);

  it('the Kubeflow TrainJob has the schema fields and only those', () => {
    expect(checkTrainJob(files['launch/trainjob.yaml']!)).toEqual([]);
    const tj = parseYaml(files['launch/trainjob.yaml']!);
    expect(getPath(tj, 'spec.trainer.numProcPerNode')).toBe(4);
    expect(getPath(tj, 'spec.trainer.numNodes')).toBe(2);
    expect(getPath(tj, 'spec.runtimeRef.name')).toBe('torch-distributed');
    expect(getPath(tj, 'metadata.name')).toBe('spatter-job-2026-01');
  });

  it('the schema check catches what a cluster would refuse', () => {
    const bad = trainJobManifest(o) as YamlMap & { spec: YamlMap & { trainer: YamlMap } };
    bad.spec.trainer.numProcPerNode = 'two';
    bad.spec.trainer.gpus = 1;
    delete (bad.spec as YamlMap).runtimeRef;
    (bad.metadata as YamlMap).name = 'Not_A_Name';
    const errors = checkFields(bad, TRAINJOB_SCHEMA);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('spec.trainer.numProcPerNode: expected an integer'),
        'spec.trainer.gpus: unknown field',
        'spec.runtimeRef: required field missing',
        expect.stringContaining('metadata.name: "Not_A_Name" does not match'),
      ]),
    );
    expect(k8sName('--')).toBe('spatter-job');
    expect(k8sName('x'.repeat(80)).length).toBe(63);
  });

  it('the Ray runtime env and the ray job submit command have valid fields', () => {
    expect(checkRayRuntimeEnv(files['launch/ray_runtime_env.yaml']!)).toEqual([]);
    expect(checkRayRuntimeEnv('working_dir: .\npip_packages: [h5py]\n')).toEqual([
      'pip_packages: unknown field',
    ]);
    expect(checkRaySubmitArgs(raySubmitArgs(o))).toEqual([]);
    expect(checkRaySubmitArgs(['--adress', 'x', '--runtime-env', '--', 'python3'])).toEqual([
      'unknown option --adress',
      'unknown option x',
      '--runtime-env needs a value',
    ]);
    expect(checkRaySubmitArgs(['--address', 'http://h:8265'])).toEqual(['no entrypoint after --']);
    expect(files['launch/ray_job.sh']).toContain(
      'ray job submit --address "${RAY_ADDRESS:-http://127.0.0.1:8265}"',
    );
    expect(files['launch/torchrun.sh']).toContain('--nproc_per_node "$NPROC" $EXTRA train.py');
  });
});

const crops: JobCrop[] = [
  ...Array.from({ length: 6 }, (_, i): JobCrop => ({
    file: 'a.h5',
    dataset: 'd0',
    dsIdx: i,
    label: 0,
    split: 'train',
  })),
  { file: 'b.h5', dataset: 'd1', dsIdx: 0, label: 1, split: 'val' },
  { file: 'b.h5', dataset: 'd1', dsIdx: 1, label: 1, split: 'test' },
  { file: 'a.h5', dataset: 'd0', dsIdx: 7, label: 0, split: 'test' },
];

async function manifestOf(c: JobCrop[] = crops) {
  return buildManifest({
    datasetVersion: {
      id: 'dvx-1',
      name: 'v1 — “quoted” é',
      splitRecipe: 'random 60/20/20, seed 1234',
      classNames: ['low', 'high'],
    },
    files: [
      {
        path: 'data/a.h5',
        sha256: 'a'.repeat(64),
        bytes: 10,
        crops: 8,
        included: true,
        source: { name: 'a.h5', contentDigest: null, digestMethod: null },
      },
      {
        path: 'data/b.h5',
        sha256: 'b'.repeat(64),
        bytes: 10,
        crops: 2,
        included: false,
        source: { name: 'b.h5', contentDigest: null, digestMethod: null },
      },
    ],
    crops: c,
    preprocessing: { cacheSide: 40, inputSize: 32, channels: 3, grey: 'g', resize: 'r' },
  });
}

describe('data manifest', () => {
  it('writes the research index (train, then val, then test) and the frozen split', async () => {
    const { manifest, files } = await manifestOf([...crops].reverse());
    expect(files['data/images.csv']!.split('\n').slice(0, 2)).toEqual([
      'file,dataset,ds_idx,label',
      'a.h5,d0,5,0',
    ]);
    expect(files['data/split.csv']!.trim().split('\n').slice(-2)).toEqual([
      'a.h5,d0,7,0,test',
      'b.h5,d1,1,1,test',
    ]);
    expect(manifest.split.counts).toEqual({ train: [6, 0], val: [0, 1], test: [1, 1] });
    expect(manifest.index.rows).toBe(9);
  });

  it('the digest changes with the split and ignores nothing else', async () => {
    const a = await manifestOf();
    const moved = crops.map((c, i) => (i === 0 ? { ...c, split: 'test' as const } : c));
    const b = await manifestOf(moved);
    expect(a.manifest.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.manifest.digest).not.toBe(a.manifest.digest);
    expect((await manifestOf()).manifest.digest).toBe(a.manifest.digest);
  });

  it('refuses an empty split and unknown files', async () => {
    await expect(manifestOf(crops.filter((c) => c.split !== 'val'))).rejects.toThrow(
      'The val split is empty',
    );
    await expect(manifestOf([...crops, { ...crops[0]!, file: 'c.h5' }])).rejects.toThrow(
      'names a file not in the job',
    );
  });

  it.skipIf(!hasPython)(
    'train.py computes the same digest from manifest.json (canonical JSON in Python)',
    async () => {
      const { manifest, files } = await manifestOf();
      const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
      writeFileSync(join(dir, 'manifest.json'), files['data/manifest.json']!);
      const py = execFileSync(
        PYTHON,
        [
          '-c',
          `import json,hashlib,sys\nm=json.load(open(sys.argv[1]))\nb={k:v for k,v in m.items() if k!='digest'}\nprint(hashlib.sha256(json.dumps(b,sort_keys=True,separators=(',',':'),ensure_ascii=False).encode()).hexdigest())`,
          join(dir, 'manifest.json'),
        ],
        { encoding: 'utf8' },
      ).trim();
      expect(py).toBe(manifest.digest);
      expect(canonicalJson({ b: 1, a: [{ d: 'é', c: null }] })).toBe('{"a":[{"c":null,"d":"é"}],"b":1}');
    },
  );
});

describe('job zip', () => {
  it('holds the config, data, manifest, train.py, launch files and README under the job folder', async () => {
    const { manifest, files } = await manifestOf();
    const spec: JobSpec = {
      jobId: 'spatter-job-x',
      config: defaultConfig(),
      origin: 'current settings',
      manifest,
      manifestFiles: files,
      dataFiles: { 'data/a.h5': new Uint8Array([1, 2, 3]), 'data/b.h5': new Uint8Array([4]) },
      fileLabels: { 'data/a.h5': 0, 'data/b.h5': 1 },
      launch: { nprocPerNode: 2, numNodes: 1, image: 'img' },
    };
    const zip = unzipSync(jobZip(spec));
    expect(Object.keys(zip).sort()).toEqual(
      [
        'Dockerfile',
        'README.md',
        'config/config.yaml',
        'config/data/dataset.yaml',
        'config/model/lenet5.yaml',
        'config/training/default.yaml',
        'data/a.h5',
        'data/b.h5',
        'data/images.csv',
        'data/manifest.json',
        'data/split.csv',
        'launch/ray_job.sh',
        'launch/ray_runtime_env.yaml',
        'launch/torchrun.sh',
        'launch/trainjob.yaml',
        'train.py',
      ].map((p) => `spatter-job-x/${p}`),
    );
    const readme = new TextDecoder().decode(zip['spatter-job-x/README.md']);
    expect(readme).toContain('torchrun --nproc_per_node 2 train.py');
    expect(readme).toContain('kubectl apply -f launch/trainjob.yaml');
    expect(readme).toContain('`studio.manifest_digest`');
    expect(readme).toContain('**copy b.h5 here**');
    const cfg = parseYaml(new TextDecoder().decode(zip['spatter-job-x/config/config.yaml']));
    expect(getPath(cfg, 'studio.manifest_digest')).toBe(manifest.digest);
  });

  it('refuses a model train.py does not build', () => {
    const { config } = applyOverrides(defaultConfig(), 'model.name=resnet-small');
    expect(() => jobZip({ config } as JobSpec)).toThrow(JobExportError);
  });

  it.skipIf(!hasPython)('train.py is valid Python', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainpy-'));
    writeFileSync(join(dir, 'train.py'), trainPy);
    execFileSync(PYTHON, ['-m', 'py_compile', join(dir, 'train.py')]);
  });
});

describe('imported results', () => {
  async function results() {
    const { manifest, files } = await manifestOf();
    const result = {
      format: 'spatter-studio/job-result@1',
      job_id: 'spatter-job-x',
      manifest_digest: manifest.digest,
      dataset_version: 'dvx-1',
      launcher: 'torchrun',
      processes: 2,
      nodes: 1,
      dist_backend: 'gloo',
      device: 'cpu',
      torch: '1.13.1',
      model: {
        name: 'lenet5',
        file: 'model.onnx',
        input: 'input',
        output: 'logits',
        layout: 'NCHW',
        size: 32,
        channels: 3,
        cache_side: 40,
      },
      epochs_run: 2,
      best_epoch: 2,
      best_val_acc: 0.9,
      test: { accuracy: 0.5, loss: 0.7, correct: 1, count: 2 },
      seconds: 3,
      overrides: [],
    };
    const onnx = new Uint8Array(64);
    onnx[0] = 0x08;
    onnx[1] = 0x07;
    return {
      'outputs/result.json': strToU8(JSON.stringify(result)),
      'outputs/metrics.jsonl': strToU8(
        '{"epoch":1,"train_loss":0.6,"train_acc":0.7,"val_loss":0.5,"val_acc":0.8}\n',
      ),
      'outputs/model.onnx': onnx,
      'outputs/manifest.json': strToU8(files['data/manifest.json']!),
      'outputs/.hydra/config.yaml': strToU8('seed: 1\n'),
    } as Record<string, Uint8Array>;
  }

  it('reads a complete output folder', async () => {
    const r = await readJobResults(await results());
    expect(r.folder).toBe('outputs/');
    expect(r.result.processes).toBe(2);
    expect(r.metrics).toHaveLength(1);
    expect(r.hydraConfig).toBe('seed: 1\n');
  });

  it('refuses missing metrics, a corrupt ONNX and an edited manifest, saying which', async () => {
    const noMetrics = await results();
    delete noMetrics['outputs/metrics.jsonl'];
    await expect(readJobResults(noMetrics)).rejects.toThrow(/Missing metrics: outputs\/metrics.jsonl/);
    const corrupt = await results();
    corrupt['outputs/model.onnx'] = strToU8('<html>not a model</html>');
    await expect(readJobResults(corrupt)).rejects.toThrow(/model.onnx is not an ONNX model/);
    const edited = await results();
    const m = JSON.parse(new TextDecoder().decode(edited['outputs/manifest.json'])) as {
      files: { sha256: string }[];
    };
    m.files[0]!.sha256 = '0'.repeat(64);
    edited['outputs/manifest.json'] = strToU8(JSON.stringify(m));
    await expect(readJobResults(edited)).rejects.toThrow(/manifest digest does not match/);
    await expect(readJobResults({ 'x.txt': strToU8('x') })).rejects.toThrow(/No result.json/);
  });
});

describe('ONNX input', () => {
  it('centre-crops, scales and replicates grey crops in NCHW order', () => {
    const side = 4;
    const x = Uint8Array.from({ length: 2 * side * side }, (_, i) => i);
    const b = nchwBatch(x, side, 2, 3, 1, 2);
    // crop 1, rows 1..2, cols 1..2 of a 4x4 grid starting at 16: 21, 22, 25, 26 — the same plane three times
    const plane = [21, 22, 25, 26].map((v) => v / 255);
    expect(Array.from(b)).toEqual([...plane, ...plane, ...plane].map((v) => Math.fround(v)));
    expect(() => nchwBatch(x, side, 8, 1, 0, 1)).toThrow(/only 4x4/);
  });
});

describe('export layout (where a crop lands in the exported HDF5 file)', () => {
  it('a research file keeps its dataset names and indexes', () => {
    const at = exportedLocation({
      name: 'left_low_0.h5',
      kind: 'file',
      datasets: [{ name: 'spatter_low_flow_0', count: 101, dtype: 'string (12000 bytes)' }],
    });
    expect(at('spatter_low_flow_0', 7)).toEqual({ dataset: 'spatter_low_flow_0', dsIdx: 7 });
  });
  it('memory sources, stacks and big datasets become <source>_<n> of 10,000, in source order', () => {
    const mem = exportedLocation({
      name: 'build 42.webm',
      kind: 'memory',
      datasets: [
        { name: 'a', count: 9_000, dtype: 'jpeg' },
        { name: 'b', count: 5_000, dtype: 'jpeg' },
      ],
    });
    expect(mem('a', 10)).toEqual({ dataset: 'build_42_webm_0', dsIdx: 10 });
    expect(mem('b', 1_500)).toEqual({ dataset: 'build_42_webm_1', dsIdx: 500 });
    expect(() => mem('c', 0)).toThrow(/no dataset c/);
    const stack = {
      name: 'stack_high_0.h5',
      kind: 'file' as const,
      datasets: [{ name: 'x', count: 3, dtype: 'uint8 40×40' }],
    };
    expect(keepsDatasetNames(stack)).toBe(false);
    expect(exportedLocation(stack)('x', 2)).toEqual({ dataset: 'stack_high_0_0', dsIdx: 2 });
    expect(exportBaseName('dir/left_high_2.hdf5')).toBe('left_high_2');
  });
});

describe('search (Optuna study) exported with a job', () => {
  it('parses a search space over studio keys and maps it onto Hydra keys', () => {
    const space = parseSearchSpace(
      'training.lr=log(1e-4,1e-2) training.epochs=int(2,5) training.loss=choice(bce,focal) model.name=choice(lenet5,lenet5-classic) training.flips=choice(true,false)',
    );
    expect(space).toEqual([
      { name: 'training.lr', type: 'float', low: 1e-4, high: 1e-2, log: true },
      { name: 'training.epochs', type: 'int', low: 2, high: 5 },
      { name: 'training.loss', type: 'categorical', choices: ['bce', 'focal'] },
      { name: 'model.name', type: 'categorical', choices: ['lenet5', 'lenet5-classic'] },
      { name: 'training.flips', type: 'categorical', choices: [true, false] },
    ]);
    const files = studyFiles({
      name: 's1',
      direction: 'maximize',
      metric: 'best_val_acc',
      space,
      trialsPerWorker: 4,
      journal: '{"op_code": 0}',
    });
    const json = JSON.parse(files['study/space.json']!) as {
      space: { hydra: string; hydra_values?: object }[];
    };
    expect(json.space.map((p) => p.hydra)).toEqual([
      'training.optimizer.lr',
      'training.epochs',
      'training.loss',
      'model',
      'training.augment.flips',
    ]);
    expect(json.space[2]!.hydra_values).toEqual({ bce: 'bce_with_logits', focal: 'focal' });
    expect(files['study/journal.log']).toBe('{"op_code": 0}\n');
  });

  it('refuses bad dimensions with the reason', () => {
    expect(() => parseSearchSpace('training.lr=log(0,1)')).toThrow('log(low,high) needs low > 0');
    expect(() => parseSearchSpace('training.epochs=int(1.5,3)')).toThrow('needs integers');
    expect(() => parseSearchSpace('extract.min_area=int(1,3)')).toThrow('cannot be searched');
    expect(() => parseSearchSpace('training.lr=uniform(1,2)')).toThrow('is not a search dimension');
    expect(() => parseSearchSpace('training.lr=float(2,1)')).toThrow('must be below');
    expect(() => parseSearchSpace('  ')).toThrow('empty');
  });

  it.skipIf(!hasPython)('study.py is valid Python', () => {
    const dir = mkdtempSync(join(tmpdir(), 'studypy-'));
    writeFileSync(join(dir, 'study.py'), studyPy);
    execFileSync(PYTHON, ['-m', 'py_compile', join(dir, 'study.py')]);
  });
});

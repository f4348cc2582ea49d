// The studio configuration mapped onto the research's Hydra schema (config.yaml with model/training/data groups,
// as in the research's seed_config/): every research key is written with the studio's value, and what the studio
// has beyond the research schema is written under documented extra keys (`studio`, `training.augment`, …).
import type { StudioConfig } from '../config/config';
import { toYaml, type YamlComments, type YamlMap } from './yaml';

export interface HydraJobInfo {
  jobId: string;
  /** Dataset version id (or the adapter's stand-in id) the job trains on. */
  datasetVersion: string;
  manifestDigest: string;
  /** The job's HDF5 files (relative to paths.data_root) and the class of each when the whole file has one. */
  files: { path: string; label: number | null }[];
  classNames: string[];
  /** Processes per node the launch files use. */
  nprocPerNode: number;
  /** Where the run of the studio came from, e.g. "run r-12 (lenet5)" or "current settings". */
  origin: string;
}

/** The extra keys, each with the sentence the README and the YAML comments show. */
export const EXTRA_KEYS: Record<string, string> = {
  'studio.job_id': 'id of the exported job (the studio matches imported results by it)',
  'studio.dataset_version': 'the dataset version the job was exported from',
  'studio.manifest': 'the data manifest: files with SHA-256 digests, the CSV index, the frozen split',
  'studio.manifest_digest': 'SHA-256 of the manifest; train.py refuses data that does not match it',
  'studio.origin': 'which run or settings of the studio the job reproduces',
  'studio.output_dir': 'where train.py writes metrics.jsonl, model.onnx, result.json and .hydra/',
  'studio.dist_backend': 'torch.distributed backend: auto = nccl when CUDA is available, gloo otherwise',
  'studio.nproc_per_node': 'processes per node the launch files start',
  'studio.class_names': 'class names in label order',
  'model.input_size': 'input side after the centre crop (equals data.resize)',
  'training.loss': 'bce_with_logits (research) or focal (the studio’s focal loss, gamma 2)',
  'training.augment.flips': 'random horizontal/vertical flips (studio augmentation)',
  'training.augment.brightness': 'random brightness shift range, fraction of full scale (0 = off)',
  'training.augment.contrast': 'random contrast range, factor 1 +- this (0 = off)',
  'training.keep_checkpoints': 'best checkpoints the studio keeps (train.py keeps the best one)',
  'data.cache_size': 'side of the decoded grey crop before rotation and centre crop (40 = 1.25 x 32)',
  'data.split.kind': 'random (research), stratified or grouped; the split itself is frozen in data/split.csv',
  'data.split.seed': 'seed of the shuffle that made the split (research: 1234)',
  'data.split.frozen': 'the frozen split: every crop of the index with train, val or test',
};

const SCHEDULERS: Record<string, string> = {
  constant: 'reduce_on_plateau',
  plateau: 'reduce_on_plateau',
  'warmup-cosine': 'warmup_cosine',
};

/** The Hydra config files of a job: `config/config.yaml`, `config/model/<name>.yaml`, … (path → text). */
export function hydraConfigFiles(cfg: StudioConfig, job: HydraJobInfo): Record<string, string> {
  const t = cfg.training;
  const m = cfg.model;
  const d = cfg.data;
  const comments: YamlComments = EXTRA_KEYS;
  const root: YamlMap = {
    defaults: [{ model: m.name }, { training: 'default' }, { data: 'dataset' }, '_self_'],
    experiment: {
      name: job.jobId,
      tags: [m.name, 'grayscale', 'binary', 'spatter-studio'],
      notes: `Exported from Spatter Studio (${job.origin})`,
    },
    seed: t.seed,
    device: 'auto',
    paths: { data_root: 'data', checkpoint_dir: 'checkpoints', log_dir: 'logs' },
    mlflow: { enabled: false, tracking_uri: 'mlruns', experiment_name: 'spatter_monitoring' },
    studio: {
      job_id: job.jobId,
      dataset_version: job.datasetVersion,
      manifest: 'data/manifest.json',
      manifest_digest: job.manifestDigest,
      origin: job.origin,
      output_dir: 'outputs',
      dist_backend: 'auto',
      nproc_per_node: job.nprocPerNode,
      class_names: job.classNames,
    },
  };
  const model: YamlMap = {
    name: m.name,
    architecture: { in_channels: m.channels, num_classes: 1 },
    input_size: m.input_size,
    pretrained: null,
  };
  const training: YamlMap = {
    optimizer: { name: 'adam', lr: t.lr, weight_decay: t.weight_decay },
    loss: t.loss === 'focal' ? 'focal' : 'bce_with_logits',
    epochs: t.epochs,
    batch_size: t.batch_size,
    num_workers: 0,
    pin_memory: false,
    persistent_workers: false,
    checkpoint: { save_every: t.checkpoint_every, save_best: true, monitor: 'val_accuracy', mode: 'max' },
    early_stopping: {
      enabled: t.early_stopping,
      patience: t.patience,
      monitor: 'val_accuracy',
      mode: 'max',
      min_delta: t.min_delta,
    },
    scheduler: {
      enabled: t.schedule !== 'constant',
      name: SCHEDULERS[t.schedule] ?? 'reduce_on_plateau',
      patience: 5,
      factor: 0.5,
      min_lr: 0.00001,
    },
    grad_clip: { enabled: false, max_norm: 1.0 },
    mixed_precision: false,
    log_every: 10,
    augment: { flips: t.flips, brightness: t.brightness, contrast: t.contrast },
    keep_checkpoints: t.keep_checkpoints,
  };
  const ratios = d.ratios;
  const data: YamlMap = {
    files: job.files.map((f) => f.path),
    labels: job.files.map((f) => f.label ?? -1),
    csv_filename: 'images.csv',
    resize: m.input_size,
    grayscale: true,
    splits: { train: ratios[0] ?? 0.6, val: ratios[1] ?? 0.2, test: ratios[2] ?? 0.2 },
    transforms: {
      rotation_degrees: t.rotation,
      resize_factor: Math.round((d.cache_size / m.input_size) * 1e6) / 1e6,
      normalize: false,
    },
    cache_size: d.cache_size,
    split: { kind: d.split, seed: d.seed, frozen: 'split.csv' },
  };
  const header = (what: string) =>
    `${what}\nWritten by Spatter Studio in the research's Hydra schema; keys marked with a comment are studio extras.`;
  return {
    'config/config.yaml': toYaml(root, { header: header('Base configuration'), comments }),
    [`config/model/${m.name}.yaml`]: toYaml(model, {
      header: header(`Model: ${m.name}`),
      comments: prefixed(comments, 'model.'),
    }),
    'config/training/default.yaml': toYaml(training, {
      header: header('Training configuration'),
      comments: prefixed(comments, 'training.'),
    }),
    'config/data/dataset.yaml': toYaml(data, {
      header: header('Dataset configuration (files and labels; the CSV index and split are in data/)'),
      comments: prefixed(comments, 'data.'),
    }),
  };
}

/** Comments of one group, with the group prefix removed (group files hold the group's keys at top level). */
function prefixed(comments: YamlComments, prefix: string): YamlComments {
  const out: YamlComments = {};
  for (const [k, v] of Object.entries(comments)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** The README table of extra keys. */
export function extraKeysMarkdown(): string {
  return [
    '| key | meaning |',
    '| --- | --- |',
    ...Object.entries(EXTRA_KEYS).map(([k, v]) => `| \`${k}\` | ${v} |`),
  ].join('\n');
}

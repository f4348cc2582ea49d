// An exported job as files: the Hydra config, the data manifest and data files, train.py, the launch files and a
// README, zipped in the page with fflate. Pure: the caller gathers the data (state/jobs-store) and downloads.
import { zipSync, strToU8 } from 'fflate';
import type { StudioConfig } from '../config/config';
import { extraKeysMarkdown, hydraConfigFiles } from './hydra-config';
import trainPy from './job-template/train.py?raw';
import { launchFiles, type LaunchOptions } from './launchers';
import type { JobManifest } from './manifest';
import { studyFiles, studyReadme, type StudySpec } from './study';

export { trainPy };

/** Models the generated train.py builds. */
export const JOB_MODELS = ['lenet5', 'lenet5-classic'] as const;

export class JobExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobExportError';
  }
}

export interface JobSpec {
  jobId: string;
  config: StudioConfig;
  origin: string;
  manifest: JobManifest;
  /** data/manifest.json, data/images.csv, data/split.csv */
  manifestFiles: Record<string, string>;
  /** The HDF5 files (data/<name>.h5 → bytes). */
  dataFiles: Record<string, Uint8Array>;
  /** Class of each data file when all its crops share it. */
  fileLabels: Record<string, number | null>;
  launch: Omit<LaunchOptions, 'jobId'>;
  /** A search to run on the cluster (Optuna journal shared by workers), or none. */
  study?: StudySpec | null;
}

export function checkJobConfig(cfg: StudioConfig): void {
  if (!(JOB_MODELS as readonly string[]).includes(cfg.model.name)) {
    throw new JobExportError(
      `The exported train.py builds ${JOB_MODELS.join(' and ')}; this run uses ${cfg.model.name}. Choose one of those models in Train (model.name) to export a job.`,
    );
  }
}

export function jobReadme(spec: JobSpec): string {
  const m = spec.manifest;
  const n = spec.launch.nprocPerNode;
  const counts = m.split.counts;
  const total = (s: keyof typeof counts) => counts[s].reduce((a, b) => a + b, 0);
  const referenced = m.files.filter((f) => !f.included).map((f) => f.path.replace(/^data\//, ''));
  return `# Spatter Studio job ${spec.jobId}

Trains ${spec.config.model.name} as Spatter Studio would (${spec.origin}) with PyTorch, on one process or many,
and writes results the studio imports (Runs → Scale out → Import results).

- Dataset version: \`${m.datasetVersion.id}\` (${m.datasetVersion.name}); manifest digest \`${m.digest}\`
- Split (frozen): ${m.datasetVersion.splitRecipe}; train ${total('train')}, val ${total('val')}, test ${total('test')} crops
- Classes: ${m.datasetVersion.classNames.map((c, i) => `${i} = ${c}`).join(', ')}

## Run it

Needs Python 3 with torch, torchvision, h5py, opencv (cv2), numpy and pyyaml
(Debian: \`apt install python3-torch python3-torchvision python3-h5py python3-opencv python3-yaml\`).

| where | command |
| --- | --- |
| this machine, ${n} processes (DDP: gloo on CPU, nccl on GPU) | \`torchrun --nproc_per_node ${n} train.py\` or \`sh launch/torchrun.sh\` |
| this machine, one process | \`python3 train.py\` |
| a Ray cluster | \`RAY_ADDRESS=http://<head>:8265 sh launch/ray_job.sh\` (runtime env: \`launch/ray_runtime_env.yaml\`) |
| Kubernetes with Kubeflow Trainer | build the image from \`Dockerfile\`, set \`spec.trainer.image\` in \`launch/trainjob.yaml\`, \`kubectl apply -f launch/trainjob.yaml\` |

Hydra-style overrides go after \`train.py\`: \`torchrun --nproc_per_node ${n} train.py training.epochs=5 training.batch_size=512\`.
\`training.batch_size\` is the global batch: each process takes batch_size / processes.
Where \`torchrun\` is not on the PATH, use \`python3 -m torch.distributed.run\`.

train.py first checks the data against \`data/manifest.json\` (SHA-256 of every HDF5 file, of the index and of the
split) and stops with a message if anything differs. On a cluster, put large data on shared storage and point
\`paths.data_root=/mnt/...\` at it; the manifest still checks every file.

## Results

Written to \`outputs/\` (\`studio.output_dir\`): \`metrics.jsonl\` (one line per epoch), \`model.onnx\`
(logits of N×C×S×S inputs in [0, 1]), \`result.json\` (test accuracy, processes, manifest digest),
\`manifest.json\` and \`.hydra/\` (the composed config and the overrides). The last line printed is
\`test_accuracy=…\`. Zip the folder (or drop it as is) into the studio: it checks the manifest digest,
re-evaluates \`model.onnx\` on the frozen test split and registers the model as a candidate.

## Files

- \`config/\`: the research's Hydra schema (\`config.yaml\` with the \`model\`, \`training\`, \`data\` groups)
- \`data/\`: ${referenced.length ? `the HDF5 files the zip carries; **copy ${referenced.join(', ')} here** (or set \`paths.data_root\`),` : 'the HDF5 files,'} \`images.csv\` (research index \`file,dataset,ds_idx,label\`, train rows first, then
  val, then test), \`split.csv\` (the same rows with their split), \`manifest.json\`
- \`train.py\`, \`launch/\`, \`Dockerfile\`

${spec.study ? studyReadme(spec.study) + '\n' : ''}## Keys beyond the research schema

${extraKeysMarkdown()}
`;
}

/** Every file of the job (path → bytes). */
export function jobFiles(spec: JobSpec): Record<string, Uint8Array> {
  checkJobConfig(spec.config);
  const files: Record<string, Uint8Array> = {};
  const addText = (p: string, t: string) => (files[p] = strToU8(t));
  const hydra = hydraConfigFiles(spec.config, {
    jobId: spec.jobId,
    datasetVersion: spec.manifest.datasetVersion.id,
    manifestDigest: spec.manifest.digest,
    files: spec.manifest.files.map((f) => ({
      path: f.path.replace(/^data\//, ''),
      label: spec.fileLabels[f.path] ?? null,
    })),
    classNames: spec.manifest.datasetVersion.classNames,
    nprocPerNode: spec.launch.nprocPerNode,
    origin: spec.origin,
  });
  for (const [p, t] of Object.entries(hydra)) addText(p, t);
  for (const [p, t] of Object.entries(spec.manifestFiles)) addText(p, t);
  for (const [p, b] of Object.entries(spec.dataFiles)) files[p] = b;
  addText('train.py', trainPy);
  for (const [p, t] of Object.entries(launchFiles({ ...spec.launch, jobId: spec.jobId }))) addText(p, t);
  if (spec.study) for (const [p, t] of Object.entries(studyFiles(spec.study))) addText(p, t);
  addText('README.md', jobReadme(spec));
  return files;
}

/** The job as one zip, every file under `<jobId>/`. HDF5 files are stored (already compressed JPEGs). */
export function jobZip(spec: JobSpec): Uint8Array {
  const files = jobFiles(spec);
  const tree: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [p, b] of Object.entries(files))
    tree[`${spec.jobId}/${p}`] = [b, { level: p.endsWith('.h5') ? 0 : 6 }];
  return zipSync(tree, { mtime: new Date('2026-01-01T00:00:00Z') });
}

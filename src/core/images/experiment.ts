// An image-training experiment: its configuration, its per-epoch history and the `results.json` record in the
// seed's shape (best validation metrics, test metrics, per-class metrics, config, timings).
import type { AugmentConfig } from './augment';
import type { ImageMetrics } from './metrics';
import type { TaskKind } from './task';
import type { ImageVersionRef } from './version';

export type ImageLoss = 'bce' | 'ce' | 'focal';

export interface ImageTrainConfig {
  model: string;
  task: TaskKind;
  classNames: string[];
  height: number;
  width: number;
  channels: number;
  batchSize: number;
  epochs: number;
  lr: number;
  /** Decoupled (AdamW) weight decay. */
  weightDecay: number;
  warmupEpochs: number;
  /** Early stopping on validation macro F1: epochs without improvement before stopping (0 = off). */
  patience: number;
  /** bce for sigmoid heads, ce for softmax, focal for either (alpha per class from the training frequencies). */
  loss: ImageLoss;
  focalGamma: number;
  /**
   * Weigh BCE / cross-entropy by class: balanced weights N / (K n_c) for cross-entropy, the positives of each
   * class by (1 - share) / share capped at 10 for BCE. Focal loss has its own alpha and ignores this.
   */
  classWeights: boolean;
  augment: AugmentConfig;
  seed: number;
  /** Stop after this many batches per epoch (0 = all), for quick tries. */
  maxBatchesPerEpoch: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valMacroF1: number;
  valAccuracy: number;
  lr: number;
  seconds: number;
}

export interface SummaryMetrics {
  loss: number;
  accuracy: number;
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}

export interface ResultsJson {
  schema: 'spatter-studio/image-results@1';
  experiment: {
    name: string;
    runId: string;
    created: string;
    backend: string;
    stopped: 'completed' | 'early-stopped' | 'stopped';
  };
  config: ImageTrainConfig & {
    focalAlpha: number[] | null;
    lossClassWeights: number[] | null;
    split: string;
    parameters: number;
    flops: number | null;
  };
  dataset: {
    source: string;
    images: number;
    train: number;
    val: number;
    test: number;
    classCounts: number[];
    /** The dataset version the run was trained on (its id is its content digest); absent in older records. */
    version?: ImageVersionRef;
  };
  best_validation: { epoch: number } & SummaryMetrics;
  test: SummaryMetrics;
  per_class: { name: string; precision: number; recall: number; f1: number; support: number; ap: number }[];
  /** Test-set confusion: K x K (single-label) or one [[tn, fp], [fn, tp]] per class (multi-label). */
  confusion: number[][] | [[number, number], [number, number]][];
  /** Test-set precision-recall curve per class (one-vs-rest), thinned: [recall, precision] points. */
  pr_curves: { name: string; ap: number; points: [number, number][] }[];
  timings: {
    total_s: number;
    train_s: number;
    eval_s: number;
    epochs: number;
    per_epoch_s: number[];
    train_images_per_s: number;
  };
  history: EpochRecord[];
}

export function summary(m: ImageMetrics, loss: number): SummaryMetrics {
  return { loss, accuracy: m.accuracy, macro: m.macro, micro: m.micro, weighted: m.weighted };
}

export function perClassRows(m: ImageMetrics): ResultsJson['per_class'] {
  return m.perClass.map((c, i) => ({
    name: c.name,
    precision: c.precision,
    recall: c.recall,
    f1: c.f1,
    support: c.support,
    ap: m.curves[i]?.ap ?? 0,
  }));
}

/** Check a configuration before a run, with messages that name the setting. */
export function checkTrainConfig(c: ImageTrainConfig): void {
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new Error(`${name} must be a whole number of at least ${min}, got ${v}`);
  };
  int(c.batchSize, 'Batch size', 1);
  int(c.epochs, 'Epochs', 1);
  int(c.height, 'Input height', 1);
  int(c.width, 'Input width', 1);
  int(c.patience, 'Patience', 0);
  int(c.warmupEpochs, 'Warm-up epochs', 0);
  if (!(c.lr > 0)) throw new Error(`Learning rate must be above 0, got ${c.lr}`);
  if (c.model.startsWith('convnext') && (c.height % 32 !== 0 || c.width % 32 !== 0)) {
    throw new Error(
      `ConvNeXt needs an input height and width that are multiples of 32, got ${c.height}x${c.width}`,
    );
  }
  if (c.task === 'multi-class' && c.loss === 'bce')
    throw new Error('A multi-class task uses cross-entropy (ce) or focal loss, not bce');
  if (c.task !== 'multi-class' && c.loss === 'ce')
    throw new Error(`A ${c.task} task uses bce or focal loss, not ce (softmax)`);
}

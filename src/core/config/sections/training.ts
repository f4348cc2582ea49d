// Training settings: the research recipe (Adam 1e-3, weight decay 1e-4, batch 1024, 20 epochs, BCE).
import { bool, float, int, oneOf } from '../spec';

export const trainingSection = {
  backend: oneOf(['auto', 'webgpu', 'webgl', 'wasm', 'cpu'], 'auto', 'Compute backend'),
  batch_size: int(1024, 'Images per batch', { min: 1, max: 65536 }),
  epochs: int(20, 'Epochs', { min: 1, max: 10000 }),
  lr: float(1e-3, 'Learning rate (Adam)', { min: 0 }),
  weight_decay: float(1e-4, 'Weight decay', { min: 0 }),
  loss: oneOf(['bce', 'focal'], 'bce', 'Loss: BCE with logits or focal loss'),
  schedule: oneOf(['constant', 'warmup-cosine', 'plateau'], 'constant', 'Learning-rate schedule'),
  rotation: float(15, 'Random rotation range (degrees)', { min: 0, max: 180 }),
  flips: bool(false, 'Random horizontal/vertical flips'),
  brightness: float(0, 'Random brightness shift range (fraction of full scale; 0 = off)', { min: 0, max: 1 }),
  contrast: float(0, 'Random contrast range (factor 1 +- this; 0 = off)', { min: 0, max: 1 }),
  early_stopping: bool(true, 'Stop when validation accuracy stops improving'),
  patience: int(3, 'Early-stopping patience (epochs)', { min: 1 }),
  min_delta: float(0.001, 'Smallest validation-accuracy gain that counts', { min: 0 }),
  checkpoint_every: int(5, 'Save a checkpoint every N epochs', { min: 1 }),
  keep_checkpoints: int(3, 'Best checkpoints kept', { min: 1 }),
  seed: int(1234, 'Seed of weights and batch order', { min: 0 }),
} as const;

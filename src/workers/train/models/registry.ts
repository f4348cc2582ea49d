// The model registry the UI lists: name -> definition, with parameter counts for display.
import { CONVNEXT_MODELS } from './convnext';
import { lenet5, lenet5Classic } from './lenet5';
import { resnetSmall } from './resnet';
import { paramCount, type ModelDef, type ModelInput, type ModelName } from './types';

const MODELS: Record<string, ModelDef> = {
  lenet5,
  'lenet5-classic': lenet5Classic,
  'resnet-small': resnetSmall,
  ...Object.fromEntries(CONVNEXT_MODELS.map((m) => [m.name, m])),
};

export function getModel(name: string): ModelDef {
  const m = MODELS[name];
  if (!m) throw new Error(`Unknown model "${name}": the registry has ${Object.keys(MODELS).join(', ')}`);
  return m;
}

export interface ModelInfo {
  name: ModelName;
  label: string;
  description: string;
  parameters: number;
  /** Multiply-adds of one image's forward pass at the asked input size, where the model knows it. */
  flops: number | null;
}

export function listModels(input: ModelInput = { size: 32, channels: 3 }): ModelInfo[] {
  return Object.values(MODELS).map((m) => ({
    name: m.name,
    label: m.label,
    description: m.description,
    parameters: paramCount(m.params(input)),
    flops: m.flops ? m.flops(input) : null,
  }));
}

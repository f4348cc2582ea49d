// Model settings: which architecture and its input.
import { int, oneOf } from '../spec';

export const modelSection = {
  name: oneOf(['lenet5', 'lenet5-classic', 'resnet-small'], 'lenet5', 'Architecture from the model registry'),
  input_size: int(32, 'Input side after the centre crop', { min: 8, max: 128 }),
  channels: int(3, 'Input channels: 3 (grey replicated, research) or 1', { min: 1, max: 3 }),
} as const;

// Data settings: how crops become training data (research: seed 1234, 60/20/20 random split).
import { floats, int, oneOf, str } from '../spec';

export const dataSection = {
  seed: int(1234, 'Seed of the shuffle and split', { min: 0 }),
  split: oneOf(['random', 'stratified', 'grouped'], 'random', 'How crops are split into train/val/test'),
  ratios: floats([0.6, 0.2, 0.2], 'Train, validation and test shares'),
  class_ratio: str('', 'Target class proportions before splitting, e.g. 1:1 (empty keeps every crop)'),
  cache_size: int(40, 'Side of the decoded grey crop kept in the cache (research: 1.25 x input)', {
    min: 8,
    max: 256,
  }),
} as const;

// The hand-over from the data library to training: decoded crops (grey, side x side, uint8, row-major)
// and labels for each split. Built once from the decode cache; transferred to the train worker.

export interface SplitArrays {
  /** N * side * side grey pixels, 0..255. */
  x: Uint8Array;
  /** N class indices. */
  y: Uint8Array;
  /** N stable crop ids (`file/dataset/index`), for showing misclassified crops later. */
  ids: string[];
}

export interface TrainingArrays {
  /** Side of every decoded crop (research: 40 = 1.25 x the 32 input). */
  side: number;
  classNames: string[];
  /** Which split recipe made these (shown to the user with the run). */
  splitDescription: string;
  train: SplitArrays;
  val: SplitArrays;
  test: SplitArrays;
}

export function splitCount(s: SplitArrays): number {
  return s.y.length;
}

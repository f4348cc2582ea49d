// Early stopping on validation accuracy (research recipe: patience 3 epochs, min delta 0.001).

export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  /** Epochs since the last improvement. */
  wait: number;
}

export class EarlyStopping {
  state: EarlyStoppingState = { best: -Infinity, bestEpoch: -1, wait: 0 };

  constructor(
    readonly patience = 3,
    readonly minDelta = 0.001,
  ) {}

  /** Report an epoch's validation accuracy; says whether it is a new best and whether to stop now. */
  update(epoch: number, valAcc: number): { improved: boolean; stop: boolean } {
    if (valAcc > this.state.best + this.minDelta || this.state.bestEpoch < 0) {
      this.state = { best: valAcc, bestEpoch: epoch, wait: 0 };
      return { improved: true, stop: false };
    }
    this.state = { ...this.state, wait: this.state.wait + 1 };
    return { improved: false, stop: this.state.wait >= this.patience };
  }
}

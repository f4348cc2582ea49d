// Memory needed to train a model before a run starts, and the refusal message when it will not fit (a tab that
// runs out of memory crashes without a word; a message saying what to lower is better).

export interface MemoryEstimate {
  /** Activations the forward pass keeps for the backward pass, for the whole batch. */
  activationBytes: number;
  /** Weights, their gradients and Adam's two moments. */
  parameterBytes: number;
  totalBytes: number;
}

/** Bytes a backend can be asked for without crashing the tab (wasm: its 4 GiB heap less headroom). */
export const MEMORY_BUDGET: Record<string, number> = {
  wasm: 3 * 2 ** 30,
  cpu: 3 * 2 ** 30,
  webgl: 3 * 2 ** 30,
  webgpu: 3 * 2 ** 30,
};

/** Peak training memory over the activation floats a model reports (see estimateTrainingMemory). */
export const PEAK_FACTOR = 7;

export function estimateTrainingMemory(
  activationFloatsPerImage: number,
  parameters: number,
  batch: number,
): MemoryEstimate {
  // tfjs keeps every op output of the forward pass and every intermediate gradient until the step ends, so the
  // peak is a multiple of the floats the backward pass strictly needs. Measured with tf.profile on wasm (one
  // training step): ConvNeXt-atto+CBAM at 256x1600 peaks at 2.1 GB per image, 5.8x its activation floats;
  // ConvNeXt-Tiny at 128x800 at 7.4x. PEAK_FACTOR = 7 covers both.
  const activationBytes = activationFloatsPerImage * batch * 4 * PEAK_FACTOR;
  const parameterBytes = parameters * 4 * 4;
  return { activationBytes, parameterBytes, totalBytes: activationBytes + parameterBytes };
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(0)} MiB`;
  return `${Math.ceil(b / 1024)} KiB`;
}

/** null when the run fits; otherwise the message to show (what it needs, what to lower, to what). */
export function memoryRefusal(
  what: string,
  estimate: MemoryEstimate,
  batch: number,
  budget: number,
  backend: string,
): string | null {
  if (estimate.totalBytes <= budget) return null;
  const perImage = estimate.activationBytes / batch;
  const fits = Math.floor((budget - estimate.parameterBytes) / perImage);
  const advice =
    fits >= 1
      ? `lower the batch size to ${fits} or less, or the input size`
      : 'even one image does not fit: lower the input size or choose a smaller model';
  return `Training ${what} with batch ${batch} needs about ${formatBytes(estimate.totalBytes)} of memory, more than the ${formatBytes(budget)} the ${backend} backend can hold: ${advice}.`;
}

// Jobs worker API: runs an imported ONNX model (a job trained outside the studio) with onnxruntime-web on the
// studio's cached grey crops, off the page's thread. The wasm binary ships with the build (no CDN).
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { nchwBatch } from '../../core/jobs/onnx-input';
import { runTask, TaskRegistry, type TaskOptions } from '../task';

const tasks = new TaskRegistry();

export interface OnnxInputSpec {
  /** Input and output tensor names. */
  input: string;
  output: string;
  size: number;
  channels: number;
}

export interface OnnxEvaluation {
  count: number;
  correct: number;
  accuracy: number;
  /** One logit per crop. */
  logits: Float32Array;
}

export class OnnxModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxModelError';
  }
}

let configured = false;
function configureOrt(): void {
  if (configured) return;
  configured = true;
  // The bundled build of onnxruntime-web carries its JS glue; only the .wasm is fetched, from this build's assets.
  ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
}

export const api = {
  cancel(taskId: string): boolean {
    return tasks.cancel(taskId);
  },

  /** Accuracy of a binary-logit ONNX model on crops x (N x side x side grey) with labels y. */
  evaluateOnnx(
    model: Uint8Array,
    data: { x: Uint8Array; y: Uint8Array; side: number },
    spec: OnnxInputSpec,
    opts?: TaskOptions,
  ): Promise<OnnxEvaluation> {
    return runTask(tasks, opts, async (ctx) => {
      configureOrt();
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
      } catch (e) {
        throw new OnnxModelError(
          `model.onnx could not be loaded by onnxruntime (${String((e as Error).message ?? e).slice(0, 200)}): the file is corrupt or not an ONNX model; take it from the job's output again`,
        );
      }
      if (!session.inputNames.includes(spec.input) || !session.outputNames.includes(spec.output)) {
        throw new OnnxModelError(
          `model.onnx has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}; result.json names ${spec.input} → ${spec.output}`,
        );
      }
      const n = data.y.length;
      const logits = new Float32Array(n);
      let correct = 0;
      const batch = 256;
      try {
        for (let s = 0; s < n; s += batch) {
          const e = Math.min(n, s + batch);
          const input = new ort.Tensor(
            'float32',
            nchwBatch(data.x, data.side, spec.size, spec.channels, s, e),
            [e - s, spec.channels, spec.size, spec.size],
          );
          const out = await session.run({ [spec.input]: input });
          const z = out[spec.output]!.data as Float32Array;
          if (z.length !== e - s)
            throw new OnnxModelError(
              `model.onnx gives ${z.length / (e - s)} outputs per crop; one logit was expected`,
            );
          for (let i = 0; i < z.length; i++) {
            logits[s + i] = z[i]!;
            if ((z[i]! > 0 ? 1 : 0) === data.y[s + i]) correct++;
          }
          ctx.progress({ done: e, total: n, unit: 'crops', message: 'evaluating model.onnx' });
          await ctx.checkpoint();
        }
      } finally {
        await session.release();
      }
      return { count: n, correct, accuracy: n ? correct / n : 0, logits };
    });
  },
};

export type JobsApi = typeof api;

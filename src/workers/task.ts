// Worker-side half of the typed worker layer: long calls carry a task id, report progress through a
// callback, and stop when the main thread cancels that id (an AbortSignal cannot cross postMessage).

export interface Progress {
  /** Work done so far, in `unit`s. */
  done: number;
  /** Total work, when known. */
  total?: number;
  unit?: string;
  /** A short human-readable line, e.g. "dataset left_low_0_0: 4,000 / 10,000". */
  message?: string;
}

export type ProgressFn = (p: Progress) => void;

/** Last message on a progress port. */
export const PROGRESS_END = '__progress_end__';

/** Options every long worker call accepts as its last argument. */
export interface TaskOptions {
  taskId?: string;
  /** In-process callers (tests) pass a callback. */
  onProgress?: ProgressFn;
  /** Across threads the bridge passes a port (comlink cannot proxy a callback nested in an object). */
  progressPort?: MessagePort;
}

export class TaskCancelledError extends Error {
  constructor(taskId: string) {
    super(`Task ${taskId} was cancelled`);
    this.name = 'AbortError';
  }
}

export interface TaskContext {
  readonly signal: AbortSignal;
  progress: ProgressFn;
  /** Throws TaskCancelledError if the task was cancelled. Call it between units of work. */
  check(): void;
  /** Yields to the event loop (so a cancel message can arrive), then checks. */
  checkpoint(): Promise<void>;
}

/** Tracks the running tasks of one worker so `cancel(taskId)` can reach them. */
export class TaskRegistry {
  private readonly running = new Map<string, AbortController>();
  private seq = 0;

  begin(opts: TaskOptions = {}): TaskContext & { end(): void } {
    const id = opts.taskId ?? `local-${++this.seq}`;
    const controller = new AbortController();
    this.running.set(id, controller);
    const { onProgress, progressPort } = opts;
    const check = () => {
      if (controller.signal.aborted) throw new TaskCancelledError(id);
    };
    let lastYield = 0;
    return {
      signal: controller.signal,
      progress: (p) => {
        // Progress callbacks are cross-thread calls; fire and forget, never let them throw into the task.
        try {
          onProgress?.(p);
          progressPort?.postMessage(p);
        } catch {
          /* the page went away */
        }
      },
      check,
      checkpoint: async () => {
        const now = Date.now();
        if (now - lastYield > 15) {
          lastYield = now;
          await new Promise((r) => setTimeout(r, 0));
        }
        check();
      },
      end: () => {
        this.running.delete(id);
        // The result travels on another channel: this marker tells the page that every progress report is in.
        progressPort?.postMessage(PROGRESS_END);
        progressPort?.close();
      },
    };
  }

  cancel(taskId: string): boolean {
    const c = this.running.get(taskId);
    c?.abort();
    return c !== undefined;
  }

  get size(): number {
    return this.running.size;
  }
}

/** Run `fn` as a task: begin, run, always end. */
export async function runTask<T>(
  registry: TaskRegistry,
  opts: TaskOptions | undefined,
  fn: (ctx: TaskContext) => Promise<T>,
): Promise<T> {
  const ctx = registry.begin(opts);
  try {
    return await fn(ctx);
  } finally {
    ctx.end();
  }
}

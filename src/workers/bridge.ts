// Main-thread half of the typed worker layer (squoosh-style bridge over comlink): calls are typed by the
// worker's exported API type, long calls take an AbortSignal and a progress callback, large buffers are
// transferred, and a crashed worker becomes a specific WorkerCrashError and is restarted for the next call.
import * as Comlink from 'comlink';
import { PROGRESS_END, type Progress, type ProgressFn, type TaskOptions } from './task';

export { transfer } from 'comlink';

/** Every worker API has a cancel(taskId) entry so long calls can be stopped. */
export interface CancellableApi {
  cancel(taskId: string): boolean | Promise<boolean>;
}

export class WorkerCrashError extends Error {
  constructor(
    readonly worker: string,
    detail: string,
  ) {
    super(`The ${worker} worker crashed: ${detail}. It has been restarted; try the action again.`);
    this.name = 'WorkerCrashError';
  }
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Terminate the worker on abort instead of asking it to stop (for calls that cannot check in). */
  terminateOnAbort?: boolean;
}

type AnyFn = (...args: never) => unknown;
// Required<> turns the optional `opts?: TaskOptions` tail into a plain element so it can be matched.
type Params<F> = F extends (...args: infer A) => unknown ? Required<A> : never;
type LastParam<F> = Params<F> extends [...unknown[], infer L] ? L : never;
type InitParams<F> = Params<F> extends [...infer I, unknown] ? I : never;
/** Methods whose last parameter is TaskOptions: the ones `run` can drive. */
export type TaskMethods<Api> = {
  [K in keyof Api]: Api[K] extends AnyFn ? (TaskOptions extends LastParam<Api[K]> ? K : never) : never;
}[keyof Api];

type TaskResult<Api, K extends keyof Api> = Api[K] extends AnyFn ? Awaited<ReturnType<Api[K]>> : never;

let taskSeq = 0;

const anyCrashListeners = new Set<(e: WorkerCrashError) => void>();

export class WorkerBridge<Api extends CancellableApi> {
  /** Listen to crashes of every worker (the shell turns them into visible messages). */
  static onAnyCrash(listener: (e: WorkerCrashError) => void): () => void {
    anyCrashListeners.add(listener);
    return () => anyCrashListeners.delete(listener);
  }

  private worker: Worker | null = null;
  private remote: Comlink.Remote<Api> | null = null;
  private readonly pending = new Set<(e: Error) => void>();
  private crashListeners = new Set<(e: WorkerCrashError) => void>();
  private crashExpected = false;

  constructor(
    readonly name: string,
    private readonly create: () => Worker,
  ) {}

  /** The comlink proxy; starts the worker on first use. */
  get api(): Comlink.Remote<Api> {
    if (!this.remote) this.start();
    return this.remote!;
  }

  onCrash(listener: (e: WorkerCrashError) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /**
   * The next crash is deliberate (the worker self-check): this bridge's own listeners hear it, the studio-wide
   * ones (which show "worker crashed" to the user) do not. Returns a function that withdraws the expectation.
   */
  expectCrash(): () => void {
    this.crashExpected = true;
    return () => {
      this.crashExpected = false;
    };
  }

  /** Run a long call: progress flows back, abort cancels (or terminates), a crash rejects with WorkerCrashError. */
  async run<K extends TaskMethods<Api>>(
    method: K,
    args: InitParams<Api[K]>,
    opts: CallOptions = {},
  ): Promise<TaskResult<Api, K>> {
    opts.signal?.throwIfAborted();
    const api = this.api;
    const taskId = `${this.name}-${++taskSeq}`;
    const taskOpts: TaskOptions = { taskId };
    const transferList: Transferable[] = [];
    let channel: MessageChannel | null = null;
    // Resolves when the worker has sent its last progress report, so none arrives after the result.
    let progressDone: Promise<void> = Promise.resolve();
    if (opts.onProgress) {
      const onProgress = opts.onProgress;
      const port = (channel = new MessageChannel()).port1;
      progressDone = new Promise((done) => {
        port.onmessage = (e: MessageEvent) => {
          if (e.data === PROGRESS_END) done();
          else onProgress(e.data as Progress);
        };
      });
      taskOpts.progressPort = channel.port2;
      transferList.push(channel.port2);
    }
    const fn = (api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method as string]!;
    return new Promise<TaskResult<Api, K>>((resolve, reject) => {
      const fail = (e: Error) => {
        cleanup();
        reject(e);
      };
      const onAbort = () => {
        if (opts.terminateOnAbort) {
          this.restart();
          fail(new DOMException(`${String(method)} was cancelled`, 'AbortError'));
        } else {
          void api.cancel(taskId);
        }
      };
      const cleanup = () => {
        channel?.port1.close();
        this.pending.delete(fail);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      this.pending.add(fail);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      fn(...(args as unknown[]), Comlink.transfer(taskOpts, transferList)).then(
        async (v) => {
          await Promise.race([progressDone, new Promise((r) => setTimeout(r, 1000))]);
          cleanup();
          resolve(v as TaskResult<Api, K>);
        },
        (e: unknown) => fail(toError(e)),
      );
    });
  }

  /** Stop the worker; the next call starts a fresh one. */
  terminate(): void {
    if (this.remote) this.remote[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  private restart(): void {
    this.terminate();
  }

  private start(): void {
    const worker = this.create();
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      this.crash(ev.message || 'uncaught error');
    });
    worker.addEventListener('messageerror', () => this.crash('a message could not be read'));
    this.worker = worker;
    this.remote = Comlink.wrap<Api>(worker);
  }

  private crash(detail: string): void {
    const err = new WorkerCrashError(this.name, detail);
    this.terminate();
    for (const fail of [...this.pending]) fail(err);
    const expected = this.crashExpected;
    this.crashExpected = false;
    for (const l of this.crashListeners) l(err);
    if (!expected) for (const l of anyCrashListeners) l(err);
  }
}

function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}

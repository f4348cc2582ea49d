// Worker-layer self-check (System area): progress, cancel, transfer, error and crash recovery, each on the
// real compute worker, so a user (or a test) can see that the plumbing under every long job works here.
import { computeWorker } from '../workers/compute/client';
import { transfer, type WorkerCrashError } from '../workers/bridge';

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

async function check(name: string, fn: () => Promise<string>): Promise<HealthCheck> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (e) {
    return { name, ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}

export async function checkWorkerLayer(): Promise<HealthCheck[]> {
  const out: HealthCheck[] = [];
  out.push(
    await check('progress', async () => {
      const seen: number[] = [];
      await computeWorker.run('countdown', [5, 10], { onProgress: (p) => seen.push(p.done) });
      if (seen.length < 5) throw new Error(`expected 5 progress reports, got ${seen.length}`);
      return `${seen.length} progress reports`;
    }),
  );
  out.push(
    await check('cancel', async () => {
      const ctrl = new AbortController();
      const job = computeWorker.run('countdown', [1000, 10], { signal: ctrl.signal });
      setTimeout(() => ctrl.abort(), 60);
      try {
        await job;
      } catch (e) {
        if (e instanceof Error && e.name === 'AbortError') return 'a long task stopped when cancelled';
        throw e;
      }
      throw new Error('the task ran to the end despite the cancel');
    }),
  );
  out.push(
    await check('transfer', async () => {
      const buf = new Uint8Array(8 << 20).fill(1).buffer;
      const sum = await computeWorker.api.sumBytes(transfer(buf, [buf]));
      if (buf.byteLength !== 0) throw new Error('the 8 MB buffer was copied, not transferred');
      if (sum !== 8 << 20) throw new Error(`the worker saw the wrong bytes (sum ${sum})`);
      return '8 MB moved to the worker without a copy';
    }),
  );
  out.push(
    await check('error', async () => {
      try {
        await computeWorker.api.fail('deliberate error for the self-check');
      } catch (e) {
        if (e instanceof Error && e.message.includes('deliberate error')) return `reported: "${e.message}"`;
        throw e;
      }
      throw new Error('the error did not reach the page');
    }),
  );
  out.push(
    await check('crash and restart', async () => {
      const crashed = new Promise<WorkerCrashError>((resolve) => {
        const off = computeWorker.onCrash((e) => {
          off();
          resolve(e);
        });
      });
      // Deliberate: no "worker crashed" message for the user when the check passes.
      const withdraw = computeWorker.expectCrash();
      let err: WorkerCrashError;
      try {
        await computeWorker.api.crash();
        err = await crashed;
      } finally {
        withdraw();
      }
      const caps = await computeWorker.api.detect();
      return `crash seen ("${err.message.slice(0, 40)}…"), worker restarted (WASM ${caps.wasm.available ? 'ok' : '?'})`;
    }),
  );
  return out;
}

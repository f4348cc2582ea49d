import { describe, expect, it } from 'vitest';
import { runTask, TaskRegistry, type Progress } from './task';

describe('worker tasks', () => {
  it('reports progress and ends', async () => {
    const reg = new TaskRegistry();
    const seen: Progress[] = [];
    const r = await runTask(reg, { taskId: 't1', onProgress: (p) => seen.push(p) }, async (ctx) => {
      for (let i = 1; i <= 3; i++) ctx.progress({ done: i, total: 3 });
      return 'done';
    });
    expect(r).toBe('done');
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3]);
    expect(reg.size).toBe(0);
  });

  it('stops a running task when its id is cancelled', async () => {
    const reg = new TaskRegistry();
    const job = runTask(reg, { taskId: 'long' }, async (ctx) => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 1));
        await ctx.checkpoint();
      }
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(reg.cancel('long')).toBe(true);
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    expect(reg.cancel('long')).toBe(false);
  });

  it('keeps a task alive when its progress listener throws', async () => {
    const reg = new TaskRegistry();
    const r = await runTask(
      reg,
      {
        onProgress: () => {
          throw new Error('page gone');
        },
      },
      async (ctx) => {
        ctx.progress({ done: 1 });
        return 42;
      },
    );
    expect(r).toBe(42);
  });
});

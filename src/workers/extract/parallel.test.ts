// The hand-over of a video shared between workers, with stand-in workers whose segments finish out of order:
// callers must see batches in frame order, previews at once, one merged summary, and one failure stop the rest.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config/config';
import { extractOptionsFrom } from '../../core/extract/options';
import { emptyStages, type ExtractBatch, type ExtractOptions, type ExtractSummary } from './api';
import { extractVideo, type ExtractPool } from './parallel';
import type { VideoInfo } from '../video/demux';

const FRAMES = 1000;
const info: VideoInfo = {
  fileName: 'v.mp4',
  container: 'MP4',
  codec: 'avc',
  codecString: 'avc1.64001e',
  width: 640,
  height: 360,
  fps: 25,
  packetCount: FRAMES,
  durationS: FRAMES / 25,
  firstTimestamp: 0,
};
const countAt = (frame: number) => (frame % 7 === 0 ? 1 : 0);
const options = (o: Partial<ExtractOptions> = {}): ExtractOptions => ({
  ...extractOptionsFrom(defaultConfig().extract),
  pixelPath: 'i420-swscale',
  previewEveryMs: 0,
  workers: 2,
  ...o,
});

/** Key frames of the stand-in video: every 40 frames. */
const KEY_EVERY = 40;

/**
 * Stand-in workers: each emits its segment in batches of 50 pairs; later workers run faster. `starts` records the
 * segments' first frames. Key frames every `keyEvery` frames (0: the lookup fails).
 */
function pool(
  fail?: { worker: number; afterBatches: number },
  keyEvery = KEY_EVERY,
): ExtractPool & { cancelled: number[]; starts: number[] } {
  const cancelled: number[] = [];
  const starts: number[] = [];
  return {
    cancelled,
    starts,
    take: (n) =>
      Array.from({ length: n }, (_, w) => ({
        api: {
          probe: () => Promise.resolve(info),
          warmUp: () => Promise.resolve(true),
          // The key frames at or before each frame asked about and the next ones.
          keyFramesNear: (_f: Blob, _n: string, frames: number[]) =>
            keyEvery <= 0
              ? Promise.reject(new Error('no key frame index'))
              : Promise.resolve(
                  frames.flatMap((f) => {
                    const before = Math.floor(f / keyEvery) * keyEvery;
                    return before + keyEvery < FRAMES ? [before, before + keyEvery] : [before];
                  }),
                ),
        } as never,
        run: (async (
          _m: string,
          args: unknown[],
          opts: { signal?: AbortSignal; onProgress?: (p: { done: number }) => void },
        ) => {
          const o = args[2] as ExtractOptions;
          const sink = args[3] as (b: ExtractBatch) => void;
          starts.push(o.startFrame);
          let pairs = 0;
          let batches = 0;
          for (let f = o.startFrame; f < o.endFrame; f += 50) {
            await new Promise((r) => setTimeout(r, (n - w) * 3));
            if (opts.signal?.aborted) {
              cancelled.push(w);
              throw new DOMException('cancelled', 'AbortError');
            }
            if (fail?.worker === w && batches === fail.afterBatches) throw new Error(`worker ${w} broke`);
            const end = Math.min(o.endFrame, f + 50);
            const counts = Array.from({ length: end - f }, (_, i) => countAt(f + i));
            sink({
              firstFrame: f,
              counts,
              boxes: counts.flatMap((c, i) => (c ? [{ frame: f + i, x: 1, y: 2, w: 50, h: 50 }] : [])),
              crops: counts.flatMap((c, i) =>
                c
                  ? [
                      {
                        frame: f + i,
                        box: { x: 1, y: 2, w: 50, h: 50 },
                        jpeg: Uint8Array.of((f + i) & 255, (f + i) >> 8),
                      },
                    ]
                  : [],
              ),
              preview: { frame: f, bitmap: { close() {} } as ImageBitmap, boxes: [] },
            });
            pairs += end - f;
            batches++;
            opts.onProgress?.({ done: pairs });
          }
          return {
            info,
            framesDecoded: pairs + 1,
            pairs,
            crops: 0,
            seconds: 1,
            framesPerSecond: pairs,
            pixelPath: o.pixelPath,
            complete: true,
            workers: 1,
            stages: { ...emptyStages(), kernelsMs: pairs, totalMs: 1000 },
          } satisfies ExtractSummary;
        }) as never,
      })),
  };
}

describe('extractVideo on several workers', () => {
  it('hands batches on in frame order and merges the summaries', async () => {
    const batches: ExtractBatch[] = [];
    const progress: number[] = [];
    const s = await extractVideo(
      new Blob(),
      'v.mp4',
      options({ workers: 3 }),
      (b) => batches.push(b),
      { onProgress: (p) => progress.push(p.done) },
      pool(),
    );
    expect(s.workers).toBe(3);
    expect(s.pairs).toBe(FRAMES - 1);
    // Stage times are summed over the workers (each stand-in reports its pairs as kernel ms, 1 s in all).
    expect(s.stages.kernelsMs).toBe(FRAMES - 1);
    expect(s.stages.totalMs).toBe(3000);
    const withCounts = batches.filter((b) => b.counts.length > 0);
    let next = 0;
    for (const b of withCounts) {
      expect(b.firstFrame).toBe(next);
      next += b.counts.length;
    }
    expect(next).toBe(FRAMES - 1);
    const counts = withCounts.flatMap((b) => b.counts);
    expect(counts).toEqual(Array.from({ length: FRAMES - 1 }, (_, f) => countAt(f)));
    // Crops of later segments waited as Blobs and come back byte for byte, in frame order.
    const crops = withCounts.flatMap((b) => b.crops);
    expect(crops.map((c) => c.frame)).toEqual(
      Array.from({ length: FRAMES - 1 }, (_, f) => f).filter((f) => countAt(f) > 0),
    );
    for (const c of crops) expect(c.jpeg[0]! + 256 * c.jpeg[1]!).toBe(c.frame);
    // Previews of segments still waiting their turn came through at once, without counts.
    expect(batches.some((b) => b.counts.length === 0 && b.preview)).toBe(true);
    expect(progress.at(-1)).toBe(FRAMES - 1);
  });

  it('covers the start frame and debug limit across segments', async () => {
    const batches: ExtractBatch[] = [];
    const s = await extractVideo(
      new Blob(),
      'v.mp4',
      options({ startFrame: 100, limit: 600 }),
      (b) => batches.push(b),
      {},
      pool(),
    );
    expect(s.workers).toBe(2);
    const withCounts = batches.filter((b) => b.counts.length > 0);
    expect(withCounts[0]!.firstFrame).toBe(100);
    expect(withCounts.reduce((a, b) => a + b.counts.length, 0)).toBe(600);
  });

  it('stops the other workers when one fails and reports that failure', async () => {
    const p = pool({ worker: 1, afterBatches: 2 });
    await expect(extractVideo(new Blob(), 'v.mp4', options(), () => {}, {}, p)).rejects.toThrow(
      'worker 1 broke',
    );
    expect(p.cancelled).toContain(0);
  });

  it('starts every later segment on a key frame, or does without that worker', async () => {
    const p = pool();
    const s = await extractVideo(new Blob(), 'v.mp4', options({ workers: 3 }), () => {}, {}, p);
    expect(s.workers).toBe(3);
    // Even thirds of 999 pairs would start at 333 and 666; the nearest key frames are 320 and 680.
    expect([...p.starts].sort((a, b) => a - b)).toEqual([0, 320, 680]);
    expect(s.pairs).toBe(FRAMES - 1);
    // Key frames that cannot be looked up: the even cuts stand.
    const unknown = pool(undefined, 0);
    expect((await extractVideo(new Blob(), 'v.mp4', options(), () => {}, {}, unknown)).workers).toBe(2);
    expect([...unknown.starts].sort((a, b) => a - b)).toEqual([0, 499]);
    // One key frame in the whole video (at 0): a second worker would decode the first half again.
    const single = pool(undefined, FRAMES);
    expect((await extractVideo(new Blob(), 'v.mp4', options(), () => {}, {}, single)).workers).toBe(1);
    expect(single.starts).toEqual([0]);
  });

  it('keeps a video under 1,000 pairs on one worker when the count is automatic', async () => {
    const p = pool();
    const s = await extractVideo(new Blob(), 'v.mp4', options({ workers: 0 }), () => {}, {}, p);
    expect(s.workers).toBe(1);
    expect(p.starts).toEqual([0]);
    // Asked for, two workers share it.
    const two = pool();
    expect(
      (await extractVideo(new Blob(), 'v.mp4', options({ workers: 2 }), () => {}, {}, two)).workers,
    ).toBe(2);
  });

  it('stays on one worker for a short run', async () => {
    const s = await extractVideo(new Blob(), 'v.mp4', options({ limit: 100 }), () => {}, {}, pool());
    expect(s.workers).toBe(1);
  });
});

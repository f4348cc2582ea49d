// Streaming WebCodecs decode of an opened video: every frame in presentation order, none dropped, bounded memory.
// Packets are fed only while few frames wait to be consumed (backpressure), and every VideoFrame handed out must
// be closed by the consumer before it asks for the next one — the decoder's frame pool is small.
import type { EncodedPacket } from 'mediabunny';
import { VideoError, type OpenedVideo } from './demux';

export interface DecodeOptions {
  signal?: AbortSignal;
  /** Decoded frames allowed to wait for the consumer before feeding stops. */
  maxPendingFrames?: number;
  /** Encoded chunks allowed in the decoder's queue. */
  maxDecodeQueue?: number;
  /** Start from the key packet at or before this frame (frames before `startFrame` are still yielded: skip them). */
  startFrame?: number;
  /** Adds the milliseconds spent waiting for the demuxer's next packet (the bench's per-stage figures). */
  timing?: { demuxMs: number };
}

export interface DecodedFrame {
  frame: VideoFrame;
  /** Index in presentation order, counted from the first frame of the video. */
  index: number;
}

/** Frame index of a presentation timestamp (seconds) in a constant-frame-rate video. */
export function frameIndexOf(timestampS: number, firstTimestampS: number, fps: number): number {
  return Math.round((timestampS - firstTimestampS) * fps);
}

export async function* decodeFrames(
  video: OpenedVideo,
  opts: DecodeOptions = {},
): AsyncGenerator<DecodedFrame> {
  const { info, sink, config } = video;
  const maxPending = opts.maxPendingFrames ?? 4;
  const maxQueue = opts.maxDecodeQueue ?? 8;
  const pending: VideoFrame[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const decoder = new VideoDecoder({
    output: (f) => {
      pending.push(f);
      notify();
    },
    error: (e) => {
      failure = new VideoError(
        'corrupt',
        info.fileName,
        `${info.fileName}: the ${info.codecString} decoder failed (${e.message}); the video may be corrupt. Frames before the failure were kept.`,
      );
      notify();
    },
  });
  decoder.configure(config);
  const waitForEvent = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      decoder.addEventListener('dequeue', notify, { once: true });
    });

  // Seeking: index of the first frame the decoder will output is the key packet's frame.
  let start: EncodedPacket | undefined;
  let index = 0;
  if (opts.startFrame && opts.startFrame > 0) {
    // Half a frame later, so that a key frame at startFrame is found despite rounding in the timestamps.
    const ts = info.firstTimestamp + (opts.startFrame + 0.5) / info.fps;
    const key = await sink.getKeyPacket(ts, { verifyKeyPackets: true });
    if (key) {
      start = key;
      index = frameIndexOf(key.timestamp, info.firstTimestamp, info.fps);
    }
  }
  let lastTs = -Infinity;
  const take = function* (): Generator<DecodedFrame> {
    while (pending.length > 0) {
      const frame = pending.shift()!;
      if (frame.timestamp <= lastTs) {
        frame.close();
        throw new VideoError(
          'corrupt',
          info.fileName,
          `${info.fileName}: frame ${index} came out of presentation order (timestamp ${frame.timestamp} µs after ${lastTs} µs).`,
        );
      }
      lastTs = frame.timestamp;
      yield { frame, index: index++ };
    }
  };

  try {
    const packets = sink.packets(start)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const t = performance.now();
        const next = await packets.next();
        if (opts.timing) opts.timing.demuxMs += performance.now() - t;
        if (next.done) break;
        const packet = next.value;
        opts.signal?.throwIfAborted();
        if (failure) throw failure;
        decoder.decode(packet.toEncodedVideoChunk());
        while (!failure && (pending.length >= maxPending || decoder.decodeQueueSize > maxQueue)) {
          if (pending.length > 0) yield* take();
          else await waitForEvent();
          opts.signal?.throwIfAborted();
        }
        yield* take();
      }
    } finally {
      await packets.return?.();
    }
    if (failure) throw failure;
    let flushed = false;
    const flush = decoder.flush().then(
      () => {
        flushed = true;
        notify();
      },
      (e: unknown) => {
        failure ??= e instanceof Error ? e : new Error(String(e));
        flushed = true;
        notify();
      },
    );
    while (!flushed || pending.length > 0) {
      if (pending.length > 0) yield* take();
      else await waitForEvent();
      opts.signal?.throwIfAborted();
    }
    await flush;
    if (failure) throw failure;
  } finally {
    for (const f of pending.splice(0)) f.close();
    if (decoder.state !== 'closed') decoder.close();
  }
}

// Encodes a synthetic scene to a video file in the browser: frames rendered by the core generator, encoded
// by WebCodecs (through mediabunny's VideoSampleSource) and muxed to MP4 (H.264) or WebM (VP9) in memory.
import {
  BufferTarget,
  Mp4OutputFormat,
  Output,
  VideoSample,
  VideoSampleSource,
  WebMOutputFormat,
  canEncodeVideo,
} from 'mediabunny';
import { SpatterScene, type SceneParams } from '../../core/synth';
import type { TaskContext } from '../task';

export type VideoFormat = 'mp4' | 'webm';

export interface VideoResult {
  bytes: Uint8Array;
  mimeType: string;
  frames: number;
  codec: string;
  seconds: number;
}

const CODEC = { mp4: 'avc', webm: 'vp9' } as const;

export async function videoSupport(): Promise<Record<VideoFormat, boolean>> {
  if (typeof VideoEncoder === 'undefined') return { mp4: false, webm: false };
  const [mp4, webm] = await Promise.all([
    canEncodeVideo('avc', { width: 640, height: 360 }),
    canEncodeVideo('vp9', { width: 640, height: 360 }),
  ]);
  return { mp4, webm };
}

export async function encodeSceneVideo(
  params: SceneParams,
  format: VideoFormat,
  ctx: TaskContext,
  range?: { from: number; count: number },
  /** Bits per second; mostly black frames need little (the research fixtures are ~80 kbit/s). */
  bitrate = 1_000_000,
): Promise<VideoResult> {
  if (typeof VideoEncoder === 'undefined') {
    throw new Error('This browser has no WebCodecs VideoEncoder; use a recent Chromium, Edge or Firefox');
  }
  const scene = new SpatterScene(params);
  const from = range?.from ?? 0;
  const count = Math.min(range?.count ?? scene.frameCount, scene.frameCount - from);
  const t0 = performance.now();
  const output = new Output({
    format: format === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(),
    target: new BufferTarget(),
  });
  let codecString = CODEC[format] as string;
  const source = new VideoSampleSource({
    codec: CODEC[format],
    bitrate,
    keyFrameInterval: 2,
    onEncoderConfig: (c) => {
      codecString = c.codec;
    },
  });
  output.addVideoTrack(source, { frameRate: params.fps });
  await output.start();
  const buf = new Uint8ClampedArray(params.width * params.height * 4);
  try {
    for (let i = 0; i < count; i++) {
      scene.renderFrame(from + i, buf);
      const sample = new VideoSample(buf, {
        format: 'RGBA',
        codedWidth: params.width,
        codedHeight: params.height,
        timestamp: i / params.fps,
        duration: 1 / params.fps,
      });
      try {
        await source.add(sample);
      } finally {
        sample.close();
      }
      if (i % 10 === 0 || i === count - 1) {
        ctx.progress({ done: i + 1, total: count, unit: 'frames', message: `frame ${i + 1} / ${count}` });
        await ctx.checkpoint();
      }
    }
    await output.finalize();
  } catch (e) {
    await output.cancel().catch(() => undefined);
    throw e;
  }
  const ab = output.target.buffer;
  if (!ab) throw new Error('The video muxer produced no data');
  return {
    bytes: new Uint8Array(ab),
    mimeType: format === 'mp4' ? 'video/mp4' : 'video/webm',
    frames: count,
    codec: codecString,
    seconds: (performance.now() - t0) / 1000,
  };
}

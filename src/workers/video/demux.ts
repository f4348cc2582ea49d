// Opening a dropped video: container and codec detection with mediabunny, the WebCodecs decoder config, and
// the specific messages a user needs when a file cannot be read (unknown container, no video track, a codec
// this browser cannot decode such as HEVC) — each naming the file, the codec and what to do.
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input, type InputVideoTrack } from 'mediabunny';

export interface VideoInfo {
  fileName: string;
  /** Container format name, e.g. "MP4", "WebM". */
  container: string;
  /** mediabunny's codec name ('avc', 'vp9', 'hevc', ...). */
  codec: string;
  /** The WebCodecs codec string, e.g. "avc1.64001e". */
  codecString: string;
  width: number;
  height: number;
  /** Average frames per second from the packet timestamps. */
  fps: number;
  /** Encoded packets in the track: one per frame, so the decoder must hand back exactly this many. */
  packetCount: number;
  durationS: number;
  /** Presentation timestamp of the first frame (seconds). */
  firstTimestamp: number;
}

export interface OpenedVideo {
  info: VideoInfo;
  input: Input;
  track: InputVideoTrack;
  sink: EncodedPacketSink;
  config: VideoDecoderConfig;
}

export type VideoErrorKind = 'unreadable' | 'no-video' | 'unsupported-codec' | 'corrupt';

/** A video the studio cannot process; the message names the file and says what to do. */
export class VideoError extends Error {
  constructor(
    readonly kind: VideoErrorKind,
    readonly fileName: string,
    message: string,
  ) {
    super(message);
    this.name = 'VideoError';
  }
}

const REENCODE =
  'Re-encode it to H.264 (e.g. `ffmpeg -i IN -c:v libx264 -pix_fmt yuv420p OUT.mp4`) or VP9 and drop that.';

const codecNames: Record<string, string> = {
  avc: 'H.264',
  hevc: 'HEVC (H.265)',
  vp8: 'VP8',
  vp9: 'VP9',
  av1: 'AV1',
};

export function codecLabel(codec: string | null): string {
  return codec ? (codecNames[codec] ?? codec) : 'an unknown codec';
}

export async function openVideo(file: Blob, fileName: string): Promise<OpenedVideo> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  let container: string;
  try {
    container = (await input.getFormat()).name;
  } catch {
    input.dispose();
    throw new VideoError(
      'unreadable',
      fileName,
      `${fileName} is not a video the studio can read (MP4, MOV, WebM, MKV): its container was not recognised; the file may be corrupt or truncated.`,
    );
  }
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) {
      throw new VideoError('no-video', fileName, `${fileName} (${container}) has no video track.`);
    }
    const codec = track.codec;
    const config = await track.getDecoderConfig();
    const label = codecLabel(codec);
    if (!codec || !config) {
      throw new VideoError(
        'unsupported-codec',
        fileName,
        `${fileName} uses ${label}, which the studio cannot decode. ${REENCODE}`,
      );
    }
    const support = await VideoDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
    if (!support.supported) {
      throw new VideoError(
        'unsupported-codec',
        fileName,
        `${fileName} uses ${label} (${config.codec}), which this browser cannot decode. ${REENCODE}`,
      );
    }
    const sink = new EncodedPacketSink(track);
    const stats = await track.computePacketStats();
    const first = await sink.getFirstPacket();
    const durationS = await track.computeDuration();
    return {
      input,
      track,
      sink,
      config,
      info: {
        fileName,
        container,
        codec,
        codecString: config.codec,
        width: track.displayWidth,
        height: track.displayHeight,
        fps: stats.averagePacketRate,
        packetCount: stats.packetCount,
        durationS,
        firstTimestamp: first?.timestamp ?? 0,
      },
    };
  } catch (e) {
    input.dispose();
    if (e instanceof VideoError) throw e;
    throw new VideoError(
      'corrupt',
      fileName,
      `${fileName} could not be read: ${e instanceof Error ? e.message : String(e)}. The file may be corrupt or truncated.`,
    );
  }
}

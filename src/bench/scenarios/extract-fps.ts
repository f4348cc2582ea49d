// Bench: the whole extraction path (demux + WebCodecs decode + RGBA + opencv.js detect + crop + JPEG) in the
// extract worker on the 640x360 fixtures (H.264 and VP9, both flows), frames/s, with the fidelity against the
// native OpenCV reference CSVs for each way of reading frame pixels. Compare with bench/reference/extract-native.mjs.
import highMp4 from '../../../e2e/fixtures/spatter_high_flow.mp4?url';
import highWebm from '../../../e2e/fixtures/spatter_high_flow.webm?url';
import lowMp4 from '../../../e2e/fixtures/spatter_low_flow.mp4?url';
import lowWebm from '../../../e2e/fixtures/spatter_low_flow.webm?url';
import refHighMp4Boxes from '../../../e2e/fixtures/ref_high_mp4_boxes.csv?raw';
import refHighMp4Counts from '../../../e2e/fixtures/ref_high_mp4_spatter_at_frame.csv?raw';
import refHighWebmBoxes from '../../../e2e/fixtures/ref_high_webm_boxes.csv?raw';
import refHighWebmCounts from '../../../e2e/fixtures/ref_high_webm_spatter_at_frame.csv?raw';
import refLowMp4Boxes from '../../../e2e/fixtures/ref_low_mp4_boxes.csv?raw';
import refLowMp4Counts from '../../../e2e/fixtures/ref_low_mp4_spatter_at_frame.csv?raw';
import refLowWebmBoxes from '../../../e2e/fixtures/ref_low_webm_boxes.csv?raw';
import refLowWebmCounts from '../../../e2e/fixtures/ref_low_webm_spatter_at_frame.csv?raw';
import { parseBoxesCsv, parseSpatterAtFrameCsv, type FrameBox } from '../../core/extract/csv';
import { fidelityReport } from '../../core/extract/fidelity';
import { defaultConfig } from '../../core/config/config';
import { extractOptionsFrom } from '../../core/extract/options';
import { proxy } from 'comlink';
import { extractWorker } from '../../workers/extract/client';
import type { ExtractBatch } from '../../workers/extract/api';
import type { PixelPath } from '../../workers/video/frame-pixels';
import type { BenchRecord, BenchScenario } from '../types';

const videos = [
  {
    key: 'h264.high',
    url: highMp4,
    name: 'spatter_high_flow.mp4',
    boxes: refHighMp4Boxes,
    counts: refHighMp4Counts,
  },
  {
    key: 'h264.low',
    url: lowMp4,
    name: 'spatter_low_flow.mp4',
    boxes: refLowMp4Boxes,
    counts: refLowMp4Counts,
  },
  {
    key: 'vp9.high',
    url: highWebm,
    name: 'spatter_high_flow.webm',
    boxes: refHighWebmBoxes,
    counts: refHighWebmCounts,
  },
  {
    key: 'vp9.low',
    url: lowWebm,
    name: 'spatter_low_flow.webm',
    boxes: refLowWebmBoxes,
    counts: refLowWebmCounts,
  },
];

// The bench driver may ask for other pixel paths (scripts/extract/run-scenario.mjs sets this global).
const paths = (): PixelPath[] =>
  (globalThis as { __extractPixelPaths?: PixelPath[] }).__extractPixelPaths ?? ['i420-swscale', 'copy-rgba'];

export const scenario: BenchScenario = {
  name: 'extract-fps',
  description: 'Extraction frames/s and fidelity vs native OpenCV on the 640x360 fixtures',
  async run(log) {
    const records: BenchRecord[] = [];
    for (const v of videos) {
      const blob = await (await fetch(v.url)).blob();
      for (const path of paths()) {
        const counts: number[] = [];
        const boxes: FrameBox[] = [];
        const onBatch = proxy((b: ExtractBatch) => {
          counts.push(...b.counts);
          boxes.push(...b.boxes);
        });
        const opts = { ...extractOptionsFrom(defaultConfig().extract), pixelPath: path, previewEveryMs: 0 };
        if (path === paths()[0]) {
          const info = await extractWorker.api.probe(blob, v.name);
          log(
            `${v.name}: ${info.container} ${info.codecString} ${info.width}x${info.height}, ${info.packetCount} frames`,
          );
        }
        let lastLog = 0;
        const s = await extractWorker.run('extract', [blob, v.name, opts, onBatch], {
          onProgress: (p) => {
            if (performance.now() - lastLog > 5000) {
              lastLog = performance.now();
              log(p.message ?? `${p.done}/${p.total}`);
            }
          },
        });
        const r = fidelityReport(
          { counts: parseSpatterAtFrameCsv(v.counts), boxes: parseBoxesCsv(v.boxes) },
          { counts, boxes },
        );
        log(
          `${v.name} ${path}: ${s.framesPerSecond.toFixed(0)} frames/s, ${s.pairs} pairs, ${s.crops} crops; counts equal on ${(100 * r.countAgreement).toFixed(1)}% of frames, ${(100 * r.boxRecall).toFixed(1)}% of ${r.referenceBoxes} reference boxes matched (IoU>=0.7), ${r.studioBoxes} studio boxes; mismatches ${JSON.stringify(r.countMismatches.slice(0, 6))}`,
        );
        if (path === paths()[0]) {
          records.push({
            name: `extract.fps.${v.key}`,
            value: Math.round(s.framesPerSecond),
            unit: 'frames/s',
            note: `${v.name}, whole path, pixels by ${path}; native OpenCV ~940 (H.264) / ~400 (VP9)`,
          });
        }
        records.push({
          name: `extract.fidelity.${v.key}.${path}.count_agreement`,
          value: Math.round(1000 * r.countAgreement) / 10,
          unit: '%',
          note: 'target >= 98',
        });
        records.push({
          name: `extract.fidelity.${v.key}.${path}.box_recall`,
          value: Math.round(1000 * r.boxRecall) / 10,
          unit: '%',
          note: 'target >= 95 (IoU >= 0.7)',
        });
      }
    }
    return records;
  },
};

// Bench: read + decode throughput of the data worker into the decode cache (grey 40x40), crops/s, on the
// h5py fixture left_high_2.h5 (237 research-layout JPEG crops) mounted 20 times (4,740 crops), with the
// browser decoder (createImageBitmap) and with jpeg-js; plus the index pass alone (read + header parse).
// Compare with bench/reference/data-h5py.mjs (h5py + OpenCV on the same file).
import fixtureUrl from '../../../e2e/fixtures/left_high_2.h5?url';
import { dataWorker } from '../../workers/data/client';
import type { BenchRecord, BenchScenario } from '../types';

const COPIES = 20;

export const scenario: BenchScenario = {
  name: 'data-decode',
  description: 'HDF5 read + JPEG decode into the 40x40 grey cache, crops/s',
  async run(log) {
    const blob = await (await fetch(fixtureUrl)).blob();
    const records: BenchRecord[] = [];
    for (const decoder of ['image-decoder', 'image-bitmap', 'jpeg-js'] as const) {
      await dataWorker.api.setDecoder(decoder);
      const files = Array.from({ length: COPIES }, (_, i) => new File([blob], `bench_high_${i}.h5`));
      const opened = await dataWorker.api.openFiles(files);
      const crops = opened.sources.reduce((a, s) => a + s.count, 0);
      try {
        const t0 = performance.now();
        await dataWorker.run('index', []);
        const indexS = (performance.now() - t0) / 1000;
        const r = await dataWorker.run('decodeAll', [40]);
        log(
          `${decoder}: ${r.decoded} crops decoded in ${r.seconds.toFixed(2)} s (index pass ${indexS.toFixed(2)} s)`,
        );
        if (decoder === 'image-decoder') {
          records.push({
            name: 'data.index.crops_per_s',
            value: Math.round(crops / indexS),
            unit: 'crops/s',
            note: `read raw |S bytes + JPEG header + hash, ${crops} crops`,
          });
        }
        records.push({
          name:
            decoder === 'image-decoder'
              ? 'data.decode.crops_per_s'
              : decoder === 'image-bitmap'
                ? 'data.decode.imagebitmap.crops_per_s'
                : 'data.decode.jpegjs.crops_per_s',
          value: Math.round(r.decoded / r.seconds),
          unit: 'crops/s',
          note: `${decoder}, read + decode + grey + resize 40x40, ${r.decoded} crops (left_high_2.h5 x${COPIES})`,
        });
      } finally {
        for (const s of opened.sources) await dataWorker.api.closeSource(s.id);
      }
    }
    await dataWorker.api.setDecoder('image-decoder');
    return records;
  },
};

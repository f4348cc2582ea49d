// Bench: read + decode throughput of the data worker into the decode cache (grey 40x40), crops/s, on the
// h5py fixture left_high_2.h5 (237 research-layout JPEG crops) mounted 20 times (4,740 crops), with the
// browser decoders (WebCodecs ImageDecoder, createImageBitmap) and jpeg-js, each from freshly opened files
// (one read serves measuring and decoding); plus the index pass alone (read + header parse + hash).
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
    const open = async () => {
      const files = Array.from({ length: COPIES }, (_, i) => new File([blob], `bench_high_${i}.h5`));
      const opened = await dataWorker.api.openFiles(files);
      return { ids: opened.sources.map((s) => s.id), crops: opened.sources.reduce((a, s) => a + s.count, 0) };
    };
    const close = async (ids: string[]) => {
      for (const id of ids) await dataWorker.api.closeSource(id);
    };
    // The index pass alone (what a large set gets on opening): raw bytes, JPEG headers, duplicate hashes.
    {
      const { ids, crops } = await open();
      const t0 = performance.now();
      await dataWorker.run('index', []);
      const indexS = (performance.now() - t0) / 1000;
      // A large set's path: indexed on opening, decoded later (the decoder reads the bytes again).
      const later = await dataWorker.run('decodeAll', [40]);
      await close(ids);
      log(`index: ${crops} crops in ${indexS.toFixed(2)} s, then decode in ${later.seconds.toFixed(2)} s`);
      records.push({
        name: 'data.decode.after_index.crops_per_s',
        value: Math.round(later.decoded / later.seconds),
        unit: 'crops/s',
        note: `image-decoder on indexed files: read again + decode + grey + resize 40x40, ${later.decoded} crops`,
      });
      records.push({
        name: 'data.index.crops_per_s',
        value: Math.round(crops / indexS),
        unit: 'crops/s',
        note: `read raw |S bytes + JPEG header + hash, ${crops} crops`,
      });
    }
    // Read + decode from the file into the cache: one read serves the measurements and the decoder.
    for (const decoder of ['image-decoder', 'image-bitmap', 'jpeg-js'] as const) {
      await dataWorker.api.setDecoder(decoder);
      const { ids } = await open();
      try {
        const r = await dataWorker.run('decodeAll', [40]);
        log(`${decoder}: ${r.decoded} crops read + decoded in ${r.seconds.toFixed(2)} s`);
        records.push({
          name:
            decoder === 'image-decoder'
              ? 'data.decode.crops_per_s'
              : decoder === 'image-bitmap'
                ? 'data.decode.imagebitmap.crops_per_s'
                : 'data.decode.jpegjs.crops_per_s',
          value: Math.round(r.decoded / r.seconds),
          unit: 'crops/s',
          note: `${decoder}, read + measure + decode + grey + resize 40x40 from the file, ${r.decoded} crops (left_high_2.h5 x${COPIES})`,
        });
      } finally {
        await close(ids);
      }
    }
    await dataWorker.api.setDecoder('image-decoder');
    return records;
  },
};

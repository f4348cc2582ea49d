// Benchmark records: one figure each, e.g. { name: 'train.lenet5.wasm.b256', value: 2300, unit: 'img/s' }.

export interface BenchRecord {
  name: string;
  value: number;
  unit: string;
  /** Free-form context: backend info, sizes, the reference it compares with. */
  note?: string;
}

/** A scenario that runs inside the built studio page (driven by bench/run.mjs through window.__studioBench). */
export interface BenchScenario {
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<BenchRecord[]>;
}

// Exposes the bench scenarios to the headless driver (bench/run.mjs) as window.__studioBench. Scenarios are
// discovered from src/bench/scenarios/*.ts and loaded only when the bench asks for them.
import type { BenchRecord, BenchScenario } from './types';

const modules = import.meta.glob<{ scenario: BenchScenario }>('./scenarios/*.ts');

export interface StudioBench {
  list(): string[];
  run(file: string): Promise<BenchRecord[]>;
  log: string[];
}

declare global {
  interface Window {
    __studioBench?: StudioBench;
  }
}

export function installBenchHook(): void {
  const log: string[] = [];
  window.__studioBench = {
    log,
    list: () => Object.keys(modules).map((p) => p.replace(/^\.\/scenarios\/|\.ts$/g, '')),
    run: async (file) => {
      const load = modules[`./scenarios/${file}.ts`];
      if (!load) throw new Error(`No bench scenario "${file}"`);
      const { scenario } = await load();
      return scenario.run((line) => {
        log.push(`[${scenario.name}] ${line}`);
      });
    },
  };
}

// Where a crop of a studio source lands in the research-layout HDF5 file the data library exports for it (one
// file per source): a research file keeps its dataset names; an in-memory source, an image stack or a nested name
// is written as `<source>_<n>` datasets of at most 10,000 crops, in the source's order.

/** At most this many crops per exported dataset (the research layout; RESEARCH_DATASET_MAX in the writer). */
export const EXPORT_DATASET_MAX = 10_000;

export interface ExportedSource {
  name: string;
  kind: 'file' | 'memory';
  datasets: { name: string; count: number; dtype: string }[];
}

/** The data library's name for a source's exported datasets (sanitizeName). */
export function exportBaseName(name: string): string {
  return (
    name
      .replace(/^.*[\\/]/, '')
      .replace(/\.(h5|hdf5|hdf|he5)$/i, '')
      .replace(/[^A-Za-z0-9_-]+/g, '_') || 'source'
  );
}

/** Whether the export keeps the source's own dataset names. Image stacks have a dtype like `uint8 40×40`. */
export function keepsDatasetNames(s: ExportedSource): boolean {
  const seen = new Set<string>();
  return (
    s.kind === 'file' &&
    s.datasets.every((d) => {
      const ok =
        d.count <= EXPORT_DATASET_MAX && !d.dtype.includes('×') && !d.name.includes('/') && !seen.has(d.name);
      seen.add(d.name);
      return ok;
    })
  );
}

/** (dataset, index) in the source → (dataset, index) in its exported file. */
export function exportedLocation(
  s: ExportedSource,
): (dataset: string, index: number) => { dataset: string; dsIdx: number } {
  if (keepsDatasetNames(s)) return (dataset, index) => ({ dataset, dsIdx: index });
  const offsets = new Map<string, number>();
  let off = 0;
  for (const d of s.datasets) {
    offsets.set(d.name, off);
    off += d.count;
  }
  const base = exportBaseName(s.name);
  return (dataset, index) => {
    const start = offsets.get(dataset);
    if (start === undefined) throw new Error(`Source ${s.name} has no dataset ${dataset}`);
    const k = start + index;
    return { dataset: `${base}_${Math.floor(k / EXPORT_DATASET_MAX)}`, dsIdx: k % EXPORT_DATASET_MAX };
  };
}

// Class labels from file names, following the research naming: `left_low_0.h5` is class 0 (low gas flow),
// `left_high_2.h5` is class 1 (high gas flow). Any number of classes: each class has a name and name tokens.

export interface ClassDef {
  name: string;
  /** Name tokens that mark a file as this class, e.g. ['low'] matches `left_low_0.h5`. */
  tokens: string[];
}

export const RESEARCH_CLASSES: readonly ClassDef[] = [
  { name: 'low gas flow', tokens: ['low'] },
  { name: 'high gas flow', tokens: ['high'] },
];

/** Split a file name (without folders or extension) into lower-case tokens at `_`, `-`, `.`, space. */
export function nameTokens(fileName: string): string[] {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.(h5|hdf5|hdf|he5)$/i, '');
  return base
    .toLowerCase()
    .split(/[_\-.\s]+/)
    .filter((t) => t.length > 0);
}

/**
 * The class index for a file name, or null when no class token (or more than one class) matches —
 * then the user has to choose, and the UI says so.
 */
export function inferLabel(fileName: string, classes: readonly ClassDef[] = RESEARCH_CLASSES): number | null {
  const tokens = new Set(nameTokens(fileName));
  let found: number | null = null;
  for (let c = 0; c < classes.length; c++) {
    if (classes[c]!.tokens.some((t) => tokens.has(t.toLowerCase()))) {
      if (found !== null) return null;
      found = c;
    }
  }
  return found;
}

/** The source (video / build position) a research file name encodes: `left_low_0.h5` → `left_low`. */
export function sourceOfFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.(h5|hdf5|hdf|he5)$/i, '');
  return base.replace(/[_-]\d+$/, '');
}

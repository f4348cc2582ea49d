// The open image set's per-file facts (digest, size, grey/colour, min/max/mean) for the quality findings, read
// in the images worker after the set opens (the overview does not wait for it); a newer set cancels the old read.
import { create } from 'zustand';
import type { ImageInspection } from '../core/images/findings';
import { imagesWorker } from '../workers/images/client';
import type { ImageFile } from '../workers/images/decode';

interface ImageFindingsState {
  /** The files the facts are of (the images store's `files` array, compared by identity). */
  files: readonly ImageFile[] | null;
  facts: ImageInspection[] | null;
  /** "Checking images: 16 / 120", while reading. */
  progress: string;
  error: string | null;
}

export const useImageFindings = create<ImageFindingsState>(() => ({
  files: null,
  facts: null,
  progress: '',
  error: null,
}));

let abort: AbortController | null = null;

/** Read and measure every file of a newly opened set; resolves with the facts, or null if replaced/failed. */
export async function inspectImageSet(files: readonly ImageFile[]): Promise<ImageInspection[] | null> {
  abort?.abort();
  const mine = new AbortController();
  abort = mine;
  const set = useImageFindings.setState;
  set({
    files,
    facts: null,
    error: null,
    progress: files.length ? `Checking images: 0 / ${files.length}` : '',
  });
  if (files.length === 0) return null;
  try {
    const facts = await imagesWorker.run('inspect', [[...files]], {
      signal: mine.signal,
      onProgress: (p) => {
        if (abort === mine) set({ progress: `Checking images: ${p.done} / ${p.total ?? files.length}` });
      },
    });
    if (abort !== mine) return null;
    set({ facts, progress: '' });
    return facts;
  } catch (e) {
    if (abort === mine)
      set({
        progress: '',
        error: `Checking the images failed: ${e instanceof Error ? e.message : String(e)}`,
      });
    return null;
  } finally {
    if (abort === mine) abort = null;
  }
}

/** Indices of the files of `files` that could not be decoded (empty until they have been checked). */
export function unreadableOf(files: readonly ImageFile[]): number[] {
  const s = useImageFindings.getState();
  if (s.files !== files || !s.facts) return [];
  return s.facts.flatMap((f, i) => (f.decodeError !== undefined ? [i] : []));
}

// The built-in demo (public/demo): on a first visit the shell offers it; one click opens the crops in the
// data library, puts the build videos in the Extract area's queue and imports the demo LeNet5 for evaluation.
import { DEMO_FILES, demoUrls } from '../core/synth/demo-manifest';
import { useDataStore } from './data-store';
import { useEval } from './eval-store';
import { useExtractStore } from './extract-store';
import { notifyError } from './notices-store';

const OFFER_KEY = 'spatter-studio.demo-offer';

/** The demo LeNet5 (TF.js layers + metadata.json, trained on the demo crops), relative to the page. */
export const DEMO_MODEL_PATH = 'demo/lenet5/model.json';

export function demoOfferPending(): boolean {
  try {
    return localStorage.getItem(OFFER_KEY) === null;
  } catch {
    return true;
  }
}

export function dismissDemoOffer(): void {
  try {
    localStorage.setItem(OFFER_KEY, 'dismissed');
  } catch {
    /* storage blocked: the offer shows again next visit */
  }
}

/** A URL relative to the page (the workers resolve relative URLs against their own script, not the page). */
function pageUrl(path: string): string {
  return new URL(path, document.baseURI).href;
}

async function fetchFile(path: string, type: string): Promise<File> {
  const res = await fetch(pageUrl(path));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return new File([await res.blob()], path.split('/').pop()!, { type });
}

/** Put the demo videos in the Extract area's queue without starting them (the user starts them there). */
export async function queueDemoVideos(): Promise<void> {
  const videos = DEMO_FILES.filter((f) => f.kind === 'video');
  const loaded = await Promise.all(
    videos.map(async (v) => {
      try {
        return { v, file: await fetchFile(v.path, 'video/mp4') };
      } catch (e) {
        notifyError(
          `The demo video ${v.path} could not be loaded`,
          `${e instanceof Error ? e.message : String(e)}. Drop a video in the Extract area instead.`,
        );
        return null;
      }
    }),
  );
  const known = new Set(useExtractStore.getState().jobs.map((j) => j.fileName));
  const fresh = loaded.filter((f): f is NonNullable<typeof f> => f !== null && !known.has(f.file.name));
  if (fresh.length === 0) return;
  useExtractStore.getState().addFiles(
    fresh.map((f) => f.file),
    { start: false, labels: fresh.map((f) => f.v.label) },
  );
}

/** Import the demo model into the Evaluate area (it becomes the model evaluated). */
export async function importDemoModel(): Promise<void> {
  await useEval.getState().importModelUrl(pageUrl(DEMO_MODEL_PATH));
}

/** Load the demo: crops into the data library, videos into the extract queue, the model into Evaluate. */
export async function loadDemo(): Promise<void> {
  dismissDemoOffer();
  await Promise.all([useDataStore.getState().openUrls(demoUrls('h5')), queueDemoVideos(), importDemoModel()]);
}

export function demoSummary(): string {
  const h5 = DEMO_FILES.filter((f) => f.kind === 'h5').length;
  const videos = DEMO_FILES.filter((f) => f.kind === 'video').length;
  return `${h5} HDF5 crop files (both gas flows), ${videos} build videos ready to extract and a LeNet5 trained on synthetic crops only`;
}

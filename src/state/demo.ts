// The built-in demo (public/demo): on a first visit the shell offers it; one click opens the crops in the
// data library and hands the videos and the model to their areas.
import { DEMO_FILES, demoUrls } from '../core/synth/demo-manifest';
import { useDataStore } from './data-store';

const OFFER_KEY = 'spatter-studio.demo-offer';

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

/** Load the demo: the crop files into the data library. Resolves when they are open. */
export async function loadDemo(): Promise<void> {
  dismissDemoOffer();
  await useDataStore.getState().openUrls(demoUrls('h5'));
}

export function demoSummary(): string {
  const h5 = DEMO_FILES.filter((f) => f.kind === 'h5').length;
  const videos = DEMO_FILES.filter((f) => f.kind === 'video').length;
  return `${h5} HDF5 crop files (both gas flows) and ${videos} build videos`;
}

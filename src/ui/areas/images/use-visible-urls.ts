// Object URLs for the files the gallery shows right now: created when an image scrolls into view, revoked when
// it scrolls away, when the set changes and on unmount, so a set of any size holds only a window of URLs.
import { useEffect, useMemo, useState } from 'react';
import type { ImageFile } from '../../../workers/images/decode';

/** URLs by file; a file keeps its URL while it stays visible. */
class UrlWindow {
  private urls = new Map<ImageFile, string>();
  private mounted = false;
  mount(): void {
    this.mounted = true;
  }
  /** Revoke all after a tick unless mounted again by then (React's dev double mount re-mounts at once). */
  unmount(): void {
    this.mounted = false;
    setTimeout(() => {
      if (!this.mounted) this.keepOnly(new Set());
    }, 0);
  }
  urlOf(f: ImageFile): string {
    let u = this.urls.get(f);
    if (!u) {
      u = URL.createObjectURL(f.blob);
      this.urls.set(f, u);
    }
    return u;
  }
  /** Revoke every URL but those of `keep`. */
  keepOnly(keep: ReadonlySet<ImageFile>): void {
    for (const [f, u] of this.urls)
      if (!keep.has(f)) {
        URL.revokeObjectURL(u);
        this.urls.delete(f);
      }
  }
}

export function useVisibleUrls(
  files: readonly ImageFile[],
  visible: readonly number[],
): { urls: Map<number, string>; inUse: number } {
  const [pool] = useState(() => new UrlWindow());
  const urls = useMemo(
    () => new Map(visible.flatMap((i) => (files[i] ? [[i, pool.urlOf(files[i])] as const] : []))),
    [pool, files, visible],
  );
  // Once this window is on screen, the URLs of images that left it are revoked; all of them on unmount.
  useEffect(() => {
    pool.keepOnly(new Set(visible.flatMap((i) => (files[i] ? [files[i]] : []))));
  }, [pool, files, visible]);
  useEffect(() => {
    pool.mount();
    return () => pool.unmount();
  }, [pool]);
  return { urls, inUse: urls.size };
}

// Object URLs for the files the gallery shows right now (a `UrlWindow`): made when an image scrolls into view,
// revoked when it scrolls away, when the set changes and on unmount.
import { useEffect, useMemo, useState } from 'react';
import type { ImageFile } from '../../../workers/images/decode';
import { UrlWindow } from './url-window';

export function useVisibleUrls(files: readonly ImageFile[], visible: readonly number[]): Map<number, string> {
  const [pool] = useState(() => new UrlWindow<ImageFile>());
  const urls = useMemo(
    () => new Map(visible.flatMap((i) => (files[i] ? [[i, pool.urlOf(files[i])] as const] : []))),
    [pool, files, visible],
  );
  // Once this window is on screen, the URLs of images that left it are revoked.
  useEffect(() => {
    pool.keepOnly(new Set(visible.flatMap((i) => (files[i] ? [files[i]] : []))));
  }, [pool, files, visible]);
  useEffect(() => {
    pool.mount();
    return () => pool.unmount();
  }, [pool]);
  return urls;
}

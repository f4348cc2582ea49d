// Number formatting for the data area's tables.
import type { Summary } from '../../../core/data/stats';

export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–');

export function fmtSummary(s: Summary): string {
  if (s.count === 0) return '–';
  const r = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1));
  return `${r(s.min)} – ${r(s.max)} (mean ${r(s.mean)}, median ${r(s.median)})`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Save bytes or text as a download. */
export function download(data: Uint8Array | string, fileName: string, type: string): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

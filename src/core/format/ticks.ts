// Chart axis tick labels: short and rounded ("3.67M", "0.693", "1,200"), so they fit the axis instead of
// showing "3673469" or ".693355" clipped at its edge.

/** A tick value as at most ~5 characters: 3 significant digits, k/M/G above ten thousand. */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4) {
    const [div, unit] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    return `${trim((v / div).toPrecision(3))}${unit}`;
  }
  if (a >= 100) return Math.round(v).toLocaleString('en');
  if (a < 1e-3) return v.toExponential(1);
  return trim(v.toPrecision(3));
}

/** Drop trailing zeros of a decimal ("0.500" -> "0.5", "2.00" -> "2"). */
function trim(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

// Axis props every chart shares: rounded, short tick labels (core/format/ticks) and a Y axis wide enough for them.
import { formatTick } from '../../core/format/ticks';

export const tick = (v: unknown): string => (typeof v === 'number' ? formatTick(v) : String(v));

/** Spread on every <YAxis>: labels such as "3.67M" or "0.693" fit without clipping. */
export const yAxisProps = { tickFormatter: tick, width: 52 } as const;

/** Spread on every <XAxis>. */
export const xAxisProps = { tickFormatter: tick } as const;

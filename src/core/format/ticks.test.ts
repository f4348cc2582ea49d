import { describe, expect, it } from 'vitest';
import { formatTick } from './ticks';

describe('formatTick', () => {
  it('rounds and shortens what the charts showed unrounded', () => {
    expect(formatTick(3673469)).toBe('3.67M');
    expect(formatTick(0.693355)).toBe('0.693');
    expect(formatTick(45678)).toBe('45.7k');
    expect(formatTick(1234.5)).toBe('1,235');
    expect(formatTick(0.5)).toBe('0.5');
    expect(formatTick(2)).toBe('2');
    expect(formatTick(-0.12345)).toBe('-0.123');
    expect(formatTick(0.0001234)).toBe('1.2e-4');
    expect(formatTick(0)).toBe('0');
  });

  it('never gives more than 6 characters for a chart range of values', () => {
    for (const v of [1e-3, 0.0123456, 0.99999, 12.3456, 999.9, 9999.4, 123456, 98765432, 4.2e9, -3.3e6])
      expect(formatTick(v).length).toBeLessThanOrEqual(6);
  });
});

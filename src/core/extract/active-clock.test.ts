import { describe, expect, it } from 'vitest';
import { ActiveClock } from './active-clock';

describe('ActiveClock', () => {
  it('leaves paused time out of the elapsed time', () => {
    const c = new ActiveClock(1000);
    expect(c.elapsed(3000)).toBe(2000);
    c.pause(3000);
    expect(c.elapsed(10_000)).toBe(2000); // frozen while paused
    c.resume(10_000);
    expect(c.elapsed(11_000)).toBe(3000);
    c.pause(11_000);
    c.pause(12_000); // a second pause request does not move the start of the pause
    c.resume(14_000);
    expect(c.elapsed(15_000)).toBe(4000);
  });
});

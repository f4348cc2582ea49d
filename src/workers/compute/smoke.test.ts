import { describe, expect, it } from 'vitest';
import { runSmoke } from './smoke';

describe('backend smoke op', () => {
  it('computes the expected numbers on the cpu backend', async () => {
    const r = await runSmoke('cpu');
    expect(r.error).toBeUndefined();
    expect(r.values).toHaveLength(2);
    expect(r.ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { PythonRandom } from './python-random';

// Expected values printed by CPython 3 (`random.Random(seed)`), see the test names.
describe('PythonRandom', () => {
  it('matches random.Random(1234).getrandbits(32) x3', () => {
    const r = new PythonRandom(1234);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([4150886329, 3342196574, 1892932127]);
  });
  it('matches random.Random(1234).shuffle(list(range(20)))', () => {
    const x = Array.from({ length: 20 }, (_, i) => i);
    new PythonRandom(1234).shuffle(x);
    expect(x).toEqual([19, 13, 4, 9, 16, 7, 6, 8, 17, 18, 5, 12, 15, 11, 10, 1, 2, 0, 3, 14]);
  });
  it('seeds with multi-word integers like CPython (2**40+7)', () => {
    const x = Array.from({ length: 10 }, (_, i) => i);
    new PythonRandom(2 ** 40 + 7).shuffle(x);
    expect(x).toEqual([0, 5, 2, 3, 6, 1, 8, 4, 7, 9]);
  });
  it('matches random.Random(1234).random()', () => {
    expect(new PythonRandom(1234).random()).toBe(0.9664535356921388);
  });
});

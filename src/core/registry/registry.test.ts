// Registry rules: alias history as a query over time, promotion and rollback as new events.
import { describe, expect, it } from 'vitest';
import {
  aliasAt,
  aliasesOf,
  aliasPeriods,
  currentAliases,
  nextVersionNumber,
  promoteEvents,
  rollbackEvents,
  RegistryRuleError,
  type AliasEvent,
} from './registry';

function ctx(at: number, reason = 'test') {
  let k = 0;
  return { at, reason, newId: () => `e${at}-${k++}` };
}

/** v1 promoted at 100, v2 at 200, v3 at 300. */
function history(): AliasEvent[] {
  let ev: AliasEvent[] = [];
  for (const [v, t] of [
    ['v1', 100],
    ['v2', 200],
    ['v3', 300],
  ] as const) {
    ev = [...ev, ...promoteEvents(ev, v, ctx(t))];
  }
  return ev;
}

describe('aliasAt', () => {
  it('answers which version was production at a time', () => {
    const ev = history();
    expect(aliasAt(ev, 'production', 50)).toBeNull();
    expect(aliasAt(ev, 'production', 100)).toBe('v1');
    expect(aliasAt(ev, 'production', 199)).toBe('v1');
    expect(aliasAt(ev, 'production', 250)).toBe('v2');
    expect(aliasAt(ev, 'previous', 250)).toBe('v1');
    expect(aliasAt(ev, 'production', 1e12)).toBe('v3');
  });

  it('orders events by time then sequence, whatever order they are stored in', () => {
    const ev = history().reverse();
    expect(aliasAt(ev, 'production', 250)).toBe('v2');
    expect(currentAliases(ev)).toEqual({ production: 'v3', previous: 'v2', candidate: null });
  });
});

describe('promote and rollback', () => {
  it('promotion appends events: old production becomes previous, the candidate alias is cleared', () => {
    let ev: AliasEvent[] = promoteEvents([], 'v1', ctx(1));
    ev = [
      ...ev,
      { id: 'c', seq: 10, alias: 'candidate', versionId: 'v2', at: 2, reason: 'x', evaluationId: null },
    ];
    const added = promoteEvents(ev, 'v2', { ...ctx(3), evaluationId: 'eval-9' });
    expect(added.map((e) => [e.alias, e.versionId])).toEqual([
      ['previous', 'v1'],
      ['production', 'v2'],
      ['candidate', null],
    ]);
    expect(added.every((e) => e.evaluationId === 'eval-9' && e.seq > 10)).toBe(true);
    expect(() => promoteEvents([...ev, ...added], 'v2', ctx(4))).toThrow(RegistryRuleError);
  });

  it('rollback returns the previous version to production and keeps the past answerable', () => {
    const ev = history();
    const rb = rollbackEvents(ev, ctx(400, 'rollback'));
    const all = [...ev, ...rb];
    expect(currentAliases(all)).toMatchObject({ production: 'v2', previous: 'v3' });
    expect(aliasAt(all, 'production', 350)).toBe('v3');
    expect(aliasesOf(all, 'v2')).toEqual(['production']);
    expect(aliasPeriods(all, 'production', 'v2')).toEqual([
      { from: 200, to: 300 },
      { from: 400, to: null },
    ]);
  });

  it('refuses a rollback without a previous version', () => {
    expect(() => rollbackEvents(promoteEvents([], 'v1', ctx(1)), ctx(2))).toThrow(/no previous/);
  });

  it('numbers versions after the highest', () => {
    expect(nextVersionNumber([])).toBe(1);
    expect(nextVersionNumber([{ n: 3 }, { n: 1 }])).toBe(4);
  });
});

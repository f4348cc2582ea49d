// Notices: info dismisses itself, the same message is shown once, errors and actions stay until dismissed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INFO_NOTICE_MS, notifyError, useNotices } from './notices-store';

beforeEach(() => {
  vi.useFakeTimers();
  useNotices.setState({ notices: [] });
});
afterEach(() => vi.useRealTimers());

describe('notices', () => {
  it('an info notice dismisses itself; an error stays', () => {
    useNotices.getState().notify({ kind: 'info', title: 'Saved' });
    notifyError('left_low_0.h5 is truncated', 'Re-export it.');
    expect(useNotices.getState().notices).toHaveLength(2);
    vi.advanceTimersByTime(INFO_NOTICE_MS + 1);
    expect(useNotices.getState().notices.map((n) => n.title)).toEqual(['left_low_0.h5 is truncated']);
  });

  it('the same error is stacked once, a different one is added', () => {
    const a = notifyError('Worker crashed', 'Restarted');
    const b = notifyError('Worker crashed', 'Restarted');
    expect(b).toBe(a);
    notifyError('Worker crashed', 'Other detail');
    expect(useNotices.getState().notices).toHaveLength(2);
    useNotices.getState().dismiss(a);
    // once dismissed, the message can come back
    expect(notifyError('Worker crashed', 'Restarted')).not.toBe(a);
  });

  it('an info notice with an action stays until used', () => {
    useNotices
      .getState()
      .notify({ kind: 'info', title: 'Update', action: { label: 'Reload', run: () => {} } });
    vi.advanceTimersByTime(INFO_NOTICE_MS * 3);
    expect(useNotices.getState().notices).toHaveLength(1);
  });
});

// Notices: the specific, visible messages of the studio (errors from workers, bad input, finished jobs).
// Info notices dismiss themselves after a while; a message already shown is not stacked a second time.
import { create } from 'zustand';

export type NoticeKind = 'error' | 'warning' | 'info';

export interface NoticeAction {
  label: string;
  run(): void;
}

export interface Notice {
  id: number;
  kind: NoticeKind;
  /** What happened, naming the thing: "left_low_0.h5 is truncated". */
  title: string;
  /** What to do about it. */
  detail?: string;
  /** A button beside the message (e.g. "Reload now"); a notice with one stays until used or dismissed. */
  action?: NoticeAction;
}

/** How long an info notice without an action stays on screen. */
export const INFO_NOTICE_MS = 6000;

interface NoticesState {
  notices: Notice[];
  /** Show a notice; returns its id (the id of the same message when it is already shown). */
  notify(n: Omit<Notice, 'id'>): number;
  dismiss(id: number): void;
}

let seq = 0;

export const useNotices = create<NoticesState>((set, get) => ({
  notices: [],
  notify: (n) => {
    const same = get().notices.find(
      (o) => o.kind === n.kind && o.title === n.title && (o.detail ?? '') === (n.detail ?? ''),
    );
    if (same) return same.id;
    const id = ++seq;
    set((s) => ({ notices: [...s.notices.slice(-19), { ...n, id }] }));
    if (n.kind === 'info' && !n.action) setTimeout(() => get().dismiss(id), INFO_NOTICE_MS);
    return id;
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));

/** Shorthand for error notices from anywhere (stores, callbacks). */
export function notifyError(title: string, detail?: string): number {
  return useNotices
    .getState()
    .notify(detail === undefined ? { kind: 'error', title } : { kind: 'error', title, detail });
}

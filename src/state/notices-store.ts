// Notices: the specific, visible messages of the studio (errors from workers, bad input, finished jobs).
import { create } from 'zustand';

export type NoticeKind = 'error' | 'warning' | 'info';

export interface Notice {
  id: number;
  kind: NoticeKind;
  /** What happened, naming the thing: "left_low_0.h5 is truncated". */
  title: string;
  /** What to do about it. */
  detail?: string;
}

interface NoticesState {
  notices: Notice[];
  notify(n: Omit<Notice, 'id'>): number;
  dismiss(id: number): void;
}

let seq = 0;

export const useNotices = create<NoticesState>((set) => ({
  notices: [],
  notify: (n) => {
    const id = ++seq;
    set((s) => ({ notices: [...s.notices.slice(-19), { ...n, id }] }));
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

// Elapsed time that leaves out pauses: the basis of a job's frames/s and time left, which must not fall while
// the user has paused it.

export class ActiveClock {
  private pausedTotal = 0;
  private pausedAt: number | null = null;

  constructor(private readonly start: number) {}

  pause(now: number): void {
    if (this.pausedAt === null) this.pausedAt = now;
  }

  resume(now: number): void {
    if (this.pausedAt === null) return;
    this.pausedTotal += now - this.pausedAt;
    this.pausedAt = null;
  }

  /** Milliseconds of running time up to `now`. */
  elapsed(now: number): number {
    const pausedNow = this.pausedAt === null ? 0 : now - this.pausedAt;
    return Math.max(0, now - this.start - this.pausedTotal - pausedNow);
  }
}

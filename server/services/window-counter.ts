/**
 * Counts events per key in fixed windows of `windowMs`, in memory: `exhausted(key)` is true once `max` events of the
 * key fell in its current window. Keys whose window has passed are dropped as others are counted, so the map stays
 * as small as the set of keys active within one window.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event of `key`. */
  add(key: string): void {
    const now = this.now();
    this.prune(now);
    const window = this.windows.get(key);
    if (window && now - window.start < this.windowMs) window.count++;
    else this.windows.set(key, { start: now, count: 1 });
  }

  /** Whether `key` has had `max` events in its current window. */
  exhausted(key: string): boolean {
    const window = this.windows.get(key);
    return window !== undefined && this.now() - window.start < this.windowMs && window.count >= this.max;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    }
  }
}

import type { SyncClock, SyncLocks, SyncNetwork } from './engine.ts';

/** What the sync engine takes from the window: its fetch, clock and timers, Web Locks and online state. */
export interface BrowserSyncEnvironment {
  readonly fetch: typeof fetch;
  readonly clock: SyncClock;
  readonly locks: SyncLocks | null;
  readonly network: SyncNetwork;
}

/** The window's own fetch, clock, timers, Web Locks (null where missing) and `online`/`offline` events. */
export function browserSyncEnvironment(): BrowserSyncEnvironment {
  return {
    fetch: (input, init) => fetch(input, init),
    clock: {
      now: () => Date.now(),
      after(ms, callback) {
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      },
    },
    // Web Locks exist in every supported browser's secure contexts; a plain-HTTP LAN address has none.
    locks: typeof navigator.locks === 'undefined' ? null : navigator.locks,
    network: {
      online: () => navigator.onLine,
      onChange(listener) {
        addEventListener('online', () => listener(true));
        addEventListener('offline', () => listener(false));
      },
    },
  };
}

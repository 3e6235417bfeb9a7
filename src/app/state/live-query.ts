import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

/** State of a live query: its latest result, or the error that stopped it. */
export type LiveResult<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: unknown };

/**
 * Runs a Dexie query and re-runs it whenever the tables it read change (in this tab or another), so screens
 * always show what is stored.
 */
export function useLiveQuery<T>(query: () => Promise<T>, deps: readonly unknown[]): LiveResult<T> {
  const [result, setResult] = useState<LiveResult<T>>({ status: 'loading' });
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({
      next: (value) => setResult({ status: 'ready', value }),
      error: (error: unknown) => setResult({ status: 'error', error }),
    });
    return () => subscription.unsubscribe();
    // The query closes over `deps`: re-subscribing when they change is the point of the hook.
  }, deps);
  return result;
}

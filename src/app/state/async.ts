import { useEffect, useState } from 'preact/hooks';

/** State of a one-off asynchronous value. */
export type AsyncResult<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: unknown };

/** Runs `load` when `deps` change and keeps its latest outcome; outdated outcomes are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncResult<T> {
  const [result, setResult] = useState<AsyncResult<T>>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    setResult({ status: 'loading' });
    load().then(
      (value) => current && setResult({ status: 'ready', value }),
      (error: unknown) => current && setResult({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
    // `load` closes over `deps`: re-running when they change is the point of the hook.
  }, deps);
  return result;
}

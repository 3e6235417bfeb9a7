/** Anything backed by WASM heap memory that OpenCV.js makes us free by hand. */
export interface Deletable {
  delete(): void;
}

/**
 * Runs `fn` with an `own` function that registers OpenCV.js objects (Mat, MatVector, CLAHE…) for deletion, and
 * deletes all of them when `fn` returns or throws. OpenCV.js has no garbage collection of its heap objects, so every
 * kernel here frees what it made in one place instead of a `delete()` per branch.
 */
export function withMats<T>(fn: (own: <M extends Deletable>(m: M) => M) => T): T {
  const owned: Deletable[] = [];
  const own = <M extends Deletable>(m: M): M => {
    owned.push(m);
    return m;
  };
  try {
    return fn(own);
  } finally {
    for (let i = owned.length - 1; i >= 0; i--) owned[i]!.delete();
  }
}

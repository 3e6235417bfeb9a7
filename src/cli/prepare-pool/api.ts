import type { PreparedImage, PrepareOptions } from '../../core/pipeline/prepare-image.ts';
import type { ModelManifest } from '../../model/manifest.ts';

/**
 * The prepare worker's API (comlink over `worker_threads`): the shared per-photo pipeline, off the main thread.
 * Fails with a `WireError` (see `workers/wire-error.ts`), so an `ImageInputError`'s code survives the trip.
 */
export interface PrepareWorkerApi {
  /** `prepareImage` on one file's bytes; the result's typed arrays are transferred back. */
  prepare(bytes: Uint8Array, options?: PrepareOptions): Promise<PreparedImage>;
}

/** What a prepare worker is started with (`workerData`). */
export interface PrepareWorkerData {
  /** The TypeScript entry `boot.mjs` loads (this folder's `worker.ts`), as a file URL. */
  readonly entry: string;
  /** What of the model's manifest the model input is prepared for. */
  readonly manifest: Pick<ModelManifest, 'input' | 'normalization'>;
}

import { Worker } from 'node:worker_threads';
import { transfer, wrap } from 'comlink';
import type { Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { PreparedImage, PrepareOptions } from '../../core/pipeline/prepare-image.ts';
import type { ModelManifest } from '../../model/manifest.ts';
import { fromWireError } from '../../../workers/wire-error.ts';
import type { PrepareWorkerApi, PrepareWorkerData } from './api.ts';

/** A fixed set of prepare workers; see {@link createPreparePool}. */
export interface PreparePool {
  readonly size: number;
  /**
   * Runs the shared per-photo pipeline (`prepareImage`) on the least busy worker. `bytes` is transferred: the
   * caller's buffer is detached afterwards.
   * @throws ImageInputError for a refused file; Error when the worker could not run it (it is then replaced).
   */
  prepare(bytes: Uint8Array, options?: PrepareOptions): Promise<PreparedImage>;
  /** Ends every worker; calls still running reject. */
  dispose(): Promise<void>;
}

interface Slot {
  worker: Worker;
  api: Remote<PrepareWorkerApi>;
  busy: number;
  /** Rejects the calls in flight when the worker dies, since comlink would wait for them forever. */
  fail: Set<(error: Error) => void>;
}

/**
 * Starts `size` worker threads that each load OpenCV.js and the codecs once (issue 8: keep both cores busy; the CLI
 * sizes it to `os.availableParallelism()`). Photos of a session go to them in parallel; results come back in
 * whatever order they finish, each to its own caller.
 * @param size workers, ≥ 1.
 * @throws RangeError when `size` < 1.
 */
export function createPreparePool(
  size: number,
  manifest: Pick<ModelManifest, 'input' | 'normalization'>,
): PreparePool {
  if (!(size >= 1)) throw new RangeError(`a prepare pool needs at least one worker, not ${size}`);
  const data: PrepareWorkerData = {
    entry: new URL('./worker.ts', import.meta.url).href,
    manifest: { input: manifest.input, normalization: manifest.normalization },
  };
  const start = (): Slot => {
    const worker = new Worker(new URL('./boot.mjs', import.meta.url), { workerData: data });
    const slot: Slot = {
      worker,
      api: wrap<PrepareWorkerApi>(nodeEndpoint(worker)),
      busy: 0,
      fail: new Set(),
    };
    const die = (error: Error) => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots[index] = start();
      for (const reject of slot.fail) reject(error);
    };
    worker.on('error', (error) => die(new Error(`a prepare worker failed: ${error.message}`)));
    worker.on('exit', (code) => die(new Error(`a prepare worker stopped (exit code ${code})`)));
    return slot;
  };
  const slots: Slot[] = Array.from({ length: size }, start);
  return {
    size,
    async prepare(bytes, options) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      slot.busy++;
      let reject: (error: Error) => void = () => undefined;
      const died = new Promise<never>((_, r) => {
        reject = r;
      });
      slot.fail.add(reject);
      try {
        return await Promise.race([
          slot.api.prepare(transfer(bytes, [bytes.buffer as ArrayBuffer]), options),
          died,
        ]);
      } catch (error) {
        throw fromWireError(error);
      } finally {
        slot.busy--;
        slot.fail.delete(reject);
      }
    },
    async dispose() {
      const ending = slots.splice(0);
      for (const slot of ending) slot.worker.removeAllListeners('exit');
      await Promise.all(ending.map((slot) => slot.worker.terminate()));
    },
  };
}

import { loadHnswlib } from 'hnswlib-wasm';
import type { HierarchicalNSW, HnswlibModule } from 'hnswlib-wasm';

/** One stored vector and the id of the row it belongs to (e.g. the image id). */
export interface IndexedVector {
  readonly id: number;
  readonly vector: Float32Array;
}

/** A neighbour: its id and its cosine distance `1 − cos` to the query (0 = same direction). */
export interface Neighbour {
  readonly id: number;
  readonly distance: number;
}

/**
 * Nearest-neighbour search over the vectors of one model (hnswlib-wasm, cosine space). Database-agnostic: the
 * caller feeds it stored vectors and keeps it in step with additions and deletions. Lives in memory only and is
 * rebuilt from the database on start.
 */
export interface VectorIndex {
  readonly modelId: string;
  readonly dims: number;
  /** Number of live (not deleted) vectors. */
  readonly size: number;
  /** Replaces the whole content with `items` (also compacts space left by deletions). */
  rebuild(items: readonly IndexedVector[]): void;
  /** Adds `vector` under `id`, or replaces the vector stored under `id`. */
  add(id: number, vector: Float32Array): void;
  /** Removes `id` (hnswlib's markDelete: it is never returned again); unknown ids are ignored. */
  remove(id: number): void;
  /** Up to `k` live vectors nearest to `vector`, nearest first. */
  nearest(vector: Float32Array, k: number): Neighbour[];
}

/**
 * hnswlib's defaults (M 16, efConstruction 200): on a person's history (hundreds to a few thousand photos)
 * the search is all but exact and takes well under a millisecond.
 */
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 200;
/** Lower bound of the search beam; it is raised to `k` when more neighbours are asked for. */
const HNSW_EF_SEARCH = 64;
/** Fixed so that a rebuild from the same rows gives the same graph. */
const HNSW_SEED = 100;
const INITIAL_CAPACITY = 64;

let library: Promise<HnswlibModule> | undefined;

/**
 * Creates an empty index for vectors of `modelId`, `dims` long. Runs on the calling thread (hnswlib-wasm is built
 * for the page only); searching a few thousand vectors takes well under a millisecond.
 * @throws RangeError when `dims` is not a positive integer.
 */
export async function createVectorIndex(modelId: string, dims: number): Promise<VectorIndex> {
  if (!Number.isInteger(dims) || dims < 1)
    throw new RangeError(`dims must be a positive integer, got ${dims}`);
  library ??= loadHnswlib();
  const hnswlib = await library;

  let index: HierarchicalNSW;
  let capacity = 0;
  const live = new Set<number>();
  /** Labels ever added since the last rebuild, deleted or not: hnswlib keeps a slot for each. */
  const slots = new Set<number>();

  const reset = (size: number) => {
    capacity = Math.max(INITIAL_CAPACITY, size);
    // No file name: the index is never saved, so hnswlib's IDBFS autosave stays off.
    index = new hnswlib.HierarchicalNSW('cosine', dims, '');
    index.initIndex(capacity, HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_SEED);
    live.clear();
    slots.clear();
  };
  const check = (id: number, vector: Float32Array) => {
    if (!Number.isSafeInteger(id) || id < 0)
      throw new RangeError(`ids must be non-negative integers, got ${id}`);
    if (vector.length !== dims) {
      throw new RangeError(`${modelId} vectors have ${dims} values, got ${vector.length} for id ${id}`);
    }
  };
  const add = (id: number, vector: Float32Array) => {
    check(id, vector);
    if (!slots.has(id) && slots.size >= capacity) {
      capacity *= 2;
      index.resizeIndex(capacity);
    }
    // This hnswlib build enables replacement of deleted elements, under which addPoint refuses a deleted label:
    // un-delete it first, then addPoint replaces its vector (hnswlib updatePoint).
    if (slots.has(id) && !live.has(id)) index.unmarkDelete(id);
    index.addPoint(vector, id, false);
    slots.add(id);
    live.add(id);
  };
  reset(0);

  return {
    modelId,
    dims,
    get size() {
      return live.size;
    },
    rebuild(items) {
      reset(items.length);
      for (const { id, vector } of items) add(id, vector);
    },
    add,
    remove(id) {
      if (!live.delete(id)) return;
      index.markDelete(id);
    },
    nearest(vector, k) {
      if (vector.length !== dims) {
        throw new RangeError(`${modelId} vectors have ${dims} values, got a query of ${vector.length}`);
      }
      const wanted = Math.min(Math.floor(k), live.size);
      if (wanted < 1) return [];
      index.setEfSearch(Math.max(HNSW_EF_SEARCH, wanted));
      const { neighbors, distances } = index.searchKnn(vector, wanted, undefined);
      return neighbors
        .map((id, i) => ({ id, distance: Math.max(0, distances[i] ?? 1) }))
        .sort((a, b) => a.distance - b.distance);
    },
  };
}

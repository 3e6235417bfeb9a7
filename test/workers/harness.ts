import { AnalysisError, createAnalysisClient } from '../../src/app/analysis/client.ts';
import type {
  AnalysisClient,
  AnalysisClientOptions,
  AnalysisStage,
  ImageAnalysis,
  ModelInfo,
} from '../../src/app/analysis/client.ts';
import { createVectorIndex } from '../../src/app/search/vector-index.ts';
import type { Neighbour, VectorIndex } from '../../src/app/search/vector-index.ts';

/** An analysis as it crosses into Node (page.evaluate returns JSON). */
export interface HarnessAnalysis {
  readonly ok: true;
  readonly embedding: number[];
  readonly modelId: string;
  readonly quality: ImageAnalysis['quality'];
  readonly width: number;
  readonly height: number;
  readonly thumbnail: { type: string; bytes: number; width: number; height: number };
  readonly timings: ImageAnalysis['timings'];
  /** Wall time of the call on the page, ms (includes queueing and transfers). */
  readonly wall_ms: number;
  readonly progress: [AnalysisStage, number][];
}

export interface HarnessFailure {
  readonly ok: false;
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly wall_ms: number;
}

/** What the tests and the browser bench call through `page.evaluate(() => window.harness...)`. */
export interface Harness {
  /** Replaces the client (the previous one is disposed). */
  start(options?: AnalysisClientOptions): void;
  info(): Promise<ModelInfo & { crossOriginIsolated: boolean }>;
  analyse(url: string): Promise<HarnessAnalysis | HarnessFailure>;
  checkQuality(url: string): Promise<{ ok: true; width: number; height: number } | HarnessFailure>;
  /**
   * Analyses `url` after the browser re-encoded it as a JPEG of `quality` (0–1), scaled by `scale`: what sharing a
   * photo through another app does to it.
   */
  analyseReencoded(url: string, quality: number, scale: number): Promise<HarnessAnalysis | HarnessFailure>;
  /** Starts analysing each url at once, aborts the ones at `abort` indexes after `afterMs`, and reports each. */
  analyseAndAbort(
    urls: string[],
    abort: number[],
    afterMs: number,
  ): Promise<(HarnessAnalysis | HarnessFailure)[]>;
  /** Starts analysing `url`, disposes the client after `afterMs`, and reports what the call ended with. */
  disposeDuring(url: string, afterMs: number): Promise<HarnessAnalysis | HarnessFailure>;
  /** Whether the UI thread stayed responsive: the longest gap between animation frames during `url`'s analysis. */
  longestFrameGap(url: string): Promise<number>;
  /** Registers `/sw.js` (a harness built with `serviceWorker`) and resolves once it has precached everything. */
  registerServiceWorker(): Promise<void>;
  /** Keeps copies of test photos in Cache Storage, so `analyse` finds them offline. */
  keepForOffline(urls: string[]): Promise<void>;
  index: {
    create(modelId: string, dims: number): Promise<void>;
    rebuild(items: { id: number; vector: number[] }[]): void;
    add(id: number, vector: number[]): void;
    remove(id: number): void;
    nearest(vector: number[], k: number): Neighbour[];
    size(): number;
  };
}

declare global {
  interface Window {
    harness: Harness;
  }
}

let client: AnalysisClient | undefined;
let index: VectorIndex | undefined;

const current = (): AnalysisClient => (client ??= createAnalysisClient());

/** Cache of test photos kept for offline runs (they are not part of the app, so not in the precache). */
const OFFLINE_FILES = 'harness-offline-files';

async function fetchBlob(url: string): Promise<Blob> {
  const stashed = await (await caches.open(OFFLINE_FILES)).match(url);
  if (stashed !== undefined) return stashed.blob();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.blob();
}

function failure(error: unknown, started: number): HarnessFailure {
  const e = error as { name?: string; code?: string; message?: string };
  return {
    ok: false,
    name: e.name ?? typeof error,
    code: e instanceof AnalysisError ? e.code : String(e.code),
    message: e.message ?? String(error),
    wall_ms: performance.now() - started,
  };
}

async function describe(
  analysis: ImageAnalysis,
  started: number,
  progress: [AnalysisStage, number][],
): Promise<HarnessAnalysis> {
  const bitmap = await createImageBitmap(analysis.thumbnail);
  return {
    ok: true,
    embedding: Array.from(analysis.embedding),
    modelId: analysis.modelId,
    quality: analysis.quality,
    width: analysis.width,
    height: analysis.height,
    thumbnail: {
      type: analysis.thumbnail.type,
      bytes: analysis.thumbnail.size,
      width: bitmap.width,
      height: bitmap.height,
    },
    timings: analysis.timings,
    wall_ms: performance.now() - started,
    progress,
  };
}

async function analyse(url: string): Promise<HarnessAnalysis | HarnessFailure> {
  return analyseBlob(await fetchBlob(url));
}

async function analyseBlob(file: Blob, signal?: AbortSignal): Promise<HarnessAnalysis | HarnessFailure> {
  const started = performance.now();
  const progress: [AnalysisStage, number][] = [];
  try {
    const analysis = await current().analyseImage(file, {
      ...(signal === undefined ? {} : { signal }),
      onProgress: (stage, fraction) => progress.push([stage, fraction]),
    });
    return await describe(analysis, started, progress);
  } catch (error) {
    return failure(error, started);
  }
}

function requireIndex(): VectorIndex {
  if (index === undefined) throw new Error('call harness.index.create first');
  return index;
}

window.harness = {
  start(options) {
    client?.dispose();
    client = createAnalysisClient(options);
  },
  async info() {
    return { ...(await current().modelInfo()), crossOriginIsolated: self.crossOriginIsolated };
  },
  analyse: (url) => analyse(url),
  async checkQuality(url) {
    const file = await fetchBlob(url);
    const started = performance.now();
    try {
      const { width, height } = await current().checkQuality(file);
      return { ok: true, width, height };
    } catch (error) {
      return failure(error, started);
    }
  },
  async analyseReencoded(url, quality, scale) {
    const bitmap = await createImageBitmap(await fetchBlob(url));
    const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return analyseBlob(await canvas.convertToBlob({ type: 'image/jpeg', quality }));
  },
  async analyseAndAbort(urls, abort, afterMs) {
    const files = await Promise.all(urls.map(fetchBlob));
    const controllers = urls.map(() => new AbortController());
    const calls = files.map((file, i) => analyseBlob(file, controllers[i]?.signal));
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    for (const i of abort) controllers[i]?.abort();
    return Promise.all(calls);
  },
  async disposeDuring(url, afterMs) {
    const file = await fetchBlob(url);
    const call = analyseBlob(file);
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    current().dispose();
    return call;
  },
  async longestFrameGap(url) {
    let longest = 0;
    let last = performance.now();
    let running = true;
    const tick = (now: number) => {
      longest = Math.max(longest, now - last);
      last = now;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    await analyse(url);
    running = false;
    return longest;
  },
  async keepForOffline(urls) {
    await (await caches.open(OFFLINE_FILES)).addAll(urls);
  },
  async registerServiceWorker() {
    await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
  },
  index: {
    async create(modelId, dims) {
      index = await createVectorIndex(modelId, dims);
    },
    rebuild: (items) =>
      requireIndex().rebuild(items.map((i) => ({ id: i.id, vector: Float32Array.from(i.vector) }))),
    add: (id, vector) => requireIndex().add(id, Float32Array.from(vector)),
    remove: (id) => requireIndex().remove(id),
    nearest: (vector, k) => requireIndex().nearest(Float32Array.from(vector), k),
    size: () => requireIndex().size,
  },
};

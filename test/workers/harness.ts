import { AnalysisError, createAnalysisClient } from '../../src/app/analysis/client.ts';
import type {
  AnalysisClient,
  AnalysisClientOptions,
  AnalysisStage,
  CaptureCheck,
  ImageAnalysis,
  ModelInfo,
} from '../../src/app/analysis/client.ts';
import { findFaces } from '../../src/app/faces/client.ts';
import { createVectorIndex } from '../../src/app/search/vector-index.ts';
import type { Neighbour, VectorIndex } from '../../src/app/search/vector-index.ts';
import type { Registration } from '../../src/core/change/index.ts';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import { toHistorySession } from '../../src/core/scoring/index.ts';
import type {
  AngleAnalysis,
  DatedSession,
  ScoringSession,
  SessionAnalysis,
} from '../../src/core/scoring/index.ts';

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

/** A session for the change-engine calls: its id, its date, and one photo (a URL) per angle. */
export interface HarnessSessionPlan {
  readonly session_id: string;
  readonly taken_at: string;
  readonly photos: Readonly<Record<string, string>>;
}

/** An analysis as it crosses into Node: JSON, without the embeddings (the vector tests cover those). */
export type HarnessScored = Omit<SessionAnalysis, 'angles' | 'session_embedding'> & {
  readonly angles: readonly Omit<AngleAnalysis, 'embedding'>[];
};

/** What `scoreHistory` reports besides the analyses. */
export interface HarnessHistory {
  readonly ok: true;
  readonly analyses: HarnessScored[];
  /** `onProgress` calls, as [done, total]. */
  readonly progress: [number, number][];
  /** Whether the sessions' typed arrays were moved to the worker (detached on the page) rather than copied. */
  readonly transferred: boolean;
  /** The longest gap between animation frames while the worker scored, ms (the page must stay responsive). */
  readonly longest_frame_gap_ms: number;
}

/** What the tests and the browser bench call through `page.evaluate(() => window.harness...)`. */
export interface Harness {
  /** Replaces the client (the previous one is disposed). */
  start(options?: AnalysisClientOptions): void;
  info(): Promise<ModelInfo & { crossOriginIsolated: boolean }>;
  analyse(url: string): Promise<HarnessAnalysis | HarnessFailure>;
  /**
   * `AnalysisClient.analyseImage` of `url` (with `referenceUrl`'s change raster as the reference when given): the
   * capture check it reports through `onCheck`, and the order of its `onCheck` and `onProgress` calls (`check`, then
   * the stages' names).
   */
  captureCheck(
    url: string,
    referenceUrl?: string,
  ): Promise<
    | { ok: true; width: number; height: number; alignment: Registration | null; events: string[] }
    | HarnessFailure
  >;
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
  /** Analyses each plan's photos, then scores the whole history in the worker (`AnalysisClient.scoreHistory`). */
  scoreHistory(plans: HarnessSessionPlan[]): Promise<HarnessHistory | HarnessFailure>;
  /**
   * Scores the last plan with `AnalysisClient.scoreSession` against a history made (as the app makes it from
   * stored analyses, with `toHistorySession`) from the earlier plans' `scoreHistory` analyses.
   */
  scoreLast(plans: HarnessSessionPlan[]): Promise<{ ok: true; analysis: HarnessScored } | HarnessFailure>;
  /** `AnalysisClient.registeredPair` of two photos' change rasters, summarised. */
  registeredPair(
    referenceUrl: string,
    photoUrl: string,
  ): Promise<
    | {
        ok: true;
        width: number;
        height: number;
        reference_bytes: number;
        /** Share of the lined-up photo's pixels that are opaque (inside the overlap). */
        photo_opaque_share: number;
        registration: Registration;
      }
    | HarnessFailure
  >;
  /**
   * The faces worker's `find` (as the upload prepares a photo) on `url`: one warm-up search (the detector loads),
   * then `repeats` more; the detector's own time of each (decoding excluded), ms.
   */
  findFaces(
    url: string,
    repeats: number,
  ): Promise<{ ok: true; faces: number; detect_ms: number[]; load_ms: number } | HarnessFailure>;
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

/** Each photo's analysis, made once per page (the change-engine calls reuse photos across tests). */
const analysed = new Map<string, Promise<ImageAnalysis>>();

function analysedPhoto(url: string): Promise<ImageAnalysis> {
  let found = analysed.get(url);
  if (found === undefined) {
    found = fetchBlob(url).then((file) => current().analyseImage(file));
    analysed.set(url, found);
    found.catch(() => analysed.delete(url));
  }
  return found;
}

/**
 * The plans as `scoreHistory` takes them, with fresh copies of the cached typed arrays (the client transfers them
 * to the worker), images in the app's order (angle name, then position).
 */
async function datedSessions(plans: readonly HarnessSessionPlan[]): Promise<DatedSession[]> {
  const info = await current().modelInfo();
  return Promise.all(
    plans.map(async (plan) => ({
      session_id: plan.session_id,
      taken_at: plan.taken_at,
      model_id: info.id,
      images: await Promise.all(
        Object.entries(plan.photos)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(async ([angle, url]) => {
            const photo = await analysedPhoto(url);
            const { raster, noise_samples, faces } = photo.change;
            return {
              image_id: `${angle}__0`,
              angle,
              embedding: photo.embedding.slice(),
              quality: photo.quality,
              change: { raster: { ...raster, rgb: raster.rgb.slice() }, noise_samples, faces },
            };
          }),
      ),
    })),
  );
}

const OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null } as const;

function scored({ angles, session_embedding: _, ...rest }: SessionAnalysis): HarnessScored {
  return { ...rest, angles: angles.map(({ embedding: _e, ...angle }) => angle) };
}

/** A dated session as `scoreSession` takes it (the date only orders a history). */
function undated({ taken_at: _, ...session }: DatedSession): ScoringSession {
  return session;
}

/** Runs `work` while counting the longest gap between animation frames. */
async function timingFrames<T>(work: () => Promise<T>): Promise<{ value: T; longest: number }> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const tick = (now: number) => {
    longest = Math.max(longest, now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    return { value: await work(), longest };
  } finally {
    running = false;
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
  async captureCheck(url, referenceUrl) {
    const started = performance.now();
    try {
      const reference =
        referenceUrl === undefined ? undefined : (await analysedPhoto(referenceUrl)).change.raster;
      const events: string[] = [];
      let check: CaptureCheck | undefined;
      await current().analyseImage(await fetchBlob(url), {
        ...(reference === undefined ? {} : { reference }),
        onCheck: (c) => {
          check = c;
          events.push('check');
        },
        onProgress: (stage) => events.push(stage),
      });
      if (check === undefined) throw new Error('the analysis ended without a capture check');
      return { ok: true, width: check.width, height: check.height, alignment: check.alignment, events };
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
    return (await timingFrames(() => analyse(url))).longest;
  },
  async scoreHistory(plans) {
    const started = performance.now();
    try {
      const sessions = await datedSessions(plans);
      const progress: [number, number][] = [];
      const { value: analyses, longest } = await timingFrames(() =>
        current().scoreHistory(sessions, OPTIONS, {
          onProgress: (done, total) => progress.push([done, total]),
        }),
      );
      return {
        ok: true,
        analyses: analyses.map(scored),
        progress,
        transferred: sessions.every((s) => s.images.every((i) => i.change?.raster.rgb.byteLength === 0)),
        longest_frame_gap_ms: longest,
      };
    } catch (error) {
      return failure(error, started);
    }
  },
  async scoreLast(plans) {
    const started = performance.now();
    try {
      const earlier = await datedSessions(plans.slice(0, -1));
      const analyses = await current().scoreHistory(await datedSessions(plans.slice(0, -1)), OPTIONS);
      const history = earlier.map((s, i) => toHistorySession(undated(s), analyses[i] as SessionAnalysis));
      const [last] = await datedSessions(plans.slice(-1));
      const analysis = await current().scoreSession(undated(last as DatedSession), history, OPTIONS);
      return { ok: true, analysis: scored(analysis) };
    } catch (error) {
      return failure(error, started);
    }
  },
  async registeredPair(referenceUrl, photoUrl) {
    const started = performance.now();
    try {
      const [reference, photo] = await Promise.all([analysedPhoto(referenceUrl), analysedPhoto(photoUrl)]);
      const copy = (a: ImageAnalysis) => ({ ...a.change.raster, rgb: a.change.raster.rgb.slice() });
      const pair = await current().registeredPair(copy(reference), copy(photo));
      let opaque = 0;
      for (let i = 3; i < pair.photo.length; i += 4) if (pair.photo[i] === 255) opaque++;
      return {
        ok: true,
        width: pair.width,
        height: pair.height,
        reference_bytes: pair.reference.length,
        photo_opaque_share: opaque / (pair.width * pair.height),
        registration: pair.registration,
      };
    } catch (error) {
      return failure(error, started);
    }
  },
  async keepForOffline(urls) {
    await (await caches.open(OFFLINE_FILES)).addAll(urls);
  },
  async findFaces(url, repeats) {
    const started = performance.now();
    try {
      const file = await fetchBlob(url);
      const options = { blur: false, jpegQuality: 0.9 };
      const first = await findFaces(file, options);
      const load_ms = performance.now() - started;
      const detect_ms: number[] = [];
      for (let i = 0; i < repeats; i++) detect_ms.push((await findFaces(file, options)).detect_ms);
      return { ok: true, faces: first.faces.length, detect_ms, load_ms };
    } catch (err) {
      return failure(err, started);
    }
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

/// <reference types="vite/client" />
import { proxy, transfer } from 'comlink';
import type { ChangeRaster, RegisteredPair } from '../../core/change/index.ts';
import type { ImageQuality } from '../../core/quality/index.ts';
import type {
  AnalysisOptions,
  DatedSession,
  HistorySession,
  ImageChange,
  PairChangeMap,
  ScoringSession,
  SessionAnalysis,
} from '../../core/scoring/index.ts';
import { parseModelManifest } from '../../model/manifest.ts';
import type { ModelManifest } from '../../model/manifest.ts';
import type { EmbedApi, EmbedConfig } from '../../../workers/embed/api.ts';
import type { CaptureCheck, PreprocessApi } from '../../../workers/preprocess/api.ts';
import { rasterBuffers, sessionBuffers } from '../../../workers/transfer-lists.ts';
import { findFacesForChange, setFacesWorkerIdle, warmFacesWorker } from '../faces/client.ts';
import { fromWorkerError } from './errors.ts';
import { PROGRESS_AT } from './progress.ts';
import type { AnalysisStage } from './progress.ts';
import { WorkerPool, WorkerSlot } from './worker-slot.ts';

export { AnalysisError } from './errors.ts';
export type { AnalysisErrorCode } from './errors.ts';
export type { AnalysisStage } from './progress.ts';
export type { CaptureCheck } from '../../../workers/preprocess/api.ts';

/** Everything the device learns about one photo. */
export interface ImageAnalysis {
  quality: ImageQuality;
  /** L2-normalised, `dims` long; compare only with vectors of the same `modelId`. */
  embedding: Float32Array;
  modelId: string;
  /** Size after EXIF orientation, in pixels. */
  width: number;
  height: number;
  /** What the model saw (`manifest.input` size, 224×224 for the default model), as a JPEG. */
  thumbnail: Blob;
  /**
   * The change engine's raster of the photo (to store beside it) and the faces it leaves out (`facesForChange`, in
   * the faces worker); its noise samples are left for later (null).
   */
  change: ImageChange;
  /** Milliseconds per stage, measured inside the workers (queueing and transfers excluded). */
  timings: {
    decode_ms: number;
    quality_ms: number;
    preprocess_ms: number;
    change_ms: number;
    embed_ms: number;
    /** The faces search, which runs beside the embedding; 0 when none was made (`change.faces` null). */
    faces_ms: number;
  };
}

/** The model and inference backend in use (Settings shows it; analysis logs record it). */
export interface ModelInfo {
  id: string;
  dims: number;
  source: string;
  licence: string;
  backend: 'webgpu' | 'wasm';
  threads: number;
}

/**
 * Analyses photos and scores sessions off the UI thread, in a pool of preprocess workers (decode, quality, model
 * input, change engine, scoring) and one model worker. Each call goes to the least busy preprocess worker, and
 * calls are queued per worker in call order, so photos handed over together are prepared in parallel and flow on
 * to the model as a pipeline. Every method rejects with an `AnalysisError` (`code`, person-readable `message`).
 * Typed arrays said to be transferred are moved to the worker: the caller must not read them afterwards.
 */
export interface AnalysisClient {
  /**
   * Starts the workers a photo's analysis needs (the first preprocess worker, the model worker with the model
   * loaded, the faces worker), so the first photo does not wait for their start-up; each ends after its idle time
   * when no photo comes. Failures are left to the first analysis, which starts them again.
   */
  warm(): void;
  /**
   * Decodes, measures, preprocesses and embeds the photo. `onCheck` is called with the capture check (size,
   * quality, and with `reference`, the angle's latest change raster, copied, whether the photo lines up with it) as
   * soon as the photo is prepared, before the model embeds it. `onProgress` is called as each stage starts, with the
   * fraction of the whole done so far (0–1; 1 once with stage `done`). The change raster's noise samples are not
   * computed (four fifths of a photo's cost, needed only once the photo is a reference): `noiseSamples` fills them
   * in after the session is stored.
   */
  analyseImage(
    file: Blob,
    opts?: {
      signal?: AbortSignal;
      reference?: ChangeRaster;
      onCheck?: (check: CaptureCheck) => void;
      onProgress?: (stage: AnalysisStage, fraction: number) => void;
    },
  ): Promise<ImageAnalysis>;
  /** The change engine's raster and noise samples of a stored photo (the preprocess step again, no model). */
  prepareChange(file: Blob, opts?: { signal?: AbortSignal }): Promise<ImageChange>;
  /** The synthetic noise samples of a change raster (copied, not transferred), ΔE*; see `analyseImage`. */
  noiseSamples(raster: ChangeRaster, opts?: { signal?: AbortSignal }): Promise<number[]>;
  /**
   * Scores one new session against the stored history (oldest first) with the core's `scoreSession`, in the
   * preprocess worker. `history`'s embeddings and rasters are transferred; `session` is copied.
   */
  scoreSession(
    session: ScoringSession,
    history: readonly HistorySession[],
    options: AnalysisOptions,
    opts?: { signal?: AbortSignal },
  ): Promise<SessionAnalysis>;
  /**
   * Scores a whole history with the core's `scoreHistory` (sorted by `taken_at`), in the preprocess worker.
   * `sessions`' embeddings and rasters are transferred. `onProgress` gets the sessions done and their total.
   * @returns one analysis per session, in date order.
   */
  scoreHistory(
    sessions: readonly DatedSession[],
    options: AnalysisOptions,
    opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<SessionAnalysis[]>;
  /**
   * A photo registered onto its reference's frame, both as RGBA, for the compare views (the core's
   * `registeredPair`). Both rasters are transferred.
   */
  registeredPair(
    reference: ChangeRaster,
    photo: ChangeRaster,
    opts?: { signal?: AbortSignal },
  ): Promise<RegisteredPair>;
  /**
   * The change map of `session`'s photo of `angle` against `reference`'s (any other session's), calibrated as the change engine calibrates the session against `history` (the core's `pairChangeMap`), in the
   * preprocess worker. The three sessions' embeddings and rasters are transferred.
   */
  pairChangeMap(
    reference: ScoringSession,
    session: ScoringSession,
    history: readonly HistorySession[],
    angle: string,
    options: AnalysisOptions,
    opts?: { signal?: AbortSignal },
  ): Promise<PairChangeMap>;
  /** Loads the model if needed and says which one runs where. */
  modelInfo(): Promise<ModelInfo>;
  /** Terminates both workers and rejects running and queued calls with `aborted`; later calls start new workers. */
  dispose(): void;
}

export interface AnalysisClientOptions {
  /** Model folder URL (with `manifest.json`); default `<base>models/mobilenet_v2-nsfwjs/` of this app. */
  modelUrl?: string;
  /**
   * `auto` (default): WebGPU on a hardware GPU, else WASM (a software WebGPU adapter is far slower than WASM).
   * `webgpu`: WebGPU with any adapter, else WASM. `wasm`: always WASM.
   */
  backend?: 'auto' | 'webgpu' | 'wasm';
  /** WASM threads; default every core when the page is cross-origin isolated, else 1. */
  numThreads?: number;
  /** Idle time before a worker is terminated, ms; defaults in `IDLE_MS` (the faces worker: its client's minute). */
  idleMs?: { preprocess?: number; embed?: number; faces?: number };
  /** Preprocess workers; default `preprocessWorkers()`. */
  preprocessWorkers?: number;
}

/**
 * Most preprocess workers started: each holds its own OpenCV.js and codec heaps (tens of MB), and a phone's
 * memory, not its core count, is what ends a tab.
 */
export const MAX_PREPROCESS_WORKERS = 4;

/** One preprocess worker per logical core (`navigator.hardwareConcurrency`), at most `MAX_PREPROCESS_WORKERS`. */
export function preprocessWorkers(): number {
  return Math.max(1, Math.min(MAX_PREPROCESS_WORKERS, navigator.hardwareConcurrency || 1));
}

/**
 * Idle time before a worker is terminated. Squoosh uses 10 s for its codec workers; the model worker is kept
 * longer because starting it again costs a model load (fetch, sha256, compiling onnxruntime's 14 MB WASM, 28 MB
 * with WebGPU, and creating the session: 1–3 s in headless Chromium here), far more than restarting OpenCV and the
 * codecs.
 */
export const IDLE_MS = { preprocess: 10_000, embed: 30_000 } as const;

/** Id of the model that ships with the app (built into `public/models/` by `npm run build:model`). */
export const DEFAULT_MODEL_ID = 'mobilenet_v2-nsfwjs';

/** Creates a client; workers start on the first call. */
export function createAnalysisClient(options: AnalysisClientOptions = {}): AnalysisClient {
  const appBase = new URL(import.meta.env.BASE_URL, self.location.href);
  const config: Omit<EmbedConfig, 'manifest'> = {
    modelUrl: new URL(options.modelUrl ?? `models/${DEFAULT_MODEL_ID}/`, appBase).href,
    backend: options.backend ?? 'auto',
    ...(options.numThreads === undefined ? {} : { numThreads: options.numThreads }),
  };
  if (options.idleMs?.faces !== undefined) setFacesWorkerIdle(options.idleMs.faces);
  const preprocess = new WorkerPool<PreprocessApi>(options.preprocessWorkers ?? preprocessWorkers(), {
    // Vite bundles the worker from this exact `new Worker(new URL(...))` shape.
    create: () =>
      new Worker(new URL('../../../workers/preprocess/worker.ts', import.meta.url), { type: 'module' }),
    idleMs: options.idleMs?.preprocess ?? IDLE_MS.preprocess,
    terminateOnAbort: true,
  });
  const embed = new WorkerSlot<EmbedApi>({
    create: () =>
      new Worker(new URL('../../../workers/embed/worker.ts', import.meta.url), { type: 'module' }),
    idleMs: options.idleMs?.embed ?? IDLE_MS.embed,
    terminateOnAbort: false,
  });

  // The page reads and validates the manifest (a small JSON) once: preprocessing starts from it while the model
  // worker, given the same manifest, fetches the model and checks its sha256 before any embedding.
  let manifest: Promise<ModelManifest> | undefined;
  const modelManifest = (): Promise<ModelManifest> => {
    manifest ??= fetch(new URL('manifest.json', config.modelUrl)).then(async (response) => {
      if (!response.ok) throw new Error(`the model's manifest: HTTP ${response.status}`);
      return parseModelManifest(await response.json());
    });
    return manifest.catch((error: unknown) => {
      manifest = undefined;
      throw fromWorkerError(error);
    });
  };
  const loadConfig = async (): Promise<EmbedConfig> => ({ ...config, manifest: await modelManifest() });
  // A head start on the model's load: the embedding call loads it again if the worker was stopped in between (idle,
  // crashed), so a failure here is reported there. `onStart` is called when the load starts a new worker.
  const startModelLoad = (signal?: AbortSignal, onStart?: () => void): void => {
    embed
      .run(async (api, fresh) => {
        const ready = await loadConfig();
        if (fresh) onStart?.();
        return api.load(ready);
      }, signal)
      .catch(() => undefined);
  };

  return {
    warm() {
      preprocess.warm();
      warmFacesWorker();
      startModelLoad();
    },

    async analyseImage(file, opts = {}) {
      const { signal, reference, onCheck, onProgress } = opts;
      let done = 0;
      // Loading and preparing overlap, so stages may start out of order; the fraction never goes back.
      const report = (stage: AnalysisStage) => {
        if (done === 1) return;
        done = Math.max(done, PROGRESS_AT[stage]);
        onProgress?.(stage, done);
      };
      report('queued');
      // The model loads while the photo is prepared.
      startModelLoad(signal, () => report('loading_model'));
      const { input, normalization } = await modelManifest();
      const prepared = await preprocess.run((api) => {
        report('preparing');
        return api.prepare(
          file,
          { input, normalization },
          { noiseSamples: false, keepDecoded: true },
          reference,
        );
      }, signal);
      const { width, height, quality, alignment } = prepared;
      onCheck?.({ width, height, quality, alignment });
      // The faces the change engine leaves out, searched in the analysis's own decode while the model embeds.
      const faces =
        prepared.decoded === null
          ? Promise.resolve({ faces: null, detect_ms: 0 })
          : findFacesForChange(prepared.decoded, signal);
      faces.catch(() => undefined);
      const { id, embedding, embed_ms } = await embed.run(async (api, fresh) => {
        if (fresh) report('loading_model');
        const { id } = await api.load(await loadConfig());
        report('embedding');
        return { id, ...(await api.embed(transfer(prepared.tensor, [prepared.tensor.buffer]))) };
      }, signal);
      const found = await faces;
      report('done');
      return {
        quality,
        embedding,
        modelId: id,
        width,
        height,
        thumbnail: prepared.thumbnail,
        change: { ...prepared.change, faces: found.faces },
        timings: { ...prepared.timings, embed_ms, faces_ms: found.detect_ms },
      };
    },

    async prepareChange(file, opts = {}) {
      const { input, normalization } = await modelManifest();
      const prepared = await preprocess.run(
        (api) => api.prepare(file, { input, normalization }),
        opts.signal,
      );
      return prepared.change;
    },

    noiseSamples: (raster, opts = {}) => preprocess.run((api) => api.noiseSamples(raster), opts.signal),

    scoreSession: (session, history, options, opts = {}) =>
      preprocess.run(
        (api) => api.scoreSession(session, transfer(history, sessionBuffers(history)), options),
        opts.signal,
      ),

    scoreHistory: (sessions, options, opts = {}) =>
      preprocess.run(
        (api) =>
          api.scoreHistory(
            transfer(sessions, sessionBuffers(sessions)),
            options,
            // A callback crosses to the worker as a comlink proxy; each call comes back as a message.
            opts.onProgress && proxy(opts.onProgress),
          ),
        opts.signal,
      ),

    registeredPair: (reference, photo, opts = {}) =>
      preprocess.run(
        (api) => api.registeredPair(reference, transfer(photo, rasterBuffers([reference, photo]))),
        opts.signal,
      ),

    pairChangeMap: (reference, session, history, angle, options, opts = {}) =>
      preprocess.run<PairChangeMap>(
        (api) =>
          api.pairChangeMap(
            reference,
            session,
            // The list holds the other two sessions' buffers too: one transfer moves them all.
            transfer(history, sessionBuffers([reference, session, ...history])),
            options,
            angle,
          ),
        opts.signal,
      ),

    async modelInfo() {
      const { id, dims, source, licence, backend, threads } = await embed.run(async (api) =>
        api.load(await loadConfig()),
      );
      return { id, dims, source, licence, backend, threads };
    },

    dispose() {
      preprocess.terminate();
      embed.terminate();
    },
  };
}

/// <reference types="vite/client" />
import { proxy, transfer } from 'comlink';
import type { ChangeRaster, RegisteredPair } from '../../core/change/index.ts';
import type { ImageQuality } from '../../core/quality/index.ts';
import type {
  AnalysisOptions,
  DatedSession,
  HistorySession,
  ImageChange,
  ScoringSession,
  SessionAnalysis,
} from '../../core/scoring/index.ts';
import type { ModelManifest } from '../../model/manifest.ts';
import type { EmbedApi, EmbedConfig } from '../../../workers/embed/api.ts';
import type { CaptureCheck, PreprocessApi } from '../../../workers/preprocess/api.ts';
import { rasterBuffers, sessionBuffers } from '../../../workers/transfer-lists.ts';
import { fromWorkerError } from './errors.ts';
import { PROGRESS_AT } from './progress.ts';
import type { AnalysisStage } from './progress.ts';
import { WorkerSlot } from './worker-slot.ts';

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
  /** The change engine's raster and synthetic noise samples of the photo (to store beside it). */
  change: ImageChange;
  /** Milliseconds per stage, measured inside the workers (queueing and transfers excluded). */
  timings: {
    decode_ms: number;
    quality_ms: number;
    preprocess_ms: number;
    change_ms: number;
    embed_ms: number;
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
 * Analyses photos and scores sessions off the UI thread, in two workers (decode/quality/preprocess/change engine,
 * and the model). Calls are queued per worker and run in call order, so a session's photos flow through both
 * workers as a pipeline. Every method rejects with an `AnalysisError` (`code`, person-readable `message`).
 * Typed arrays said to be transferred are moved to the worker: the caller must not read them afterwards.
 */
export interface AnalysisClient {
  /**
   * Decodes the photo and measures its quality (no model); with `reference` (the angle's latest change raster,
   * copied, not transferred), also says whether the photo lines up with it (`alignment`).
   */
  checkQuality(file: Blob, opts?: { signal?: AbortSignal; reference?: ChangeRaster }): Promise<CaptureCheck>;
  /**
   * Decodes, measures, preprocesses and embeds the photo. `onProgress` is called as each stage starts, with the
   * fraction of the whole done so far (0–1; 1 once with stage `done`).
   */
  analyseImage(
    file: Blob,
    opts?: { signal?: AbortSignal; onProgress?: (stage: AnalysisStage, fraction: number) => void },
  ): Promise<ImageAnalysis>;
  /** The change engine's raster and noise samples of a stored photo (the preprocess step again, no model). */
  prepareChange(file: Blob, opts?: { signal?: AbortSignal }): Promise<ImageChange>;
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
  /** Idle time before a worker is terminated, ms; defaults in `IDLE_MS`. */
  idleMs?: { preprocess?: number; embed?: number };
}

/**
 * Idle time before a worker is terminated. Squoosh uses 10 s for its codec workers; the model worker is kept
 * longer because starting it again costs a model load (fetch, sha256, compiling onnxruntime's 28 MB WASM and
 * creating the session: 1–3 s in headless Chromium here), far more than restarting OpenCV and the codecs.
 */
export const IDLE_MS = { preprocess: 10_000, embed: 30_000 } as const;

/** Id of the model that ships with the app (built into `public/models/` by `npm run build:model`). */
export const DEFAULT_MODEL_ID = 'mobilenet_v2-nsfwjs';

/** Creates a client; workers start on the first call. */
export function createAnalysisClient(options: AnalysisClientOptions = {}): AnalysisClient {
  const appBase = new URL(import.meta.env.BASE_URL, self.location.href);
  const config: EmbedConfig = {
    modelUrl: new URL(options.modelUrl ?? `models/${DEFAULT_MODEL_ID}/`, appBase).href,
    backend: options.backend ?? 'auto',
    ...(options.numThreads === undefined ? {} : { numThreads: options.numThreads }),
  };
  const preprocess = new WorkerSlot<PreprocessApi>({
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

  // The page reads the manifest (a small JSON) to start preprocessing while the model worker is still loading;
  // the model worker validates the same manifest and checks the model's sha256 before any embedding.
  let manifest: Promise<ModelManifest> | undefined;
  const modelInput = (): Promise<ModelManifest> => {
    manifest ??= fetch(new URL('manifest.json', config.modelUrl)).then(async (response) => {
      if (!response.ok) throw new Error(`the model's manifest: HTTP ${response.status}`);
      return (await response.json()) as ModelManifest;
    });
    return manifest.catch((error: unknown) => {
      manifest = undefined;
      throw fromWorkerError(error);
    });
  };

  return {
    checkQuality: (file, opts = {}) =>
      preprocess.run((api) => api.checkQuality(file, opts.reference), opts.signal),

    async analyseImage(file, opts = {}) {
      const { signal, onProgress } = opts;
      let done = 0;
      // Loading and preparing overlap, so stages may start out of order; the fraction never goes back.
      const report = (stage: AnalysisStage) => {
        if (done === 1) return;
        done = Math.max(done, PROGRESS_AT[stage]);
        onProgress?.(stage, done);
      };
      report('queued');
      // The model loads while the photo is prepared; the embedding call below loads it again if the worker was
      // stopped in between (idle, crashed), so this is only a head start and its failure is reported there.
      embed
        .run((api, fresh) => {
          if (fresh) report('loading_model');
          return api.load(config);
        }, signal)
        .catch(() => undefined);
      const { input, normalization } = await modelInput();
      const prepared = await preprocess.run((api) => {
        report('preparing');
        return api.prepare(file, { input, normalization });
      }, signal);
      const { id, embedding, embed_ms } = await embed.run(async (api, fresh) => {
        if (fresh) report('loading_model');
        const { id } = await api.load(config);
        report('embedding');
        return { id, ...(await api.embed(transfer(prepared.tensor, [prepared.tensor.buffer]))) };
      }, signal);
      report('done');
      return {
        quality: prepared.quality,
        embedding,
        modelId: id,
        width: prepared.width,
        height: prepared.height,
        thumbnail: prepared.thumbnail,
        change: prepared.change,
        timings: { ...prepared.timings, embed_ms },
      };
    },

    async prepareChange(file, opts = {}) {
      const { input, normalization } = await modelInput();
      const prepared = await preprocess.run(
        (api) => api.prepare(file, { input, normalization }),
        opts.signal,
      );
      return prepared.change;
    },

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

    async modelInfo() {
      const { id, dims, source, licence, backend, threads } = await embed.run((api) => api.load(config));
      return { id, dims, source, licence, backend, threads };
    },

    dispose() {
      preprocess.terminate();
      embed.terminate();
    },
  };
}

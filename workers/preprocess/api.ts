import { transfer } from 'comlink';
import { registeredPair } from '../../src/core/change/index.ts';
import type { ChangeRaster, RegisteredPair, Registration } from '../../src/core/change/index.ts';
import { syntheticNoiseSamples } from '../../src/core/change/noise-floor.ts';
import { registerToReference } from '../../src/core/change/registration.ts';
import type { RegisteredWarp } from '../../src/core/change/registration.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { prepareImage } from '../../src/core/pipeline/prepare-image.ts';
import type { PrepareOptions, PrepareTimings } from '../../src/core/pipeline/prepare-image.ts';
import type { ImageQuality } from '../../src/core/quality/index.ts';
import { pairChangeMap, scoreHistory, scoreSession } from '../../src/core/scoring/index.ts';
import type {
  AnalysisOptions,
  DatedSession,
  HistorySession,
  ImageChange,
  PairChangeMap,
  ScoringSession,
  SessionAnalysis,
} from '../../src/core/scoring/index.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { withWireErrors } from '../wire-error.ts';
import { analysisBuffers, distinctBuffers, rasterBuffers } from '../transfer-lists.ts';

/** JPEG quality of the thumbnail: it is shown small, next to the photo it was made from. */
const THUMBNAIL_JPEG_QUALITY = 0.9;

/** A capture slot's check, as it shows right after a photo is taken: size, quality, and whether it lines up. */
export interface CaptureCheck {
  readonly width: number;
  readonly height: number;
  readonly quality: ImageQuality;
  /** The registration to the reference it was checked against (as the change engine registers); null without one. */
  readonly alignment: Registration | null;
}

/** One photo prepared for the embedding model, with its capture check. */
export interface PreparedPhoto extends CaptureCheck {
  /** The model's input for a batch of one, in the manifest's layout and normalisation (transferred, not copied). */
  readonly tensor: Float32Array;
  /** What the model saw before its normalisation (`manifest.input` size), as a JPEG. */
  readonly thumbnail: Blob;
  /** The change engine's raster (256-px long side, RGB; transferred) and synthetic noise samples of the photo. */
  readonly change: ImageChange;
  /** The upright decode (RGBA, transferred) with `options.keepDecoded`, for the faces worker; else null. */
  readonly decoded: RgbaImage | null;
  readonly timings: PrepareTimings;
}

/**
 * The preprocess worker's API (comlink). Every method throws a `WireError` (`code` from `ImageInputError`, or
 * `analysis_failed`) rather than an `Error`, so the code survives the trip to the page. The scoring methods run the
 * core's change engine, which needs OpenCV.js: this worker has it, and they keep the page's thread free.
 */
export interface PreprocessApi {
  /**
   * Starts OpenCV.js and the codecs, so the first photo does not wait for them (the worker calls it as it starts).
   * A failed start is retried by the next call that needs it.
   */
  warm(): Promise<void>;
  /**
   * Decodes `file` (EXIF orientation applied, reduced for `model`), measures its quality, prepares the model input
   * for `model` and the change raster (with its noise samples unless `options.noiseSamples` is false), with
   * per-stage timings; with `reference` (the angle's latest change raster), also registers the photo's change
   * raster to it (`alignment`), so a capture slot can say at once when the photo will not line up.
   */
  prepare(
    file: Blob,
    model: Pick<ModelManifest, 'input' | 'normalization'>,
    options?: PrepareOptions,
    reference?: ChangeRaster,
  ): Promise<PreparedPhoto>;
  /** The core's `syntheticNoiseSamples` of a change raster (what `prepare` left for later), ΔE*. */
  noiseSamples(raster: ChangeRaster): Promise<number[]>;
  /**
   * The core's `scoreSession`: one new session against the stored history (oldest first). Typed arrays in the
   * result are transferred.
   */
  scoreSession(
    session: ScoringSession,
    history: readonly HistorySession[],
    options: AnalysisOptions,
  ): Promise<SessionAnalysis>;
  /**
   * The core's `scoreHistory`: every session against the ones photographed before it (sorted by `taken_at`).
   * `onSession` (a comlink proxy) is told after each session.
   * @returns the analyses in the sorted order (the sessions themselves are not sent back).
   */
  scoreHistory(
    sessions: readonly DatedSession[],
    options: AnalysisOptions,
    onSession?: (done: number, total: number) => void,
  ): Promise<SessionAnalysis[]>;
  /** The core's `registeredPair`: `photo` registered onto `reference`'s frame, both as RGBA (transferred). */
  registeredPair(reference: ChangeRaster, photo: ChangeRaster): Promise<RegisteredPair>;
  /**
   * The core's `pairChangeMap`: `session`'s change map of `angle` against `reference`'s photo of it (any other
   * session), calibrated as `scoreSession` calibrates it against `history` (the sessions before it, oldest first).
   */
  pairChangeMap(
    reference: ScoringSession,
    session: ScoringSession,
    history: readonly HistorySession[],
    options: AnalysisOptions,
    angle: string,
  ): Promise<PairChangeMap>;
}

/** What the preprocess API runs on: the shared OpenCV.js build and a platform decoder of the shared codecs. */
export interface PreprocessDeps {
  readonly cv: () => Promise<OpenCv>;
  /** Bytes → orientation-corrected RGBA; throws `ImageInputError` for input it refuses. */
  readonly decode: () => Promise<ImageDecoder>;
}

/**
 * Implements `PreprocessApi` on the shared pipeline (`prepareImage`: decode → quality → preprocess → change raster)
 * and the shared scoring (`scoreSession`, `scoreHistory`), the same code the CLI runs, so the figures on the device
 * equal the CLI's.
 */
export function createPreprocessApi(deps: PreprocessDeps): PreprocessApi {
  // Scoring needs only OpenCV, so each runtime starts on its own; a failed start (say, a codec's WASM could not be
  // fetched) is retried by the next call.
  const cv = retried(deps.cv);
  const decoder = retried(deps.decode);
  const runtime = async () => {
    const [readyCv, decode] = await Promise.all([cv(), decoder()]);
    return { cv: readyCv, decode };
  };
  return {
    warm: () => withWireErrors(async () => void (await runtime())),
    prepare: (file, model, options, reference) =>
      withWireErrors(async () => {
        const [bytes, rt] = await Promise.all([readBytes(file), runtime()]);
        const prepared = await prepareImage(bytes, { ...rt, manifest: model }, options);
        const input = prepared.model_input;
        const photo: PreparedPhoto = {
          width: prepared.width,
          height: prepared.height,
          quality: prepared.quality,
          tensor: input.tensor,
          thumbnail: await jpegThumbnail(input.rgba, input.width, input.height),
          change: prepared.change,
          decoded: prepared.decoded,
          alignment:
            reference === undefined
              ? null
              : registrationOnly(registerToReference(rt.cv, reference, prepared.change.raster)),
          timings: prepared.timings,
        };
        const decoded = prepared.decoded === null ? [] : distinctBuffers([prepared.decoded.data]);
        return transfer(photo, [input.tensor.buffer, ...rasterBuffers([prepared.change.raster]), ...decoded]);
      }),
    scoreSession: (session, history, options) =>
      withWireErrors(async () => {
        const analysis = scoreSession(await cv(), session, history, options);
        return transfer(analysis, analysisBuffers([analysis]));
      }),
    scoreHistory: (sessions, options, onSession) =>
      withWireErrors(async () => {
        const { analyses } = scoreHistory(await cv(), sessions, options, onSession);
        return transfer([...analyses], analysisBuffers(analyses));
      }),
    noiseSamples: (raster) =>
      withWireErrors(async () => {
        const readyCv = await cv();
        return syntheticNoiseSamples(readyCv, raster, raster);
      }),
    registeredPair: (reference, photo) =>
      withWireErrors(async () => {
        const pair = registeredPair(await cv(), reference, photo);
        const summary = { ...pair, registration: registrationOnly(pair.registration) };
        return transfer(summary, [pair.reference.buffer, pair.photo.buffer]);
      }),
    pairChangeMap: (reference, session, history, options, angle) =>
      withWireErrors(async () => pairChangeMap(await cv(), reference, session, history, options, angle)),
  };
}

/** The fields of `Registration` alone: a warp's homography (of no use to the page) and ECC's internals left out. */
function registrationOnly(warp: Registration | RegisteredWarp): Registration {
  const { method, ecc_correlation, inliers, overlap, failure } = warp;
  return { method, ecc_correlation, inliers, overlap, failure };
}

/** Runs `start` once and shares its promise; a failure is forgotten, so the next call starts again. */
function retried<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => {
    const current = (started ??= start());
    current.catch(() => {
      if (started === current) started = undefined;
    });
    return current;
  };
}

async function readBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * Encodes RGBA pixels as a JPEG with the browser's encoder: the thumbnail is only looked at, never measured, so
 * it does not need the shared codecs that keep the figures equal to the CLI's.
 */
async function jpegThumbnail(rgba: Uint8ClampedArray, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('OffscreenCanvas 2D is unavailable in this worker');
  context.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: THUMBNAIL_JPEG_QUALITY });
}

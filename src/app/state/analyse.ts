import { v7 as uuidv7 } from 'uuid';
import { ANALYSIS_VERSION } from '../../core/config.ts';
import { sessionCaptureTime } from '../../core/image/capture-time.ts';
import type { ScoredImage, SessionAnalysis } from '../../core/scoring/index.ts';
import type { AnalysisStage, ImageAnalysis } from '../analysis/client.ts';
import { abortedError } from '../analysis/errors.ts';
import type { ImageStageTimings } from '../db/schema.ts';
import {
  hasLaterSession,
  loadScoringHistory,
  logFailedAnalysis,
  saveAnalysedSession,
} from '../db/sessions.ts';
import type { NewImage } from '../db/sessions.ts';
import { requestPersistentStorage } from '../db/storage.ts';
import type { DraftPhoto } from './draft.ts';
import { fillNoiseSamples } from './noise-samples.ts';
import { SCORING_OPTIONS, rescoreHistory } from './rescore.ts';
import { analysisClient, modelInfo } from './services.ts';
import { indexPhotos } from './similar.ts';
import { syncEngine } from './sync.ts';

/** How far the analysis of a session has got. */
export interface AnalyseProgress {
  /** Photos finished. */
  done: number;
  total: number;
  stage: AnalysisStage | 'scoring' | 'saving';
  /** Of the whole session, 0–1. */
  fraction: number;
}

/** An analysis that stopped, naming the photo it stopped at when there is one. */
export class SessionAnalysisError extends Error {
  override readonly name = 'SessionAnalysisError';
  constructor(
    message: string,
    readonly code: string,
    readonly fileName?: string,
  ) {
    super(message);
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown';
}

function messageOf(err: unknown): string {
  return err instanceof Error && err.message ? err.message : String(err);
}

/** Photos in the order the CLI reads a session folder: angle name, then the order they were added. */
function positioned(photos: readonly DraftPhoto[]): { photo: DraftPhoto; position: number }[] {
  const seen = new Map<string, number>();
  return photos.map((photo) => {
    const position = seen.get(photo.angle) ?? 0;
    seen.set(photo.angle, position + 1);
    return { photo, position };
  });
}

/**
 * The draft's own analysis of `photo` (started when it was added), or, when that one failed or was stopped, a new
 * one. Stops waiting with `aborted` when `signal` fires; the draft's analysis goes on, as the photo stays in it.
 */
async function photoAnalysis(
  photo: DraftPhoto,
  signal: AbortSignal,
  onProgress: (stage: AnalysisStage, fraction: number) => void,
): Promise<ImageAnalysis> {
  const stopped = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(abortedError());
    signal.addEventListener('abort', () => reject(abortedError()), { once: true });
  });
  stopped.catch(() => undefined);
  try {
    const result = await Promise.race([photo.analysis, stopped]);
    onProgress('done', 1);
    return result;
  } catch (err) {
    if (signal.aborted) throw err;
    return analysisClient().analyseImage(photo.file, { signal, onProgress });
  }
}

/**
 * Finishes the analyses of the draft's photos (begun in the workers as each was added, `addPhotos`), scores the
 * session against the stored sessions of the same model dated before it (the session's date is its photos' capture
 * time, `sessionCaptureTime`) with the shared scoring core (in the preprocess worker, which runs the change engine),
 * and stores everything in one transaction; when stored sessions are dated after it (old photos imported late), the
 * whole history is scored again in date order (`rescoreHistory`), so each session is still compared with the ones
 * before it. Then wakes the sync engine.
 * @returns the new session's id.
 * @throws SessionAnalysisError when a photo cannot be analysed or the analysis is cancelled (nothing is stored);
 *   StorageFullError when the device is out of space (nothing is stored; or, when it runs out while the history
 *   is scored again, the session is stored and the other sessions keep their earlier analyses until re-analysis).
 */
export async function analyseSession(
  photos: readonly DraftPhoto[],
  options: { signal?: AbortSignal; onProgress?: (p: AnalyseProgress) => void },
): Promise<string> {
  const started = performance.now();
  const total = photos.length;
  const report = (done: number, stage: AnalyseProgress['stage'], fraction: number) =>
    options.onProgress?.({ done, total, stage, fraction: Math.min(1, (done + fraction) / (total + 0.2)) });
  const createdAt = new Date().toISOString();
  // Loaded alongside the photos, not before them: the model worker is shared, so this costs the photos nothing.
  const loadingInfo = modelInfo();
  loadingInfo.catch(() => undefined);
  // Each photo's analysis began when it was added to the draft; one that failed is started again here, all at once,
  // so the client prepares them in parallel on its pool of preprocess workers while the model embeds them one by
  // one (issue 8). The first failure stops the others.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const fractions = photos.map(() => 0);
  let finished = 0;
  const progress = (i: number, stage: AnalysisStage, fraction: number) => {
    fractions[i] = fraction;
    if (stage === 'done') finished++;
    const sum = fractions.reduce((a, b) => a + b, 0);
    options.onProgress?.({ done: finished, total, stage, fraction: Math.min(1, sum / (total + 0.2)) });
  };
  const failures: { photo: DraftPhoto; err: unknown }[] = [];
  const settled = await Promise.all(
    positioned(photos).map(async ({ photo, position }, i) => {
      try {
        const result = await photoAnalysis(photo, signal, (stage, fraction) => progress(i, stage, fraction));
        return { photo, position, result };
      } catch (err) {
        // Only the first failure is the reason; the others were stopped because of it.
        if (!stop.signal.aborted) failures.push({ photo, err });
        stop.abort();
        return null;
      }
    }),
  );
  const info = await loadingInfo;
  const logBase = {
    created_at: createdAt,
    model_id: info.id,
    analysis_version: ANALYSIS_VERSION,
    backend: info.backend,
    threads: info.threads,
  };
  const analysed = settled.filter((a) => a !== null);
  const timings: ImageStageTimings[] = analysed.map(({ photo, result }) => ({
    file_name: photo.file.name,
    angle: photo.angle,
    ...result.timings,
  }));
  const failed = failures[0];
  if (failed !== undefined) {
    const error = {
      stage: 'image',
      code: codeOf(failed.err),
      message: messageOf(failed.err),
      file_name: failed.photo.file.name,
    };
    await logFailedAnalysis({
      ...logBase,
      images: timings,
      scoring_ms: 0,
      total_ms: performance.now() - started,
      confidence: null,
      errors: [error],
    }).catch(() => undefined);
    throw new SessionAnalysisError(error.message, error.code, failed.photo.file.name);
  }

  report(total, 'scoring', 0);
  const scoringStarted = performance.now();
  // Time-ordered (RFC 9562 UUIDv7): two sessions of the same date sort in the order they were made (`byTakenAt`
  // breaks date ties by id), so a new session goes after an equal-dated one instead of before it by chance.
  const sessionId = uuidv7();
  const madeAt = new Date();
  const takenAt = sessionCaptureTime(
    photos.map((p) => (p.taken_at === null ? null : new Date(p.taken_at))),
    madeAt,
  ).toISOString();
  const place = { taken_at: takenAt, session_id: sessionId };
  const images: ScoredImage[] = [...analysed]
    .sort((a, b) =>
      a.photo.angle === b.photo.angle ? a.position - b.position : a.photo.angle < b.photo.angle ? -1 : 1,
    )
    .map(({ photo, position, result }) => ({
      image_id: `${photo.angle}__${position}`,
      angle: photo.angle,
      embedding: result.embedding,
      quality: result.quality,
      change: result.change,
    }));
  let analysis: SessionAnalysis;
  try {
    const history = await loadScoringHistory(info.id, place);
    analysis = await analysisClient().scoreSession(
      { session_id: sessionId, model_id: info.id, images },
      history,
      SCORING_OPTIONS,
      { signal: options.signal },
    );
  } catch (err) {
    const error = { stage: 'scoring', code: codeOf(err), message: messageOf(err) };
    await logFailedAnalysis({
      ...logBase,
      images: timings,
      scoring_ms: performance.now() - scoringStarted,
      total_ms: performance.now() - started,
      confidence: null,
      errors: [error],
    }).catch(() => undefined);
    throw new SessionAnalysisError(error.message, error.code);
  }
  const scoringMs = performance.now() - scoringStarted;

  report(total, 'saving', 0.1);
  const newImages: NewImage[] = analysed.map(({ photo, position, result }) => ({
    angle: photo.angle,
    position,
    file_name: photo.file.name,
    blob: photo.file,
    thumbnail: result.thumbnail,
    width: result.width,
    height: result.height,
    sha256: photo.sha256,
    quality: result.quality,
    faces: result.change.faces ?? null,
    embedding: result.embedding,
    change: result.change,
  }));
  const ids = await saveAnalysedSession({
    session: {
      id: sessionId,
      created_at: madeAt.toISOString(),
      taken_at: takenAt,
      angles: [...new Set(photos.map((p) => p.angle))],
      image_count: photos.length,
    },
    images: newImages,
    analysis,
    log: {
      ...logBase,
      images: timings,
      scoring_ms: scoringMs,
      total_ms: performance.now() - started,
      confidence: analysis.analysis_confidence_score,
      errors: [],
    },
  });
  await indexPhotos(
    info.id,
    ids.map((id, i) => ({ id, vector: newImages[i]?.embedding as Float32Array })),
  );
  if (await hasLaterSession(place)) {
    report(total, 'scoring', 0.15);
    // Not cancellable: the session is stored, and a cancel now would leave the draft to be analysed twice.
    await rescoreHistory();
  }
  // Asked after the first save: the browser decides, and it may agree more readily once data exists.
  void requestPersistentStorage();
  // The photos' noise samples, left out of the analysis above to have the results sooner (issue 8).
  void fillNoiseSamples().catch(() => undefined);
  // With consent, the sync engine's next pass queues the new session and sends it.
  syncEngine().kick();
  return sessionId;
}

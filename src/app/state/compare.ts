import type { RegisteredPair } from '../../core/change/index.ts';
import { compareSessions } from '../../core/scoring/index.ts';
import type { ChangeMap, SessionComparison } from '../../core/scoring/index.ts';
import { DEFAULT_MODEL_ID } from '../analysis/client.ts';
import { sessionAngleRaster } from '../db/changes.ts';
import { sessionImages, storedPairMap } from '../db/compare.ts';
import type { ImageRow, SessionRow } from '../db/schema.ts';
import { listSessions, loadScoringSession } from '../db/sessions.ts';
import { registeredPairFor } from './results.ts';
import { analysisClient } from './services.ts';

/** Two sessions compared by the model in use, with their photos. */
export interface Compared {
  comparison: SessionComparison;
  imagesA: ImageRow[];
  imagesB: ImageRow[];
}

/**
 * Compares two stored sessions with the core's `compareSessions` (model in use).
 * @returns the comparison, or a sentence saying why there is none (a session without analysed photos, or no angle
 * in common).
 */
export async function compareStoredSessions(a: string, b: string): Promise<Compared | string> {
  const [sa, sb] = await Promise.all([
    loadScoringSession(a, DEFAULT_MODEL_ID),
    loadScoringSession(b, DEFAULT_MODEL_ID),
  ]);
  if (!sa || !sb || sa.images.length === 0 || sb.images.length === 0)
    return 'One of these sessions has no analysed photo.';
  let comparison: SessionComparison;
  try {
    comparison = compareSessions(sa, sb);
  } catch {
    return 'These two sessions have no angle in common, so there is nothing like-for-like to compare.';
  }
  const [imagesA, imagesB] = await Promise.all([sessionImages(a), sessionImages(b)]);
  return { comparison, imagesA, imagesB };
}

/** The analysed sessions, oldest first (the Compare screen's pickers and the timelapse read in this order). */
export async function analysedSessions(): Promise<SessionRow[]> {
  const sessions = await listSessions(DEFAULT_MODEL_ID);
  return sessions
    .filter((s) => s.analysis)
    .map((s) => s.session)
    .reverse();
}

/** What the viewer shows for one angle of two sessions. */
export interface ViewerPair {
  pair: RegisteredPair;
  /**
   * The later session's stored change map, when it was measured against the earlier session; null otherwise (the
   * stored map of an angle is measured against its most recent earlier photo only; `useViewerMap` measures one).
   */
  map: ChangeMap | null;
}

/**
 * Session `b`'s photo of `angle` registered onto session `a`'s (in the worker, as the change engine registers), and
 * the change map when `b`'s was measured against `a`.
 * @returns undefined when either session has no change raster for the angle.
 * @throws AnalysisError when the worker fails.
 */
export async function viewerPair(a: string, b: string, angle: string): Promise<ViewerPair | undefined> {
  const [pair, map] = await Promise.all([
    registeredPairFor(b, angle, a),
    storedPairMap(a, b, angle, DEFAULT_MODEL_ID),
  ]);
  return pair && { pair, map };
}

/** One frame of an angle's timelapse: one session's photo on the first session's frame. */
export interface TimelapseFrame {
  session: SessionRow;
  /** RGBA, `width × height × 4` of the first frame; alpha 0 where the photo does not reach. */
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  /** Whether the photo was registered onto the first frame (else only scaled to it). */
  linedUp: boolean;
}

/**
 * Every analysed session's photo of `angle`, oldest first, each registered onto the first such session's photo (one
 * frame, one scale), for a timelapse. Sessions without a change raster of the angle are left out.
 * @throws AnalysisError when the worker fails.
 */
export async function angleTimelapse(angle: string): Promise<TimelapseFrame[]> {
  const sessions = (await analysedSessions()).filter((s) => s.angles.includes(angle));
  let first: SessionRow | undefined;
  const frames: TimelapseFrame[] = [];
  for (const session of sessions) {
    // Each registration transfers its rasters to the worker, so each reads its own copies.
    const photo = await sessionAngleRaster(session.id, angle);
    if (!photo) continue;
    first ??= session;
    const reference = await sessionAngleRaster(first.id, angle);
    if (!reference) continue;
    const pair = await analysisClient().registeredPair(reference, photo);
    const isFirst = session.id === first.id;
    frames.push({
      session,
      rgba: isFirst ? pair.reference : pair.photo,
      width: pair.width,
      height: pair.height,
      linedUp: isFirst || pair.registration.method !== 'failed',
    });
  }
  return frames;
}

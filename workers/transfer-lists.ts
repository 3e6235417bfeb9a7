/*
 * Transfer lists for the typed arrays that cross between the page and the preprocess worker (used on both sides;
 * type imports only, so the page's bundle gains nothing).
 */
import type { ChangeRaster } from '../src/core/change/index.ts';
import type { ScoringSession, SessionAnalysis } from '../src/core/scoring/index.ts';

/**
 * The distinct buffers behind `views`, for a `postMessage` transfer list: a buffer listed twice makes the
 * transfer fail (DataCloneError), and two views may share one buffer.
 */
export function distinctBuffers(views: readonly ArrayBufferView[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) if (view.buffer instanceof ArrayBuffer) buffers.add(view.buffer);
  return [...buffers];
}

/** The typed arrays of scoring sessions: embeddings and change rasters (≈ 130 KB each), worth transferring. */
export function sessionBuffers(sessions: readonly ScoringSession[]): ArrayBuffer[] {
  return distinctBuffers(
    sessions.flatMap((s) =>
      s.images.flatMap((i): ArrayBufferView[] => [
        ...(ArrayBuffer.isView(i.embedding) ? [i.embedding] : []),
        ...(i.change ? [i.change.raster.rgb] : []),
      ]),
    ),
  );
}

/** The typed arrays of analyses (angle and session embeddings), made fresh by the core, so safe to transfer. */
export function analysisBuffers(analyses: readonly SessionAnalysis[]): ArrayBuffer[] {
  return distinctBuffers(analyses.flatMap((a) => [a.session_embedding, ...a.angles.map((x) => x.embedding)]));
}

/** The pixels of change rasters. */
export function rasterBuffers(rasters: readonly ChangeRaster[]): ArrayBuffer[] {
  return distinctBuffers(rasters.map((r) => r.rgb));
}

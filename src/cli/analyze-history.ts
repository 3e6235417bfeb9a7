import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { ANALYSIS_VERSION, DEFAULT_ANGLES } from '../core/config.ts';
import { ImageInputError } from '../core/image/errors.ts';
import type { PrepareOptions } from '../core/pipeline/prepare-image.ts';
import { facesForChange } from '../core/faces/change-faces.ts';
import { nodeFaceDetector } from '../core/faces/detector.node.ts';
import { compareSessions, scoreHistory } from '../core/scoring/index.ts';
import type { DatedSession, ScoredImage, ScoringSession, SessionAnalysis } from '../core/scoring/index.ts';
import { toScoredImage } from './engine.ts';
import type { EmbeddedImage, NodeEngine } from './engine.ts';
import type { SessionDir, SessionFile } from './history-dir.ts';
import type { AngleReport, AnalyzeReport, CompareReport, ImageReport, SessionReport } from './report.ts';

interface FileResult {
  readonly file: SessionFile;
  readonly image: EmbeddedImage | null;
  readonly report: ImageReport;
}

/**
 * The photo with the faces the change engine leaves out (`facesForChange`, Node's detector on the analysis's own
 * decode, as the app's faces worker searches it); its decode is dropped, so a long history keeps no pixels.
 */
async function withFaces(image: EmbeddedImage): Promise<EmbeddedImage> {
  if (image.decoded === null) return image;
  const faces = await facesForChange(await nodeFaceDetector(), image.decoded);
  return { ...image, decoded: null, change: { ...image.change, faces } };
}

/**
 * Reads and analyses one file; a refused or unreadable file becomes an error entry, never a thrown error.
 * @param options `keepDecoded`: also find the photo's faces for the change engine (`withFaces`).
 */
async function analyseFile(
  engine: NodeEngine,
  file: SessionFile,
  options: PrepareOptions,
): Promise<FileResult> {
  try {
    const image = await withFaces(
      await engine.analyseImage(new Uint8Array(await readFile(file.path)), options),
    );
    const q = image.quality;
    return {
      file,
      image,
      report: {
        file: file.file,
        blur_score: q.blur_score,
        brightness: q.brightness,
        contrast: q.contrast,
        clipped_fraction: q.clipped_fraction,
        image_quality_score: q.image_quality_score,
        flags: q.flags,
        hints: q.hints,
        error: null,
      },
    };
  } catch (err) {
    const error =
      err instanceof ImageInputError
        ? { code: err.code, message: `${file.file}: ${err.message}` }
        : { code: 'unreadable', message: `${file.file}: ${(err as Error).message}` };
    return {
      file,
      image: null,
      report: {
        file: file.file,
        blur_score: null,
        brightness: null,
        contrast: null,
        clipped_fraction: null,
        image_quality_score: null,
        flags: [],
        hints: [],
        error,
      },
    };
  }
}

/**
 * Analyses a folder's files, as many at once as the engine has prepare workers plus one (so a worker never waits
 * for the next file to be read), or one at a time without workers; results in the folder's order. The bound keeps
 * memory to a few photos however large the folder.
 */
async function analyseDir(
  engine: NodeEngine,
  dir: SessionDir,
  options: PrepareOptions = {},
): Promise<FileResult[]> {
  const limit = pLimit(engine.workers + 1);
  return Promise.all(dir.files.map((file) => limit(() => analyseFile(engine, file, options))));
}

/** Turns a session folder's analysed files into what scoring takes (files that failed are left out). */
function scoringSession(sessionId: string, modelId: string, results: readonly FileResult[]): ScoringSession {
  const images: ScoredImage[] = results.flatMap((r) =>
    r.image ? [toScoredImage(r.file.file, r.file.angle, r.image)] : [],
  );
  return { session_id: sessionId, model_id: modelId, images };
}

function sessionReport(
  dir: SessionDir,
  results: readonly FileResult[],
  analysis: SessionAnalysis | null,
): SessionReport {
  const angleNames = [...new Set(dir.files.map((f) => f.angle))];
  const angles: AngleReport[] = angleNames.map((angle) => {
    const scored = analysis?.angles.find((a) => a.angle === angle);
    return {
      angle,
      change_score: scored?.change_score ?? null,
      variation_level: scored?.variation_level ?? null,
      change_method: scored?.change_method ?? null,
      change_map: scored?.change_map ?? null,
      changed_area_fraction: scored?.changed_area_fraction ?? null,
      registration: scored?.registration ?? null,
      noise_floor: scored?.noise_floor ?? null,
      angle_quality_score: scored?.angle_quality_score ?? null,
      baseline_sessions: scored?.baseline_sessions ?? 0,
      images: results.filter((r) => r.file.angle === angle).map((r) => r.report),
    };
  });
  return {
    session_id: dir.session_id,
    overall_score: analysis?.overall_score ?? null,
    angle_aware_score: analysis?.angle_aware_score ?? null,
    analysis_confidence_score: analysis?.analysis_confidence_score ?? null,
    variation_level: analysis?.variation_level ?? null,
    session_quality_score: analysis?.session_quality_score ?? null,
    baseline_used: analysis?.baseline_used ?? null,
    comparison_layers_used: analysis?.comparison_layers_used ?? [],
    image_quality_summary: analysis?.image_quality_summary ?? null,
    angles,
    error: analysis
      ? null
      : dir.files.length === 0
        ? `${dir.session_id}: no image files (expected <angle>.jpg, .png or .webp)`
        : `${dir.session_id}: none of the ${dir.files.length} files could be analysed`,
  };
}

/**
 * Analyses every session of a history, each against the baseline of the earlier ones (SPEC "Scores"), through the
 * core's `scoreHistory`; sessions are taken in folder-name order (`taken_at` = the folder name).
 * @param onSession called after each session's photos are analysed, e.g. for progress.
 */
export async function analyzeHistory(
  engine: NodeEngine,
  sessions: readonly SessionDir[],
  options: { baselineWindow: number | null; onSession?: (done: number, total: number) => void },
): Promise<AnalyzeReport> {
  const results: FileResult[][] = [];
  for (const [i, dir] of sessions.entries()) {
    // The last session is no one's reference: its photos' noise samples would never be read.
    results.push(await analyseDir(engine, dir, { noiseSamples: i < sessions.length - 1, keepDecoded: true }));
    options.onSession?.(results.length, sessions.length);
  }
  const scorable: DatedSession[] = sessions.flatMap((dir, i) => {
    const session = scoringSession(dir.session_id, engine.manifest.id, results[i] ?? []);
    return session.images.length > 0 ? [{ ...session, taken_at: dir.session_id }] : [];
  });
  const scored = scoreHistory(engine.cv, scorable, {
    expectedAngles: DEFAULT_ANGLES,
    baselineWindow: options.baselineWindow,
  });
  const byId = new Map(scored.analyses.map((a) => [a.session_id, a]));
  return {
    analysis_version: ANALYSIS_VERSION,
    model: { id: engine.manifest.id, dims: engine.manifest.output.dims },
    sessions: sessions.map((dir, i) =>
      sessionReport(dir, results[i] ?? [], byId.get(dir.session_id) ?? null),
    ),
  };
}

/**
 * Compares two session folders (SPEC "Comparing any two sessions").
 * @throws Error when either folder has no analysable image or they share no angle.
 */
export async function compareSessionDirs(
  engine: NodeEngine,
  a: SessionDir,
  b: SessionDir,
): Promise<CompareReport> {
  // `compareSessions` compares embeddings: the change engine's noise samples and faces would not be read.
  const ra = await analyseDir(engine, a, { noiseSamples: false });
  const rb = await analyseDir(engine, b, { noiseSamples: false });
  const sa = scoringSession(a.session_id, engine.manifest.id, ra);
  const sb = scoringSession(b.session_id, engine.manifest.id, rb);
  for (const [dir, s] of [
    [a, sa],
    [b, sb],
  ] as const) {
    if (s.images.length === 0) throw new Error(`${dir.session_id}: no file could be analysed`);
  }
  return { ...compareSessions(sa, sb), images: [...ra, ...rb].map((r) => r.report) };
}

/** True when at least one image of the report was analysed (the CLI's exit status). */
export function anythingAnalysed(report: AnalyzeReport): boolean {
  return report.sessions.some((s) => s.error === null);
}

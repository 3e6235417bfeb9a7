import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toScoredImage } from '../../src/cli/engine.ts';
import type { NodeEngine } from '../../src/cli/engine.ts';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import {
  analyzeSession,
  scoreHistory,
  scoreSession,
  toHistorySession,
} from '../../src/core/scoring/index.ts';
import type { HistorySession, ScoredImage, ScoringSession } from '../../src/core/scoring/index.ts';
import { driftHistory, earlierSessions, lastSession } from './histories.ts';
import type { DriftSpec, LastSession, SyntheticPhoto } from './histories.ts';
import { sceneOf } from './synth.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';

const OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null } as const;

/** The last session of one history as both scores saw it. */
export interface Outcome {
  readonly person: number;
  readonly spec: LastSession;
  readonly changedAngles: readonly string[];
  /** `angle_aware_score` with the change engine (`ANALYSIS_VERSION`) and with the embedding alone (`bcd-1.0.0`). */
  readonly session: { readonly new: number; readonly old: number };
  /** Per angle, the change score of each. */
  readonly angles: readonly { readonly angle: string; readonly new: number; readonly old: number }[];
  /** Photo analysis (decode, quality, model input, change raster + noise samples, embedding) of the session, ms. */
  readonly images_ms: number;
  /** Scoring of the session against its history, ms. */
  readonly scoring_ms: number;
}

/** A person of the benchmark: six photos standing for the six angles, and the seed of their noise. */
export interface PersonSpec {
  readonly photos: readonly string[];
  readonly seed: number;
}

/** The person's six scenes, one per angle. */
async function personScenes(
  engine: NodeEngine,
  decode: (bytes: Uint8Array) => Promise<RgbaImage>,
  photosDir: string,
  person: PersonSpec,
): Promise<Map<string, RgbaImage>> {
  const scenes = new Map<string, RgbaImage>();
  for (const [i, file] of person.photos.entries()) {
    const img = await decode(new Uint8Array(await readFile(join(photosDir, file))));
    scenes.set(DEFAULT_ANGLES[i % DEFAULT_ANGLES.length]!, sceneOf(engine.cv, img));
  }
  return scenes;
}

async function session(engine: NodeEngine, id: string, photos: readonly SyntheticPhoto[]) {
  const t0 = performance.now();
  const images: ScoredImage[] = [];
  for (const [i, p] of photos.entries()) {
    images.push(toScoredImage(`${p.angle}__${i}`, p.angle, await engine.analyseImage(p.bytes)));
  }
  const scoring: ScoringSession = { session_id: id, model_id: engine.manifest.id, images };
  return { scoring, ms: performance.now() - t0 };
}

/**
 * Runs the benchmark's histories for one person: the earlier sessions once (scored with `scoreHistory`), then
 * every last-session variant scored against them with the change engine (`scoreSession`) and without it
 * (`analyzeSession` with no local change: the embedding score of `bcd-1.0.0`), side by side.
 * @param photosDir folder of the photos named in `person.photos`.
 */
export async function evaluatePerson(
  engine: NodeEngine,
  decode: (bytes: Uint8Array) => Promise<RgbaImage>,
  photosDir: string,
  person: PersonSpec,
  index: number,
  variants: readonly LastSession[],
  onVariant?: (done: number) => void,
): Promise<Outcome[]> {
  const scenes = await personScenes(engine, decode, photosDir, person);
  const synthetic = await earlierSessions(engine.cv, scenes, person.seed);
  const earlier = [];
  for (const [s, photos] of synthetic.earlier.entries()) {
    earlier.push({ ...(await session(engine, `s${s + 1}`, photos)).scoring, taken_at: `2026-0${s + 1}-01` });
  }
  const scored = scoreHistory(engine.cv, earlier, OPTIONS);
  const history: HistorySession[] = scored.sessions.map((s, i) => toHistorySession(s, scored.analyses[i]!));
  const outcomes: Outcome[] = [];
  for (const [v, spec] of variants.entries()) {
    const last = await lastSession(engine.cv, synthetic, spec, person.seed * 1000 + v);
    const { scoring, ms } = await session(engine, 'last', last.photos);
    const t0 = performance.now();
    const fresh = scoreSession(engine.cv, scoring, history, OPTIONS);
    const scoring_ms = performance.now() - t0;
    const old = analyzeSession(scoring, history, OPTIONS);
    outcomes.push({
      person: index,
      spec,
      changedAngles: last.changedAngles,
      session: { new: fresh.angle_aware_score, old: old.angle_aware_score },
      angles: fresh.angles.map((a) => ({
        angle: a.angle,
        new: a.change_score,
        old: old.angles.find((o) => o.angle === a.angle)?.change_score ?? 0,
      })),
      images_ms: ms,
      scoring_ms,
    });
    onVariant?.(v + 1);
  }
  return outcomes;
}

/** The last session of a slow-drift history as both scores saw it. */
export interface DriftOutcome {
  readonly person: number;
  readonly spec: DriftSpec;
  /** `angle_aware_score` of the last session, with the change engine and with the embedding alone. */
  readonly session: { readonly new: number; readonly old: number };
}

/**
 * Runs one slow-drift history per spec for one person (`driftHistory`): all five sessions scored with
 * `scoreHistory`, and the last one also with the embedding alone against the same history.
 */
export async function evaluateDrift(
  engine: NodeEngine,
  decode: (bytes: Uint8Array) => Promise<RgbaImage>,
  photosDir: string,
  person: PersonSpec,
  index: number,
  specs: readonly DriftSpec[],
): Promise<DriftOutcome[]> {
  const scenes = await personScenes(engine, decode, photosDir, person);
  const outcomes: DriftOutcome[] = [];
  for (const [v, spec] of specs.entries()) {
    const drift = await driftHistory(engine.cv, scenes, spec, person.seed * 1000 + 500 + v);
    const sessions = [];
    for (const [k, photos] of drift.sessions.entries()) {
      sessions.push({
        ...(await session(engine, `s${k + 1}`, photos)).scoring,
        taken_at: `2026-0${k + 1}-01`,
      });
    }
    const scored = scoreHistory(engine.cv, sessions, OPTIONS);
    const last = scored.analyses[scored.analyses.length - 1]!;
    const history = scored.sessions.slice(0, -1).map((s, i) => toHistorySession(s, scored.analyses[i]!));
    const old = analyzeSession(scored.sessions[scored.sessions.length - 1]!, history, OPTIONS);
    outcomes.push({
      person: index,
      spec,
      session: { new: last.angle_aware_score, old: old.angle_aware_score },
    });
  }
  return outcomes;
}

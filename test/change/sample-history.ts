import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeEngine } from '../../src/cli/engine.ts';
import type { NodeEngine } from '../../src/cli/engine.ts';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import { scoreHistory } from '../../src/core/scoring/index.ts';
import type { DatedSession, ScoredImage, SessionAnalysis } from '../../src/core/scoring/index.ts';
import { PHOTOS_DIR, REPO_ROOT } from '../support/paths.ts';

/** The demo history shipped in the repository: 3 sessions × 6 angles (see samples/SOURCES.md). */
export const SAMPLE_HISTORY_DIR = join(REPO_ROOT, 'samples', 'history');
/** The angle of the third session that carries a visible planted change (a filled ellipse over its centre). */
export const CHANGED_ANGLE = 'left_side';

/** One photo through the whole per-image pipeline (decode, quality, model input, change raster, embedding). */
export async function scoredImage(
  engine: NodeEngine,
  file: string,
  angle: string,
  imageId = file,
): Promise<ScoredImage> {
  const a = await engine.analyseImage(new Uint8Array(await readFile(file)));
  return { image_id: imageId, angle, embedding: a.embedding, quality: a.quality, change: a.change };
}

/** A photo of ../shared/data/photos as the image of `angle`. */
export function sharedPhoto(engine: NodeEngine, file: string, angle: string): Promise<ScoredImage> {
  return scoredImage(engine, join(PHOTOS_DIR, file), angle);
}

/**
 * Loads the real engine (OpenCV.js + the default ONNX model in onnxruntime-node) and runs every photo of
 * `samples/history` through it, as `bcd analyze` does: sessions oldest first, `taken_at` = the folder name.
 */
export async function loadSampleHistory(): Promise<{ engine: NodeEngine; sessions: DatedSession[] }> {
  const engine = await createNodeEngine();
  const sessions: DatedSession[] = [];
  for (const id of (await readdir(SAMPLE_HISTORY_DIR)).sort()) {
    const images: ScoredImage[] = [];
    for (const file of (await readdir(join(SAMPLE_HISTORY_DIR, id))).sort()) {
      const angle = file.replace(/\.jpg$/, '');
      images.push(await scoredImage(engine, join(SAMPLE_HISTORY_DIR, id, file), angle, `${id}/${file}`));
    }
    sessions.push({ session_id: id, model_id: engine.manifest.id, taken_at: id, images });
  }
  return { engine, sessions };
}

/** `loadSampleHistory`, scored as `bcd analyze` scores it (`scoreHistory`, every earlier session as baseline). */
export async function scoredSampleHistory(): Promise<{
  engine: NodeEngine;
  sessions: DatedSession[];
  analyses: readonly SessionAnalysis[];
}> {
  const { engine, sessions } = await loadSampleHistory();
  const options = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null };
  return { engine, sessions, analyses: scoreHistory(engine.cv, sessions, options).analyses };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine, toScoredImage } from '../../src/cli/engine.ts';
import type { NodeEngine } from '../../src/cli/engine.ts';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import { scoreHistory } from '../../src/core/scoring/index.ts';
import type { DatedSession } from '../../src/core/scoring/index.ts';
import { encodeJpeg } from '../../scripts/sample-history/jpeg-encoder.node.ts';

/** A plain photo: one colour, or vertical stripes; nothing ECC, ORB or the noise samples can hold on to. */
function plain(width: number, height: number, stripes: boolean) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = stripes ? ((i % width) * 7) % 255 : 200;
    data.set([v, v, 200, 255], i * 4);
  }
  return { width, height, data };
}

describe('photos the change engine can hold nothing of', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await createNodeEngine();
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it('scores a history of a flat photo, a tiny one and a sliver without throwing, every score in [0, 1]', async () => {
    // A flat photo once stopped `bcd analyze` whole: none of its noise pairs registered, and a floor of no sample threw.
    const photos = [plain(300, 200, false), plain(64, 64, true), plain(64, 900, true)];
    const sessions: DatedSession[] = [];
    for (const day of ['2026-01-01', '2026-02-01', '2026-03-01']) {
      const images = [];
      for (const [i, img] of photos.entries()) {
        images.push(
          toScoredImage(String(i), DEFAULT_ANGLES[i]!, await engine.analyseImage(await encodeJpeg(img, 90))),
        );
      }
      sessions.push({ session_id: day, taken_at: day, model_id: engine.manifest.id, images });
    }
    // The flat photo has no synthetic sample that registers: its floor is the prior noise model.
    expect(sessions[0]!.images[0]!.change!.noise_samples!.length).toBeLessThan(4);
    const { analyses } = scoreHistory(engine.cv, sessions, {
      expectedAngles: DEFAULT_ANGLES,
      baselineWindow: null,
    });
    expect(analyses).toHaveLength(3);
    for (const a of analyses) {
      for (const angle of a.angles) {
        expect(angle.change_score).toBeGreaterThanOrEqual(0);
        expect(angle.change_score).toBeLessThanOrEqual(1);
        if (angle.change_method === 'registered_local_change') expect(angle.noise_floor).not.toBeNull();
        if (angle.change_method === 'angle_embedding') {
          expect(angle.registration?.method).toBe('failed');
          expect(angle.registration?.hint).toMatch(/Retake it/);
        }
      }
    }
  });
});

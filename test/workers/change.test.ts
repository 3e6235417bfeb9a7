import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzeReport } from '../../src/cli/report.ts';
import type { HarnessHistory, HarnessScored, HarnessSessionPlan } from './harness.ts';
import { runHarness } from './support/browser.ts';
import type { RunningHarness } from './support/browser.ts';
import { buildHarness } from './support/build-harness.ts';
import { disposeNodeReference, nodeHistoryReport } from './support/node-reference.ts';
import { SAMPLES_DIR } from './support/serve.ts';

/**
 * The change engine on the device: the repository's sample history (three sessions of six angles; the third's
 * left side has a visible change) analysed and scored in the preprocess worker, against `bcd analyze` in Node.
 */
const HISTORY = `${SAMPLES_DIR}history`;
const DATES = readdirSync(HISTORY).sort();
const PLANS: HarnessSessionPlan[] = DATES.map((date) => ({
  session_id: date,
  taken_at: date,
  photos: Object.fromEntries(
    readdirSync(`${HISTORY}/${date}`)
      .filter((f) => f.endsWith('.jpg'))
      .map((f) => [f.replace(/\.jpg$/, ''), `/samples/history/${date}/${f}`]),
  ),
}));
const CHANGED = { session: DATES[2]!, angle: 'left_side' };

/** Embeddings differ from the CLI's in the last bits (issue 3: within 1e-3); the change engine works on rasters
 * that the shared WASM decoders make byte for byte alike, so its figures must be equal, not merely close. */
const EMBEDDING_TOLERANCE = 1e-3;

let harness: RunningHarness;
let cli: AnalyzeReport;
let browser: HarnessHistory;

// Ten minutes: both sides also search every photo for faces (≈ 1 s a photo in Chromium's faces worker), on a shared
// machine.
beforeAll(async () => {
  harness = await runHarness(await buildHarness({ name: 'change' }), { isolated: false });
  cli = await nodeHistoryReport(HISTORY);
  const result = await harness.page.evaluate((plans) => window.harness.scoreHistory(plans), PLANS);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  browser = result;
}, 600_000);

afterAll(async () => {
  await harness?.close();
  await disposeNodeReference();
});

function angleOf(analysis: HarnessScored, angle: string) {
  const found = analysis.angles.find((a) => a.angle === angle);
  if (!found) throw new Error(`${analysis.session_id} has no ${angle}`);
  return found;
}

describe('the change engine in the preprocess worker (Chromium)', () => {
  it('scores the sample history in date order, with progress, the page staying responsive', () => {
    expect(browser.analyses.map((a) => a.session_id)).toEqual(DATES);
    expect(browser.progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    // The sessions' rasters were moved to the worker, not copied.
    expect(browser.transferred).toBe(true);
    expect(browser.longest_frame_gap_ms).toBeLessThan(200);
    expect(harness.errors).toEqual([]);
  });

  it('gives the CLI’s figures: change scores from the local change, change maps, registrations, noise floors', () => {
    expect(cli.sessions.map((s) => s.session_id)).toEqual(DATES);
    for (const [i, cliSession] of cli.sessions.entries()) {
      const shown = browser.analyses[i]!;
      expect(shown.analysis_version).toBe(cli.analysis_version);
      expect(shown.comparison_layers_used).toEqual(cliSession.comparison_layers_used);
      expect(shown.baseline_used).toEqual(cliSession.baseline_used);
      expect(Math.abs(shown.angle_aware_score - (cliSession.angle_aware_score ?? NaN))).toBeLessThan(1e-12);
      expect(Math.abs(shown.overall_score - (cliSession.overall_score ?? NaN))).toBeLessThan(
        EMBEDDING_TOLERANCE,
      );
      for (const cliAngle of cliSession.angles) {
        const angle = angleOf(shown, cliAngle.angle);
        const where = `${shown.session_id} ${cliAngle.angle}`;
        expect(angle.change_method, where).toBe(cliAngle.change_method);
        expect(angle.change_score, where).toBe(cliAngle.change_score);
        expect(angle.change_map, where).toEqual(cliAngle.change_map);
        expect(angle.changed_area_fraction, where).toBe(cliAngle.changed_area_fraction);
        expect(angle.registration, where).toEqual(cliAngle.registration);
        expect(angle.noise_floor, where).toEqual(cliAngle.noise_floor);
        if (i > 0) expect(angle.change_method, where).toBe('registered_local_change');
      }
    }
  });

  it('sees the third session’s visible change on its left side, and only there', () => {
    const last = browser.analyses[2]!;
    for (const angle of last.angles) {
      if (angle.angle === CHANGED.angle) {
        expect(angle.change_score).toBeGreaterThanOrEqual(0.45);
        expect(angle.changed_area_fraction).toBeGreaterThan(0);
        expect(angle.change_map?.cells.some((c) => c > 25 && c !== 255)).toBe(true);
      } else {
        expect(angle.change_score, angle.angle).toBeLessThan(0.1);
      }
    }
  });

  it('scores one new session against a stored-style history exactly as the whole history is scored', async () => {
    const result = await harness.page.evaluate((plans) => window.harness.scoreLast(plans), PLANS);
    if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
    expect(result.analysis).toEqual(browser.analyses[2]);
  });

  it('lines a photo up with its reference for the compare views, as the change engine did', async () => {
    const url = (date: string) => PLANS.find((p) => p.session_id === date)!.photos[CHANGED.angle]!;
    const pair = await harness.page.evaluate(([a, b]) => window.harness.registeredPair(a, b), [
      url(DATES[1]!),
      url(CHANGED.session),
    ] as const);
    if (!pair.ok) throw new Error(`${pair.code}: ${pair.message}`);
    expect(Math.max(pair.width, pair.height)).toBe(256);
    expect(pair.reference_bytes).toBe(pair.width * pair.height * 4);
    expect(pair.photo_opaque_share).toBeGreaterThan(0.5);
    const measured = angleOf(browser.analyses[2]!, CHANGED.angle).registration;
    expect(measured?.reference_session_id).toBe(DATES[1]);
    expect(measured).toMatchObject(pair.registration);
    expect(Object.keys(pair.registration).sort()).toEqual([
      'ecc_correlation',
      'failure',
      'inliers',
      'method',
      'overlap',
    ]);
  });

  it('says at capture time whether a photo will line up with the angle’s latest reference', async () => {
    const reference = PLANS[1]!.photos.front!;
    const same = await harness.page.evaluate(([u, r]) => window.harness.captureCheck(u, r), [
      PLANS[2]!.photos.front!,
      reference,
    ] as const);
    expect(same).toMatchObject({
      ok: true,
      alignment: { method: expect.stringMatching(/^ecc_|^features_/) },
    });
    const other = await harness.page.evaluate(([u, r]) => window.harness.captureCheck(u, r), [
      '/data/photos/opencv-doc__fruits.jpg',
      reference,
    ] as const);
    if (!other.ok) throw new Error(`${other.code}: ${other.message}`);
    expect(other.alignment?.method).toBe('failed');
    expect(other.alignment?.failure?.length).toBeGreaterThan(10);
  });
});

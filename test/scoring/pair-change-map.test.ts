import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CELL_OUTSIDE } from '../../src/core/change/index.ts';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import { pairChangeMap, toHistorySession } from '../../src/core/scoring/index.ts';
import type { HistorySession } from '../../src/core/scoring/index.ts';
import { CHANGED_ANGLE, scoredSampleHistory } from '../change/sample-history.ts';

// The change map of any two sessions (the Compare viewer's), on samples/history: 3 sessions × 6 angles; the
// third's left_side carries a planted change.

const OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null };

let sample: Awaited<ReturnType<typeof scoredSampleHistory>>;

beforeAll(async () => {
  sample = await scoredSampleHistory();
}, 300_000);

afterAll(async () => {
  await sample?.engine.dispose();
});

/** The history session `i` was scored against, as the app rebuilds it from stored sample.analyses. */
function historyBefore(i: number): HistorySession[] {
  return sample.sessions.slice(0, i).map((s, j) => toHistorySession(s, sample.analyses[j]!));
}

const coloured = (cells: readonly number[]) => cells.filter((c) => c > 0 && c !== CELL_OUTSIDE).length;

describe('pairChangeMap', () => {
  it('gives, for every measured pair, the stored change map cell for cell', () => {
    let compared = 0;
    for (let i = 1; i < sample.sessions.length; i++) {
      for (const stored of sample.analyses[i]!.angles) {
        const referenceId = stored.registration?.reference_session_id;
        if (stored.change_map === null || referenceId === undefined) continue;
        const reference = sample.sessions.find((s) => s.session_id === referenceId)!;
        const computed = pairChangeMap(
          sample.engine.cv,
          reference,
          sample.sessions[i]!,
          historyBefore(i),
          OPTIONS,
          stored.angle,
        );
        expect(computed).toEqual({ map: stored.change_map });
        compared++;
      }
    }
    // Sessions 2 and 3, six angles each, all lined up.
    expect(compared).toBe(12);
  });

  it('maps the third session against the first, which it was not measured against, and shows the planted change', () => {
    const third = sample.analyses[2]!.angles.find((a) => a.angle === CHANGED_ANGLE)!;
    expect(third.registration?.reference_session_id).toBe(sample.sessions[1]!.session_id);
    const computed = pairChangeMap(
      sample.engine.cv,
      sample.sessions[0]!,
      sample.sessions[2]!,
      historyBefore(2),
      OPTIONS,
      CHANGED_ANGLE,
    );
    if (computed.map === null) throw new Error(`no map: ${computed.reason}`);
    expect(computed.map.rows * computed.map.cols).toBe(computed.map.cells.length);
    expect(coloured(computed.map.cells)).toBeGreaterThan(0);
    // Measured against another photo: not the stored map, though both show the change.
    expect(computed.map.cells).not.toEqual(third.change_map!.cells);
    const unchanged = pairChangeMap(
      sample.engine.cv,
      sample.sessions[0]!,
      sample.sessions[2]!,
      historyBefore(2),
      OPTIONS,
      'front',
    );
    if (unchanged.map === null) throw new Error(`no map: ${unchanged.reason}`);
    expect(coloured(unchanged.map.cells)).toBeLessThan(coloured(computed.map.cells));
  });

  it('maps a session that has no earlier photo of the angle (against a later one), and says when there is no raster', () => {
    // The first session against the second: no history, so its own synthetic samples calibrate the map
    // (its first noise floor, as `scoreSession` computes it).
    const reversed = pairChangeMap(
      sample.engine.cv,
      sample.sessions[1]!,
      sample.sessions[0]!,
      [],
      OPTIONS,
      CHANGED_ANGLE,
    );
    expect(reversed.map).not.toBeNull();
    const withoutRaster = {
      ...sample.sessions[2]!,
      images: sample.sessions[2]!.images.map(({ change: _change, ...image }) => image),
    };
    expect(
      pairChangeMap(
        sample.engine.cv,
        sample.sessions[0]!,
        withoutRaster,
        historyBefore(2),
        OPTIONS,
        CHANGED_ANGLE,
      ),
    ).toEqual({ map: null, reason: 'no_raster' });
    expect(
      pairChangeMap(
        sample.engine.cv,
        withoutRaster,
        sample.sessions[1]!,
        historyBefore(1),
        OPTIONS,
        CHANGED_ANGLE,
      ),
    ).toEqual({ map: null, reason: 'no_raster' });
  });
});

import { expect } from 'vitest';
import type { AnalyzeReport } from '../../src/cli/report.ts';
import type { ResultFigures } from './pages/results-page.ts';

/**
 * The CLI and the browser run the same scoring code on the same photos. Embeddings may differ in the last bits
 * (two builds of the model runtime), so figures made from them agree within this; the change engine's own
 * figures (registration, change map, changed area) come from rasters the shared WASM decoders make alike, so they
 * must be equal.
 */
export const TOLERANCE = 1e-3;

/**
 * Expects the Results screens of a history (oldest first) to show what `bcd analyze --json` reports for the same
 * photos: every headline figure and, per angle, the change score and how it was measured (local change or
 * embedding), the registration method, the changed area and the change map.
 * @returns the largest difference of a figure.
 */
export function expectSameAsCli(results: readonly ResultFigures[], report: AnalyzeReport): number {
  expect(report.sessions).toHaveLength(results.length);
  let largest = 0;
  const near = (shown: number | null | undefined, cliValue: number | null | undefined, what: string) => {
    const difference = Math.abs((shown ?? NaN) - (cliValue ?? NaN));
    largest = Math.max(largest, difference);
    expect(difference, what).toBeLessThan(TOLERANCE);
  };
  for (const [i, cliSession] of report.sessions.entries()) {
    const ui = results[i] as ResultFigures;
    const session = `session ${i + 1}`;
    expect(cliSession.error).toBeNull();
    near(ui.structural, cliSession.overall_score, `${session} structural change`);
    near(ui.angleChange, cliSession.angle_aware_score, `${session} angle change`);
    near(ui.confidence, cliSession.analysis_confidence_score, `${session} confidence`);
    near(ui.sessionQuality, cliSession.session_quality_score, `${session} session quality`);
    expect(ui.version).toBe(report.analysis_version);
    expect(ui.layers, `${session} layers`).toEqual(cliSession.comparison_layers_used);
    for (const angle of cliSession.angles) {
      const shown = ui.angles[angle.angle];
      const where = `${session} ${angle.angle}`;
      near(shown?.change, angle.change_score, `${where} change`);
      near(shown?.quality, angle.angle_quality_score, `${where} quality`);
      expect(shown?.changeMethod, `${where} change method`).toBe(angle.change_method ?? '');
      expect(shown?.registration, `${where} registration`).toBe(angle.registration?.method ?? '');
      expect(shown?.changedArea, `${where} changed area`).toBe(angle.changed_area_fraction);
      expect(shown?.changeMap, `${where} change map`).toBe(angle.change_map?.cells.join(',') ?? '');
    }
  }
  return largest;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeEngine } from '../../src/cli/engine.ts';
import { toScoredImage } from '../../src/cli/engine.ts';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import { pairChangeMap, scoreHistory, toHistorySession } from '../../src/core/scoring/index.ts';
import type { ChangeMap, DatedSession } from '../../src/core/scoring/index.ts';

/** The app's scoring options (src/app/state/rescore.ts), written out: that module imports the browser's app. */
const OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null };

/** The core's change maps of a history, computed in Node: what the app's viewer must show for the same photos. */
export interface NodePairMaps {
  /**
   * Session `later`'s change map of `angle` against session `earlier` (indices into the dates, oldest first),
   * calibrated against the sessions before `later`; null when there is none.
   */
  map(earlier: number, later: number, angle: string): ChangeMap | null;
  /** The change map scoring stored for session `later`'s `angle` (against its latest reference). */
  stored(later: number, angle: string): ChangeMap | null;
  dispose(): Promise<void>;
}

/**
 * Runs `angles` of each dated folder of `root` (`<date>/<angle>.jpg`) through the CLI's engine and scores them as
 * the app does (`scoreHistory`, all earlier sessions as baseline), for the core's maps to compare with the app's.
 */
export async function nodePairMaps(
  root: string,
  dates: readonly string[],
  angles: readonly string[],
): Promise<NodePairMaps> {
  const engine = await createNodeEngine({ threads: 1 });
  const sessions: DatedSession[] = [];
  for (const date of dates) {
    const images = [];
    for (const angle of angles) {
      const bytes = new Uint8Array(await readFile(join(root, date, `${angle}.jpg`)));
      images.push(toScoredImage(`${date}/${angle}`, angle, await engine.analyseImage(bytes)));
    }
    sessions.push({ session_id: date, model_id: engine.manifest.id, taken_at: date, images });
  }
  const { analyses } = scoreHistory(engine.cv, sessions, OPTIONS);
  return {
    map: (earlier, later, angle) =>
      pairChangeMap(
        engine.cv,
        sessions[earlier]!,
        sessions[later]!,
        sessions.slice(0, later).map((s, j) => toHistorySession(s, analyses[j]!)),
        OPTIONS,
        angle,
      ).map,
    stored: (later, angle) => analyses[later]?.angles.find((a) => a.angle === angle)?.change_map ?? null,
    dispose: () => engine.dispose(),
  };
}

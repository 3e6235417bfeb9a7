import { changesWithoutNoiseSamples, storeNoiseSamples } from '../db/changes.ts';
import { analysisClient } from './services.ts';

let running: Promise<void> | null = null;
let again = false;

/**
 * Computes, in the preprocess worker, the noise samples that a session's analysis left for later (see
 * `AnalysisClient.analyseImage`) and stores them, one photo at a time, so a photo is ready to be a reference before
 * the next session needs it. Called after each analysis and when the app opens; one pass runs at a time (a call
 * during a pass makes it look again once done). A photo whose samples fail to compute is left as it is: the next
 * session's scoring computes them itself (`withNoiseSamples`), so nothing depends on this pass.
 * @returns when no photo is left without samples, or the pass has stopped at a failure.
 */
export function fillNoiseSamples(): Promise<void> {
  if (running !== null) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      for (const row of await changesWithoutNoiseSamples()) {
        const raster = { width: row.width, height: row.height, rgb: row.rgb };
        await storeNoiseSamples(row.image_id, await analysisClient().noiseSamples(raster));
      }
    } while (again);
  })().finally(() => (running = null));
  return running;
}

import { transfer } from 'comlink';
import type { RgbaImage } from '../../core/image/raster.ts';
import type { FacesApi, FacesForChange, FacesResult } from '../../../workers/faces/api.ts';
import { WorkerSlot } from '../analysis/worker-slot.ts';

export type { FacesForChange, FacesResult } from '../../../workers/faces/api.ts';

/** The faces worker holds tfjs's WASM heap and 6 MB of weights: let it go after a minute without photos. */
const IDLE_MS = 60_000;

let slot: WorkerSlot<FacesApi> | undefined;
let idleMs = IDLE_MS;

/**
 * Sets how long, in ms, the faces worker may idle before it ends (the analysis client's `idleMs.faces`, so a test
 * can watch every worker end), and ends the one running now.
 */
export function setFacesWorkerIdle(ms: number): void {
  idleMs = ms;
  slot?.terminate();
  slot = undefined;
}

function facesWorker(): WorkerSlot<FacesApi> {
  slot ??= new WorkerSlot<FacesApi>({
    // Vite bundles the worker from this exact `new Worker(new URL(...))` shape.
    create: () =>
      new Worker(new URL('../../../workers/faces/worker.ts', import.meta.url), { type: 'module' }),
    idleMs,
    terminateOnAbort: false,
  });
  return slot;
}

/** Starts the faces worker, which loads its detector as it starts, ahead of a first photo (`WorkerSlot.warm`). */
export function warmFacesWorker(): void {
  facesWorker().warm();
}

/**
 * Finds faces in a photo in the faces worker (face-api's SSD MobileNet v1 on tfjs WASM, weights served by the
 * app), and with `blur` also returns the photo with them blurred, encoded again.
 * @param file the stored photo (JPEG, PNG or WebP; EXIF orientation applied).
 * @param options `blur`: whether to return the blurred photo; `jpegQuality`: 0–1 for a re-encoded JPEG.
 * @throws AnalysisError (`analysis_failed`) when the worker cannot decode the photo or load the detector.
 */
export function findFaces(
  file: Blob,
  options: { blur: boolean; jpegQuality: number },
  signal?: AbortSignal,
): Promise<FacesResult> {
  return facesWorker().run((api) => api.find(file, options), signal);
}

/**
 * The faces the change engine leaves out of a photo (the core's `facesForChange`), in the faces worker, with the
 * search's own time.
 * @param image the analysis's own upright decode (`prepare` with `keepDecoded`); transferred, so not readable after.
 * @throws AnalysisError (`analysis_failed`) when the worker cannot load the detector.
 */
export function findFacesForChange(image: RgbaImage, signal?: AbortSignal): Promise<FacesForChange> {
  return facesWorker().run(
    (api) => api.findForChange(transfer(image, [image.data.buffer as ArrayBuffer])),
    signal,
  );
}

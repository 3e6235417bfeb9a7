import { transfer } from 'comlink';
import { blurFaces } from '../../src/core/faces/blur.ts';
import { FACE_BLUR_MIN_SCORE } from '../../src/core/faces/detector.ts';
import type { FaceDetector } from '../../src/core/faces/detector.ts';
import { facesForChange, relativeFace } from '../../src/core/faces/change-faces.ts';
import type { FaceRegion } from '../../src/core/faces/change-faces.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { withWireErrors } from '../wire-error.ts';

/** What the faces worker found in a photo, and the photo with its faces blurred when asked. */
export interface FacesResult {
  /** Faces scored `FACE_BLUR_MIN_SCORE` or more, best first. */
  readonly faces: FaceRegion[];
  /** The photo drawn upright with every face blurred and encoded again; null without faces or when not asked. */
  readonly blurred: { readonly bytes: Uint8Array; readonly contentType: 'image/jpeg' | 'image/png' } | null;
  /** Milliseconds the detector took (decoding and encoding excluded). */
  readonly detect_ms: number;
}

/** The faces the change engine leaves out of a photo, and the time the detector took to find them. */
export interface FacesForChange {
  readonly faces: FaceRegion[];
  /** Milliseconds of the search itself (box-averaging and the detector; transfers and queueing excluded). */
  readonly detect_ms: number;
}

/** The faces worker's API (comlink). Every method throws a `WireError`. */
export interface FacesApi {
  /**
   * Loads the detector (tfjs's WASM and the weights) ahead of the first photo and runs it once on a blank picture;
   * a failure is retried on next use.
   */
  warm(): Promise<void>;
  /**
   * Finds faces in `file`, drawn upright by the browser (`createImageBitmap`, EXIF orientation applied: how the
   * upload re-encodes a photo); with `blur`, also returns it with each face pixelated (`blurFaces`) and encoded again
   * (PNG stays PNG, anything else becomes JPEG at `jpegQuality`).
   */
  find(file: Blob, options: { blur: boolean; jpegQuality: number }): Promise<FacesResult>;
  /**
   * The faces the change engine leaves out of a photo (the core's `facesForChange`), searched in the analysis's own
   * upright decode (`prepareImage` with `keepDecoded`), so the boxes are the CLI's; with the search's own time.
   * @param image 8-bit RGBA, transferred by the caller.
   */
  findForChange(image: RgbaImage): Promise<FacesForChange>;
}

/**
 * What the warm-up searches: SSD MobileNet v1 resizes every input to 512 × 512, so a small blank picture runs the
 * same graph a photo does.
 */
const WARM_UP_IMAGE: RgbaImage = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4) };

/** Builds the API around a detector that loads on first use. */
export function createFacesApi(detector: () => Promise<FaceDetector>): FacesApi {
  // tfjs sets up each kernel on the graph's first run: in Node, a 12 MP photo's first search took 870–1010 ms and
  // the next ones 460–810 ms, and a first search of a blank 64 × 64 picture 720–1050 ms (`tfjs-backend-wasm`, one
  // thread). The worker is warmed ahead of a first photo, so that first run is paid while the person picks it: in
  // the built app's offline cold start, the first photo's search went from 760–1160 ms to 460–600 ms.
  let warming: Promise<void> | undefined;
  return {
    warm: () =>
      withWireErrors(async () => {
        warming ??= detector().then(
          async (ready) => void (await ready.find(WARM_UP_IMAGE, FACE_BLUR_MIN_SCORE)),
        );
        await warming.catch((error: unknown) => {
          warming = undefined;
          throw error;
        });
      }),
    find: (file, options) =>
      withWireErrors(async () => {
        const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d', { willReadFrequently: true });
        if (!context) throw new Error('no 2D canvas in this browser');
        context.drawImage(bitmap, 0, 0);
        bitmap.close();
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
        const ready = await detector();
        const started = performance.now();
        const found = await ready.find(pixels, FACE_BLUR_MIN_SCORE);
        const detect_ms = performance.now() - started;
        const faces = found.map((f) => relativeFace(f, canvas.width, canvas.height));
        if (!options.blur || found.length === 0) return { faces, blurred: null, detect_ms };
        blurFaces(pixels, found);
        context.putImageData(pixels, 0, 0);
        const contentType = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
        const blob = await canvas.convertToBlob({ type: contentType, quality: options.jpegQuality });
        const bytes = new Uint8Array(await blob.arrayBuffer());
        return transfer({ faces, blurred: { bytes, contentType }, detect_ms }, [bytes.buffer]);
      }),
    findForChange: (image) =>
      withWireErrors(async () => {
        const ready = await detector();
        const started = performance.now();
        const faces = await facesForChange(ready, image);
        return { faces, detect_ms: performance.now() - started };
      }),
  };
}

import { transfer } from 'comlink';
import { blurFaces } from '../../src/core/faces/blur.ts';
import { FACE_BLUR_MIN_SCORE } from '../../src/core/faces/detector.ts';
import type { FaceBox, FaceDetector } from '../../src/core/faces/detector.ts';
import { withWireErrors } from '../wire-error.ts';

/** A face box as a share of the photo's upright width and height (0–1), so it fits the photo at any size. */
export interface RelativeFaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly score: number;
}

/** What the faces worker found in a photo, and the photo with its faces blurred when asked. */
export interface FacesResult {
  /** Faces scored `FACE_BLUR_MIN_SCORE` or more, best first. */
  readonly faces: RelativeFaceBox[];
  /** The photo drawn upright with every face blurred and encoded again; null without faces or when not asked. */
  readonly blurred: { readonly bytes: Uint8Array; readonly contentType: 'image/jpeg' | 'image/png' } | null;
  /** Milliseconds the detector took (decoding and encoding excluded). */
  readonly detect_ms: number;
}

/**
 * The faces worker's API (comlink). Every method throws a `WireError`. The photo is drawn upright by the browser
 * (`createImageBitmap`, EXIF orientation applied), which is also how the upload re-encodes a photo.
 */
export interface FacesApi {
  /**
   * Finds faces in `file`; with `blur`, also returns it with each face pixelated (`blurFaces`) and encoded again
   * (PNG stays PNG, anything else becomes JPEG at `jpegQuality`).
   */
  find(file: Blob, options: { blur: boolean; jpegQuality: number }): Promise<FacesResult>;
}

function relative(face: FaceBox, width: number, height: number): RelativeFaceBox {
  return {
    x: face.x / width,
    y: face.y / height,
    width: face.width / width,
    height: face.height / height,
    score: face.score,
  };
}

/** Builds the API around a detector that loads on first use. */
export function createFacesApi(detector: () => Promise<FaceDetector>): FacesApi {
  return {
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
        const faces = found.map((f) => relative(f, canvas.width, canvas.height));
        if (!options.blur || found.length === 0) return { faces, blurred: null, detect_ms };
        blurFaces(pixels, found);
        context.putImageData(pixels, 0, 0);
        const contentType = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
        const blob = await canvas.convertToBlob({ type: contentType, quality: options.jpegQuality });
        const bytes = new Uint8Array(await blob.arrayBuffer());
        return transfer({ faces, blurred: { bytes, contentType }, detect_ms }, [bytes.buffer]);
      }),
  };
}

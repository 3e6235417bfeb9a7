import type { RgbaImage } from '../image/raster.ts';
import { FACE_REFUSE_MIN_SCORE } from './detector.ts';
import type { FaceBox, FaceDetector } from './detector.ts';

/**
 * A face found in a photo, as a share of the upright photo's width and height (0–1; an edge may lie slightly past
 * the frame, as the detector's box does), so it fits the photo at any size: the full photo, the reduced copy the
 * analysis decodes, or the change engine's 256-px raster.
 */
export interface FaceRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The detector's score, 0–1. */
  readonly score: number;
}

/**
 * Score from which a face is left out of the change measure (and named on Results): face-api's default
 * `minConfidence`, as the server's refusal (`FACE_REFUSE_MIN_SCORE`). Not the lower blur score: a region left out
 * is skin no longer measured, and at 0.3 the detector also takes a window (0.32) and a figure in a crowd (0.47) of
 * the shared photos without people for faces.
 */
export const FACE_CHANGE_MIN_SCORE = FACE_REFUSE_MIN_SCORE;

/** A detector's box in `width × height` pixels as a share of those sides. */
export function relativeFace(face: FaceBox, width: number, height: number): FaceRegion {
  return {
    x: face.x / width,
    y: face.y / height,
    width: face.width / width,
    height: face.height / height,
    score: face.score,
  };
}

/**
 * The faces the change engine leaves out of a photo: those the detector scores `FACE_CHANGE_MIN_SCORE` or more,
 * relative to the photo. Device and CLI both search the analysis's own upright decode (`prepareImage` with
 * `keepDecoded`; the shared WASM codecs make it byte for byte alike), so both find the same boxes.
 * @param image the upright decoded photo, whole or reduced (8-bit RGBA).
 * @returns best score first; [] when none.
 */
export async function facesForChange(detector: FaceDetector, image: RgbaImage): Promise<FaceRegion[]> {
  const found = await detector.find(image, FACE_CHANGE_MIN_SCORE);
  return found.map((face) => relativeFace(face, image.width, image.height));
}

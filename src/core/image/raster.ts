/**
 * A decoded, orientation-corrected image: 8-bit RGBA, row-major, `data.length === width * height * 4`.
 * This is the one pixel format passed between decoding, quality and preprocessing, on the device and in Node.
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

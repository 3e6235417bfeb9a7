import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { OpenCv } from '../../src/core/cv.ts';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';

/** The shared data set, beside the repository. */
export const PHOTOS_DIR = fileURLToPath(new URL('../../../shared/data/photos/', import.meta.url));
export const BAD_DIR = fileURLToPath(new URL('../../../shared/data/bad/', import.meta.url));

let decoder: Promise<ImageDecoder> | undefined;

/** Decodes a photo file with the app's own decoder (upright RGBA), as the CLI and the worker do. */
export async function decodePhoto(file: string): Promise<RgbaImage> {
  decoder ??= nodeDecoder();
  return (await decoder)(new Uint8Array(await readFile(file)));
}

/** A `width × height` RGBA image whose pixel (x, y) is `pixel(x, y)` = [r, g, b] (alpha 255). */
export function syntheticImage(
  width: number,
  height: number,
  pixel: (x: number, y: number) => readonly [number, number, number],
): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      const [r, g, b] = pixel(x, y);
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** A grey image: every channel of pixel (x, y) is `level(x, y)`. */
export function greyImage(width: number, height: number, level: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) data.fill(level(x, y), i, i + 3).fill(255, i + 3, i + 4);
  }
  return { width, height, data };
}

/**
 * Runs `fn` and returns how many OpenCV.js objects it created and left undeleted. Every embind object (Mat,
 * MatVector, CLAHE, …), whether made with `new` or returned by a method such as `MatVector.get` or `Mat.roi`, is
 * created by embind's `makeClassHandle` as `Object.create(prototype, { $$: … })`, and `delete()` clears its
 * `$$.ptr`; OpenCV.js exposes no live-object counter of its own (`getInheritedInstanceCount` only sees classes
 * extended from JS), so `Object.create` is watched for the duration of the call.
 */
export function countUndeleted<T>(fn: () => T): { result: T; undeleted: number } {
  const created: { $$: { ptr?: number } }[] = [];
  const original = Object.create;
  const watched = function (proto: object | null, props?: PropertyDescriptorMap) {
    const made = original(proto, props as PropertyDescriptorMap);
    if (props && '$$' in props) created.push(made as { $$: { ptr?: number } });
    return made;
  };
  Object.create = watched as typeof Object.create;
  try {
    const result = fn();
    return { result, undeleted: created.filter((h) => h.$$.ptr).length };
  } finally {
    Object.create = original;
  }
}

/** WASM heap size and where a 64 MiB block lands: both change when memory is kept across calls. */
export function heapFingerprint(cv: OpenCv): string {
  const em = cv as unknown as { HEAPU8: Uint8Array; _malloc(n: number): number; _free(p: number): void };
  const probe = em._malloc(64 << 20);
  em._free(probe);
  return `${em.HEAPU8.length}:${probe}`;
}

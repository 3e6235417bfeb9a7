import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CodecLoader } from '../../src/core/image/codecs.ts';
import { ImageInputError } from '../../src/core/image/errors.ts';
import type { ImageInputErrorCode } from '../../src/core/image/errors.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';

/** The shared data set beside the repository (see its README.md and SOURCES.md). */
export const DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const BAD_DIR = `${DATA_DIR}bad/`;
export const PHOTOS_DIR = `${DATA_DIR}photos/`;

/** Reads a file of the shared data set, e.g. `bad/1x1.jpg`. */
export async function readData(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(`${DATA_DIR}${path}`));
}

/** A codec loader that fails the test if anything asks it for a codec: proves a refusal came from the header. */
export const forbiddenCodecs: CodecLoader = {
  compile(format) {
    throw new Error(`a ${format} codec was requested, but this input must be refused before decoding`);
  },
};

/** Asserts that `promise` rejects with an `ImageInputError` of `code`, and returns the error for more checks. */
export async function expectRefusal(
  promise: Promise<unknown>,
  code: ImageInputErrorCode,
): Promise<ImageInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageInputError);
  const refusal = error as ImageInputError;
  expect(refusal.code, refusal.message).toBe(code);
  return refusal;
}

/** Mean absolute difference per channel (0–255) of two same-sized RGBA images, alpha excluded. */
export function meanAbsDiff(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) sum += Math.abs((a.data[i + c] ?? 0) - (b.data[i + c] ?? 0));
  }
  return sum / ((a.data.length / 4) * 3);
}

/** Words no text shown to a person may contain (SPEC). */
export const FORBIDDEN_WORDS = /\b(risk|abnormal|suspicious|concerning)/i;

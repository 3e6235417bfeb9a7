import { inflateSync } from 'node:zlib';
import { pngHeader, walkPng } from '../../src/core/image/png-structure.ts';
import { unprocessableImage } from '../errors.ts';

/** Samples per pixel of each PNG colour type (PNG spec §11.2.2). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes: x and y start, x and y step (PNG spec §8.2). */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes of filtered scanlines a PNG of this header decompresses to: each row one filter byte plus its samples. */
export function pngRawBytes(
  width: number,
  height: number,
  bitDepth: number,
  colourType: number,
  interlaced: boolean,
) {
  const rowBytes = (w: number) => 1 + Math.ceil((w * (CHANNELS[colourType] ?? 4) * bitDepth) / 8);
  if (!interlaced) return height * rowBytes(width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil(Math.max(0, width - x0) / dx);
    const h = Math.ceil(Math.max(0, height - y0) / dy);
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

/**
 * Checks that a PNG's IDAT data is one zlib stream that decompresses to exactly the scanlines its IHDR describes and
 * ends where the last IDAT ends: bytes after the stream's end (an "extra IDAT") or extra scanline bytes could carry
 * anything, and decoders ignore both. Run after the header limits and the decode, on a file whose chunk structure
 * the allow-list check accepted (`src/sync/png-allow-list.ts`: IHDR first, IDATs consecutive, CRCs right).
 * @throws ApiError 422 naming what is wrong.
 */
export function checkPngDataEnds(bytes: Uint8Array): void {
  const walk = walkPng(bytes);
  const header = pngHeader(bytes, walk);
  if (header === undefined) throw unprocessableImage('The PNG has no IHDR chunk');
  const parts = walk.chunks
    .filter((chunk) => chunk.type === 'IDAT')
    .map((chunk) => bytes.subarray(chunk.data, chunk.data + chunk.length));
  const expected = pngRawBytes(
    header.width,
    header.height,
    header.bitDepth,
    header.colourType,
    header.interlaced,
  );
  const compressed = Buffer.concat(parts);
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    // One byte more than expected is enough to see that there is more.
    result = inflateSync(compressed, {
      info: true,
      maxOutputLength: expected + 1,
    }) as unknown as typeof result;
  } catch {
    throw unprocessableImage('The PNG picture data is not one zlib stream of exactly its scanlines');
  }
  if (result.buffer.length !== expected) {
    throw unprocessableImage(
      `The PNG picture data decompresses to ${result.buffer.length} bytes, not the ${expected} of its scanlines`,
    );
  }
  if (result.engine.bytesWritten !== compressed.length) {
    throw unprocessableImage(
      `The PNG picture data has ${compressed.length - result.engine.bytesWritten} bytes after its end`,
    );
  }
}

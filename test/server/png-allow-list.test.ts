import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImageStructureError, findImageMetadata, stripImageMetadata } from '../../src/sync/image-metadata.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function chunk(type: string, data: readonly number[] = []): number[] {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return [...out];
}

/** IHDR of a 2 × 2 picture: bit depth, colour type, interlace method. */
const ihdr = (bitDepth: number, colourType: number, interlace = 0) =>
  chunk('IHDR', [0, 0, 0, 2, 0, 0, 0, 2, bitDepth, colourType, 0, 0, interlace]);
const IDAT = chunk('IDAT', [...deflateSync(Buffer.alloc(2 * 7))]);
const IEND = chunk('IEND');
const png = (...chunks: (readonly number[])[]) => Uint8Array.from([...SIGNATURE, ...chunks.flat()]);

/**
 * The server's PNG allow-list keeps only the chunks the pixels need, each exactly as its fields allow (PNG spec
 * §11.2.2, §11.2.3, §11.3.2.1): no kept chunk has room for other bytes.
 */
describe('the PNG allow-list', () => {
  it('keeps IHDR, PLTE, tRNS, IDAT and IEND of a palette picture', () => {
    const bytes = png(ihdr(8, 3), chunk('PLTE', [1, 2, 3, 4, 5, 6]), chunk('tRNS', [0, 255]), IDAT, IEND);
    expect(findImageMetadata(bytes)).toEqual([]);
  });

  it('treats the colour chunks as metadata: stripped on the device', () => {
    const bytes = png(ihdr(8, 2), chunk('gAMA', [0, 1, 0x86, 0xa0]), chunk('sRGB', [0]), IDAT, IEND);
    expect(findImageMetadata(bytes).map((b) => `${b.container}:${b.kind}`)).toEqual([
      'gAMA:ancillary_chunk',
      'sRGB:ancillary_chunk',
    ]);
    expect(findImageMetadata(stripImageMetadata(bytes))).toEqual([]);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['a bit depth the colour type does not have', png(ihdr(3, 2), IDAT, IEND), /IHDR .*bit depth/],
    ['an interlace method 2', png(ihdr(8, 2, 2), IDAT, IEND), /IHDR .*interlace/],
    [
      'a palette in a greyscale picture',
      png(ihdr(8, 0), chunk('PLTE', [1, 2, 3]), IDAT, IEND),
      /PLTE .*colour type/,
    ],
    [
      'a palette of 4 bytes',
      png(ihdr(8, 3), chunk('PLTE', [1, 2, 3, 4]), IDAT, IEND),
      /PLTE .*whole palette/,
    ],
    [
      'more palette entries than 2-bit pixels reach',
      png(ihdr(2, 3), chunk('PLTE', Array<number>(15).fill(1)), IDAT, IEND),
      /PLTE .*whole palette/,
    ],
    [
      'a tRNS of 5 bytes in an RGB picture',
      png(ihdr(8, 2), chunk('tRNS', [0, 1, 0, 1, 0]), IDAT, IEND),
      /tRNS .*size/,
    ],
    ['a tRNS in an RGBA picture', png(ihdr(8, 6), chunk('tRNS', [0, 1]), IDAT, IEND), /tRNS .*colour type/],
    [
      'more tRNS entries than palette entries',
      png(ihdr(8, 3), chunk('PLTE', [1, 2, 3]), chunk('tRNS', [1, 2]), IDAT, IEND),
      /tRNS .*size/,
    ],
    ['no IDAT', png(ihdr(8, 2), IEND), /no picture data/],
  ])('refuses %s as a structure error', (_label, bytes, reason) => {
    expect(() => findImageMetadata(bytes)).toThrow(ImageStructureError);
    expect(() => findImageMetadata(bytes)).toThrow(reason);
    expect(() => stripImageMetadata(bytes)).toThrow(reason);
  });
});

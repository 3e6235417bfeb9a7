import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pngHeader, walkPng } from '../../src/core/image/png-structure.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A chunk with its CRC computed independently (node:zlib), unless `crc` overrides it. */
function chunk(type: string, data: readonly number[] = [], crc?: number): number[] {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc ?? crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return [...out];
}

/** IHDR of a 4 × 2 8-bit RGB picture, not interlaced. */
const IHDR = chunk('IHDR', [0, 0, 0, 4, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
const IDAT = chunk('IDAT', [...deflateSync(Buffer.alloc(2 * (1 + 4 * 3)))]);
const IEND = chunk('IEND');
const GAMA = chunk('gAMA', [0, 1, 0x86, 0xa0]);

const png = (...chunks: (readonly number[])[]) => Uint8Array.from([...SIGNATURE, ...chunks.flat()]);

/** The problems of a walk's chunks, as `type:problem` (`type` alone when it has none). */
function problems(bytes: Uint8Array): string[] {
  const walk = walkPng(bytes);
  expect(walk.error).toBeUndefined();
  return walk.chunks.map((c) => (c.problem === undefined ? c.type : `${c.type}:${c.problem}`));
}

describe('the PNG chunk walker', () => {
  it('walks a well-formed file to IEND: chunks, offsets, no problem; reads the IHDR fields', () => {
    const bytes = png(IHDR, GAMA, IDAT, IDAT, IEND);
    const walk = walkPng(bytes);
    expect(walk).toMatchObject({ error: undefined, trailing: undefined });
    expect(walk.chunks.map((c) => [c.type, c.start, c.length, c.problem])).toEqual([
      ['IHDR', 8, 13, undefined],
      ['gAMA', 33, 4, undefined],
      ['IDAT', 49, IDAT.length - 12, undefined],
      ['IDAT', 49 + IDAT.length, IDAT.length - 12, undefined],
      ['IEND', 49 + 2 * IDAT.length, 0, undefined],
    ]);
    expect(walk.chunks.at(-1)?.end).toBe(bytes.length);
    expect(pngHeader(bytes, walk)).toEqual({
      width: 4,
      height: 2,
      bitDepth: 8,
      colourType: 2,
      interlaced: false,
    });
  });

  it('reports the bytes after IEND as trailing', () => {
    const bytes = png(IHDR, IDAT, IEND, [1, 2, 3]);
    expect(walkPng(bytes).trailing).toEqual([bytes.length - 3, bytes.length]);
  });

  it.each<[string, Uint8Array, string, number]>([
    [
      'no signature',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00, ...IHDR]),
      'no_signature',
      0,
    ],
    ['a file that ends inside a chunk header', png(IHDR, IDAT.slice(0, 10)), 'ends_inside_chunk', 33],
    [
      'a length above 2³¹ − 1',
      png(IHDR, [0x80, 0, 0, 0, 0x49, 0x44, 0x41, 0x54, 0, 0, 0, 0]),
      'bad_length',
      33,
    ],
    ['a chunk that runs past the end', png(IHDR, IDAT.slice(0, IDAT.length - 1)), 'chunk_past_end', 33],
    ['whole chunks without IEND', png(IHDR, IDAT), 'no_iend', 33 + IDAT.length],
  ])('%s: the walk stops with %s at its byte', (_label, bytes, error, at) => {
    const walk = walkPng(bytes);
    expect(walk.error).toBe(error);
    expect(walk.errorAt).toBe(at);
  });

  it.each<[string, (readonly number[])[], string]>([
    ['a type that is not letters', [IHDR, chunk('gA1A', [0]), IDAT, IEND], 'gA1A:bad_type'],
    ['a first chunk other than IHDR', [GAMA, IHDR, IDAT, IEND], 'gAMA:ihdr_not_first'],
    ['a second IHDR', [IHDR, IHDR, IDAT, IEND], 'IHDR:ihdr_repeated'],
    ['the reserved bit set', [IHDR, chunk('gAmA', [0, 1, 0x86, 0xa0]), IDAT, IEND], 'gAmA:reserved_bit'],
    ['an unknown critical chunk', [IHDR, chunk('QQQQ', [1]), IDAT, IEND], 'QQQQ:unknown_critical'],
    [
      'an IDAT after another chunk followed IDATs',
      [IHDR, IDAT, GAMA, IDAT, IEND],
      'IDAT:idat_not_consecutive',
    ],
    ['a PLTE after the picture data', [IHDR, IDAT, chunk('PLTE', [0, 0, 0]), IEND], 'PLTE:plte_after_idat'],
    [
      'an IHDR of 14 bytes',
      [chunk('IHDR', [0, 0, 0, 4, 0, 0, 0, 2, 8, 2, 0, 0, 0, 9]), IDAT, IEND],
      'IHDR:bad_size',
    ],
    ['data in IEND', [IHDR, IDAT, chunk('IEND', [7])], 'IEND:bad_size'],
    ['a pHYs of 10 bytes', [IHDR, chunk('pHYs', Array<number>(10).fill(0)), IDAT, IEND], 'pHYs:bad_size'],
    ['a wrong CRC', [IHDR, chunk('tEXt', [0x41, 0, 0x42], 1234), IDAT, IEND], 'tEXt:bad_crc'],
  ])('%s: followed past, reported', (_label, chunks, expected) => {
    expect(problems(png(...chunks))).toContain(expected);
    expect(problems(png(...chunks)).filter((p) => p.includes(':'))).toEqual([expected]);
  });

  it('walks every PNG of the shared photos to IEND with right CRCs', async () => {
    const names = (await readdir(PHOTOS)).filter((n) => n.endsWith('.png'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const bytes = new Uint8Array(await readFile(join(PHOTOS, name)));
      const walk = walkPng(bytes);
      expect(walk.error, name).toBeUndefined();
      expect(
        walk.chunks.filter((c) => c.problem !== undefined),
        name,
      ).toEqual([]);
      expect(pngHeader(bytes, walk), name).toBeDefined();
    }
  });
});

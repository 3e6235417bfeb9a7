/**
 * Which PNG chunks may leave the device and be stored by the server: only those the pixels need (PNG specification
 * §11.2: IHDR, PLTE, tRNS, IDAT, IEND), each checked against its content rules so that none can carry other bytes,
 * over the core's walk (`walkPng`: types, order, fixed sizes, CRCs). Every ancillary chunk (eXIf, text, tIME, iCCP,
 * gAMA, cHRM, sRGB, pHYs, bKGD, APNG frames, …) and bytes after IEND are metadata: stripped on the device, refused by
 * the server. Any chunk the walker found malformed, and any walk that does not reach IEND, is a structure error (the
 * device then draws the photo again). That the picture data is one zlib stream of exactly its scanlines is the
 * server's check after decoding (`server/services/png-data-check.ts`).
 */

import { pngHeader, walkPng } from '../core/image/png-structure.ts';
import type { PngChunk, PngChunkProblem, PngHeader, PngWalkError } from '../core/image/png-structure.ts';
import { ImageStructureError } from './image-blocks.ts';
import type { ClassifiedBlock, MetadataKind } from './image-blocks.ts';

const PIXEL_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
/** Bit depths allowed for each colour type (§11.2.2, Table 11.1). */
const BIT_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** tRNS data size for the colour types that allow one, other than palette (§11.3.2.1). */
const TRNS_BYTES: Readonly<Record<number, number>> = { 0: 2, 2: 6 };

const WALK_ERRORS: Readonly<Record<PngWalkError, string>> = {
  no_signature: 'does not start with the PNG signature',
  ends_inside_chunk: 'ends inside a chunk header',
  bad_length: 'has a chunk length above 2³¹ − 1',
  chunk_past_end: 'has a chunk that runs past the end of the file',
  no_iend: 'has no IEND chunk',
};

const PROBLEMS: Readonly<Record<PngChunkProblem, string>> = {
  bad_type: 'has a type that is not four letters',
  ihdr_not_first: 'comes where the PNG must start with its IHDR chunk',
  ihdr_repeated: 'is a second IHDR',
  reserved_bit: 'has the reserved bit of its type set',
  unknown_critical: 'is an unknown critical chunk',
  idat_not_consecutive: 'does not follow the other IDAT chunks',
  plte_after_idat: 'comes after the picture data',
  bad_size: 'does not have its fixed size',
  bad_crc: 'fails its CRC check',
};

function classifyChunk(bytes: Uint8Array, chunk: PngChunk): MetadataKind | null {
  const { type } = chunk;
  if (PIXEL_CHUNKS.has(type)) return null;
  if (type === 'eXIf') return 'exif';
  // XMP travels in an iTXt chunk with this keyword.
  if (
    type === 'iTXt' &&
    String.fromCharCode(...bytes.subarray(chunk.data, chunk.data + 17)) === 'XML:com.adobe.xmp'
  ) {
    return 'xmp';
  }
  if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') return 'text';
  if (type === 'tIME') return 'timestamp';
  if (type === 'iCCP') return 'colour_profile';
  return 'ancillary_chunk';
}

/** Why a kept chunk's data is not exactly what its fields allow (§11.2.2, §11.2.3, §11.3.2.1); undefined if it is. */
function contentFault(
  bytes: Uint8Array,
  chunk: PngChunk,
  header: PngHeader,
  paletteEntries: number,
): string | undefined {
  const { type, length } = chunk;
  const { width, height, bitDepth, colourType } = header;
  if (type === 'IHDR') {
    if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
      return 'states an impossible size';
    if (!(BIT_DEPTHS[colourType] ?? []).includes(bitDepth))
      return 'has a colour type and bit depth PNG does not define';
    const [compression, filter, interlace] = bytes.subarray(chunk.data + 10, chunk.data + 13);
    if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1)) {
      return 'names a compression, filter or interlace method PNG does not define';
    }
  }
  if (type === 'PLTE') {
    const entries = length / 3;
    if (colourType === 0 || colourType === 4) return 'is not allowed for its colour type';
    const most = colourType === 3 ? Math.min(256, 2 ** bitDepth) : 256;
    if (!Number.isInteger(entries) || entries < 1 || entries > most) return 'does not hold a whole palette';
  }
  if (type === 'tRNS') {
    const expected = colourType === 3 ? undefined : TRNS_BYTES[colourType];
    if (colourType !== 3 && expected === undefined) return 'is not allowed for its colour type';
    if (expected !== undefined ? length !== expected : length < 1 || length > paletteEntries) {
      return 'is not the size its colour type gives';
    }
  }
  return undefined;
}

/**
 * Every byte run of a PNG, in order, as kept or metadata.
 * @throws ImageStructureError naming the first chunk or error that is neither allowed nor metadata.
 */
export function classifyPng(bytes: Uint8Array): ClassifiedBlock[] {
  const walk = walkPng(bytes);
  const blocks: ClassifiedBlock[] = [{ start: 0, end: 8, metadata: null, container: 'signature' }];
  const header = pngHeader(bytes, walk);
  let paletteEntries = 0;
  let pictureData = false;
  for (const chunk of walk.chunks) {
    const { type, start, end } = chunk;
    const fail = (what: string) => new ImageStructureError(`PNG chunk ${type} at byte ${start} ${what}`);
    if (chunk.problem !== undefined) throw fail(PROBLEMS[chunk.problem]);
    const metadata = classifyChunk(bytes, chunk);
    if (metadata === null && header !== undefined) {
      const fault = contentFault(bytes, chunk, header, paletteEntries);
      if (fault !== undefined) throw fail(fault);
    }
    if (type === 'PLTE') paletteEntries = chunk.length / 3;
    if (type === 'IDAT') pictureData = true;
    if (type === 'IEND' && !pictureData) throw new ImageStructureError('PNG has no picture data (IDAT)');
    blocks.push({ start, end, metadata, container: type });
  }
  if (walk.error !== undefined) {
    throw new ImageStructureError(`PNG ${WALK_ERRORS[walk.error]} (at byte ${walk.errorAt})`);
  }
  if (walk.trailing !== undefined) {
    const [start, end] = walk.trailing;
    blocks.push({ start, end, metadata: 'trailing_data', container: 'after IEND' });
  }
  return blocks;
}

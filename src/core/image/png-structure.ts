/**
 * The one PNG chunk walker (PNG specification, third edition, §5): the decoder's checks (`info.ts`), the device's
 * metadata stripper and the server's allow-list and picture-data checks all read a PNG through it. It reports what
 * the bytes are, strictly (lengths, CRCs, chunk names and order), and decides nothing: which chunks are kept, refused
 * or tolerated is each caller's policy.
 */

/** The PNG signature (§5.2). */
const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Length field, chunk type and CRC around each chunk's data (§5.3). */
const CHUNK_OVERHEAD_BYTES = 12;
/** Largest chunk length the specification allows (§5.3: 2³¹ − 1). */
const MAX_CHUNK_LENGTH = 0x7fffffff;
/** The critical chunks the specification defines (§5.4, §11.2). */
const CRITICAL_CHUNKS = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);
/** Data sizes the specification fixes (§11.2.2, §11.2.5, §11.3.2.1, §11.3.2.5, §11.3.3.1, §11.3.5.3). */
const FIXED_SIZES: ReadonlyMap<string, number> = new Map([
  ['IHDR', 13],
  ['IEND', 0],
  ['gAMA', 4],
  ['cHRM', 32],
  ['sRGB', 1],
  ['pHYs', 9],
  ['tIME', 7],
]);

/** Why a walk stopped before the IEND chunk: the bytes cannot be followed further. */
export type PngWalkError =
  /** The file does not begin with the PNG signature. */
  | 'no_signature'
  /** The file ends inside a chunk's length field, type or CRC. */
  | 'ends_inside_chunk'
  /** A chunk's length field exceeds 2³¹ − 1. */
  | 'bad_length'
  /** A chunk's data and CRC run past the end of the file. */
  | 'chunk_past_end'
  /** The file ends after whole chunks without an IEND chunk. */
  | 'no_iend';

/** What is wrong with one chunk whose bytes could still be followed past. */
export type PngChunkProblem =
  /** A type that is not four ASCII letters (§5.3). */
  | 'bad_type'
  /** The first chunk is not IHDR (§5.6). */
  | 'ihdr_not_first'
  /** A second IHDR (§5.6). */
  | 'ihdr_repeated'
  /** The reserved bit (third letter lower case) is set (§5.4). */
  | 'reserved_bit'
  /** A critical chunk (first letter upper case) the specification does not define: no decoder may skip it (§5.4). */
  | 'unknown_critical'
  /** An IDAT after another chunk followed an earlier IDAT: IDATs are consecutive (§5.6). */
  | 'idat_not_consecutive'
  /** A PLTE after the first IDAT (§5.6). */
  | 'plte_after_idat'
  /** A chunk of fixed size with another size (IHDR 13, IEND 0, gAMA 4, …). */
  | 'bad_size'
  /** The CRC over type and data is not the stored one (§5.3). */
  | 'bad_crc';

/** One chunk: length field, type, data, CRC. */
export interface PngChunk {
  readonly type: string;
  /** Offset of its length field. */
  readonly start: number;
  /** Offset of its data. */
  readonly data: number;
  /** Bytes of data. */
  readonly length: number;
  /** Offset just past its CRC. */
  readonly end: number;
  /** The first of its problems, in the order of `PngChunkProblem`. */
  readonly problem?: PngChunkProblem;
}

/** A walk from the signature to IEND. */
export interface PngWalk {
  readonly chunks: readonly PngChunk[];
  /** Why the walk stopped before IEND, at `errorAt`; undefined when it reached IEND. */
  readonly error: PngWalkError | undefined;
  readonly errorAt: number;
  /** Bytes after IEND, as [start, end), or undefined when IEND ends the file (or was not reached). */
  readonly trailing: readonly [number, number] | undefined;
}

/** The IHDR fields that size the picture data (§11.2.2). */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colourType: number;
  readonly interlaced: boolean;
}

/** CRC-32 (ISO 3309, as PNG uses it, §5.5) lookup table. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes[start, end)`. */
function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Whether the file starts with the PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** The problem of a chunk, given the types of the chunks before it. */
function chunkProblem(
  bytes: Uint8Array,
  view: DataView,
  chunk: Omit<PngChunk, 'problem'>,
  before: readonly string[],
): PngChunkProblem | undefined {
  const { type, start, length } = chunk;
  if (!/^[A-Za-z]{4}$/.test(type)) return 'bad_type';
  if (before.length === 0 && type !== 'IHDR') return 'ihdr_not_first';
  if (type === 'IHDR' && before.includes('IHDR')) return 'ihdr_repeated';
  if (/^..[a-z]/.test(type)) return 'reserved_bit';
  if (/^[A-Z]/.test(type) && !CRITICAL_CHUNKS.has(type)) return 'unknown_critical';
  if (type === 'IDAT' && before.includes('IDAT') && before[before.length - 1] !== 'IDAT') {
    return 'idat_not_consecutive';
  }
  if (type === 'PLTE' && before.includes('IDAT')) return 'plte_after_idat';
  const fixed = FIXED_SIZES.get(type);
  if (fixed !== undefined && length !== fixed) return 'bad_size';
  if (crc32(bytes, start + 4, start + 8 + length) !== view.getUint32(start + 8 + length)) return 'bad_crc';
  return undefined;
}

/**
 * Walks a PNG's chunks from the signature to IEND, checking each chunk's type, order, fixed size and CRC. Chunks
 * that can be followed past but break the specification carry a `problem`; bytes that cannot be followed end the
 * walk with an `error`. Reads every byte once (for the CRCs); decompresses nothing.
 * @param bytes the file.
 */
export function walkPng(bytes: Uint8Array): PngWalk {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  const stop = (error: PngWalkError, errorAt: number): PngWalk => ({
    chunks,
    error,
    errorAt,
    trailing: undefined,
  });
  if (!hasPngSignature(bytes)) return stop('no_signature', 0);
  const types: string[] = [];
  let at = PNG_SIGNATURE.length;
  while (at < bytes.length) {
    if (at + CHUNK_OVERHEAD_BYTES > bytes.length) return stop('ends_inside_chunk', at);
    const length = view.getUint32(at);
    if (length > MAX_CHUNK_LENGTH) return stop('bad_length', at);
    const end = at + CHUNK_OVERHEAD_BYTES + length;
    if (end > bytes.length) return stop('chunk_past_end', at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const chunk = { type, start: at, data: at + 8, length, end };
    const problem = chunkProblem(bytes, view, chunk, types);
    chunks.push(problem === undefined ? chunk : { ...chunk, problem });
    types.push(type);
    at = end;
    if (type === 'IEND') {
      const trailing = at < bytes.length ? ([at, bytes.length] as const) : undefined;
      return { chunks, error: undefined, errorAt: bytes.length, trailing };
    }
  }
  return stop('no_iend', at);
}

/** The IHDR fields of a walk's first chunk, or undefined when it is not a well-sized IHDR. */
export function pngHeader(bytes: Uint8Array, walk: PngWalk): PngHeader | undefined {
  const [first] = walk.chunks;
  if (first?.type !== 'IHDR' || first.length !== 13) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + first.data, 13);
  return {
    width: view.getUint32(0),
    height: view.getUint32(4),
    bitDepth: view.getUint8(8),
    colourType: view.getUint8(9),
    interlaced: view.getUint8(12) === 1,
  };
}

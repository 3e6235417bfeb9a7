/**
 * Synthetic JPEG segments for walker and allow-list tests: well-formed per ITU T.81 Annex B, too small to decode to
 * a picture (no test that uses them decodes).
 */

/** A marker segment: FF, marker, big-endian length (payload + 2), payload. */
export const seg = (marker: number, payload: readonly number[]): number[] => [
  0xff,
  marker,
  (payload.length + 2) >> 8,
  (payload.length + 2) & 0xff,
  ...payload,
];

export const SOI = [0xff, 0xd8];
export const EOI = [0xff, 0xd9];
/** One 8-bit quantisation table: Pq/Tq, 64 entries. */
export const DQT = seg(0xdb, [0x00, ...Array<number>(64).fill(1)]);
/** Baseline frame: precision 8, 16 × 8 pixels, one component (id 1, sampling 1×1, table 0). */
export const SOF0 = seg(0xc0, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]);
/** One DC Huffman table with one code of length 1 for symbol 0. */
export const DHT = seg(0xc4, [0x00, 1, ...Array<number>(15).fill(0), 0]);
export const DRI = seg(0xdd, [0, 1]);
/** A scan of the one component, spectral selection 0–63, no approximation. */
export const SOS = seg(0xda, [1, 1, 0x00, 0, 63, 0]);
/** Entropy-coded data with a stuffed 0xFF, fill bytes, and restart markers RST0, RST1 in order. */
export const SCAN = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd1, 0x78];

/** The parts, concatenated. */
export const jpeg = (...parts: (readonly number[])[]): Uint8Array => Uint8Array.from(parts.flat());

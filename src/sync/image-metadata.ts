/**
 * Finds and strips metadata (EXIF, GPS, XMP, IPTC, comments, text chunks) in JPEG and PNG files by walking
 * their structure: JPEG markers (ITU T.81 §B.1) and PNG chunks (PNG spec §5). The outbox strips before an
 * upload; the server refuses what still carries metadata. Platform-free (Uint8Array only).
 *
 * Kept segments are a strict allow-list of what decoding needs, each checked against its specification so that no
 * kept segment can carry other bytes: JPEG SOI, DQT, DHT, SOF0–SOF2, DRI, SOS (each of exactly its tables' length),
 * RSTn inside scans, EOI, APP0 JFIF of exactly 16 bytes without thumbnail, APP14 Adobe of exactly 12 bytes; PNG
 * IHDR (13 bytes, first), PLTE, tRNS, consecutive IDATs, IEND (empty), gAMA, cHRM, sRGB (each of its exact size), and
 * every PNG CRC verified. Every other application segment or ancillary chunk (thumbnails, ICC and iCCP colour
 * profiles, pHYs, bKGD, APNG frames, …) is metadata: stripped on the device, refused by the server. Markers that
 * T.81 reserves or that baseline and progressive decoders do not use (JPGn, TEM, DNL, DHP, EXP, DAC, other SOFs) and
 * malformed kept segments are structure errors (the device then draws the photo again instead of stripping it).
 */

export type ImageFormat = 'jpeg' | 'png';

/** What kind of metadata a block holds. */
export type MetadataKind =
  | 'exif'
  | 'xmp'
  | 'iptc'
  | 'multi_picture'
  | 'comment'
  | 'text'
  | 'timestamp'
  | 'application_segment'
  | 'colour_profile'
  | 'thumbnail'
  | 'ancillary_chunk'
  | 'trailing_data';

export interface MetadataBlock {
  readonly kind: MetadataKind;
  /** The JPEG marker (e.g. `APP1`) or PNG chunk type (e.g. `eXIf`). */
  readonly container: string;
  /** Byte offset of the block's start (marker or chunk length field). */
  readonly offset: number;
  /** Bytes the block occupies, marker or length/type/CRC included. */
  readonly length: number;
}

/** The bytes are not a well-formed JPEG or PNG; `message` says where. */
export class ImageStructureError extends Error {
  override readonly name = 'ImageStructureError';
}

interface Block {
  readonly start: number;
  readonly end: number;
  readonly metadata: MetadataKind | null;
  readonly container: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Detects the format from the magic bytes; null for anything else. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  return null;
}

/**
 * Lists every metadata block left in a JPEG or PNG; empty when the file is clean.
 * @throws ImageStructureError when the bytes are neither format or their structure is broken.
 */
export function findImageMetadata(bytes: Uint8Array): MetadataBlock[] {
  return walk(bytes)
    .filter((block) => block.metadata !== null)
    .map((block) => ({
      kind: block.metadata as MetadataKind,
      container: block.container,
      offset: block.start,
      length: block.end - block.start,
    }));
}

/**
 * Returns a copy of the file without its metadata blocks (and without bytes after the end of the image).
 * Pixels are untouched, so EXIF orientation is lost: apply orientation before stripping (the outbox sends
 * orientation-corrected images).
 * @throws ImageStructureError when the bytes are neither format or their structure is broken.
 */
export function stripImageMetadata(bytes: Uint8Array): Uint8Array {
  const kept = walk(bytes).filter((block) => block.metadata === null);
  const out = new Uint8Array(kept.reduce((sum, block) => sum + block.end - block.start, 0));
  let at = 0;
  for (const block of kept) {
    out.set(bytes.subarray(block.start, block.end), at);
    at += block.end - block.start;
  }
  return out;
}

function walk(bytes: Uint8Array): Block[] {
  const format = detectImageFormat(bytes);
  if (format === 'jpeg') return walkJpeg(bytes);
  if (format === 'png') return walkPng(bytes);
  throw new ImageStructureError('not a JPEG or PNG file');
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let text = '';
  for (let i = start; i < Math.min(bytes.length, start + length); i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

/** Bytes of a JFIF APP0 payload without thumbnail: "JFIF\0", version, units, densities, thumbnail size 0 × 0. */
const JFIF_PAYLOAD_BYTES = 14;
/** Bytes of an Adobe APP14 payload (Adobe TN 5116): "Adobe", version, flags0, flags1, colour transform. */
const ADOBE_PAYLOAD_BYTES = 12;

/**
 * Classifies an APPn segment by its identifier string and size; null when it is kept. Only a JFIF APP0 of exactly
 * its fixed fields (no thumbnail) and an Adobe APP14 of exactly its fixed fields are kept: any byte more could
 * carry something else.
 * @param payloadLength bytes after the length field.
 */
function classifyAppSegment(
  marker: number,
  bytes: Uint8Array,
  payload: number,
  payloadLength: number,
): MetadataKind | null {
  const id = ascii(bytes, payload, 35);
  switch (marker) {
    case 0xe0:
      if (id.startsWith('JFIF\0')) {
        const thumbnail = bytes[payload + 12]! * bytes[payload + 13]!;
        return payloadLength === JFIF_PAYLOAD_BYTES && thumbnail === 0 ? null : 'thumbnail';
      }
      return id.startsWith('JFXX\0') ? 'thumbnail' : 'application_segment';
    case 0xe1:
      if (id.startsWith('Exif\0')) return 'exif';
      // Some writers mangle the XMP namespace prefix (e.g. "XMP\0://ns.adobe.com/xap/1.0/"): match the host.
      return id.includes('ns.adobe.com/') ? 'xmp' : 'application_segment';
    case 0xe2:
      if (id.startsWith('ICC_PROFILE\0')) return 'colour_profile';
      return id.startsWith('MPF\0') ? 'multi_picture' : 'application_segment';
    case 0xed:
      return id.startsWith('Photoshop 3.0\0') ? 'iptc' : 'application_segment';
    case 0xee:
      return id.startsWith('Adobe') && payloadLength === ADOBE_PAYLOAD_BYTES ? null : 'application_segment';
    default:
      return 'application_segment';
  }
}

/**
 * The length a kept table or header segment must have, from its own content (T.81 §B.2.4, §B.2.2, §B.2.3), or
 * throws: a DQT, DHT, SOF or SOS with padding or a count that runs past its end is malformed.
 * @param payload offset of the first byte after the length field; `length` includes the length field.
 */
function checkTableSegment(marker: number, bytes: Uint8Array, payload: number, length: number): void {
  const end = payload + length - 2;
  const fail = (what: string) => {
    throw new ImageStructureError(`JPEG ${markerName(marker)} at byte ${payload - 4} ${what}`);
  };
  if (marker === 0xdb) {
    for (let at = payload; at < end;) {
      const precision = bytes[at]! >> 4;
      if (precision > 1) fail('has a bad table precision');
      at += 1 + 64 * (precision + 1);
      if (at > end) fail('has a table that runs past its end');
    }
  } else if (marker === 0xc4) {
    for (let at = payload; at < end;) {
      if (at + 17 > end) fail('has a table that runs past its end');
      let symbols = 0;
      for (let i = 1; i <= 16; i++) symbols += bytes[at + i]!;
      at += 17 + symbols;
      if (at > end) fail('has a table that runs past its end');
    }
  } else if (marker >= 0xc0 && marker <= 0xc2) {
    const components = bytes[payload + 5] ?? 0;
    if (components === 0 || length !== 8 + 3 * components) fail('does not have exactly its components');
  } else if (marker === 0xda) {
    const components = bytes[payload] ?? 0;
    if (components === 0 || length !== 6 + 2 * components) fail('does not have exactly its components');
  } else if (marker === 0xdd && length !== 4) {
    fail('is not 4 bytes long');
  }
}

/** Markers a baseline or progressive JPEG may hold beside APPn and COM: DQT, DHT, SOF0–SOF2, DRI, SOS. */
const JPEG_TABLE_MARKERS = new Set([0xdb, 0xc4, 0xc0, 0xc1, 0xc2, 0xdd, 0xda]);

function markerName(marker: number): string {
  if (marker >= 0xe0 && marker <= 0xef) return `APP${marker - 0xe0}`;
  if (marker === 0xfe) return 'COM';
  return `0xFF${marker.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** After a start-of-scan header: skips entropy-coded data (stuffed 0xFF00 and RSTn) to the next marker. */
function endOfScan(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length - 1; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1]!;
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue;
    return i;
  }
  throw new ImageStructureError('JPEG scan data runs to the end of the file without an end-of-image marker');
}

function walkJpeg(bytes: Uint8Array): Block[] {
  const blocks: Block[] = [{ start: 0, end: 2, metadata: null, container: 'SOI' }];
  let at = 2;
  let frames = 0;
  let scans = 0;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) throw new ImageStructureError(`JPEG: expected a marker at byte ${at}`);
    let markerAt = at;
    // Fill bytes (0xFF repeated) may precede a marker (T.81 §B.1.1.2).
    while (bytes[markerAt + 1] === 0xff) markerAt++;
    const marker = bytes[markerAt + 1];
    if (marker === undefined) throw new ImageStructureError('JPEG ends inside a marker');
    if (marker === 0xd9) {
      if (scans === 0) throw new ImageStructureError('JPEG ends before any picture data (no frame and scan)');
      blocks.push({ start: at, end: markerAt + 2, metadata: null, container: 'EOI' });
      if (markerAt + 2 < bytes.length) {
        blocks.push({
          start: markerAt + 2,
          end: bytes.length,
          metadata: 'trailing_data',
          container: 'after EOI',
        });
      }
      return blocks;
    }
    const isApp = marker >= 0xe0 && marker <= 0xef;
    if (!isApp && marker !== 0xfe && !JPEG_TABLE_MARKERS.has(marker)) {
      throw new ImageStructureError(
        `JPEG has marker ${markerName(marker)} at byte ${markerAt}, which BCD does not take ` +
          '(reserved, arithmetic, lossless, hierarchical or outside a scan)',
      );
    }
    if (markerAt + 4 > bytes.length) throw new ImageStructureError(`JPEG ends inside ${markerName(marker)}`);
    const length = readU16(bytes, markerAt + 2);
    const end = markerAt + 2 + length;
    if (length < 2 || end > bytes.length) {
      throw new ImageStructureError(`JPEG ${markerName(marker)} at byte ${markerAt} has a bad length`);
    }
    const payload = markerAt + 4;
    let metadata: MetadataKind | null = null;
    if (isApp) metadata = classifyAppSegment(marker, bytes, payload, length - 2);
    else if (marker === 0xfe) metadata = 'comment';
    else checkTableSegment(marker, bytes, payload, length);
    if (marker >= 0xc0 && marker <= 0xc2) frames++;
    if (marker === 0xda) {
      if (frames !== 1)
        throw new ImageStructureError(`JPEG scan at byte ${markerAt} without one frame header`);
      scans++;
    }
    const blockEnd = marker === 0xda ? endOfScan(bytes, end) : end;
    blocks.push({ start: at, end: blockEnd, metadata, container: markerName(marker) });
    at = blockEnd;
  }
  throw new ImageStructureError('JPEG has no end-of-image marker');
}

/**
 * PNG chunks kept: those the pixels need (PNG spec §11.2: IHDR, PLTE, IDAT, IEND; tRNS) and the three colour chunks
 * of fixed size, with that size (null: checked by `checkPngChunk`).
 */
const PNG_KEPT_CHUNKS: ReadonlyMap<string, number | null> = new Map([
  ['IHDR', 13],
  ['PLTE', null],
  ['IDAT', null],
  ['IEND', 0],
  ['tRNS', null],
  ['gAMA', 4],
  ['cHRM', 32],
  ['sRGB', 1],
]);

function classifyPngChunk(type: string): MetadataKind | null {
  if (PNG_KEPT_CHUNKS.has(type)) return null;
  if (type === 'eXIf') return 'exif';
  if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') return 'text';
  if (type === 'tIME') return 'timestamp';
  if (type === 'iCCP') return 'colour_profile';
  // Bit 5 of the first letter set (lower case) marks an ancillary chunk (PNG spec §5.4).
  if (/^[a-z]/.test(type)) return 'ancillary_chunk';
  throw new ImageStructureError(`PNG has an unknown critical chunk ${JSON.stringify(type)}`);
}

/** CRC-32 (ISO 3309, as PNG uses it) lookup table. */
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

/** Checks a kept chunk's size, its position rules (IHDR first, IDATs consecutive) and the CRC of every chunk. */
function checkPngChunk(
  bytes: Uint8Array,
  at: number,
  type: string,
  length: number,
  previous: string[],
): void {
  const expected = PNG_KEPT_CHUNKS.get(type);
  if (expected !== undefined && expected !== null && length !== expected) {
    throw new ImageStructureError(`PNG ${type} at byte ${at} is ${length} bytes long, not ${expected}`);
  }
  if ((type === 'IHDR') !== (previous.length === 0)) {
    throw new ImageStructureError('PNG must start with exactly one IHDR chunk');
  }
  if (type === 'IDAT' && previous.includes('IDAT') && previous[previous.length - 1] !== 'IDAT') {
    throw new ImageStructureError(`PNG IDAT at byte ${at} does not follow the other IDAT chunks`);
  }
  if (crc32(bytes, at + 4, at + 8 + length) !== readU32(bytes, at + 8 + length)) {
    throw new ImageStructureError(`PNG chunk ${type} at byte ${at} fails its CRC check`);
  }
}

function walkPng(bytes: Uint8Array): Block[] {
  const blocks: Block[] = [{ start: 0, end: 8, metadata: null, container: 'signature' }];
  const types: string[] = [];
  let at = 8;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new ImageStructureError(`PNG ends inside a chunk header at byte ${at}`);
    const length = readU32(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new ImageStructureError(`PNG has a malformed chunk at byte ${at}`);
    const end = at + 12 + length;
    if (end > bytes.length) throw new ImageStructureError(`PNG chunk ${type} runs past the end of the file`);
    checkPngChunk(bytes, at, type, length, types);
    let metadata = classifyPngChunk(type);
    // XMP travels in an iTXt chunk with this keyword.
    if (type === 'iTXt' && ascii(bytes, at + 8, 17) === 'XML:com.adobe.xmp') metadata = 'xmp';
    blocks.push({ start: at, end, metadata, container: type });
    // Only kept chunks count for the position rules: stripping removes the rest.
    if (metadata === null) types.push(type);
    at = end;
    if (type === 'IEND') {
      if (!types.includes('IDAT')) throw new ImageStructureError('PNG has no picture data (IDAT)');
      if (at < bytes.length) {
        blocks.push({ start: at, end: bytes.length, metadata: 'trailing_data', container: 'after IEND' });
      }
      return blocks;
    }
  }
  throw new ImageStructureError('PNG has no IEND chunk');
}

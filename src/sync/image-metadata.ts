/**
 * Finds and strips metadata (EXIF, GPS, XMP, IPTC, comments, text chunks) in JPEG and PNG files by walking
 * their structure: JPEG markers (ITU T.81 §B.1) and PNG chunks (PNG spec §5). The outbox strips before an
 * upload; the server refuses what still carries metadata. Platform-free (Uint8Array only).
 *
 * Kept segments are an allow-list of what decoding and colour need: JPEG APP0 JFIF/JFXX, APP2 ICC_PROFILE,
 * APP14 Adobe and every non-APP marker; PNG critical chunks and colour/transparency/animation chunks. Anything
 * else, including unknown application segments, is metadata: an allow-list cannot miss a vendor's new block.
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

/** Classifies an APPn segment by its identifier string; null when it is kept. */
function classifyAppSegment(marker: number, bytes: Uint8Array, payload: number): MetadataKind | null {
  const id = ascii(bytes, payload, 35);
  switch (marker) {
    case 0xe0:
      return id.startsWith('JFIF\0') || id.startsWith('JFXX\0') ? null : 'application_segment';
    case 0xe1:
      if (id.startsWith('Exif\0')) return 'exif';
      // Some writers mangle the XMP namespace prefix (e.g. "XMP\0://ns.adobe.com/xap/1.0/"): match the host.
      return id.includes('ns.adobe.com/') ? 'xmp' : 'application_segment';
    case 0xe2:
      if (id.startsWith('ICC_PROFILE\0')) return null;
      return id.startsWith('MPF\0') ? 'multi_picture' : 'application_segment';
    case 0xed:
      return id.startsWith('Photoshop 3.0\0') ? 'iptc' : 'application_segment';
    case 0xee:
      return id.startsWith('Adobe') ? null : 'application_segment';
    default:
      return 'application_segment';
  }
}

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
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) throw new ImageStructureError(`JPEG: expected a marker at byte ${at}`);
    let markerAt = at;
    // Fill bytes (0xFF repeated) may precede a marker (T.81 §B.1.1.2).
    while (bytes[markerAt + 1] === 0xff) markerAt++;
    const marker = bytes[markerAt + 1];
    if (marker === undefined) throw new ImageStructureError('JPEG ends inside a marker');
    if (marker === 0xd9) {
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
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      blocks.push({ start: at, end: markerAt + 2, metadata: null, container: markerName(marker) });
      at = markerAt + 2;
      continue;
    }
    if (markerAt + 4 > bytes.length) throw new ImageStructureError(`JPEG ends inside ${markerName(marker)}`);
    const length = readU16(bytes, markerAt + 2);
    const end = markerAt + 2 + length;
    if (length < 2 || end > bytes.length) {
      throw new ImageStructureError(`JPEG ${markerName(marker)} at byte ${markerAt} has a bad length`);
    }
    const payload = markerAt + 4;
    let metadata: MetadataKind | null = null;
    if (marker >= 0xe0 && marker <= 0xef) metadata = classifyAppSegment(marker, bytes, payload);
    else if (marker === 0xfe) metadata = 'comment';
    const blockEnd = marker === 0xda ? endOfScan(bytes, end) : end;
    blocks.push({ start: at, end: blockEnd, metadata, container: markerName(marker) });
    at = blockEnd;
  }
  throw new ImageStructureError('JPEG has no end-of-image marker');
}

/** PNG chunks kept: critical ones plus colour, transparency, physical size and animation (APNG). */
const PNG_KEPT_CHUNKS = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'iCCP',
  'cICP',
  'mDCV',
  'cLLI',
  'sBIT',
  'bKGD',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);

function classifyPngChunk(type: string): MetadataKind | null {
  if (PNG_KEPT_CHUNKS.has(type)) return null;
  if (type === 'eXIf') return 'exif';
  if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') return 'text';
  if (type === 'tIME') return 'timestamp';
  // Bit 5 of the first letter set (lower case) marks an ancillary chunk (PNG spec §5.4).
  if (/^[a-z]/.test(type)) return 'ancillary_chunk';
  throw new ImageStructureError(`PNG has an unknown critical chunk ${JSON.stringify(type)}`);
}

function walkPng(bytes: Uint8Array): Block[] {
  const blocks: Block[] = [{ start: 0, end: 8, metadata: null, container: 'signature' }];
  let at = 8;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new ImageStructureError(`PNG ends inside a chunk header at byte ${at}`);
    const length = readU32(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new ImageStructureError(`PNG has a malformed chunk at byte ${at}`);
    const end = at + 12 + length;
    if (end > bytes.length) throw new ImageStructureError(`PNG chunk ${type} runs past the end of the file`);
    let metadata = classifyPngChunk(type);
    // XMP travels in an iTXt chunk with this keyword.
    if (type === 'iTXt' && ascii(bytes, at + 8, 17) === 'XML:com.adobe.xmp') metadata = 'xmp';
    blocks.push({ start: at, end, metadata, container: type });
    at = end;
    if (type === 'IEND') {
      if (at < bytes.length) {
        blocks.push({ start: at, end: bytes.length, metadata: 'trailing_data', container: 'after IEND' });
      }
      return blocks;
    }
  }
  throw new ImageStructureError('PNG has no IEND chunk');
}

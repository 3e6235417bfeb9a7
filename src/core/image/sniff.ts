import { ImageInputError } from './errors.ts';
import { hasPngSignature } from './png-structure.ts';

/** The image formats BCD decodes (with the WASM codecs in `codecs.ts`). */
export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** How a format is named to a person. */
export const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

const JXL_CONTAINER = [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
/** DIB header sizes of the BMP variants (core, v1–v5): "BM" alone is too weak a signature, text can start with it. */
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'mif2', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** Image formats recognised from their signature, then refused with a message naming them. */
type RefusedFormat = 'HEIC' | 'HEIF' | 'AVIF' | 'GIF' | 'TIFF' | 'BMP' | 'JPEG XL';

const ADVICE = 'export or save this one as JPEG and add it again';
const UNSUPPORTED: Readonly<Record<RefusedFormat, string>> = {
  HEIC: `HEIC photos are not supported yet; ${ADVICE} (on an iPhone: Settings › Camera › Formats › Most Compatible).`,
  HEIF: `HEIF images are not supported yet; ${ADVICE}.`,
  AVIF: `AVIF images are not supported yet; ${ADVICE}.`,
  GIF: `GIF images are not supported; ${ADVICE}.`,
  TIFF: `TIFF images (including camera RAW files) are not supported; ${ADVICE}.`,
  BMP: `BMP images are not supported; ${ADVICE}.`,
  'JPEG XL': `JPEG XL images are not supported yet; ${ADVICE}.`,
};

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** The brands of an ISO-BMFF `ftyp` box (HEIF, AVIF, MP4 …): the major brand, then the compatible ones. */
function ftypBrands(bytes: Uint8Array): string[] {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== 'ftyp') return [];
  const boxEnd = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0));
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

/** Names an image format BCD recognises but does not decode, or returns undefined. */
function refusedFormat(bytes: Uint8Array): RefusedFormat | undefined {
  const brands = ftypBrands(bytes);
  // AVIF files also list the generic HEIF brand `mif1`, so AVIF is checked first.
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'AVIF';
  if (brands.some((b) => HEIC_BRANDS.has(b))) return 'HEIC';
  if (brands.some((b) => HEIF_BRANDS.has(b))) return 'HEIF';
  const head = ascii(bytes, 0, 6);
  if (head === 'GIF87a' || head === 'GIF89a') return 'GIF';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'TIFF';
  // BigTIFF.
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b]))
    return 'TIFF';
  if (head.startsWith('BM') && bytes.length >= 18) {
    const dibHeaderSize = new DataView(bytes.buffer, bytes.byteOffset + 14, 4).getUint32(0, true);
    if (BMP_DIB_HEADER_SIZES.has(dibHeaderSize)) return 'BMP';
  }
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, JXL_CONTAINER)) return 'JPEG XL';
  return undefined;
}

/**
 * Identifies an image's format from its first bytes (magic numbers). The file name and any MIME type are never
 * consulted: either can be wrong (a PNG renamed `.jpg`, a text file renamed `.jpg`).
 * @param bytes the whole file, or at least its first 32 bytes.
 * @returns the format, when it is one BCD decodes (JPEG, PNG, WebP).
 * @throws ImageInputError `empty` for zero bytes; `unsupported_format` for an image format BCD recognises but does
 *   not decode (HEIC/HEIF, AVIF, GIF, TIFF, BMP, JPEG XL), naming it; `not_an_image` for anything else.
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0)
    throw new ImageInputError('empty', 'This file is empty (0 bytes); there is no picture in it.');
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (hasPngSignature(bytes)) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  const refused = refusedFormat(bytes);
  if (refused !== undefined) throw new ImageInputError('unsupported_format', UNSUPPORTED[refused]);
  throw new ImageInputError(
    'not_an_image',
    'This file is not a picture BCD can read: its contents are not a JPEG, PNG or WebP image, whatever its name says.',
  );
}

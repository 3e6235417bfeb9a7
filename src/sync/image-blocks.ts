/** The vocabulary the metadata policies share (see `image-metadata.ts`). Platform-free (Uint8Array only). */

import { hasPngSignature } from '../core/image/png-structure.ts';

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

/** A run of a file's bytes as the allow-list sees it: kept (`metadata` null) or metadata of a kind. */
export interface ClassifiedBlock {
  readonly start: number;
  readonly end: number;
  readonly metadata: MetadataKind | null;
  /** The JPEG marker name, PNG chunk type, or what the bytes are (`scan data`, `after EOI`). */
  readonly container: string;
}

/** The bytes are not a well-formed JPEG or PNG; `message` says where. */
export class ImageStructureError extends Error {
  override readonly name = 'ImageStructureError';
}

/** Detects the format from the magic bytes; null for anything else. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (hasPngSignature(bytes)) return 'png';
  return null;
}

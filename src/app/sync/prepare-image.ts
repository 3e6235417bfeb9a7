import {
  ImageStructureError,
  detectImageFormat,
  findImageMetadata,
  stripImageMetadata,
} from '../../sync/image-metadata.ts';
import type { PreparedImage } from '../db/schema.ts';
import { sha256Hex } from '../../core/sha256.ts';

/** Re-encodes a photo from its decoded, upright pixels (the browser's `encodeUpright`; a stand-in in tests). */
export type UprightEncoder = (
  original: Blob,
  format: 'jpeg' | 'png' | null,
) => Promise<{ bytes: Uint8Array; contentType: 'image/jpeg' | 'image/png' }>;

/** Reads the EXIF orientation (1–8) of a file; 1 when it has none. */
export type OrientationReader = (bytes: Uint8Array) => Promise<number>;

/**
 * How a stored photo becomes an upload. `strip`: a JPEG or PNG that needs no turning keeps its exact pixel data
 * and loses only its metadata blocks (lossless). `re-encode`: a photo stored sideways (EXIF orientation 2–8) or in
 * a format the server does not take (WebP) is drawn upright and encoded again, because stripping alone would drop
 * the orientation tag and leave the picture sideways.
 */
export function preparationPlan(format: 'jpeg' | 'png' | null, orientation: number): 'strip' | 're-encode' {
  return format !== null && orientation === 1 ? 'strip' : 're-encode';
}

/** EXIF orientation through the analysis core's reader, loaded on first use (exifr stays out of the app's start). */
const readOrientation: OrientationReader = async (bytes) =>
  (await import('../../core/image/exif-orientation.ts')).readExifOrientation(bytes);

/**
 * Turns a stored photo into the bytes that may leave the device: upright, with every metadata block (EXIF, GPS,
 * XMP, IPTC, comments, text chunks, trailing data) removed, and their sha256 for the idempotent upload.
 * @param encode the re-encoder for photos that must be turned or converted (see `preparationPlan`).
 * @param orientationOf reads the EXIF orientation (the analysis core's exifr reader by default).
 * @returns the upload: bytes, their lower-case hex sha256, content type, and whether they were stripped or re-encoded.
 * @throws Error when the result still carried metadata (it is then never sent) or the photo cannot be decoded.
 */
export async function prepareImage(
  original: Blob,
  encode: UprightEncoder,
  orientationOf: OrientationReader = readOrientation,
): Promise<PreparedImage> {
  const bytes = new Uint8Array(await original.arrayBuffer());
  const format = detectImageFormat(bytes);
  const orientation = format === null ? 1 : await orientationOf(bytes);
  let out: Uint8Array | null = null;
  let contentType: 'image/jpeg' | 'image/png' = format === 'png' ? 'image/png' : 'image/jpeg';
  let method: PreparedImage['method'] = 'stripped';
  if (preparationPlan(format, orientation) === 'strip') {
    try {
      out = stripImageMetadata(bytes);
    } catch (error) {
      // A file the decoder accepted but whose block structure the stripper cannot walk: draw it again instead.
      if (!(error instanceof ImageStructureError)) throw error;
    }
  }
  if (out === null) {
    const encoded = await encode(original, format);
    // The browser's encoders write none, but nothing with metadata may leave: strip what might be there.
    out = stripImageMetadata(encoded.bytes);
    contentType = encoded.contentType;
    method = 're-encoded';
  }
  const left = findImageMetadata(out);
  if (left.length > 0) {
    throw new Error(
      `metadata left after stripping: ${left.map((b) => `${b.kind} in ${b.container}`).join(', ')}`,
    );
  }
  const upload = new Uint8Array(out);
  return {
    bytes: new Blob([upload], { type: contentType }),
    sha256: await sha256Hex(upload),
    content_type: contentType,
    method,
  };
}

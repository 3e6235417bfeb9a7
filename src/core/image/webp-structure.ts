const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
/** VP8X feature flag: the file holds an animation. */
const ANIMATION_FLAG = 0x02;
/** Some writers keep the JPEG APP1 prefix in front of the TIFF data of a WebP EXIF chunk. */
const EXIF_APP1_PREFIX = 'Exif\0\0';

/** What the RIFF chunks of a WebP file say about it. */
export interface WebpStructure {
  /** Whether the file holds all the bytes its RIFF header announces, in whole chunks. */
  readonly complete: boolean;
  /** Whether the VP8X header flags an animation. */
  readonly animated: boolean;
  /** The EXIF chunk's TIFF data (byte-order mark first), if there is one. */
  readonly exif: Uint8Array | undefined;
}

/**
 * Reads a WebP file's RIFF chunk list. The WebP codec reports a cut-short file only as a generic failure, while the
 * RIFF header states the full size, so truncation is named here. Reads chunk headers only.
 * @param bytes a file that starts with `RIFF....WEBP` (see `sniffFormat`).
 */
export function readWebpStructure(bytes: Uint8Array): WebpStructure {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffEnd = CHUNK_HEADER_BYTES + view.getUint32(4, true);
  let animated = false;
  let exif: Uint8Array | undefined;
  if (riffEnd > bytes.length) return { complete: false, animated, exif };
  let at = RIFF_HEADER_BYTES;
  while (at + CHUNK_HEADER_BYTES <= riffEnd) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4));
    const start = at + CHUNK_HEADER_BYTES;
    const end = start + view.getUint32(at + 4, true);
    if (end > riffEnd) return { complete: false, animated, exif };
    if (id === 'VP8X' && end > start) animated = ((bytes[start] ?? 0) & ANIMATION_FLAG) !== 0;
    if (id === 'EXIF') exif = withoutApp1Prefix(bytes.subarray(start, end));
    // Chunks are padded to an even size.
    at = end + ((end - start) & 1);
  }
  return { complete: true, animated, exif };
}

function withoutApp1Prefix(exif: Uint8Array): Uint8Array {
  const prefix = String.fromCharCode(...exif.subarray(0, EXIF_APP1_PREFIX.length));
  return prefix === EXIF_APP1_PREFIX ? exif.subarray(EXIF_APP1_PREFIX.length) : exif;
}

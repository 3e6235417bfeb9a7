/**
 * The device's stripper: which segments of a JPEG or PNG leave the phone. It keeps exactly what the server's
 * allow-list allows (`metadata-check.ts`) and drops every metadata block, so what it returns passes the server's
 * check; structure the allow-list refuses is not repaired here (the outbox then draws the photo again).
 */

import { classifyImage } from './metadata-check.ts';

/**
 * Returns a copy of the file without its metadata blocks (and without bytes after the end of the image).
 * Pixels are untouched, so EXIF orientation is lost: apply orientation before stripping (the outbox sends
 * orientation-corrected images).
 * @throws ImageStructureError when the bytes are neither format or their structure is refused.
 */
export function stripImageMetadata(bytes: Uint8Array): Uint8Array {
  const kept = classifyImage(bytes).filter((block) => block.metadata === null);
  const out = new Uint8Array(kept.reduce((sum, block) => sum + block.end - block.start, 0));
  let at = 0;
  for (const block of kept) {
    out.set(bytes.subarray(block.start, block.end), at);
    at += block.end - block.start;
  }
  return out;
}

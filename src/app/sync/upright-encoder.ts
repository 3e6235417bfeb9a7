/**
 * JPEG quality of re-encoded photos: high, because researchers study these pixels; the originals' own quality is
 * unknown, so this adds little loss of its own.
 */
export const JPEG_QUALITY = 0.95;

/**
 * Decodes a photo in the browser with its EXIF orientation applied (`createImageBitmap`, `from-image`), and
 * encodes the upright pixels again: PNG for a PNG (keeps transparency, lossless), JPEG for anything else. The
 * browser's encoders write no EXIF, GPS or other metadata.
 * @returns the new file's bytes and type.
 * @throws the browser's error when the photo cannot be decoded (it was decoded once already, at analysis).
 */
export async function encodeUpright(
  original: Blob,
  format: 'jpeg' | 'png' | null,
): Promise<{ bytes: Uint8Array; contentType: 'image/jpeg' | 'image/png' }> {
  const bitmap = await createImageBitmap(original, { imageOrientation: 'from-image' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw the photo again (no 2D canvas)');
    context.drawImage(bitmap, 0, 0);
    const contentType = format === 'png' ? 'image/png' : 'image/jpeg';
    const blob = await canvas.convertToBlob({ type: contentType, quality: JPEG_QUALITY });
    return { bytes: new Uint8Array(await blob.arrayBuffer()), contentType };
  } finally {
    bitmap.close();
  }
}

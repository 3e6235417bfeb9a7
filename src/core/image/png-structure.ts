const SIGNATURE_BYTES = 8;
/** Chunk length field, type, and CRC around each chunk's data. */
const CHUNK_OVERHEAD_BYTES = 12;

/**
 * Whether a PNG's chunk sequence runs, whole, up to its IEND chunk. A file cut short ends inside a chunk or before
 * IEND. The PNG codec reports such files only as a generic failure, so this check names the cause. Reads chunk
 * headers only (a few per file); CRCs and compressed data are left to the codec.
 * @param bytes a file that starts with the PNG signature (see `sniffFormat`).
 */
export function isPngComplete(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = SIGNATURE_BYTES;
  while (at + 8 <= bytes.length) {
    const dataLength = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    at += CHUNK_OVERHEAD_BYTES + dataLength;
    if (at > bytes.length) return false;
    if (type === 'IEND') return true;
  }
  return false;
}

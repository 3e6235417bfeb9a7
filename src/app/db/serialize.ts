/**
 * JSON encoding of stored rows for the export file: Blobs, Float32Arrays and Uint8Arrays become tagged base64
 * objects, so photos, vectors and change rasters survive a round trip byte for byte.
 */

interface EncodedBlob {
  $blob: string;
  type: string;
}
interface EncodedFloat32 {
  $f32: string;
}
interface EncodedUint8 {
  $u8: string;
}

/** Base64 of bytes, in chunks so large photos do not overflow the argument list of `String.fromCharCode`. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Bytes of a base64 string. @throws DOMException when the string is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns a stored value into plain JSON data (Blob, Float32Array and Uint8Array become tagged base64 objects). */
export async function encodeValue(value: unknown): Promise<unknown> {
  if (value instanceof Blob) {
    return {
      $blob: bytesToBase64(new Uint8Array(await value.arrayBuffer())),
      type: value.type,
    } as EncodedBlob;
  }
  if (value instanceof Float32Array) {
    return {
      $f32: bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)),
    } as EncodedFloat32;
  }
  if (value instanceof Uint8Array) return { $u8: bytesToBase64(value) } as EncodedUint8;
  if (Array.isArray(value)) return Promise.all(value.map(encodeValue));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await encodeValue(v);
    return out;
  }
  return value;
}

/** Inverse of {@link encodeValue}. */
export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (!isRecord(value)) return value;
  if (typeof value.$blob === 'string' && typeof value.type === 'string') {
    return new Blob([base64ToBytes(value.$blob)], { type: value.type });
  }
  if (typeof value.$f32 === 'string') return new Float32Array(base64ToBytes(value.$f32).buffer);
  if (typeof value.$u8 === 'string') return base64ToBytes(value.$u8);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v);
  return out;
}

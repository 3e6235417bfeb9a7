/**
 * An embedding on the wire as base64 of its little-endian float32 bytes (the contract's `vector_f32`), the form
 * the app sends. JSON numbers (`vector`) stay accepted. Why: a 1280-d vector is 6.8 KB of base64 against about
 * 14 KB of 9-digit numbers, and the server reads it without parsing or validating 1280 numbers. Measured on the
 * server's thread for a 13-vector session: UTF-8 decoding, JSON.parse and zod took 11 ms as numbers, 1.5 ms as
 * base64. Uses the platform's `btoa`/`atob` (browsers and Node alike), so the app and the server decode the same.
 */

/** float32 bytes per value. */
const BYTES_PER_VALUE = 4;

/**
 * `vector`'s float32 bytes, little-endian whatever the platform's byte order (the wire form, and what the server's
 * idempotency hash covers): 4 bytes per value.
 */
export function float32LittleEndianBytes(vector: Float32Array): Uint8Array {
  const bytes = new Uint8Array(vector.length * BYTES_PER_VALUE);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * BYTES_PER_VALUE, vector[i]!, true);
  return bytes;
}

/** `vector`'s float32 bytes, little-endian, as standard base64 (with padding). */
export function float32ToBase64(vector: Float32Array): string {
  const bytes = float32LittleEndianBytes(vector);
  let binary = '';
  // String.fromCharCode takes its arguments on the stack: a few thousand at a time stays far below its limit.
  for (let i = 0; i < bytes.length; i += 4096) binary += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return btoa(binary);
}

/**
 * The float32 values of `text` (base64 of little-endian float32 bytes).
 * @throws RangeError when `text` is not padded standard base64 (RFC 4648 §4) or its bytes are not a whole number
 *   of float32 values.
 */
export function float32FromBase64(text: string): Float32Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new RangeError('is not base64');
  }
  // `atob` also takes whitespace and missing padding (WHATWG forgiving-base64); only the canonical form is the
  // wire's, and its length follows from the bytes. Checked here rather than by zod's `base64()`, whose regex and
  // trial decode were a third decode of every vector in a CPU profile of bench:server.
  if (text.length !== Math.ceil(binary.length / 3) * 4) throw new RangeError('is not padded standard base64');
  if (binary.length % BYTES_PER_VALUE !== 0) {
    throw new RangeError(`holds ${binary.length} bytes, not a whole number of float32 values`);
  }
  // Plain indexed loops: `Float32Array.from` with a callback plus `DataView.setUint8` per byte took 220 µs a
  // vector against 40 µs this way (throwaway micro-bench, loaded machine): a tenth of the server thread per
  // session in a CPU profile of bench:server.
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(binary.length / BYTES_PER_VALUE);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * BYTES_PER_VALUE, true);
  return values;
}

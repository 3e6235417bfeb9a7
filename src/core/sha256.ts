/**
 * Lower-case hex SHA-256 of `bytes`, through Web Crypto (`crypto.subtle`, in browsers, their workers and Node 20
 * alike): the photo and model checksums of the app, the sync contract and the model loader.
 */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer> | Blob): Promise<string> {
  const data = bytes instanceof Blob ? await bytes.arrayBuffer() : bytes;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Where image bytes live: files under the data directory (embedded) or a Supabase Storage bucket.
 * Paths are `<participant>/<session>/<image>.<ext>`, built from ids the contract restricts to
 * `[A-Za-z0-9_-]`, so a path never escapes its root.
 */
export interface ImageStore {
  /** Stores `bytes` at `path`, replacing what was there. Atomic: a reader sees the old or the new bytes. */
  put(path: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The stored bytes. @throws ImageNotFoundError when nothing is stored at `path`. */
  get(path: string): Promise<Uint8Array>;
  /** Deletes the given paths; returns how many existed and were deleted. */
  delete(paths: readonly string[]): Promise<number>;
  /**
   * Deletes everything stored for a participant (withdrawal). Files: the whole `<participant>/` folder, so files a
   * crash left without a row go too. Storage: `knownPaths` (the rows' paths; the bucket is not listed).
   * Returns how many images were deleted.
   */
  deleteParticipant(participantId: string, knownPaths: readonly string[]): Promise<number>;
  /** Resolves when the store is reachable and writable (readiness probe); throws otherwise. */
  check(): Promise<void>;
}

/** `get` of a path that holds nothing. */
export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
}

/** File extension stored for each accepted content type. */
export const EXTENSION_OF_CONTENT_TYPE: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/**
 * The storage path of one upload of an image: `<participant>/<session>/<image>.<upload>.<ext>`. Each upload gets its
 * own `upload` id (random), so two concurrent uploads of one image never write the same file: the one whose row
 * commits first keeps its file, the other deletes its own.
 */
export function imagePath(
  participantId: string,
  sessionId: string,
  imageId: string,
  contentType: string,
  uploadId: string,
): string {
  const extension = EXTENSION_OF_CONTENT_TYPE[contentType] ?? 'bin';
  return `${participantId}/${sessionId}/${imageId}.${uploadId}.${extension}`;
}

import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, rmdir, unlink, writeFile, constants } from 'node:fs/promises';
import path from 'node:path';
import { ImageNotFoundError, type ImageStore } from './image-store.ts';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Removes the now-empty session and participant folders above a deleted file, so no trace of ids is left. */
async function removeEmptyParents(file: string, root: string): Promise<void> {
  for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
  }
}

/**
 * Image store on the local disk (embedded mode): one file per image under `root`.
 * Writes go to a temporary file that is renamed into place, so a crash never leaves a half-written image.
 */
export function fileImageStore(root: string): ImageStore {
  const resolve = (relative: string): string => {
    const full = path.resolve(root, relative);
    if (!full.startsWith(path.resolve(root) + path.sep))
      throw new Error(`image path escapes the store: ${relative}`);
    return full;
  };
  return {
    async put(relative, bytes) {
      const full = resolve(relative);
      await mkdir(path.dirname(full), { recursive: true });
      const temporary = `${full}.${randomUUID()}.partial`;
      try {
        await writeFile(temporary, bytes);
        await rename(temporary, full);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async get(relative) {
      try {
        return new Uint8Array(await readFile(resolve(relative)));
      } catch (error) {
        if (isMissing(error)) throw new ImageNotFoundError(`no image stored at ${relative}`);
        throw error;
      }
    },
    async delete(paths) {
      let deleted = 0;
      for (const relative of paths) {
        const full = resolve(relative);
        try {
          await unlink(full);
          deleted++;
          await removeEmptyParents(full, path.resolve(root));
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
      return deleted;
    },
    async check() {
      await mkdir(root, { recursive: true });
      await access(root, constants.W_OK);
    },
  };
}

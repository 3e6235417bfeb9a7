import { randomUUID } from 'node:crypto';
import {
  access,
  chmod,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  unlink,
  writeFile,
  constants,
} from 'node:fs/promises';
import path from 'node:path';
import { ImageNotFoundError, type ImageStore } from './image-store.ts';

/** Folders of the store: owner only (the photos are of people's bodies). */
export const PRIVATE_DIR_MODE = 0o700;
/** Files of the store: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Suffix of a file being written; renamed into place when whole, swept at start-up when a crash left it. */
export const PARTIAL_SUFFIX = '.partial';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Creates `dir` (and missing parents) with mode 0700 and sets 0700 on it if it already existed with another mode.
 * (mkdir's mode is filtered by the umask and does not apply to existing folders, hence the chmod.)
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
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

/** Every file under `dir`, as paths relative to `root` with `/` separators; none when `dir` is missing. */
async function listFiles(root: string, dir = root): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, full)));
    else files.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return files;
}

/** An image store on the local disk, plus what only a local disk can do: list its files. */
export interface FileImageStore extends ImageStore {
  /** Every stored file (including `*.partial` leftovers), relative to the root. */
  listFiles(): Promise<string[]>;
}

/**
 * Image store on the local disk (embedded mode): one file per image under `root`, folders 0700, files 0600.
 * Writes go to a `*.partial` file that is renamed into place, so a crash never leaves a half-written image under an
 * image's name (the start-up sweep, `sweepImageFiles`, removes the partial file).
 */
export function fileImageStore(root: string): FileImageStore {
  const resolvedRoot = path.resolve(root);
  const resolve = (relative: string): string => {
    const full = path.resolve(resolvedRoot, relative);
    if (!full.startsWith(resolvedRoot + path.sep))
      throw new Error(`image path escapes the store: ${relative}`);
    return full;
  };
  /** Creates the folders between the root and `dir`, each 0700. */
  const ensureFolders = async (dir: string) => {
    await ensurePrivateDir(resolvedRoot);
    const parts = path.relative(resolvedRoot, dir).split(path.sep).filter(Boolean);
    let at = resolvedRoot;
    for (const part of parts) {
      at = path.join(at, part);
      await mkdir(at, { mode: PRIVATE_DIR_MODE }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  };
  return {
    async put(relative, bytes) {
      const full = resolve(relative);
      await ensureFolders(path.dirname(full));
      const temporary = `${full}.${randomUUID()}${PARTIAL_SUFFIX}`;
      try {
        await writeFile(temporary, bytes, { mode: PRIVATE_FILE_MODE });
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
          await removeEmptyParents(full, resolvedRoot);
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
      return deleted;
    },
    async deleteParticipant(participantId, _knownPaths) {
      const folder = resolve(participantId);
      const files = (await listFiles(resolvedRoot, folder)).filter((file) => !file.endsWith(PARTIAL_SUFFIX));
      await rm(folder, { recursive: true, force: true });
      return files.length;
    },
    listFiles: () => listFiles(resolvedRoot),
    async check() {
      await ensurePrivateDir(resolvedRoot);
      await access(resolvedRoot, constants.W_OK);
      // A full disk still passes access(): write (and remove) a small probe file.
      const probe = path.join(resolvedRoot, `.ready-${randomUUID()}${PARTIAL_SUFFIX}`);
      try {
        await writeFile(probe, new Uint8Array(4096), { mode: PRIVATE_FILE_MODE });
      } finally {
        await rm(probe, { force: true });
      }
    },
  };
}

/**
 * The start-up sweep of the embedded image store: deletes `*.partial` files (a write cut short by a crash) and
 * image files that no row refers to (a crash between the file's rename and its row's commit, or a withdrawal's
 * folder removal interrupted). Run before the server listens, so no upload is in flight.
 * @param referenced every `storage_path` of the images table.
 * @returns how many files of each kind were deleted.
 */
export async function sweepImageFiles(
  store: FileImageStore,
  referenced: ReadonlySet<string>,
): Promise<{ partial: number; unreferenced: number }> {
  const files = await store.listFiles();
  const partial = files.filter((file) => file.endsWith(PARTIAL_SUFFIX));
  const unreferenced = files.filter((file) => !file.endsWith(PARTIAL_SUFFIX) && !referenced.has(file));
  await store.delete([...partial, ...unreferenced]);
  return { partial: partial.length, unreferenced: unreferenced.length };
}

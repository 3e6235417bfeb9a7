import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** An image file of a session folder, with the angle its name declares. */
export interface SessionFile {
  readonly file: string;
  readonly path: string;
  readonly angle: string;
}

export interface SessionDir {
  /** The folder name, used as the session id. */
  readonly session_id: string;
  readonly path: string;
  readonly files: readonly SessionFile[];
}

/** `<angle>.<ext>` or `<angle>__<n>.<ext>`; the angle is lower-case letters, digits and `_`. */
const IMAGE_NAME = /^([a-z0-9]+(?:_[a-z0-9]+)*)(?:__(\d+))?\.(jpe?g|png|webp)$/i;

/**
 * Reads one session folder: every file named `<angle>.<ext>` or `<angle>__<n>.<ext>` (jpg, jpeg, png, webp;
 * extension case ignored), sorted by angle then n. Other files are ignored: a history folder may hold notes.
 * The extension only selects files; formats are sniffed from the bytes later.
 * @throws Error when `path` is not a readable folder.
 */
export async function readSessionDir(path: string, sessionId: string): Promise<SessionDir> {
  const entries = await readdir(path, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .flatMap((e) => {
      const m = IMAGE_NAME.exec(e.name);
      return m
        ? [
            {
              file: e.name,
              path: join(path, e.name),
              angle: (m[1] as string).toLowerCase(),
              n: Number(m[2] ?? 0),
            },
          ]
        : [];
    })
    .sort((a, b) => (a.angle === b.angle ? a.n - b.n : a.angle < b.angle ? -1 : 1))
    .map(({ file, path: p, angle }) => ({ file, path: p, angle }));
  return { session_id: sessionId, path, files };
}

/**
 * Reads a history folder: one sub-folder per session, in the order of their names (which must sort
 * chronologically, e.g. `2026-01-05`), each read by {@link readSessionDir}.
 * @throws Error when `root` is missing, not a folder, or holds no session folder.
 */
export async function readHistoryDir(root: string): Promise<SessionDir[]> {
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`History folder not found: ${root}`);
  const names = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (names.length === 0)
    throw new Error(`No session folders in ${root}: expected one sub-folder per session`);
  return Promise.all(names.map((name) => readSessionDir(join(root, name), name)));
}

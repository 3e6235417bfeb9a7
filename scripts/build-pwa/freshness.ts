import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** What `vite build` reads: the app's sources, its static files and the build configuration. */
export const PWA_SOURCES = [
  'index.html',
  'vite.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'src',
  'workers',
  'public',
] as const;

/** Latest modification time (ms since the epoch) of a file, or of any file under a directory; 0 when missing. */
async function newestMtime(target: string): Promise<number> {
  const info = await stat(target).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = await stat(path.join(entry.parentPath, entry.name)).catch(() => null);
    if (file) newest = Math.max(newest, file.mtimeMs);
  }
  return newest;
}

/**
 * Whether `outDir` holds a build newer than every source under `root`. The build's `index.html` is the stamp: the
 * build is written to a temporary folder and renamed into place only when it succeeded (see `build.ts`), so an
 * `index.html` in `outDir` always belongs to a whole build.
 */
export async function isBuildFresh(root: string, outDir: string): Promise<boolean> {
  const built = await stat(path.join(outDir, 'index.html')).catch(() => null);
  if (!built) return false;
  let newest = 0;
  for (const source of PWA_SOURCES) newest = Math.max(newest, await newestMtime(path.join(root, source)));
  return built.mtimeMs > newest;
}

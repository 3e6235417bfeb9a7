import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The embedded store is held by another live process. */
export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/store.lock` for this process. PGlite has no multi-process locking, and two processes writing
 * one data directory would corrupt it, so the server and `bcd export` both take this lock. A lock left by a
 * dead process is taken over. Returns the release function.
 * @throws StoreInUseError naming the live process that holds the store.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'store.lock');
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new StoreInUseError(`The embedded store ${dir} is in use by process ${holder}; stop it first`);
    }
    if (holder === process.pid) {
      throw new StoreInUseError(`The embedded store ${dir} is already open in this process`);
    }
    await rm(file, { force: true });
  }
}

import { readFile, rm, writeFile } from 'node:fs/promises';

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
 * Tries once to take the lock file `file` for this process (its pid is written with an exclusive create). A lock
 * left by a dead process is taken over. Node has no cross-process file locking, and this is enough for processes
 * of one machine sharing a folder (the embedded store, a build output).
 * @returns `{release}` when taken, or `{holder}`: the pid of the live process (possibly this one) that holds it.
 */
export async function tryPidLock(
  file: string,
): Promise<{ release: () => Promise<void> } | { holder: number }> {
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return { holder };
    await rm(file, { force: true });
  }
}

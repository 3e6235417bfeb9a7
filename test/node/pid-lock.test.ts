import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInUseError, lockDataDir } from '../../server/db/lock.ts';
import { tryPidLock } from '../../src/node/pid-lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bcd-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that surely belongs to no live process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('tryPidLock', () => {
  it('takes a free lock, reports the live holder, and can be taken again after release', async () => {
    const file = join(dir, 'x.lock');
    const first = await tryPidLock(file);
    expect('release' in first).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(String(process.pid));
    expect(await tryPidLock(file)).toEqual({ holder: process.pid });
    if ('release' in first) await first.release();
    expect('release' in (await tryPidLock(file))).toBe(true);
  });

  it('takes over a lock left by a dead process', async () => {
    const file = join(dir, 'x.lock');
    await writeFile(file, String(deadPid()));
    expect('release' in (await tryPidLock(file))).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(String(process.pid));
  });
});

describe('lockDataDir', () => {
  it('refuses a store that is already open', async () => {
    const release = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(StoreInUseError);
    await release();
    await (
      await lockDataDir(dir)
    )();
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { tryPidLock } from '../../src/node/pid-lock.ts';
import { isBuildFresh } from './freshness.ts';

const LOCK_WAIT_MS = 15 * 60 * 1000;
const LOCK_POLL_MS = 500;

/** The environment without vitest's NODE_ENV=test, which would make `vite build` a development build. */
function buildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_ENV;
  delete env.VITEST;
  return env;
}

/** Lock and staging folder live in node_modules/.cache, which every tool (git, lint, format) already skips. */
function workDir(root: string): string {
  return path.join(root, 'node_modules/.cache/bcd-pwa');
}

/**
 * Takes a lock on `outDir` so that two processes (e.g. two e2e test files) never build into it at once; a lock
 * left by a dead process is taken over. Returns the release function.
 * @throws Error when another live process holds the lock for longer than 15 minutes.
 */
async function lockOutDir(root: string, outDir: string): Promise<() => Promise<void>> {
  await mkdir(workDir(root), { recursive: true });
  const key = createHash('sha256').update(path.resolve(outDir)).digest('hex').slice(0, 16);
  const file = path.join(workDir(root), `${key}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const lock = await tryPidLock(file);
    if ('release' in lock) return lock.release;
    if (Date.now() > deadline)
      throw new Error(`${file} has been held by process ${lock.holder} for too long`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/** Runs `vite build` into `outDir`. @throws Error with Vite's output when the build fails. */
async function viteBuild(root: string, outDir: string): Promise<void> {
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const child = spawn(
    process.execPath,
    [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: root, env: buildEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`vite build failed (${code}):\n${output}`);
}

/**
 * Builds the PWA into `outDir` with `vite build`, unless it already holds a build newer than every source.
 * The build goes to a staging folder that replaces `outDir` only once it succeeded, so a failed or
 * interrupted build never leaves a half-written app behind; a lock keeps concurrent callers from building twice.
 * @param root the repository root.
 * @returns whether a build ran (false: the existing one was fresh).
 * @throws Error with Vite's output when the build fails (`outDir` is then left as it was).
 */
export async function buildPwaIfStale(root: string, outDir: string): Promise<boolean> {
  if (await isBuildFresh(root, outDir)) return false;
  const release = await lockOutDir(root, outDir);
  try {
    // Another process may have built while this one waited for the lock.
    if (await isBuildFresh(root, outDir)) return false;
    const staging = path.join(workDir(root), `build-${process.pid}`);
    try {
      await viteBuild(root, staging);
      await rm(outDir, { recursive: true, force: true });
      // A fresh clone has no test/.out yet when the first thing it runs is one browser test file.
      await mkdir(path.dirname(outDir), { recursive: true });
      await rename(staging, outDir);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return true;
  } finally {
    await release();
  }
}

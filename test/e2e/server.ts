import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildPwaIfStale } from '../../scripts/build-pwa/build.ts';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '../..');
/** Where the e2e build goes: apart from `dist/`, which other work in the same checkout may be using. */
export const OUT_DIR = join(ROOT, 'test/.out/dist');
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

/** The environment without vitest's NODE_ENV=test, which would make `vite build` a development build. */
export function buildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_ENV;
  delete env.VITEST;
  return env;
}

/**
 * Builds the app into {@link OUT_DIR} with `vite build`, unless it holds a build newer than every source: the e2e
 * files of one run share one build (a lock makes a second caller wait for the first one's build).
 * @param outDir another folder, for a suite that must not see the shared build replaced while it runs (the build
 *   is replaced whenever a source changed, e.g. while others edit the same checkout).
 * @throws Error with Vite's output on failure.
 */
export async function buildApp(outDir = OUT_DIR): Promise<void> {
  await buildPwaIfStale(ROOT, outDir);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A running `vite preview` of the build. */
export interface Preview {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves {@link OUT_DIR} (or `outDir`, as built by {@link buildApp}) with `vite preview` (COOP/COEP headers from
 * vite.config.ts) on `port`, by default a random free one. Serving again on the same port keeps the origin, and so
 * the app's data and service worker.
 */
export async function startPreview(port?: number, outDir = OUT_DIR): Promise<Preview> {
  port ??= await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [VITE, 'preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: ROOT, env: buildEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error('vite preview did not start within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

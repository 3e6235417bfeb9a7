import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { OUT_DIR, ROOT, buildEnv } from './server.ts';

/** The sync server (`server/main.ts`) running as a child process, serving the e2e build of the PWA. */
export interface SyncServer {
  readonly url: string;
  /** Stops it with SIGTERM (a clean shutdown that closes the store). */
  stop(): Promise<void>;
  /** Stops it with SIGKILL at once, as a crash would: no shutdown, the store lock left behind. */
  kill(): void;
  /** Resolves when the process has exited. */
  exited(): Promise<void>;
}

/**
 * Starts `server/main.ts` on 127.0.0.1:`port` with its embedded store in `dataDir`, serving {@link OUT_DIR} at `/`,
 * and waits until `/ready` answers 200.
 * @throws Error when the process exits or is not ready within 180 s (PGlite starts slowly on a loaded machine) (with its output).
 */
export async function startSyncServer(port: number, dataDir: string): Promise<SyncServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: {
      ...buildEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      BCD_DATA_DIR: dataDir,
      BCD_PWA_DIR: OUT_DIR,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exit = once(child, 'exit').then(() => undefined);
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sync server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    const ready = await fetch(new URL('/ready', url)).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sync server not ready within 180 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exit;
    },
    kill() {
      child.kill('SIGKILL');
    },
    exited: () => exit,
  };
}

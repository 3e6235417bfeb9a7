import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './paths.ts';

/** Runs `bcd <args>` as a person would (`bin/bcd.js` in a child process) and returns what it printed. */
export function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${REPO_ROOT}bin/bcd.js`, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

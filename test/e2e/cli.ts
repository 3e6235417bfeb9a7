import { execFile } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import type { AnalyzeReport } from '../../src/cli/report.ts';
import { ROOT } from './server.ts';

/** A session as the test enters it: photos per angle, in order. */
export type SessionPlan = Record<string, string[]>;

/**
 * Lays the sessions out as the CLI reads a history folder (`<n>/<angle>.<ext>`, `<angle>__<i>.<ext>` for more
 * photos of an angle), with the same files, in the same order as they were entered in the app.
 */
export async function writeHistoryDir(root: string, sessions: SessionPlan[]): Promise<void> {
  for (const [s, plan] of sessions.entries()) {
    const dir = join(root, String(s + 1).padStart(3, '0'));
    await mkdir(dir, { recursive: true });
    for (const [angle, files] of Object.entries(plan)) {
      for (const [i, file] of files.entries()) {
        await copyFile(file, join(dir, `${angle}${i === 0 ? '' : `__${i}`}${extname(file)}`));
      }
    }
  }
}

/** Runs `bcd analyze <root> --json` (bin/bcd.js) and parses its report. */
export async function cliAnalyze(root: string): Promise<AnalyzeReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'bin/bcd.js'), 'analyze', root, '--json'],
    {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as AnalyzeReport;
}

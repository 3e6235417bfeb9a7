import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RETAKE_HINTS } from '../../src/core/quality/flags.ts';
import { VARIATION_LEVEL_LABELS } from '../../src/core/scoring/levels.ts';

/**
 * SPEC "Words never used": in any text a person sees, nor in any field. Software "diagnostics" (logs, tooling) is
 * a different word and stays allowed.
 */
const FORBIDDEN = /\b(risk\w*|abnormal\w*|suspicious\w*|concerning|diagnos(?!tic)\w*)\b/i;

async function appFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(tsx?|css|html|svg|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('the app’s words', () => {
  it('never use the forbidden words in the app’s sources and page', async () => {
    const files = [...(await appFiles('src/app')), 'index.html', 'vite.config.ts'];
    const offending: string[] = [];
    for (const file of files) {
      const match = FORBIDDEN.exec(await readFile(file, 'utf8'));
      if (match) offending.push(`${file}: ${match[0]}`);
    }
    expect(offending).toEqual([]);
  });

  it('never use them in the labels and hints the core hands to the app', () => {
    for (const text of [...Object.values(VARIATION_LEVEL_LABELS), ...Object.values(RETAKE_HINTS)]) {
      expect(text).not.toMatch(FORBIDDEN);
    }
  });
});

import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const HERE = fileURLToPath(new URL('./', import.meta.url));
/** Where the built harness goes (gitignored, like every test output). */
export const SYNC_HARNESS_DIR = fileURLToPath(new URL('../../.out/sync-engine-harness/', import.meta.url));

/**
 * Builds the sync engine harness (`index.html` and `harness.ts` here) with Vite into {@link SYNC_HARNESS_DIR}, with
 * its `index.html` at the root so the sync server serves it at `/` as it serves the app. A few seconds.
 * @throws Error when the build fails.
 */
export async function buildSyncHarness(): Promise<string> {
  await build({
    configFile: false,
    root: HERE,
    logLevel: 'error',
    build: {
      outDir: SYNC_HARNESS_DIR,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      reportCompressedSize: false,
    },
  });
  return SYNC_HARNESS_DIR;
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { MAX_PRECACHED_FILE_BYTES, PRECACHE_GLOB_PATTERNS } from '../../../src/app/pwa/precache-rules.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where built harnesses go (gitignored, like every test output): one folder per caller. */
const OUT_DIR = fileURLToPath(new URL('../../.out/', import.meta.url));

/** The harness page's path on the server. */
export const HARNESS_PAGE = '/test/workers/harness.html';

/**
 * Builds `test/workers/harness.html` with the real workers and the ORT plugin, as the app is built (ES-module
 * workers, model and ORT runtime from the app's own origin), but without the app's own UI plugins, so these
 * tests depend only on the analysis code. With `serviceWorker`, a Workbox service worker (`/sw.js`, registered by
 * `harness.registerServiceWorker()`) precaches the files the app's does (`precache-rules.ts`), so the page works offline.
 * Takes 5–10 s on two cores; call once per test file, with a `name` of its own.
 * @returns the folder of the built harness.
 * @throws Error when the model has not been built (`npm run build:model`) or the build fails.
 */
export async function buildHarness(options: { name: string; serviceWorker?: boolean }): Promise<string> {
  // Test files run in parallel, so each builds into its own folder.
  const outDir = `${OUT_DIR}workers-harness-${options.name}/`;
  if (!existsSync(`${ROOT}public/models/mobilenet_v2-nsfwjs/model.onnx`)) {
    throw new Error('No model in public/models: run `npm run build:model` first');
  }
  await build({
    configFile: false,
    root: ROOT,
    // OpenCV.js's unused Node branches (fs, path, crypto) make Vite warn on every build; errors still show.
    logLevel: 'error',
    plugins: options.serviceWorker
      ? [
          VitePWA({
            injectRegister: false,
            strategies: 'generateSW',
            manifest: false,
            workbox: {
              globPatterns: PRECACHE_GLOB_PATTERNS,
              maximumFileSizeToCacheInBytes: MAX_PRECACHED_FILE_BYTES,
            },
          }),
        ]
      : [],
    worker: { format: 'es' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // A test page: minifying OpenCV.js (≈ 10 MB) would only slow every run down.
      minify: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 12_000,
      rollupOptions: { input: `${ROOT}test/workers/harness.html`, checks: { pluginTimings: false } },
    },
  });
  return outDir;
}

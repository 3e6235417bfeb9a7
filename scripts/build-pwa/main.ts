import path from 'node:path';
import { buildPwaIfStale } from './build.ts';

// `npm run build:pwa` (run before `npm start`): builds the PWA into dist/ unless dist/ is newer than its sources.
const root = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(root, 'dist');
const started = performance.now();
try {
  const built = await buildPwaIfStale(root, outDir);
  const ms = (performance.now() - started).toFixed(0);
  console.log(built ? `build:pwa: built ${outDir} in ${ms} ms` : `build:pwa: ${outDir} is up to date`);
} catch (error) {
  console.error(`build:pwa failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

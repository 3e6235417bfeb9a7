import { stat } from 'node:fs/promises';
import { DEFAULT_MODEL_DIR } from '../../src/model/load-manifest.node.ts';
import { buildDefaultModel } from './build.ts';

// `npm run build:model` (also run by `prepare` on every install): builds the default embedding model, or
// reports that it is up to date. `--force` rebuilds regardless.
const started = performance.now();
try {
  const result = await buildDefaultModel({
    outDir: DEFAULT_MODEL_DIR,
    force: process.argv.includes('--force'),
  });
  const { id, output, source } = result.manifest;
  const size = (await stat(result.modelPath)).size;
  const what = `${id} (${source.package}@${source.version} → ${output.dims}-d, ${(size / 1e6).toFixed(1)} MB)`;
  if (result.skipped) {
    console.log(`build:model: ${what} is up to date (${(performance.now() - started).toFixed(0)} ms)`);
  } else {
    console.log(
      `build:model: wrote ${result.modelPath}: ${what}; conversion ${result.conversionMs.toFixed(0)} ms`,
    );
  }
} catch (error) {
  console.error(`build:model failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

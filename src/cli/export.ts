import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';

/**
 * Registers `bcd export --out <dir> [--data-dir <dir>]` on the CLI: exports the consented research dataset
 * from the embedded store (default `BCD_DATA_DIR` or `./data`), or from Supabase when `SUPABASE_URL`,
 * `SUPABASE_SERVICE_ROLE_KEY` and `DATABASE_URL` are set. Shows a progress bar on a terminal and prints a
 * summary. See `exportDataset` for the layout.
 */
export function registerExportCommand(program: Command): Command {
  return program
    .command('export')
    .description('Export the consented research dataset (images, metadata.jsonl, vectors.jsonl, README.md)')
    .requiredOption('--out <dir>', 'output folder (re-run into the same folder to resume or refresh)')
    .option('--data-dir <dir>', 'embedded store to read (default: $BCD_DATA_DIR or ./data)')
    .action(async (options: { out: string; dataDir?: string }) => {
      // Loaded here, not at start-up: `bcd analyze` should not pay for PGlite and the server's modules.
      const [{ loadConfig }, { openDataStore }, { exportDataset }] = await Promise.all([
        import('../../server/config.ts'),
        import('../../server/store.ts'),
        import('./export-dataset.ts'),
      ]);
      const config = loadConfig({
        ...process.env,
        ...(options.dataDir ? { BCD_DATA_DIR: options.dataDir } : {}),
      });
      const store = await openDataStore(config);
      const bar = new SingleBar(
        { format: 'images {bar} {value}/{total} {percentage}% | {eta_formatted} left', hideCursor: true },
        Presets.shades_classic,
      );
      const started = Date.now();
      try {
        const summary = await exportDataset(store, path.resolve(options.out), ({ total, done }) => {
          if (done === 0) bar.start(total, 0);
          else bar.update(done);
        });
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(
          `Exported ${summary.participants} participants, ${summary.sessions} sessions, ${summary.images} image ` +
            `records (${summary.imagesWritten} files written, ${summary.imagesSkipped} already up to date, ` +
            `${summary.filesRemoved} removed) and ${summary.vectors} vectors to ${path.resolve(options.out)} ` +
            `in ${seconds.toFixed(1)} s\n`,
        );
      } finally {
        bar.stop();
        await store.close();
      }
    });
}

import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { registerExportCommand } from './export.ts';
import { formatAnalyzeReport, formatCompareReport } from './format-table.ts';
import { readHistoryDir, readSessionDir } from './history-dir.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/**
 * The analysis stack (OpenCV.js, WASM codecs, onnxruntime), loaded by the commands that need it rather than at
 * start-up, so `bcd export` and `bcd --help` start without it.
 */
async function analysisStack() {
  const [history, engine] = await Promise.all([import('./analyze-history.ts'), import('./engine.ts')]);
  return { ...history, ...engine };
}

/** What `analyze` and `compare` start their engine with: `--model`, and `--workers` (default: every core). */
function engineOptions(opts: { model?: string; workers?: number }) {
  return {
    ...(opts.model ? { modelDir: resolve(opts.model) } : {}),
    workers: opts.workers ?? availableParallelism(),
  };
}

const WORKERS_HELP = 'photos prepared in parallel (default: one per core)';

const program = new Command('bcd').description(
  'BCD: measure visible change across photo sessions, on this machine.',
);

program
  .command('analyze')
  .description('Analyse every session of a history folder against the baseline of the earlier ones')
  .argument('<history-dir>', 'one sub-folder per session; folder names sort chronologically')
  .option('--json', 'print one JSON document instead of tables')
  .option('--window <n>', 'baseline: the n most recent earlier sessions (default: all)', positiveInt)
  .option('--model <dir>', 'folder with manifest.json and the ONNX model (default: the built-in model)')
  .option('--workers <n>', WORKERS_HELP, positiveInt)
  .action(
    async (dir: string, opts: { json?: boolean; window?: number; model?: string; workers?: number }) => {
      const sessions = await readHistoryDir(resolve(dir));
      const { analyzeHistory, anythingAnalysed, createNodeEngine } = await analysisStack();
      const engine = await createNodeEngine(engineOptions(opts));
      try {
        const report = await analyzeHistory(engine, sessions, {
          baselineWindow: opts.window ?? null,
          onSession: (done, total) => {
            if (process.stderr.isTTY)
              process.stderr.write(`\ranalysed ${done}/${total} sessions${done === total ? '\n' : ''}`);
          },
        });
        process.stdout.write(
          `${opts.json ? JSON.stringify(report, null, 2) : formatAnalyzeReport(report)}\n`,
        );
        if (!anythingAnalysed(report)) process.exitCode = 1;
      } finally {
        await engine.dispose();
      }
    },
  );

program
  .command('compare')
  .description('Compare two session folders')
  .argument('<session-a>')
  .argument('<session-b>')
  .option('--json', 'print JSON instead of a table')
  .option('--model <dir>', 'folder with manifest.json and the ONNX model (default: the built-in model)')
  .option('--workers <n>', WORKERS_HELP, positiveInt)
  .action(async (a: string, b: string, opts: { json?: boolean; model?: string; workers?: number }) => {
    const [da, db] = await Promise.all([
      readSessionDir(resolve(a), basename(resolve(a))),
      readSessionDir(resolve(b), basename(resolve(b))),
    ]);
    const { compareSessionDirs, createNodeEngine } = await analysisStack();
    const engine = await createNodeEngine(engineOptions(opts));
    try {
      const report = await compareSessionDirs(engine, da, db);
      process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : formatCompareReport(report)}\n`);
    } finally {
      await engine.dispose();
    }
  });

registerExportCommand(program);

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`bcd: ${(err as Error).message}\n`);
  process.exitCode = 1;
});

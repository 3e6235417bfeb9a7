import { readFile } from 'node:fs/promises';
import { analyzeHistory } from '../../../src/cli/analyze-history.ts';
import { createNodeEngine } from '../../../src/cli/engine.ts';
import type { EmbeddedImage, NodeEngine } from '../../../src/cli/engine.ts';
import { readHistoryDir } from '../../../src/cli/history-dir.ts';
import type { AnalyzeReport } from '../../../src/cli/report.ts';
import { ImageInputError } from '../../../src/core/image/errors.ts';
import { DATA_DIR } from './serve.ts';

/** What the CLI's path (shared pipeline + onnxruntime-node) makes of one file of the shared data. */
export type NodeOutcome = { ok: true; image: EmbeddedImage } | { ok: false; code: string };

let engine: Promise<NodeEngine> | undefined;

/**
 * Analyses `path` (relative to the shared data folder, e.g. `photos/x.jpg`) as `bcd analyze` does: the reference
 * the browser's numbers must equal.
 */
export async function nodeReference(path: string): Promise<NodeOutcome> {
  engine ??= createNodeEngine({ threads: 1 });
  const bytes = new Uint8Array(await readFile(`${DATA_DIR}${path}`));
  try {
    return { ok: true, image: await (await engine).analyseImage(bytes) };
  } catch (error) {
    if (error instanceof ImageInputError) return { ok: false, code: error.code };
    throw error;
  }
}

/** Releases the reference engine's model session. */
export async function disposeNodeReference(): Promise<void> {
  await (await engine)?.dispose();
  engine = undefined;
}

/** What `bcd analyze <root> --json` reports for a history folder, run in this process on the reference engine. */
export async function nodeHistoryReport(root: string): Promise<AnalyzeReport> {
  engine ??= createNodeEngine({ threads: 1 });
  return analyzeHistory(await engine, await readHistoryDir(root), { baselineWindow: null });
}

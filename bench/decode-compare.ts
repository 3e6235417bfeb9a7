/**
 * Issue 8 item 1 in `npm run bench`: the analysis with the whole-picture decode it had before (mozjpeg at full
 * size, every stage shrinking from there) beside the reduced decode it has now (libjpeg-turbo's DCT scaling to the
 * smallest 1/2ⁿ the pipeline needs, `analysisLargeEnough`), in one run. Each mode runs in its own child process so
 * that its peak RSS is its own: `tsx bench/decode-compare.ts --mode whole|reduced` prints that mode's figures as
 * JSON. The session is `prepareImage` + onnxruntime-node (1 thread) per photo, one photo at a time.
 * Prints figures and ratios; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadOpenCv } from '../src/core/cv.ts';
import { nodeDecoder } from '../src/core/image/decode.node.ts';
import type { ImageDecoder } from '../src/core/image/decode.ts';
import { readImageInfo } from '../src/core/image/info.ts';
import { analysisLargeEnough } from '../src/core/pipeline/analysis-size.ts';
import { prepareImage } from '../src/core/pipeline/prepare-image.ts';
import { createNodeEmbedder } from '../src/model/embedder.node.ts';
import { loadModelFromDir } from '../src/model/load-manifest.node.ts';

type Mode = 'whole' | 'reduced';

/** One mode's medians: decode per photo and the session (ms), and the process's peak RSS (MB). */
interface ModeFigures {
  readonly decode_ms: number[];
  readonly reduction: number[];
  readonly session_ms: number;
  readonly peak_rss_mb: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Runs the session `runs` times after a warm-up in this process, decoding as `mode` says. */
async function measureMode(mode: Mode, paths: readonly string[], runs: number): Promise<ModeFigures> {
  const files = await Promise.all(paths.map(async (p) => new Uint8Array(await readFile(p))));
  const [cv, model, reduced] = await Promise.all([loadOpenCv(), loadModelFromDir(), nodeDecoder()]);
  // Before issue 8: the pipeline's decoder ignored any reduction and always decoded the whole picture.
  const decode: ImageDecoder = mode === 'reduced' ? reduced : (bytes) => reduced(bytes);
  const embedder = await createNodeEmbedder(model.manifest, model.bytes, { intraOpNumThreads: 1 });
  try {
    const decodes = files.map((): number[] => []);
    const reductions = files.map(() => 1);
    const sessions: number[] = [];
    for (let run = -1; run < runs; run++) {
      const t0 = performance.now();
      for (const [i, bytes] of files.entries()) {
        const prepared = await prepareImage(bytes, { cv, decode, manifest: model.manifest });
        await embedder.embed(prepared.model_input.tensor, 1);
        if (run >= 0) decodes[i]?.push(prepared.timings.decode_ms);
      }
      if (run >= 0) sessions.push(performance.now() - t0);
    }
    // The reduction each photo got, from the decoder itself (the pipeline's result does not say).
    const options = { largeEnough: analysisLargeEnough(model.manifest.input) };
    for (const [i, bytes] of files.entries()) reductions[i] = (await decode(bytes, options)).reduction;
    return {
      decode_ms: decodes.map(median),
      reduction: reductions,
      session_ms: median(sessions),
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await embedder.dispose();
  }
}

function runChild(mode: Mode, paths: readonly string[], runs: number): ModeFigures {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--mode', mode, '--runs', String(runs), ...paths],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.slice(out.lastIndexOf('{'))) as ModeFigures;
}

/**
 * Prints, per photo, the decode time of the whole-picture decode and of the reduced one, side by side, then the
 * session time and peak RSS of each.
 * @param paths the session's photo files.
 * @param runs timed runs after one warm-up.
 */
export async function printDecodeComparison(paths: readonly string[], runs: number): Promise<void> {
  const whole = runChild('whole', paths, runs);
  const reduced = runChild('reduced', paths, runs);
  console.log(
    '\nDecode before and after issue 8 (whole picture vs reduced to what the analysis needs), same run;',
  );
  console.log('onnxruntime-node 1 thread, one photo at a time, medians in ms:');
  console.log('photo | size | whole decode | reduced decode | reduction | ratio');
  for (const [i, path] of paths.entries()) {
    const info = await readImageInfo(new Uint8Array(await readFile(path)));
    const before = whole.decode_ms[i] as number;
    const after = reduced.decode_ms[i] as number;
    console.log(
      [
        path.slice(path.lastIndexOf('/') + 1),
        `${info.width}×${info.height} (${((info.width * info.height) / 1e6).toFixed(1)} MP)`,
        before.toFixed(1),
        after.toFixed(1),
        `1/${reduced.reduction[i]}`,
        `${(before / after).toFixed(2)}×`,
      ].join(' | '),
    );
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  console.log(
    `decode, whole session: ${sum(whole.decode_ms).toFixed(0)} ms → ${sum(reduced.decode_ms).toFixed(0)} ms ` +
      `(${(sum(whole.decode_ms) / sum(reduced.decode_ms)).toFixed(2)}×)`,
  );
  console.log(
    `session (prepare + embed, ${paths.length} photos): ${whole.session_ms.toFixed(0)} ms → ` +
      `${reduced.session_ms.toFixed(0)} ms (${(whole.session_ms / reduced.session_ms).toFixed(2)}×)`,
  );
  console.log(
    `peak RSS of the process: ${whole.peak_rss_mb.toFixed(0)} MB → ${reduced.peak_rss_mb.toFixed(0)} MB`,
  );
}

const modeAt = process.argv.indexOf('--mode');
if (modeAt >= 0) {
  const mode = process.argv[modeAt + 1] as Mode;
  const runsAt = process.argv.indexOf('--runs');
  const runs = Number(process.argv[runsAt + 1]);
  const paths = process.argv.slice(runsAt + 2);
  process.stdout.write(JSON.stringify(await measureMode(mode, paths, runs)));
}

/**
 * `npm run bench`: per-stage medians for a six-image session of camera-resolution real photos (with the change
 * engine's per-photo stage and the session's scoring against three earlier sessions), for
 * onnxruntime-node (1 and 2 threads) and onnxruntime-web's WASM backend in Node (1 and 2 threads).
 * onnxruntime-web fixes its thread count per process, so every configuration runs in a child process. Last, the
 * decode before and after issue 8 (whole picture vs reduced, per photo, and the session; `decode-compare.ts`).
 * The rows "noise samples after the results" prepare the photos as the app does (issue 8): the session is scored
 * first, and the photos' noise samples, needed only once they are references, are computed afterwards (timed apart).
 * Prints figures and ratios; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createNodeEngine, toScoredImage } from '../src/cli/engine.ts';
import { ANALYSIS_VERSION, DEFAULT_ANGLES } from '../src/core/config.ts';
import { withNoiseSamples } from '../src/core/change/noise-floor.ts';
import { scoreHistory } from '../src/core/scoring/index.ts';
import type { ScoredImage } from '../src/core/scoring/index.ts';
import type { EmbeddedImage, NodeEngineOptions } from '../src/cli/engine.ts';
import { printDecodeComparison } from './decode-compare.ts';

const PHOTOS = fileURLToPath(new URL('../../shared/data/photos/', import.meta.url));
/** Five camera-resolution photos (2560–6028 px wide, 7.7–20 MP) and one 1920×1537 phone photo. */
const SESSION = [
  'digikam-data__body-background.jpg',
  'mate-backgrounds__Elephants_5640x3172.jpg',
  'lomiri-wallpapers-20.04__Kleiber_by_Lukas_Baubkus.jpg',
  'lomiri-wallpapers-16.04__seeding_by_Clements_Engelhardt.jpg',
  'lomiri-wallpapers-16.04__Wine_by_Jakkub_Mede.jpg',
  'npm-vladmandic-face-api__sample6.jpg',
];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STAGES = [
  'decode_ms',
  'quality_ms',
  'preprocess_ms',
  'change_ms',
  'embed_ms',
  'session_ms',
  'scoring_ms',
  'later_ms',
] as const;
type Figures = Record<(typeof STAGES)[number], number>;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Runs the session RUNS times (after one warm-up) in this process; medians per image stage and per session. With
 * `later`, the photos are prepared without their noise samples, as the app does, and `later_ms` is what computing
 * them afterwards costs (0 otherwise).
 */
async function measure(options: NodeEngineOptions, later: boolean): Promise<Figures> {
  const files = await Promise.all(SESSION.map(async (f) => new Uint8Array(await readFile(PHOTOS + f))));
  const engine = await createNodeEngine(options);
  try {
    const samples: Record<string, number[]> = Object.fromEntries(STAGES.map((s) => [s, []]));
    for (let run = -1; run < RUNS; run++) {
      const t0 = performance.now();
      // With prepare workers the photos go in together, as `bcd analyze` sends a folder's files (workers + 1 at a
      // time: here all six, which changes nothing with two workers).
      const results =
        engine.workers > 0
          ? await Promise.all(files.map((bytes) => engine.analyseImage(bytes, { noiseSamples: !later })))
          : await files.reduce<Promise<EmbeddedImage[]>>(
              async (done, bytes) => [
                ...(await done),
                await engine.analyseImage(bytes, { noiseSamples: !later }),
              ],
              Promise.resolve([]),
            );
      let images: ScoredImage[] = [];
      for (const [i, r] of results.entries()) {
        images.push(toScoredImage(String(i), DEFAULT_ANGLES[i]!, r));
        if (run < 0) continue;
        samples.decode_ms?.push(r.timings.decode_ms);
        samples.quality_ms?.push(r.timings.quality_ms);
        samples.preprocess_ms?.push(r.timings.preprocess_ms);
        samples.change_ms?.push(r.timings.change_ms);
        samples.embed_ms?.push(r.embed_ms);
      }
      if (run >= 0) samples.session_ms?.push(performance.now() - t0);
      // The earlier sessions scored against below are stored ones: their photos have their samples.
      const tLater = performance.now();
      images = images.map((i) => (i.change ? { ...i, change: withNoiseSamples(engine.cv, i.change) } : i));
      if (run >= 0) samples.later_ms?.push(later ? performance.now() - tLater : 0);
      // Scoring against three earlier sessions of the same photos: 6 angles × 3 references compared.
      const sessions = [0, 1, 2, 3].map((k) => ({
        session_id: `s${k}`,
        taken_at: `2026-0${k + 1}-01`,
        model_id: engine.manifest.id,
        images,
      }));
      const t1 = performance.now();
      scoreHistory(engine.cv, sessions, { expectedAngles: DEFAULT_ANGLES, baselineWindow: null });
      // scoreHistory scores all four; the last one alone is what a new session costs (the first has no reference).
      if (run >= 0) samples.scoring_ms?.push((performance.now() - t1) / 3);
    }
    return Object.fromEntries(STAGES.map((s) => [s, median(samples[s] ?? [])])) as Figures;
  } finally {
    await engine.dispose();
  }
}

const CONFIGS: readonly {
  readonly name: string;
  readonly options: NodeEngineOptions;
  /** Noise samples after the results, as the app computes them (`prepareImage`'s `noiseSamples: false`). */
  readonly later?: boolean;
}[] = [
  { name: 'onnxruntime-node, 1 thread', options: { runtime: 'onnxruntime-node', threads: 1 } },
  { name: 'onnxruntime-node, 2 threads', options: { runtime: 'onnxruntime-node', threads: 2 } },
  { name: 'onnxruntime-web WASM, 1 thread', options: { runtime: 'wasm', threads: 1 } },
  { name: 'onnxruntime-web WASM, 2 threads', options: { runtime: 'wasm', threads: 2 } },
  {
    name: `onnxruntime-node, 1 thread, ${availableParallelism()} prepare workers (bcd analyze)`,
    options: { runtime: 'onnxruntime-node', threads: 1, workers: availableParallelism() },
  },
  {
    name: 'onnxruntime-node, 1 thread, noise samples after the results (the app)',
    options: { runtime: 'onnxruntime-node', threads: 1 },
    later: true,
  },
  {
    name: `onnxruntime-node, 1 thread, ${availableParallelism()} prepare workers, noise samples after the results`,
    options: { runtime: 'onnxruntime-node', threads: 1, workers: availableParallelism() },
    later: true,
  },
];

const child = process.argv.indexOf('--config');
if (child >= 0) {
  const config = CONFIGS[Number(process.argv[child + 1])];
  if (!config) throw new Error('unknown --config');
  process.stdout.write(JSON.stringify(await measure(config.options, config.later === true)));
} else {
  console.log(
    `Session: ${SESSION.length} photos from ../shared/data/photos, ${RUNS} runs after a warm-up; medians in ms.`,
  );
  // Two cores: with other work running, multi-threaded figures mostly measure contention, so say how busy it was.
  console.log(`Load average at start: ${loadavg()[0]?.toFixed(2)} (1 min)`);
  const rows: [string, Figures][] = CONFIGS.map((config, i) => {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--config', String(i)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    return [config.name, JSON.parse(out.slice(out.lastIndexOf('{'))) as Figures];
  });
  const header = [
    'configuration',
    'decode/img',
    'quality/img',
    'preprocess/img',
    'change/img',
    'embed/img',
    'photos/session',
    'scoring/session',
    'noise samples later/session',
  ];
  console.log(header.join(' | '));
  for (const [name, f] of rows) {
    console.log([name, ...STAGES.map((s) => f[s].toFixed(1))].join(' | '));
  }
  console.log(
    `\nSession with the change engine (${ANALYSIS_VERSION}) beside the same session without it (bcd-1.0.0: no change raster,`,
  );
  console.log('no noise samples, embedding-only scoring, one photo at a time), same run; medians:');
  const sequential = new Map<NodeEngineOptions['runtime'] | undefined, number>();
  for (const [i, [name, f]] of rows.entries()) {
    const { options, later } = CONFIGS[i]!;
    const after = f.session_ms + f.scoring_ms;
    // With prepare workers, or with the samples later, the change stage is not all in `session_ms`, so
    // bcd-1.0.0's cost is that of the same runtime's first (sequential, eager) row.
    const before =
      options.workers || later ? sequential.get(options.runtime) : f.session_ms - 6 * f.change_ms;
    if (!options.workers && !later && !sequential.has(options.runtime))
      sequential.set(options.runtime, before as number);
    if (before === undefined) continue;
    const background = later ? `; then ${f.later_ms.toFixed(0)} ms of noise samples after the results` : '';
    console.log(
      `  ${name}: ${before.toFixed(0)} ms → ${after.toFixed(0)} ms to the results (+${(after - before).toFixed(0)} ms, ${(after / before).toFixed(2)}×)${background}`,
    );
  }
  const base = rows[0]?.[1];
  if (base) {
    console.log('\nembed time relative to onnxruntime-node 1 thread:');
    for (const [name, f] of rows) console.log(`  ${name}: ${(f.embed_ms / base.embed_ms).toFixed(2)}×`);
  }
  await printDecodeComparison(
    SESSION.map((f) => PHOTOS + f),
    RUNS,
  );
}

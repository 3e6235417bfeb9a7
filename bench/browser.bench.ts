/**
 * `npm run bench:browser`: in headless Chromium, per-stage medians of the analysis client for a six-image session
 * of camera-resolution real photos, for each inference backend the browser offers here, next to the CLI's path
 * (onnxruntime-node, 1 thread) on the same photos; then the offline cold start, on the harness page and on the built
 * app itself. Prints figures and ratios;
 * asserts nothing.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { createNodeEngine } from '../src/cli/engine.ts';
import type { HarnessAnalysis, HarnessFailure } from '../test/workers/harness.ts';
import { hasWebGpuAdapter, runHarness } from '../test/workers/support/browser.ts';
import { buildHarness } from '../test/workers/support/build-harness.ts';
import { DATA_DIR } from '../test/workers/support/serve.ts';
import { appColdStart } from './browser-app-cold-start.ts';
import { coldStart } from './browser-cold-start.ts';
import { rendererPeakRssMb } from './browser-memory.ts';
import type { ColdStart } from './browser-cold-start.ts';
import { emptySamples, printTable, ratio, summarise } from './browser-report.ts';
import type { StageFigures } from './browser-report.ts';

/**
 * The four shared photos at least 3000 px wide (4032–6028 px, 12–20 MP: an iPhone 7, a Sony RX100 and two
 * wallpapers from camera originals), the first two taken again to make six.
 */
const SESSION = [
  'photos/digikam-data__body-background.jpg',
  'photos/mate-backgrounds__Elephants_5640x3172.jpg',
  'photos/lomiri-wallpapers-20.04__Kleiber_by_Lukas_Baubkus.jpg',
  'photos/lomiri-wallpapers-16.04__seeding_by_Clements_Engelhardt.jpg',
  'photos/digikam-data__body-background.jpg',
  'photos/mate-backgrounds__Elephants_5640x3172.jpg',
];
const RUNS = Number(process.env['BENCH_RUNS'] ?? 2);

interface BrowserConfig {
  readonly name: string;
  readonly isolated: boolean;
  readonly webgpu: boolean;
  readonly backend: 'webgpu' | 'wasm';
}

const CONFIGS: readonly BrowserConfig[] = [
  { name: 'Chromium WASM, 1 thread', isolated: false, webgpu: false, backend: 'wasm' },
  { name: 'Chromium WASM, threads (isolated)', isolated: true, webgpu: false, backend: 'wasm' },
  { name: 'Chromium WebGPU (SwiftShader)', isolated: true, webgpu: true, backend: 'webgpu' },
];

function ok(result: HarnessAnalysis | HarnessFailure): HarnessAnalysis {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

/** RUNS sessions after a warm-up image, one photo at a time (clean stage figures), then one pipelined session. */
async function measureBrowser(dir: string, config: BrowserConfig): Promise<StageFigures | string> {
  const harness = await runHarness(dir, { isolated: config.isolated, webgpu: config.webgpu });
  try {
    if (config.webgpu && !(await hasWebGpuAdapter(harness.page))) return 'no WebGPU adapter in this Chromium';
    await harness.page.evaluate((backend) => window.harness.start({ backend }), config.backend);
    const info = await harness.page.evaluate(() => window.harness.info());
    const urls = SESSION.map((p) => `/data/${p}`);
    ok(await harness.page.evaluate((u) => window.harness.analyse(u), urls[0]!));
    const samples = emptySamples();
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      for (const url of urls) {
        const { timings } = ok(await harness.page.evaluate((u) => window.harness.analyse(u), url));
        samples.decode_ms.push(timings.decode_ms);
        samples.quality_ms.push(timings.quality_ms);
        samples.preprocess_ms.push(timings.preprocess_ms);
        samples.embed_ms.push(timings.embed_ms);
        samples.faces_ms.push(timings.faces_ms);
      }
      samples.session_ms.push(performance.now() - t0);
    }
    const pipelined = await harness.page.evaluate((u) => window.harness.analyseAndAbort(u, [], 0), urls);
    samples.pipelined_ms.push(Math.max(...pipelined.map((r) => ok(r).wall_ms)));
    const peakMb = await rendererPeakRssMb(harness.browser);
    return summarise(samples, `${info.backend}, ${info.threads} thread(s)`, peakMb);
  } finally {
    await harness.close();
  }
}

/** The CLI's path on the same photos: shared pipeline + onnxruntime-node, one thread. */
async function measureNode(): Promise<StageFigures> {
  const files = await Promise.all(
    SESSION.map(async (p) => new Uint8Array(await readFile(`${DATA_DIR}${p}`))),
  );
  const engine = await createNodeEngine({ threads: 1 });
  try {
    const samples = emptySamples();
    await engine.analyseImage(files[0]!);
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      for (const bytes of files) {
        const r = await engine.analyseImage(bytes);
        samples.decode_ms.push(r.timings.decode_ms);
        samples.quality_ms.push(r.timings.quality_ms);
        samples.preprocess_ms.push(r.timings.preprocess_ms);
        samples.embed_ms.push(r.embed_ms);
      }
      samples.session_ms.push(performance.now() - t0);
    }
    return summarise(samples, 'onnxruntime-node, 1 thread (the CLI path)');
  } finally {
    await engine.dispose();
  }
}

async function main(): Promise<void> {
  const dir = await buildHarness({ name: 'bench', serviceWorker: true });
  console.log(
    `Session: ${SESSION.length} photos ≥ 3000 px wide from ../shared/data (12–20 MP), ${RUNS} runs after a ` +
      'warm-up image, one photo at a time; "pipelined" = the six sent at once. Medians in ms.',
  );
  // The machine may be shared: the load says how much the figures can be trusted.
  console.log(
    `Load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const rows: [string, StageFigures | string][] = [['Node (CLI path)', await measureNode()]];
  for (const config of CONFIGS) rows.push([config.name, await measureBrowser(dir, config)]);
  printTable(rows);
  console.log(
    '"peak MB": the renderer process (page + its workers) at its highest, VmHWM; the Node path\'s peak RSS, ' +
      'whole decode beside reduced, is in `npm run bench`.',
  );

  const [node, wasm1, wasmThreads, webgpu] = rows.map(([, figures]) =>
    typeof figures === 'string' ? undefined : figures,
  );
  console.log('\nRatios (median per image)');
  console.log(`  embed   WASM 1 thread / WASM threads:  ${ratio(wasm1?.embed_ms, wasmThreads?.embed_ms)}`);
  console.log(`  embed   WASM 1 thread / WebGPU:        ${ratio(wasm1?.embed_ms, webgpu?.embed_ms)}`);
  console.log(`  embed   Chromium WASM 1 thread / Node: ${ratio(wasm1?.embed_ms, node?.embed_ms)}`);
  console.log(`  decode  Chromium / Node:               ${ratio(wasm1?.decode_ms, node?.decode_ms)}`);
  const prep = (f?: StageFigures) => (f ? f.quality_ms + f.preprocess_ms : undefined);
  console.log(`  quality+preprocess Chromium / Node:    ${ratio(prep(wasm1), prep(node))}`);
  console.log(
    `  session one at a time / pipelined:     ${ratio(wasm1?.session_ms, wasm1?.pipelined_ms)} (WASM 1 thread)`,
  );
  // The faces search runs beside the embedding, so the longer of the two is what each photo waits for.
  console.log(
    `  faces / embed, per image:              ${ratio(wasm1?.faces_ms, wasm1?.embed_ms)} (WASM 1 thread)`,
  );

  const cold: ColdStart = await coldStart(dir, SESSION[0]!);
  console.log(
    `\nCold start, offline (harness page + its Workbox precache, cross-origin isolated, ${cold.backend} ` +
      `${cold.threads} thread(s); median of ${cold.samples.length} reloads):`,
  );
  console.log(`  reload → page ready:                 ${cold.page_ms.toFixed(0)} ms`);
  console.log(`  reload → first analysis of a 12 MP photo ready: ${cold.first_analysis_ms.toFixed(0)} ms`);
  console.log(
    `    of which decode ${cold.decode_ms.toFixed(0)}, quality + preprocess ${cold.prepare_ms.toFixed(0)}, embed ${cold.embed_ms.toFixed(0)}`,
  );

  const app = await appColdStart(`${DATA_DIR}${SESSION[0]!}`);
  console.log(
    `\nCold start, offline, the built app itself (vite build + its service worker, phone-sized page; median of ` +
      `${app.samples.length} reloads):`,
  );
  console.log(`  reload → New session screen:          ${app.screen_ms.toFixed(0)} ms`);
  console.log(
    `  reload → a 12 MP photo added, analysed, its Results shown: ${app.first_result_ms.toFixed(0)} ms ` +
      `(harness page, first analysis only: ${cold.first_analysis_ms.toFixed(0)} ms)`,
  );
  console.log(
    `    of which the capture check on adding the photo ${app.capture_check_ms.toFixed(0)}, the app's logged ` +
      `analysis ${app.analysis_ms.toFixed(0)} (scoring against the earlier reloads' sessions ` +
      `${app.scoring_ms.toFixed(0)}), medians`,
  );
}

// A plain message, not a stack: OpenCV.js (loaded by the CLI path) rethrows uncaught errors with its own source.
try {
  await main();
} catch (error) {
  console.error(`bench:browser failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

/**
 * `npm run bench:server`: the sync server on the embedded store (PGlite + pgvector, files), listening on
 * 127.0.0.1, driven by 50 concurrent clients (one participant each, in a thread of their own) over HTTP
 * keep-alive:
 *   1. session uploads with analysis and 1280-dimension vectors (the default model's size), each client sending its
 *      next as soon as the last is answered: the throughput the server saturates at,
 *   2. the same at fixed rates: 50 sessions/s offered (each client one per second, the load issue 10 sets: p99
 *      < 500 ms) and 75 (half again, the headroom), on the embedded default only (the HNSW index saturates far below
 *      both, so the phases would measure its queue),
 *   3. image uploads (a metadata-free 1920×1537 JPEG),
 *   4. the first session of each client again (an idempotent retry),
 * once with the HNSW index kept up to date on every insert (`EMBEDDING_INDEX=hnsw`, Supabase's default) and once
 * without (`exact`, the embedded default), then the researcher export of the latter, fresh and resumed. Prints
 * throughput, p50/p99 latency and the ratio; asserts nothing. Loopback only; every loop is bounded in count.
 * Sizes: BENCH_CLIENTS (50), BENCH_SESSIONS_PER_CLIENT (4), BENCH_PACED_SESSIONS_PER_CLIENT (10),
 * BENCH_IMAGES_PER_CLIENT (6); server logs on stdout at BENCH_LOG_LEVEL (silent).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../server/app.ts';
import { loadConfig, type EmbeddingIndex } from '../server/config.ts';
import { openDataStore } from '../server/store.ts';
import { exportDataset } from '../src/cli/export-dataset.ts';
import type { LoadPlan, PhaseResult } from './server/load.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SESSIONS_PER_CLIENT = Number(process.env.BENCH_SESSIONS_PER_CLIENT ?? 4);
const IMAGES_PER_CLIENT = Number(process.env.BENCH_IMAGES_PER_CLIENT ?? 6);
const PACED_SESSIONS_PER_CLIENT = Number(process.env.BENCH_PACED_SESSIONS_PER_CLIENT ?? 10);
/** Sessions/s offered by all clients together in the paced phases. */
const PACED_RATES = [50, 75];

/** Runs the client load in a worker thread (registering tsx there, as the CLI's prepare pool does). */
function runLoadInWorker(plan: LoadPlan): Promise<PhaseResult[]> {
  const worker = new Worker(new URL('../src/cli/prepare-pool/boot.mjs', import.meta.url), {
    workerData: { entry: new URL('./server/load-worker.ts', import.meta.url).href, plan },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the client load ended (exit ${code}) without results`)));
  });
}

interface StoreRun {
  readonly phases: PhaseResult[];
  readonly exported?: string;
}

/** One server on a fresh embedded store with `embeddingIndex`, loaded by the clients; optionally exported. */
async function runOnce(embeddingIndex: EmbeddingIndex, withExport: boolean): Promise<StoreRun> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bcd-bench-server-'));
  const outDir = await mkdtemp(path.join(tmpdir(), 'bcd-bench-export-'));
  const config = loadConfig({
    BCD_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    DAILY_UPLOAD_LIMIT: '100000',
    // Every client enrols from 127.0.0.1.
    ENROLMENTS_PER_IP_PER_HOUR: '100000',
    EMBEDDING_INDEX: embeddingIndex,
  });
  const store = await openDataStore(config);
  const app = await buildApp({ config, store });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const phases = await runLoadInWorker({
      base,
      clients: CLIENTS,
      sessionsPerClient: SESSIONS_PER_CLIENT,
      imagesPerClient: IMAGES_PER_CLIENT,
      pacedRates: embeddingIndex === 'exact' ? PACED_RATES : [],
      pacedSessionsPerClient: PACED_SESSIONS_PER_CLIENT,
    });
    await app.close();
    if (!withExport) return { phases };
    const exportStart = performance.now();
    const fresh = await exportDataset(store, outDir);
    const freshSeconds = (performance.now() - exportStart) / 1000;
    const resumeStart = performance.now();
    const resumed = await exportDataset(store, outDir);
    const resumeSeconds = (performance.now() - resumeStart) / 1000;
    return {
      phases,
      exported:
        `export, fresh:   ${fresh.imagesWritten} images (${(fresh.bytesWritten / 1e6).toFixed(1)} MB), ` +
        `${fresh.images} metadata lines, ${fresh.vectors} vectors in ${freshSeconds.toFixed(2)} s ` +
        `(${(fresh.imagesWritten / freshSeconds).toFixed(0)} images/s, ${(fresh.bytesWritten / 1e6 / freshSeconds).toFixed(1)} MB/s)\n` +
        `export, resumed: ${resumed.imagesSkipped} images checked and skipped in ${resumeSeconds.toFixed(2)} s\n`,
    };
  } finally {
    await app.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n');
}

const load = loadavg()[0]!.toFixed(2);
const indexed = await runOnce('hnsw', false);
const exact = await runOnce('exact', true);
const perSecond = (r: PhaseResult) => r.requests / r.seconds;
const row = (name: string, mode: EmbeddingIndex, r: PhaseResult) => [
  name,
  String(r.requests),
  String(r.failures),
  mode,
  r.seconds.toFixed(2),
  r.p50.toFixed(1),
  r.p99.toFixed(1),
  r.extra,
];
const pairs = exact.phases.map((r) => ({
  exact: r,
  hnsw: indexed.phases.find((old) => old.name === r.name),
}));
process.stdout.write(
  `Sync server on 127.0.0.1, embedded store, ${CLIENTS} concurrent clients in their own thread · load ${load}\n` +
    table([
      ['phase', 'requests', 'failed', 'EMBEDDING_INDEX', 'seconds', 'p50 ms', 'p99 ms', 'throughput'],
      ...pairs.flatMap(({ exact: r, hnsw }) =>
        hnsw ? [row(r.name, 'hnsw', hnsw), row('', 'exact', r)] : [row(r.name, 'exact', r)],
      ),
    ]) +
    '\n\n' +
    pairs
      .flatMap(({ exact: r, hnsw }) =>
        hnsw ? [`${r.name}: exact ÷ hnsw throughput ${(perSecond(r) / perSecond(hnsw)).toFixed(2)}×`] : [],
      )
      .join('\n') +
    '\n\n' +
    exact.exported,
);

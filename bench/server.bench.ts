/**
 * `npm run bench:server`: the sync server on the embedded store (PGlite + pgvector, files), listening on
 * 127.0.0.1, driven by 50 concurrent clients (one participant each) over HTTP keep-alive:
 *   1. session uploads with analysis and 1280-dimension vectors (the default model's size),
 *   2. image uploads (a metadata-free 1920×1537 JPEG),
 * then the researcher export of everything, fresh and resumed. Prints throughput and p50/p99 latency;
 * asserts nothing. Loopback only; every loop is bounded in count.
 * Sizes: BENCH_CLIENTS (50), BENCH_SESSIONS_PER_CLIENT (4), BENCH_IMAGES_PER_CLIENT (6); server logs on
 * stdout at BENCH_LOG_LEVEL (silent).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDataStore } from '../server/store.ts';
import { exportDataset } from '../src/cli/export-dataset.ts';
import {
  API_PATHS,
  CONSENT_SCOPES,
  HEADER_ANGLE,
  HEADER_SHA256,
  type SessionUpload,
} from '../src/sync/contract.ts';
import { stripImageMetadata } from '../src/sync/image-metadata.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SESSIONS_PER_CLIENT = Number(process.env.BENCH_SESSIONS_PER_CLIENT ?? 4);
const IMAGES_PER_CLIENT = Number(process.env.BENCH_IMAGES_PER_CLIENT ?? 6);
const DIMS = 1280;
const ANGLES = ['front', 'front_arms_raised', 'left_oblique', 'left_side', 'right_oblique', 'right_side'];
const PHOTO = path.resolve(
  import.meta.dirname,
  '../../shared/data/photos/npm-vladmandic-face-api__sample6.jpg',
);

function randomUnitVector(): number[] {
  const v = Array.from({ length: DIMS }, () => Math.random() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => Math.fround(x / norm));
}

function session(imageIds: readonly string[]): SessionUpload {
  const quality = {
    image_quality_score: 0.8,
    blur_score: 150,
    brightness: 0.5,
    contrast: 0.2,
    clipped_fraction: 0,
    flags: [],
  };
  return {
    captured_at: new Date().toISOString(),
    angles_expected: ANGLES,
    images_expected: imageIds.length,
    images: imageIds.map((image_id, i) => ({ image_id, angle: ANGLES[i % ANGLES.length]!, quality })),
    analysis: {
      analysis_version: 'bcd-2.0.0',
      model_id: 'mobilenet_v2-nsfwjs',
      overall_score: 0.1,
      variation_level: 'mild_variation',
      angle_aware_score: 0.1,
      session_quality_score: 0.8,
      analysis_confidence_score: 0.7,
      image_quality_summary: {
        images: imageIds.length,
        mean_image_quality: 0.8,
        min_image_quality: 0.8,
        flag_counts: {},
      },
      baseline_used: { sessions: 0, session_ids: [], window: null },
      comparison_layers_used: ['angle_embedding', 'session_embedding'],
    },
    angle_analyses: ANGLES.map((angle) => ({
      angle,
      image_count: 1,
      change_score: 0.1,
      variation_level: 'mild_variation',
      baseline_sessions: 0,
      angle_quality_score: 0.8,
    })),
    embeddings: [
      ...imageIds.map((image_id, i) => ({
        kind: 'image' as const,
        model_id: 'mobilenet_v2-nsfwjs',
        image_id,
        angle: ANGLES[i % ANGLES.length]!,
        vector: randomUnitVector(),
      })),
      ...ANGLES.map((angle) => ({
        kind: 'angle' as const,
        model_id: 'mobilenet_v2-nsfwjs',
        angle,
        vector: randomUnitVector(),
      })),
      { kind: 'session' as const, model_id: 'mobilenet_v2-nsfwjs', vector: randomUnitVector() },
    ],
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

interface PhaseResult {
  readonly name: string;
  readonly requests: number;
  readonly failures: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly extra: string;
}

/** Runs `perClient` requests on each of CLIENTS concurrent clients; latency per request in ms. */
async function phase(
  name: string,
  perClient: number,
  request: (client: number, i: number) => Promise<Response>,
  extra: (seconds: number, requests: number) => string,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const errors = new Map<string | number, number>();
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; i < perClient; i++) {
        const t0 = performance.now();
        const ok = await request(client, i).then(
          async (response) => {
            await response.arrayBuffer();
            if (!response.ok) errors.set(response.status, (errors.get(response.status) ?? 0) + 1);
            return response.ok;
          },
          (error: Error) => {
            const cause = String((error.cause as Error | undefined)?.message ?? error.message);
            errors.set(cause, (errors.get(cause) ?? 0) + 1);
            return false;
          },
        );
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    requests: latencies.length,
    failures,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    extra:
      extra(seconds, latencies.length) +
      (errors.size ? ` (failed: ${[...errors].map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''),
  };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bcd-bench-server-'));
  const outDir = await mkdtemp(path.join(tmpdir(), 'bcd-bench-export-'));
  const config = loadConfig({
    BCD_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    DAILY_UPLOAD_LIMIT: '100000',
    // Every client enrols from 127.0.0.1.
    ENROLMENTS_PER_IP_PER_HOUR: '100000',
  });
  const store = await openDataStore(config);
  const app = await buildApp({ config, store });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const post = (url: string, init: RequestInit = {}) => fetch(`${base}${url}`, init);

    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const { token } = (await (await post(API_PATHS.participants, { method: 'POST' })).json()) as {
          token: string;
        };
        const headers = { authorization: `Bearer ${token}` };
        await post(API_PATHS.consent, {
          method: 'PUT',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ version: 'bench', scopes: CONSENT_SCOPES }),
        });
        return { headers, sessions: [] as string[] };
      }),
    );

    const bodies = clients.map(() =>
      Array.from({ length: SESSIONS_PER_CLIENT }, () => {
        const imageIds = ANGLES.map(() => randomUUID());
        return { sessionId: randomUUID(), json: JSON.stringify(session(imageIds)) };
      }),
    );
    const bodyBytes = bodies[0]![0]!.json.length;
    const sessions = await phase(
      `sessions (13 vectors × ${DIMS} dims, ${(bodyBytes / 1024).toFixed(0)} KiB JSON)`,
      SESSIONS_PER_CLIENT,
      (client, i) => {
        const { sessionId, json } = bodies[client]![i]!;
        clients[client]!.sessions.push(sessionId);
        return post(API_PATHS.session(sessionId), {
          method: 'PUT',
          headers: { ...clients[client]!.headers, 'content-type': 'application/json' },
          body: json,
        });
      },
      (seconds, n) => `${(n / seconds).toFixed(1)} sessions/s, ${((n * 13) / seconds).toFixed(0)} vectors/s`,
    );

    const image = stripImageMetadata(new Uint8Array(await readFile(PHOTO)));
    const sha = createHash('sha256').update(image).digest('hex');
    const imageBody = Buffer.from(image);
    const images = await phase(
      `image uploads (${(image.byteLength / 1024).toFixed(0)} KiB JPEG)`,
      IMAGES_PER_CLIENT,
      (client, i) => {
        const { sessions: own, headers } = clients[client]!;
        return post(API_PATHS.image(own[i % own.length]!, `img-${i}`), {
          method: 'PUT',
          headers: {
            ...headers,
            'content-type': 'image/jpeg',
            [HEADER_ANGLE]: ANGLES[i % ANGLES.length]!,
            [HEADER_SHA256]: sha,
          },
          body: imageBody,
        });
      },
      (seconds, n) =>
        `${(n / seconds).toFixed(1)} images/s, ${((n * image.byteLength) / seconds / 1e6).toFixed(1)} MB/s`,
    );

    const retried = await phase(
      'session retries (same bodies: idempotent, no writes)',
      1,
      (client) => {
        const { sessionId, json } = bodies[client]![0]!;
        return post(API_PATHS.session(sessionId), {
          method: 'PUT',
          headers: { ...clients[client]!.headers, 'content-type': 'application/json' },
          body: json,
        });
      },
      (seconds, n) => `${(n / seconds).toFixed(1)} sessions/s`,
    );

    await app.close();
    const exportStart = performance.now();
    const fresh = await exportDataset(store, outDir);
    const freshSeconds = (performance.now() - exportStart) / 1000;
    const resumeStart = performance.now();
    const resumed = await exportDataset(store, outDir);
    const resumeSeconds = (performance.now() - resumeStart) / 1000;

    const rows: string[][] = [
      ['phase', 'requests', 'failed', 'seconds', 'p50 ms', 'p99 ms', 'throughput'],
      ...[sessions, images, retried].map((r) => [
        r.name,
        String(r.requests),
        String(r.failures),
        r.seconds.toFixed(2),
        r.p50.toFixed(1),
        r.p99.toFixed(1),
        r.extra,
      ]),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    process.stdout.write(
      `Sync server on 127.0.0.1, embedded store, ${CLIENTS} concurrent clients\n` +
        rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n') +
        '\n\n' +
        `export, fresh:   ${fresh.imagesWritten} images (${(fresh.bytesWritten / 1e6).toFixed(1)} MB), ` +
        `${fresh.images} metadata lines, ${fresh.vectors} vectors in ${freshSeconds.toFixed(2)} s ` +
        `(${(fresh.imagesWritten / freshSeconds).toFixed(0)} images/s, ${(fresh.bytesWritten / 1e6 / freshSeconds).toFixed(1)} MB/s)\n` +
        `export, resumed: ${resumed.imagesSkipped} images checked and skipped in ${resumeSeconds.toFixed(2)} s\n`,
    );
  } finally {
    await app.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}

await main();

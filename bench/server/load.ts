/**
 * The client side of `npm run bench:server`: `plan.clients` participants enrol and consent, then upload sessions
 * (13 vectors each) with vectors as JSON numbers and then as `vector_f32`, each as fast as the answers come; then
 * `vector_f32` sessions at fixed rates (`plan.pacedRates`), images, and the first `vector_f32` session again
 * (an idempotent retry), each client one request at a time over HTTP keep-alive. Runs in its own thread
 * (`load-worker.ts`), as phones are other machines: on one thread with the server, building and sending bodies took
 * the server's time.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  API_PATHS,
  CONSENT_SCOPES,
  HEADER_ANGLE,
  HEADER_SHA256,
  type SessionUpload,
} from '../../src/sync/contract.ts';
import { vectorBody } from '../../src/app/sync/payloads.ts';
import { stripImageMetadata } from '../../src/sync/image-metadata.ts';

const DIMS = 1280;
const ANGLES = ['front', 'front_arms_raised', 'left_oblique', 'left_side', 'right_oblique', 'right_side'];
const PHOTO = path.resolve(
  import.meta.dirname,
  '../../../shared/data/photos/npm-vladmandic-face-api__sample6.jpg',
);

export interface LoadPlan {
  /** The server's base URL (loopback). */
  readonly base: string;
  readonly clients: number;
  readonly sessionsPerClient: number;
  readonly imagesPerClient: number;
  /**
   * Paced phases, one per rate: sessions/s offered by all clients together, each client sending at a fixed interval
   * (clients ÷ rate seconds), as phones each sending when their own session is done, not as soon as the last answer
   * came. Empty: no such phase.
   */
  readonly pacedRates: readonly number[];
  /** Sessions each client sends in each paced phase. */
  readonly pacedSessionsPerClient: number;
}

/**
 * How a body carries its vectors: `f32`, as the app sends them (`vectorBody`, base64 float32), or `numbers`, as
 * apps before it did (JSON numbers of 9 significant digits), which the server still accepts.
 */
type VectorForm = 'f32' | 'numbers';

/** A random unit vector as `form` carries it. */
function randomUnitVector(form: VectorForm): { vector: number[] } | { vector_f32: string } {
  const v = Array.from({ length: DIMS }, () => Math.random() - 0.5);
  const norm = Math.hypot(...v);
  const unit = Float32Array.from(v, (x) => x / norm);
  return form === 'f32' ? vectorBody(unit) : { vector: Array.from(unit, (x) => Number(x.toPrecision(9))) };
}

function session(imageIds: readonly string[], form: VectorForm): SessionUpload {
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
        ...randomUnitVector(form),
      })),
      ...ANGLES.map((angle) => ({
        kind: 'angle' as const,
        model_id: 'mobilenet_v2-nsfwjs',
        angle,
        ...randomUnitVector(form),
      })),
      { kind: 'session' as const, model_id: 'mobilenet_v2-nsfwjs', ...randomUnitVector(form) },
    ],
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

export interface PhaseResult {
  readonly name: string;
  readonly requests: number;
  readonly failures: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly extra: string;
}

/**
 * Runs `perClient` requests on each of `clients` concurrent clients, each client one request at a time; latency per
 * request in ms. With `intervalMs`, client c sends its request i at `start + offset_c + i × intervalMs` (offsets spread
 * evenly over one interval) or, if its previous answer came later, as soon as it came; latency then counts from the
 * scheduled time, so a queue the client waited in counts too (no coordinated omission).
 */
async function phase(
  clients: number,
  name: string,
  perClient: number,
  request: (client: number, i: number) => Promise<Response>,
  extra: (seconds: number, requests: number) => string,
  intervalMs?: number,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const errors = new Map<string | number, number>();
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < perClient; i++) {
        let t0 = performance.now();
        if (intervalMs !== undefined) {
          const scheduled = started + ((client / clients) * intervalMs + i * intervalMs);
          if (scheduled > t0) await new Promise((resolve) => setTimeout(resolve, scheduled - t0));
          t0 = scheduled;
        }
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

/** Runs the phases of `plan` against its server; returns sessions (numbers, then vector_f32), images, retries. */
export async function runLoad(plan: LoadPlan): Promise<PhaseResult[]> {
  const post = (url: string, init: RequestInit = {}) => fetch(`${plan.base}${url}`, init);

  const clients = await Promise.all(
    Array.from({ length: plan.clients }, async () => {
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

  const sessionPhase = (form: VectorForm, perClient = plan.sessionsPerClient, intervalMs?: number) => {
    const bodies = clients.map(() =>
      Array.from({ length: perClient }, () => {
        const imageIds = ANGLES.map(() => randomUUID());
        return { sessionId: randomUUID(), json: JSON.stringify(session(imageIds, form)) };
      }),
    );
    const kib = ((bodies[0]?.[0]?.json.length ?? 0) / 1024).toFixed(0);
    const paced =
      intervalMs === undefined
        ? ''
        : `, ${((plan.clients * 1000) / intervalMs).toFixed(0)} sessions/s offered`;
    const result = phase(
      plan.clients,
      `sessions (13 × ${DIMS}-d vectors as ${form === 'f32' ? 'vector_f32, the app' : 'numbers, earlier apps'}, ${kib} KiB${paced})`,
      perClient,
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
      intervalMs,
    );
    return { bodies, result };
  };
  const numbers = await sessionPhase('numbers').result;
  const appForm = sessionPhase('f32');
  const f32 = await appForm.result;
  const bodies = appForm.bodies;
  const paced: PhaseResult[] = [];
  for (const rate of plan.pacedSessionsPerClient > 0 ? plan.pacedRates : []) {
    paced.push(await sessionPhase('f32', plan.pacedSessionsPerClient, (plan.clients * 1000) / rate).result);
  }

  const image = stripImageMetadata(new Uint8Array(await readFile(PHOTO)));
  const sha = createHash('sha256').update(image).digest('hex');
  const imageBody = Buffer.from(image);
  const images = await phase(
    plan.clients,
    `image uploads (${(image.byteLength / 1024).toFixed(0)} KiB JPEG)`,
    plan.imagesPerClient,
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
    plan.clients,
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

  return [numbers, f32, ...paced, images, retried];
}

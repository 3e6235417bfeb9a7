import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type ServerConfig } from '../../server/config.ts';
import { openDataStore, type DataStore } from '../../server/store.ts';
import {
  API_PATHS,
  CONSENT_SCOPES,
  HEADER_ANGLE,
  HEADER_SHA256,
  type ConsentScope,
  type SessionUpload,
} from '../../src/sync/contract.ts';
import { vectorBody } from '../../src/app/sync/payloads.ts';
import { stripImageMetadata } from '../../src/sync/image-metadata.ts';

/** The shared real test photos, beside the repository (as in CI's fresh clone). */
export const PHOTOS = path.resolve(import.meta.dirname, '../../../shared/data/photos');
export const MODEL_ID = 'test-model-8';
export const DIMS = 8;

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `bcd-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The test model registered beside the app's own (`EMBEDDING_MODELS`). */
export const TEST_EMBEDDING_MODELS = `${MODEL_ID}:${DIMS},mobilenet_v2-nsfwjs:1280`;

/**
 * Configuration for tests: silent logs, the given data dir, the test model registered, enrolment and token refresh
 * unlimited per IP (every injected request comes from 127.0.0.1); overrides as environment variables.
 */
export function testConfig(dataDir: string, env: Record<string, string> = {}): ServerConfig {
  return loadConfig({
    BCD_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    EMBEDDING_MODELS: TEST_EMBEDDING_MODELS,
    ENROLMENTS_PER_IP_PER_HOUR: '1000000',
    REFRESHES_PER_IP_PER_HOUR: '1000000',
    ...env,
  });
}

/** One embedded store per test file (PGlite start-up costs seconds), shared by apps of different configs. */
export async function openTestStore(): Promise<{
  store: DataStore;
  dataDir: string;
  close: () => Promise<void>;
}> {
  const { dir, remove } = await tempDir('store');
  const store = await openDataStore(testConfig(dir));
  return {
    store,
    dataDir: dir,
    close: async () => {
      await store.close();
      await remove();
    },
  };
}

/** A silent app on an already open store, configured by `env` overrides. */
export function appOn(store: DataStore, dataDir: string, env: Record<string, string> = {}) {
  return buildApp({ config: testConfig(dataDir, env), store, logger: false });
}

/** Lower-case hex sha256. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A real photo with its metadata stripped by the helper the outbox uses. */
export async function cleanJpeg(name = 'exif/gps.jpg'): Promise<Uint8Array> {
  return stripImageMetadata(new Uint8Array(await readFile(path.join(PHOTOS, name))));
}

/** A shared test photo's bytes, as they are (metadata included). */
export async function photo(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path.join(PHOTOS, name)));
}

/** The bearer header for a token. */
export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** Enrols a participant and records consent for `scopes` (all by default). */
export async function participant(
  app: FastifyInstance,
  scopes: readonly ConsentScope[] = CONSENT_SCOPES,
): Promise<{ id: string; token: string; refreshToken: string }> {
  const enrolled = await app.inject({ method: 'POST', url: API_PATHS.participants });
  const {
    participant_id: id,
    token,
    refresh_token: refreshToken,
  } = enrolled.json() as { participant_id: string; token: string; refresh_token: string };
  if (scopes.length > 0) {
    const consent = await app.inject({
      method: 'PUT',
      url: API_PATHS.consent,
      headers: auth(token),
      payload: { version: 'consent-v1', scopes },
    });
    if (consent.statusCode !== 200) throw new Error(`consent failed: ${consent.body}`);
  }
  return { id, token, refreshToken };
}

/** A deterministic L2-normalised vector: mostly along axis `axis`, tilted by `tilt`. */
export function unitVector(axis: number, tilt = 0, dims = DIMS): number[] {
  const v = Array.from(
    { length: dims },
    (_, i) => (i === axis % dims ? 1 : 0) + (i === (axis + 1) % dims ? tilt : 0),
  );
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/**
 * A unit vector of `DIMS` float32 values that a lossy path would change: the smallest subnormal, values far below
 * 1, thirds that have no short decimal. Each value is already a float32. (No -0: JSON.stringify writes it as 0.)
 */
export function awkwardUnitVector(): number[] {
  const head = [1.4e-45, 1e-30, -1 / 3, 0.1, 1e-7, 2 / 3, -0.25].map(Math.fround);
  const rest = Math.sqrt(1 - head.reduce((sum, x) => sum + x * x, 0));
  return [...head, Math.fround(rest)];
}

/** Whether two vectors hold the same float32 bit patterns. */
export function sameFloat32Bits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return Buffer.from(Float32Array.from(a).buffer).equals(Buffer.from(Float32Array.from(b).buffer));
}

/** A 14×14 change map as the core writes it: the top row outside the overlap, one cell well over the floor. */
export function changeMap(): { rows: number; cols: number; cells: number[] } {
  return {
    rows: 14,
    cols: 14,
    cells: Array.from({ length: 196 }, (_, i) => (i < 14 ? 255 : i === 100 ? 212 : i % 7)),
  };
}

/**
 * A complete session body (analysis version `bcd-2.0.0`): two angles, one image each (plus a second `front`
 * image), analysis, vectors. `front` is measured by registered local change; `left_side` could not be aligned
 * and falls back to its embedding, as the core reports it.
 */
export function sessionBody(imageIds: { front: string[]; left_side: string[] }, axis = 0): SessionUpload {
  const images = [
    ...imageIds.front.map((image_id) => ({ image_id, angle: 'front' })),
    ...imageIds.left_side.map((image_id) => ({ image_id, angle: 'left_side' })),
  ];
  return {
    captured_at: '2025-03-01T10:00:00.000Z',
    angles_expected: ['front', 'left_side'],
    images_expected: images.length,
    images: images.map((image, i) => ({
      ...image,
      quality: {
        image_quality_score: 0.8,
        blur_score: 120 + i,
        brightness: 0.5,
        contrast: 0.2,
        clipped_fraction: 0.01,
        flags: [],
      },
    })),
    analysis: {
      analysis_version: 'bcd-2.0.0',
      model_id: MODEL_ID,
      overall_score: 0.12,
      variation_level: 'mild_variation',
      angle_aware_score: 0.1,
      session_quality_score: 0.75,
      analysis_confidence_score: 0.6,
      image_quality_summary: {
        images: images.length,
        mean_image_quality: 0.8,
        min_image_quality: 0.8,
        flag_counts: {},
      },
      baseline_used: { sessions: 1, session_ids: ['earlier-session'], window: null },
      comparison_layers_used: ['registered_local_change', 'angle_embedding', 'session_embedding'],
    },
    angle_analyses: [
      {
        angle: 'front',
        image_count: imageIds.front.length,
        change_score: 0.15,
        variation_level: 'mild_variation',
        baseline_sessions: 1,
        angle_quality_score: 0.8,
        change_method: 'registered_local_change',
        change_map: changeMap(),
        changed_area_fraction: 1 / 182,
        registration: {
          method: 'ecc_homography',
          ecc_correlation: 0.973,
          inliers: null,
          overlap: 0.94,
          failure: null,
          reference_session_id: 'earlier-session',
          hint: null,
        },
        noise_floor: { synthetic: 24, real: 0, delta_e: 3.75 },
        references: [{ session_id: 'earlier-session', raw_delta_e: 5.5 }],
      },
      {
        angle: 'left_side',
        image_count: imageIds.left_side.length,
        change_score: 0.05,
        variation_level: 'stable',
        baseline_sessions: 1,
        angle_quality_score: 0.8,
        change_method: 'angle_embedding',
        change_map: null,
        changed_area_fraction: 0,
        registration: {
          method: 'failed',
          ecc_correlation: 0.41,
          inliers: 6,
          overlap: 0,
          failure: 'too few details match the earlier photo of this angle',
          reference_session_id: 'earlier-session',
          hint: 'This photo could not be lined up with the earlier one. Retake it from the same distance.',
        },
        noise_floor: null,
        references: [{ session_id: 'earlier-session', raw_delta_e: null }],
      },
    ],
    embeddings: [
      ...images.map((image, i) => ({
        kind: 'image' as const,
        model_id: MODEL_ID,
        image_id: image.image_id,
        angle: image.angle,
        // Image vectors as the app sends them (base64 float32); the others as earlier apps did (numbers).
        ...vectorBody(Float32Array.from(unitVector(axis + i, 0.1))),
      })),
      { kind: 'angle' as const, model_id: MODEL_ID, angle: 'front', vector: unitVector(axis, 0.2) },
      { kind: 'angle' as const, model_id: MODEL_ID, angle: 'left_side', vector: unitVector(axis + 1, 0.2) },
      { kind: 'session' as const, model_id: MODEL_ID, vector: unitVector(axis, 0.5) },
    ],
  };
}

/**
 * `body` as an app that has not yet taken the `bcd-2.0.0` update sends it: analysis version `bcd-1.0.0`, a first
 * session (no baseline, so `angle_aware_score` null), embedding layers only, no change-engine fields.
 */
/**
 * The `angle_analysis` columns of the change engine (migration 0007) that a stored `body` should have, one row per
 * angle in the body's order: the change map split in rows, cols and cells, `references` as `reference_comparisons`.
 */
export function expectedChangeColumns(body: SessionUpload) {
  return body.angle_analyses!.map((a) => ({
    angle: a.angle,
    change_method: a.change_method,
    change_map_rows: a.change_map?.rows ?? null,
    change_map_cols: a.change_map?.cols ?? null,
    change_map_cells: a.change_map?.cells ?? null,
    changed_area_fraction: a.changed_area_fraction,
    registration: a.registration,
    noise_floor: a.noise_floor,
    reference_comparisons: a.references,
  }));
}

export function preChangeEngineBody(body: SessionUpload): SessionUpload {
  return {
    ...body,
    analysis: {
      ...body.analysis!,
      analysis_version: 'bcd-1.0.0',
      angle_aware_score: null,
      baseline_used: { sessions: 0, session_ids: [], window: null },
      comparison_layers_used: ['angle_embedding', 'session_embedding'],
    },
    angle_analyses: body.angle_analyses?.map((a) => ({
      angle: a.angle,
      image_count: a.image_count,
      change_score: 0,
      variation_level: 'stable',
      baseline_sessions: 0,
      angle_quality_score: a.angle_quality_score,
    })),
  };
}

/** Uploads a session body (`sessionBody`, or any payload to test) as participant `token`. */
export function putSession(app: FastifyInstance, token: string, sessionId: string, payload: unknown) {
  return app.inject({
    method: 'PUT',
    url: API_PATHS.session(sessionId),
    headers: auth(token),
    payload: payload as Record<string, unknown>,
  });
}

/** Uploads image bytes with the contract's headers. */
export function putImage(
  app: FastifyInstance,
  token: string,
  sessionId: string,
  imageId: string,
  bytes: Uint8Array,
  options: { angle?: string; sha?: string; contentType?: string } = {},
) {
  return app.inject({
    method: 'PUT',
    url: API_PATHS.image(sessionId, imageId),
    headers: {
      ...auth(token),
      'content-type': options.contentType ?? 'image/jpeg',
      [HEADER_ANGLE]: options.angle ?? 'front',
      [HEADER_SHA256]: options.sha ?? sha256(bytes),
    },
    payload: Buffer.from(bytes),
  });
}

/** A fresh client id (UUID). */
export const newId = () => randomUUID();

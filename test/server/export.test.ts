import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { openDataStore, type DataStore } from '../../server/store.ts';
import { registerExportCommand } from '../../src/cli/export.ts';
import { exportDataset } from '../../src/cli/export-dataset.ts';
import { API_PATHS } from '../../src/sync/contract.ts';
import {
  auth,
  cleanJpeg,
  newId,
  participant,
  preChangeEngineBody,
  putImage,
  sessionBody,
  sha256,
  tempDir,
  testConfig,
  DIMS,
} from './helpers.ts';

const readLines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('researcher export (bcd export)', () => {
  let dataDir: { dir: string; remove: () => Promise<void> };
  let outDir: { dir: string; remove: () => Promise<void> };
  let store: DataStore;
  let app: FastifyInstance;
  const uploaded = new Map<string, string>();
  let full: { id: string; token: string };
  let sessionsOnly: { id: string; token: string };
  let unconsented: { id: string; token: string };
  let sessionA: string;
  let sessionB: string;

  beforeAll(async () => {
    dataDir = await tempDir('export-data');
    outDir = await tempDir('export-out');
    store = await openDataStore(testConfig(dataDir.dir));
    app = await buildApp({ config: testConfig(dataDir.dir), store, logger: false });
    full = await participant(app);
    sessionsOnly = await participant(app, ['sessions']);
    unconsented = await participant(app, []);
    sessionA = newId();
    sessionB = newId();
    const images: [string, string, string, string][] = [
      [sessionA, 'f1', 'front', 'exif/gps.jpg'],
      [sessionA, 'f2', 'front', 'exif/orient-3.jpg'],
      [sessionA, 'l1', 'left_side', 'exif/orient-6.jpg'],
      [sessionB, 'f3', 'front', 'exif/orient-8.jpg'],
    ];
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionA),
      headers: auth(full.token),
      payload: sessionBody({ front: ['f1', 'f2'], left_side: ['l1'] }),
    });
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionB),
      headers: auth(full.token),
      // Uploaded by an app that had not yet taken the bcd-2.0.0 update: no change-engine fields.
      payload: {
        ...preChangeEngineBody(sessionBody({ front: ['f3'], left_side: [] }, 3)),
        captured_at: '2025-04-01T10:00:00.000Z',
      },
    });
    for (const [sessionId, imageId, angle, file] of images) {
      const bytes = await cleanJpeg(file);
      uploaded.set(`${sessionId}/${imageId}`, sha256(bytes));
      const response = await putImage(app, full.token, sessionId, imageId, bytes, { angle });
      if (response.statusCode !== 200) throw new Error(response.body);
    }
    const metadata = { ...sessionBody({ front: ['x1'], left_side: [] }), embeddings: undefined };
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(newId()),
      headers: auth(sessionsOnly.token),
      payload: metadata,
    });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await dataDir?.remove();
    await outDir?.remove();
  });

  it('writes the layout: images per participant and session, metadata, vectors and a dataset card', async () => {
    const progress = vi.fn();
    const summary = await exportDataset(store, outDir.dir, progress);
    expect(summary).toMatchObject({
      participants: 2,
      sessions: 3,
      images: 5,
      imagesWritten: 4,
      imagesSkipped: 0,
      vectors: 10,
      consentVersions: ['consent-v1'],
    });
    expect(progress).toHaveBeenLastCalledWith({ total: 4, done: 4 });

    const sessionDir = path.join(outDir.dir, 'dataset', full.id, sessionA);
    for (const [name, key] of [
      ['front__1.jpg', 'f1'],
      ['front__2.jpg', 'f2'],
      ['left_side.jpg', 'l1'],
    ]) {
      expect(sha256(new Uint8Array(await readFile(path.join(sessionDir, name!))))).toBe(
        uploaded.get(`${sessionA}/${key}`),
      );
    }
    expect(existsSync(path.join(outDir.dir, 'dataset', full.id, sessionB, 'front.jpg'))).toBe(true);
    expect(existsSync(path.join(outDir.dir, 'dataset', sessionsOnly.id))).toBe(false);
    expect(existsSync(path.join(outDir.dir, 'dataset', unconsented.id))).toBe(false);

    const metadata = await readLines(path.join(outDir.dir, 'metadata.jsonl'));
    expect(metadata).toHaveLength(5);
    const f2 = metadata.find((line) => line.image_id === 'f2')!;
    expect(f2).toMatchObject({
      participant_id: full.id,
      session_id: sessionA,
      file: `dataset/${full.id}/${sessionA}/front__2.jpg`,
      angle: 'front',
      captured_at: '2025-03-01T10:00:00.000Z',
      sha256: uploaded.get(`${sessionA}/f2`),
      quality: { image_quality_score: 0.8, flags: [] },
      session_scores: { overall_score: 0.12, variation_level: 'mild_variation', baseline_sessions: 1 },
      angle_scores: { change_score: 0.15, variation_level: 'mild_variation' },
      model_id: 'test-model-8',
      analysis_version: 'bcd-2.0.0',
      consent_version: 'consent-v1',
    });
    // The change engine's per-angle fields, exactly as uploaded, on every photo of the angle.
    const sent = sessionBody({ front: ['f1', 'f2'], left_side: ['l1'] }).angle_analyses!;
    for (const [imageId, angle] of [
      ['f1', sent[0]!],
      ['f2', sent[0]!],
      ['l1', sent[1]!],
    ] as const) {
      expect(metadata.find((line) => line.image_id === imageId)!.angle_scores, imageId).toEqual({
        change_score: angle.change_score,
        variation_level: angle.variation_level,
        angle_quality_score: angle.angle_quality_score,
        change_method: angle.change_method,
        changed_area_fraction: angle.changed_area_fraction,
        change_map: angle.change_map,
        registration: angle.registration,
        noise_floor: angle.noise_floor,
        references: angle.references,
      });
    }
    const earlier = metadata.find((line) => line.image_id === 'f3')!;
    expect(earlier).toMatchObject({
      analysis_version: 'bcd-1.0.0',
      session_scores: { angle_aware_score: null, baseline_sessions: 0 },
      angle_scores: {
        change_score: 0,
        change_method: null,
        changed_area_fraction: null,
        change_map: null,
        registration: null,
        noise_floor: null,
        references: null,
      },
    });
    const metadataOnly = metadata.find((line) => line.participant_id === sessionsOnly.id)!;
    expect(metadataOnly).toMatchObject({ image_id: 'x1', file: null, sha256: null });
    expect(metadata.some((line) => line.participant_id === unconsented.id)).toBe(false);

    const vectors = await readLines(path.join(outDir.dir, 'vectors.jsonl'));
    expect(vectors).toHaveLength(10);
    expect(new Set(vectors.map((v) => v.embedding_id)).size).toBe(10);
    expect(vectors.every((v) => v.participant_id === full.id && (v.vector as number[]).length === DIMS)).toBe(
      true,
    );
    expect(vectors[0]).toMatchObject({
      model_id: 'test-model-8',
      dimensions: DIMS,
      idempotency_hash: expect.any(String),
    });

    const card = await readFile(path.join(outDir.dir, 'README.md'), 'utf8');
    expect(card).toContain('| Participants (current consent) | 2 |');
    expect(card).toContain('`consent-v1`');
    for (const field of [
      'change_method',
      'changed_area_fraction',
      'change_map',
      'registration',
      'noise_floor',
      'references',
    ]) {
      expect(card).toContain(`\n- \`${field}\`: `);
    }
    expect(card).not.toMatch(/risk|abnormal|suspicious|concerning|diagnos|malignan|lesion|cancer/i);
  });

  it('resumes: matching files are skipped, damaged or missing ones fetched again', async () => {
    const again = await exportDataset(store, outDir.dir);
    expect(again).toMatchObject({ imagesWritten: 0, imagesSkipped: 4, bytesWritten: 0 });

    const sessionDir = path.join(outDir.dir, 'dataset', full.id, sessionA);
    await writeFile(path.join(sessionDir, 'front__1.jpg'), 'damaged');
    await rm(path.join(sessionDir, 'left_side.jpg'));
    const repaired = await exportDataset(store, outDir.dir);
    expect(repaired).toMatchObject({ imagesWritten: 2, imagesSkipped: 2 });
    expect(sha256(new Uint8Array(await readFile(path.join(sessionDir, 'front__1.jpg'))))).toBe(
      uploaded.get(`${sessionA}/f1`),
    );
  });

  it('removes a withdrawn participant from an earlier export', async () => {
    const withdrawal = await app.inject({
      method: 'DELETE',
      url: API_PATHS.consent,
      headers: auth(full.token),
    });
    expect(withdrawal.statusCode).toBe(200);
    const after = await exportDataset(store, outDir.dir);
    expect(after).toMatchObject({ participants: 1, images: 1, filesRemoved: 4, vectors: 0 });
    expect(existsSync(path.join(outDir.dir, 'dataset', full.id))).toBe(false);
    expect(await readLines(path.join(outDir.dir, 'vectors.jsonl'))).toEqual([]);
  });

  it('runs as the `export` sub-command on the embedded store, which it locks', async () => {
    const program = new Command().exitOverride();
    registerExportCommand(program);
    await expect(
      program.parseAsync(['export', '--out', outDir.dir, '--data-dir', dataDir.dir], { from: 'user' }),
    ).rejects.toThrow(/in use|already open/);

    await app.close();
    await store.close();
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(['export', '--out', outDir.dir, '--data-dir', dataDir.dir], { from: 'user' });
    } finally {
      write.mockRestore();
      store = await openDataStore(testConfig(dataDir.dir));
      app = await buildApp({ config: testConfig(dataDir.dir), store, logger: false });
    }
    expect(printed).toMatch(/Exported 1 participants, 1 sessions, 1 image records/);
  });
});

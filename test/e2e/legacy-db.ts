import type { Page } from 'playwright-core';

/** One session as a phone stored it before the change engine (database schema 2, analysis version bcd-1.x). */
export interface LegacySession {
  readonly sessionId: string;
  readonly createdAt: string;
  readonly angle: string;
  /** The photo's bytes, base64. */
  readonly photo: string;
  readonly modelId: string;
  readonly dims: number;
  readonly analysisVersion: string;
}

/**
 * Creates the app's IndexedDB database as schema version 2 made it (Dexie stores version × 10), with one session
 * analysed before the change engine: no change rasters, a null angle change, angle rows without the change
 * engine's fields. Call on a page of the app's origin that does not run the app (e.g. its web manifest), before
 * the app opens the database.
 */
export async function seedSchema2Database(page: Page, session: LegacySession): Promise<void> {
  await page.evaluate(async (s) => {
    const stores: Record<string, [keyPath: string | string[], autoIncrement: boolean, indexes: string[]]> = {
      sessions: ['id', false, ['created_at']],
      images: ['id', true, ['session_id', '[session_id+angle]', 'sha256']],
      embeddings: ['id', true, ['image_id', 'session_id', 'model_id']],
      analyses: [['session_id', 'model_id'], false, ['session_id', 'model_id', 'created_at']],
      angle_analyses: ['id', true, ['session_id', '[session_id+model_id]']],
      analysis_logs: ['id', true, ['session_id', 'created_at']],
      feedback: ['id', true, ['session_id', 'image_id', 'created_at']],
      outbox: ['id', true, ['session_id', 'created_at']],
      session_sync: ['session_id', false, []],
      sync_state: ['key', false, []],
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('bcd', 20);
      open.onupgradeneeded = () => {
        for (const [name, [keyPath, autoIncrement, indexes]] of Object.entries(stores)) {
          const store = open.result.createObjectStore(name, { keyPath, autoIncrement });
          for (const index of indexes) {
            const compound = index.startsWith('[') ? index.slice(1, -1).split('+') : null;
            store.createIndex(index, compound ?? index);
          }
        }
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const bytes = Uint8Array.from(atob(s.photo), (c) => c.charCodeAt(0));
    const blob = new Blob([bytes], { type: 'image/jpeg' });
    const vector = new Float32Array(s.dims).fill(1 / Math.sqrt(s.dims));
    const quality = {
      blur_score: 500,
      brightness: 0.45,
      contrast: 0.2,
      clipped_fraction: 0,
      image_quality_score: 0.9,
      flags: [],
      hints: [],
      low_confidence: false,
    };
    const tx = db.transaction(Object.keys(stores), 'readwrite');
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    tx.objectStore('sessions').add({
      id: s.sessionId,
      created_at: s.createdAt,
      angles: [s.angle],
      image_count: 1,
    });
    tx.objectStore('images').add({
      id: 1,
      session_id: s.sessionId,
      angle: s.angle,
      position: 0,
      file_name: `${s.angle}.jpg`,
      blob,
      thumbnail: blob,
      width: 256,
      height: 171,
      sha256: '0'.repeat(64),
      quality,
      created_at: s.createdAt,
    });
    tx.objectStore('embeddings').add({
      image_id: 1,
      session_id: s.sessionId,
      angle: s.angle,
      model_id: s.modelId,
      vector,
      created_at: s.createdAt,
    });
    const summary = { images: 1, mean_image_quality: 0.9, min_image_quality: 0.9, flag_counts: {} };
    tx.objectStore('analyses').add({
      session_id: s.sessionId,
      analysis_version: s.analysisVersion,
      model_id: s.modelId,
      overall_score: 0,
      variation_level: 'stable',
      angle_aware_score: null,
      session_quality_score: 0.9,
      analysis_confidence_score: 0.5,
      image_quality_summary: summary,
      baseline_used: { sessions: 0, session_ids: [], window: null },
      comparison_layers_used: [],
      session_embedding: vector,
      created_at: s.createdAt,
    });
    tx.objectStore('angle_analyses').add({
      session_id: s.sessionId,
      model_id: s.modelId,
      angle: s.angle,
      image_count: 1,
      change_score: 0,
      variation_level: 'stable',
      baseline_sessions: 0,
      angle_quality_score: 0.9,
      embedding: vector,
    });
    await done;
    db.close();
  }, session);
}

import type { ConsentScope } from '../../../src/sync/contract.ts';
import {
  BcdDatabase,
  type AnalysisLogRow,
  type ImageRow,
  type OutboxRow,
  type SessionRow,
  type SessionSyncRow,
} from '../../../src/app/db/schema.ts';
import { SYNC_LOCK, SyncEngine, type EngineStatus, type SyncClock } from '../../../src/app/sync/engine.ts';
import {
  readSyncSettings,
  writeSyncSetting,
  type Enrolment,
  type SyncSettings,
} from '../../../src/app/sync/state.ts';
import { encodeUpright } from '../../../src/app/sync/upright-encoder.ts';

/** One request the engine made and the server's status (0 = no answer). */
export interface Call {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/** An outbox row as it crosses into Node (no blobs). */
export type OutboxView = Pick<
  OutboxRow,
  'id' | 'kind' | 'session_id' | 'attempts' | 'last_error' | 'parked_under'
>;

/** What test/e2e/sync-engine.test.ts calls through `page.evaluate(() => window.syncHarness…)`. */
export interface SyncHarness {
  /**
   * A new engine on the database `name` (made empty at first use), with this page's fetch (recorded), a clock whose
   * timers run only when `fireTimer` says, the real Web Locks, and an online state the test sets.
   */
  open(name: string, appVersion: string): void;
  /**
   * Makes the database `name` as schema version 1 (before the sync engine; IndexedDB version 10) left it, with
   * `sessions` as that version stored them: the session, its photo (`photo`, base64 JPEG), the photo's vector, the
   * analysis (bcd-1.0.0: no angle change on a first session) and its angle row, the analysis log; and one outbox row
   * of that version's declared, never used outbox. Call before `open(name)`.
   */
  seedSchema1(name: string, sessions: LegacySession[]): Promise<void>;
  /** The database's Dexie schema version and what its tables hold, read with Dexie (after `open`). */
  contents(): Promise<{ version: number; sessions: SessionRow[]; images: number; outbox: number }>;
  /** Stores `count` sessions with one photo's record and one analysis log each. @returns their local ids. */
  seed(count: number): Promise<string[]>;
  consent(scopes: ConsentScope[]): Promise<EngineStatus>;
  /** Runs a pass now and waits for it. */
  kick(): Promise<EngineStatus>;
  /** Runs the earliest timer the engine set (a backoff or a look at the lock). @returns its delay, ms. */
  fireTimer(): Promise<number>;
  /** The delays of the timers waiting, ms. */
  timers(): number[];
  setOnline(online: boolean): void;
  withdraw(): Promise<SyncSettings['withdrawal']>;
  status(): EngineStatus;
  settings(): Promise<SyncSettings>;
  /** Stores an enrolment as an earlier version of the app kept it. */
  storeEnrolment(enrolment: Enrolment): Promise<void>;
  /** Changes the stored enrolment (an expired or refused token, say), as time or the server would. */
  editEnrolment(fields: Partial<Enrolment>): Promise<void>;
  /** Changes the participant of the pending withdrawal, likewise. */
  editPendingWithdrawal(fields: Partial<Enrolment>): Promise<void>;
  outbox(): Promise<OutboxView[]>;
  sessionSync(): Promise<SessionSyncRow[]>;
  /** Every request since the last call, in order. */
  takeCalls(): Call[];
  /** Takes the sync lock as another tab's engine would, until `releaseLock`. */
  holdLock(): Promise<void>;
  releaseLock(): void;
}

/** One session of a phone from before the sync engine. */
export interface LegacySession {
  readonly id: string;
  readonly createdAt: string;
  /** JPEG bytes, base64. */
  readonly photo: string;
}

declare global {
  interface Window {
    syncHarness: SyncHarness;
  }
}

interface Timer {
  readonly ms: number;
  readonly callback: () => void;
  cancelled: boolean;
}

let db: BcdDatabase;
let engine: SyncEngine;
let online = true;
let onNetwork: ((online: boolean) => void) | undefined;
let timers: Timer[] = [];
let calls: Call[] = [];
let release: (() => void) | undefined;

const clock: SyncClock = {
  now: () => Date.now(),
  after(ms, callback) {
    const timer: Timer = { ms, callback, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  },
};

const recordedFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = init?.method ?? 'GET';
  try {
    const response = await fetch(input, init);
    calls.push({ method, path: url.pathname, status: response.status });
    return response;
  } catch (error) {
    calls.push({ method, path: url.pathname, status: 0 });
    throw error;
  }
};

const QUALITY = {
  blur_score: 420,
  brightness: 0.5,
  contrast: 0.22,
  clipped_fraction: 0.01,
  image_quality_score: 0.85,
  flags: [],
  hints: [],
  low_confidence: false,
};

/** A front photo's record as the app stores it. */
function photoRow(sessionId: string, photo: Blob, at: string): ImageRow {
  return {
    session_id: sessionId,
    angle: 'front',
    position: 0,
    file_name: 'front.jpg',
    blob: photo,
    thumbnail: photo,
    width: 640,
    height: 480,
    sha256: '0'.repeat(64),
    quality: QUALITY,
    created_at: at,
  };
}

/** The log of one photo's analysis by `analysisVersion`. */
function logRow(sessionId: string, at: string, analysisVersion: string): AnalysisLogRow {
  return {
    session_id: sessionId,
    created_at: at,
    model_id: 'mobilenet_v2-nsfwjs',
    analysis_version: analysisVersion,
    backend: 'wasm',
    threads: 1,
    images: [
      { file_name: 'front.jpg', angle: 'front', decode_ms: 9, quality_ms: 4, preprocess_ms: 8, embed_ms: 55 },
    ],
    scoring_ms: 3,
    total_ms: 80,
    confidence: 0.7,
    errors: [],
  };
}

async function settledStatus(): Promise<EngineStatus> {
  await engine.settled();
  return engine.current();
}

window.syncHarness = {
  open(name, appVersion) {
    db = new BcdDatabase(name);
    timers = [];
    engine = new SyncEngine({
      origin: location.origin,
      db,
      fetch: recordedFetch,
      clock,
      locks: navigator.locks,
      network: {
        online: () => online,
        onChange: (listener) => {
          onNetwork = listener;
        },
      },
      appVersion,
      encode: encodeUpright,
      random: () => 0.5,
    });
    engine.start();
  },
  async seed(count) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = crypto.randomUUID();
      const at = new Date(Date.UTC(2026, 0, 5 + 7 * i, 9)).toISOString();
      const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], { type: 'image/jpeg' });
      await db.transaction('rw', [db.sessions, db.images, db.analysis_logs], async () => {
        await db.sessions.add({ id, created_at: at, taken_at: at, angles: ['front'], image_count: 1 });
        await db.images.add(photoRow(id, photo, at));
        await db.analysis_logs.add(logRow(id, at, 'bcd-2.0.0'));
      });
      ids.push(id);
    }
    return ids;
  },
  async seedSchema1(name, sessions) {
    const stores: Record<string, [keyPath: string | string[], autoIncrement: boolean, indexes: string[]]> = {
      sessions: ['id', false, ['created_at']],
      images: ['id', true, ['session_id', '[session_id+angle]', 'sha256']],
      embeddings: ['id', true, ['image_id', 'session_id', 'model_id']],
      analyses: [['session_id', 'model_id'], false, ['session_id', 'model_id', 'created_at']],
      angle_analyses: ['id', true, ['session_id', '[session_id+model_id]']],
      analysis_logs: ['id', true, ['session_id', 'created_at']],
      feedback: ['id', true, ['session_id', 'image_id', 'created_at']],
      outbox: ['id', true, ['created_at']],
    };
    const legacy = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 10);
      request.onupgradeneeded = () => {
        for (const [table, [keyPath, autoIncrement, indexes]] of Object.entries(stores)) {
          const store = request.result.createObjectStore(table, { keyPath, autoIncrement });
          for (const index of indexes) {
            const compound = index.startsWith('[') ? index.slice(1, -1).split('+') : null;
            store.createIndex(index, compound ?? index);
          }
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = legacy.transaction(Object.keys(stores), 'readwrite');
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    const dims = 1280;
    const vector = new Float32Array(dims).fill(1 / Math.sqrt(dims));
    for (const [i, session] of sessions.entries()) {
      const at = session.createdAt;
      const bytes = Uint8Array.from(atob(session.photo), (c) => c.charCodeAt(0));
      const photo = new Blob([bytes], { type: 'image/jpeg' });
      const imageId = i + 1;
      tx.objectStore('sessions').add({ id: session.id, created_at: at, angles: ['front'], image_count: 1 });
      tx.objectStore('images').add({ id: imageId, ...photoRow(session.id, photo, at) });
      const model_id = 'mobilenet_v2-nsfwjs';
      tx.objectStore('embeddings').add({
        image_id: imageId,
        session_id: session.id,
        angle: 'front',
        model_id,
        vector,
        created_at: at,
      });
      const first = i === 0;
      tx.objectStore('analyses').add({
        session_id: session.id,
        analysis_version: 'bcd-1.0.0',
        model_id,
        overall_score: first ? 0 : 0.04,
        variation_level: 'stable',
        angle_aware_score: first ? null : 0.03,
        session_quality_score: 0.85,
        analysis_confidence_score: first ? 0.3 : 0.55,
        image_quality_summary: {
          images: 1,
          mean_image_quality: 0.85,
          min_image_quality: 0.85,
          flag_counts: {},
        },
        baseline_used: {
          sessions: first ? 0 : 1,
          session_ids: first ? [] : [sessions[0]!.id],
          window: null,
        },
        comparison_layers_used: first ? [] : ['angle_embedding', 'session_embedding'],
        session_embedding: vector,
        created_at: at,
      });
      tx.objectStore('angle_analyses').add({
        session_id: session.id,
        model_id,
        angle: 'front',
        image_count: 1,
        change_score: first ? 0 : 0.03,
        variation_level: 'stable',
        baseline_sessions: first ? 0 : 1,
        angle_quality_score: 0.85,
        embedding: vector,
      });
      tx.objectStore('analysis_logs').add(logRow(session.id, at, 'bcd-1.0.0'));
    }
    tx.objectStore('outbox').add({ created_at: sessions[0]?.createdAt ?? '', kind: 'session' });
    await done;
    legacy.close();
  },
  async contents() {
    return {
      version: db.verno,
      sessions: await db.sessions.orderBy('created_at').toArray(),
      images: await db.images.count(),
      outbox: await db.outbox.count(),
    };
  },
  async consent(scopes) {
    await engine.giveConsent('2026-01-v1', scopes);
    return settledStatus();
  },
  kick() {
    engine.kick();
    return settledStatus();
  },
  async fireTimer() {
    const live = timers.filter((t) => !t.cancelled);
    const next = live.sort((a, b) => a.ms - b.ms)[0];
    if (!next) throw new Error('no timer is set');
    timers = timers.filter((t) => t !== next);
    next.callback();
    await engine.settled();
    return next.ms;
  },
  timers: () => timers.filter((t) => !t.cancelled).map((t) => t.ms),
  setOnline(value) {
    online = value;
    onNetwork?.(value);
  },
  withdraw: () => engine.withdraw(),
  status: () => engine.current(),
  settings: () => readSyncSettings(db),
  storeEnrolment: (enrolment) => writeSyncSetting(db, 'enrolment', enrolment),
  async editPendingWithdrawal(fields) {
    const { withdrawal } = await readSyncSettings(db);
    if (!withdrawal?.participant || withdrawal.result !== null) throw new Error('no pending withdrawal');
    await writeSyncSetting(db, 'withdrawal', {
      ...withdrawal,
      participant: { ...withdrawal.participant, ...fields },
    });
  },
  async editEnrolment(fields) {
    const { enrolment } = await readSyncSettings(db);
    if (!enrolment) throw new Error('not enrolled');
    await writeSyncSetting(db, 'enrolment', { ...enrolment, ...fields });
  },
  async outbox() {
    return (await db.outbox.orderBy('id').toArray()).map(
      ({ id, kind, session_id, attempts, last_error, parked_under }) => ({
        id,
        kind,
        session_id,
        attempts,
        last_error,
        parked_under,
      }),
    );
  },
  sessionSync: () => db.session_sync.toArray(),
  takeCalls() {
    const taken = calls;
    calls = [];
    return taken;
  },
  holdLock() {
    return new Promise<void>((held) => {
      void navigator.locks.request(SYNC_LOCK, () => {
        held();
        return new Promise<void>((resolve) => (release = resolve));
      });
    });
  },
  releaseLock() {
    release?.();
  },
};

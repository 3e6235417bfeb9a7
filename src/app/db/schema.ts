import { Dexie, type EntityTable, type Table } from 'dexie';
import type { ImageQuality } from '../../core/quality/index.ts';
import type { FaceRegion } from '../../core/faces/change-faces.ts';
import type { FacesInImage } from '../../sync/contract.ts';
import type { AngleAnalysis, SessionAnalysis } from '../../core/scoring/index.ts';
import { withChangeFields, withFaces, withNumericAngleAware, withTakenAt } from './upgrade-rows.ts';

/** One photo session. Its id is a client-made UUID so a later upload can be idempotent. */
export interface SessionRow {
  id: string;
  /** ISO 8601 (UTC): when the session was made on this phone. The outbox queues sessions in this order. */
  created_at: string;
  /**
   * ISO 8601 (UTC, `toISOString`'s form): when the photos were taken (`sessionCaptureTime`: their earliest EXIF
   * DateTimeOriginal, else `created_at`), as the person may have corrected it. The history is shown and scored in
   * this order (the core's `byTakenAt`).
   */
  taken_at: string;
  /** Angles photographed, in the order of the session's slots. */
  angles: string[];
  image_count: number;
}

/** One photo as the person gave it, with what the model saw and its quality. */
export interface ImageRow {
  id?: number;
  session_id: string;
  angle: string;
  /** Position among the session's photos of the same angle, from 0. */
  position: number;
  file_name: string;
  blob: Blob;
  /** 224×224 JPEG of the model's input. */
  thumbnail: Blob;
  width: number;
  height: number;
  /** sha256 (hex) of the original bytes; lets a later upload be idempotent. */
  sha256: string;
  quality: ImageQuality;
  /**
   * Faces found in the photo when it was analysed (`facesForChange`; relative boxes, best first), left out of the
   * change measure and named on Results; [] when none was found, null when none was looked for (photos stored before
   * schema version 5).
   */
  faces?: readonly FaceRegion[] | null;
  created_at: string;
}

/** An image's embedding by one model. Vectors of different models are never compared. */
export interface EmbeddingRow {
  id?: number;
  image_id: number;
  session_id: string;
  angle: string;
  model_id: string;
  vector: Float32Array;
  created_at: string;
}

/**
 * The change engine's copy of one photo (SPEC "Change engine"), kept beside its image row: the 256-px RGB raster
 * later sessions are registered to and compared with, and its synthetic noise samples. Made by the preprocess
 * worker's `prepare`, the same pipeline as the CLI's; independent of the model.
 */
export interface ImageChangeRow {
  /** The image's local id (one row per image). */
  image_id: number;
  session_id: string;
  angle: string;
  /** `ANALYSIS_VERSION` that made the row; a row of another version is made again by re-analysis. */
  analysis_version: string;
  /** Raster size, px (long side 256). */
  width: number;
  height: number;
  /** RGB bytes, row-major, `width × height × 3`. */
  rgb: Uint8Array;
  /**
   * Synthetic noise samples of the photo against augmented copies of itself, ΔE*; null until computed after the
   * session was stored (`fillNoiseSamples`).
   */
  noise_samples: number[] | null;
  created_at: string;
}

/** A session's analysis by one model, without the per-angle part (kept in `angle_analyses`). */
export interface AnalysisRow extends Omit<SessionAnalysis, 'angles'> {
  created_at: string;
}

/** One angle of a session's analysis. */
export interface AngleAnalysisRow extends AngleAnalysis {
  id?: number;
  session_id: string;
  model_id: string;
}

/** Milliseconds per stage for one image. */
export interface ImageStageTimings {
  file_name: string;
  angle: string;
  decode_ms: number;
  quality_ms: number;
  preprocess_ms: number;
  /** Change raster and noise samples; absent in logs written before the change engine. */
  change_ms?: number;
  embed_ms: number;
  /** The faces search beside the embedding; absent in logs written before it was timed. */
  faces_ms?: number;
}

/** What happened during one analysis, kept for troubleshooting and (with consent) research. */
export interface AnalysisLogRow {
  id?: number;
  /** Null when the analysis failed before a session was saved. */
  session_id: string | null;
  created_at: string;
  model_id: string;
  analysis_version: string;
  backend: string;
  threads: number;
  images: ImageStageTimings[];
  scoring_ms: number;
  total_ms: number;
  confidence: number | null;
  errors: { stage: string; code: string; message: string; file_name?: string }[];
}

export type FeedbackKind = 'result_looks_wrong' | 'bad_photo';

/** A person's note that a result or a photo looks wrong, kept for labelling. */
export interface FeedbackRow {
  id?: number;
  kind: FeedbackKind;
  session_id: string;
  /** Set for `bad_photo`. */
  image_id: number | null;
  model_id: string;
  analysis_version: string;
  created_at: string;
}

/** What one outbox item uploads, in the order a session's items are queued and sent. */
export type OutboxKind = 'session' | 'image' | 'analysis' | 'log' | 'feedback';

/** An image's upload as prepared once on the device: metadata-free bytes, so every retry sends the same. */
export interface PreparedImage {
  bytes: Blob;
  /** sha256 (hex) of `bytes`: the `x-sha256` idempotency key of the upload. */
  sha256: string;
  content_type: 'image/jpeg' | 'image/png';
  /** How the bytes were made: metadata stripped from the original, or re-encoded from upright pixels. */
  method: 'stripped' | 're-encoded';
  /** What was done about faces in `bytes` (`x-faces`); absent for uploads prepared before face detection. */
  faces?: FacesInImage;
}

/**
 * One upload waiting in the outbox. Items point at the rows they upload (by session and local id) instead of
 * copying them, and are sent in `id` order; a sent item is deleted.
 */
export interface OutboxRow {
  id?: number;
  kind: OutboxKind;
  session_id: string;
  /** Local id of the image, log or feedback row; null for `session` and `analysis`. */
  ref: number | null;
  created_at: string;
  /** Failed attempts so far. */
  attempts: number;
  /** Why the last attempt failed, in plain words; null until one fails. */
  last_error: string | null;
  /** Image items, once prepared. */
  prepared?: PreparedImage;
  /**
   * The app version (`SyncEngineOptions.appVersion`) whose upload the server refused (4xx): the item waits, kept,
   * until another version runs. Not indexed, so no schema version.
   */
  parked_under?: string;
}

/** A session's place in sync: present once the session was queued under a consent. */
export interface SessionSyncRow {
  session_id: string;
  queued_at: string;
  /** When its last outbox item was accepted by the server; null while items wait. */
  synced_at: string | null;
  /** Why the server refused one of its items (the others go on), in plain words; null when none was refused. */
  error: string | null;
}

/** Sync settings and state kept on the device, one row per key (see `sync/state.ts`). */
export interface SyncStateRow {
  key: string;
  value: unknown;
}

/** One preference of the person's kept on the device (see `reminders/preferences.ts`), one row per key. */
export interface PreferenceRow {
  key: string;
  value: unknown;
}

/** The device's database. Bump the version and add a `stores()` step for every schema change. */
export class BcdDatabase extends Dexie {
  sessions!: EntityTable<SessionRow, 'id'>;
  images!: EntityTable<ImageRow, 'id'>;
  embeddings!: EntityTable<EmbeddingRow, 'id'>;
  analyses!: Table<AnalysisRow, [string, string]>;
  angle_analyses!: EntityTable<AngleAnalysisRow, 'id'>;
  image_changes!: EntityTable<ImageChangeRow, 'image_id'>;
  analysis_logs!: EntityTable<AnalysisLogRow, 'id'>;
  feedback!: EntityTable<FeedbackRow, 'id'>;
  outbox!: EntityTable<OutboxRow, 'id'>;
  session_sync!: EntityTable<SessionSyncRow, 'session_id'>;
  sync_state!: EntityTable<SyncStateRow, 'key'>;
  preferences!: EntityTable<PreferenceRow, 'key'>;

  constructor(name = 'bcd') {
    super(name);
    this.version(1).stores({
      sessions: 'id, created_at',
      images: '++id, session_id, [session_id+angle], sha256',
      embeddings: '++id, image_id, session_id, model_id',
      analyses: '[session_id+model_id], session_id, model_id, created_at',
      angle_analyses: '++id, session_id, [session_id+model_id]',
      analysis_logs: '++id, session_id, created_at',
      feedback: '++id, session_id, image_id, created_at',
      outbox: '++id, created_at',
    });
    // Version 2: the sync engine. The version-1 outbox was declared but never written, so it starts empty.
    this.version(2)
      .stores({
        outbox: '++id, session_id, created_at',
        session_sync: 'session_id',
        sync_state: 'key',
      })
      .upgrade((tx) => tx.table('outbox').clear());
    // Version 3: the change engine (analysis version bcd-2.0.0). Each photo's change raster is kept beside it;
    // analyses stored before get the new fields' empty values (re-analysis, offered in Settings, fills them).
    this.version(3)
      .stores({ image_changes: 'image_id, session_id' })
      .upgrade(async (tx) => {
        await tx.table('angle_analyses').toCollection().modify(withChangeFields);
        await tx.table('analyses').toCollection().modify(withNumericAngleAware);
      });
    // Version 4: a session's own date (`taken_at`, from its photos' EXIF), which the history is ordered by;
    // sessions stored before are dated when they were made. And the person's preferences (reminders).
    this.version(4)
      .stores({ sessions: 'id, created_at, taken_at', preferences: 'key' })
      .upgrade((tx) => tx.table('sessions').toCollection().modify(withTakenAt));
    // Version 5: the faces found in each photo at analysis (issue 11), kept on its image row; photos stored before
    // were not searched (null: their whole frame is compared, as before).
    this.version(5)
      .stores({})
      .upgrade((tx) => tx.table('images').toCollection().modify(withFaces));
  }
}

/**
 * Every table of the person's data, in the order export and import walk them. The sync tables (outbox,
 * session_sync, sync_state) are left out: they describe this device's uploads and hold its participant token,
 * which does not belong in an export file; after an import the outbox is filled again from the imported sessions.
 */
export const TABLE_NAMES = [
  'sessions',
  'images',
  'embeddings',
  'analyses',
  'angle_analyses',
  'image_changes',
  'analysis_logs',
  'feedback',
] as const;

/** The sync engine's tables. */
export const SYNC_TABLE_NAMES = ['outbox', 'session_sync', 'sync_state'] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** The app's one database connection. */
export const db = new BcdDatabase();

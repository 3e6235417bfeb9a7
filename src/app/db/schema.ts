import { Dexie, type EntityTable, type Table } from 'dexie';
import type { ImageQuality } from '../../core/quality/index.ts';
import type { AngleAnalysis, SessionAnalysis } from '../../core/scoring/index.ts';

/** One photo session. Its id is a client-made UUID so a later upload can be idempotent. */
export interface SessionRow {
  id: string;
  /** ISO 8601; sessions are ordered by it. */
  created_at: string;
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
  embed_ms: number;
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

/** Work waiting to be uploaded; filled by the sync engine. */
export interface OutboxRow {
  id?: number;
  kind: string;
  payload: unknown;
  created_at: string;
  attempts: number;
}

/** The device's database. Bump the version and add a `stores()` step for every schema change. */
export class BcdDatabase extends Dexie {
  sessions!: EntityTable<SessionRow, 'id'>;
  images!: EntityTable<ImageRow, 'id'>;
  embeddings!: EntityTable<EmbeddingRow, 'id'>;
  analyses!: Table<AnalysisRow, [string, string]>;
  angle_analyses!: EntityTable<AngleAnalysisRow, 'id'>;
  analysis_logs!: EntityTable<AnalysisLogRow, 'id'>;
  feedback!: EntityTable<FeedbackRow, 'id'>;
  outbox!: EntityTable<OutboxRow, 'id'>;

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
  }
}

/** Every table, in the order export and import walk them. */
export const TABLE_NAMES = [
  'sessions',
  'images',
  'embeddings',
  'analyses',
  'angle_analyses',
  'analysis_logs',
  'feedback',
  'outbox',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** The app's one database connection. */
export const db = new BcdDatabase();

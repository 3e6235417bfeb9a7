/**
 * The sync API contract shared by the app's outbox and the sync server: paths, headers, consent scopes,
 * request and response bodies (zod schemas and their types). Platform-free: no Node APIs, so the browser
 * bundle imports exactly what the server validates against.
 */
import { z } from 'zod';
import type { ComparisonLayer } from '../core/scoring/types.ts';
import type { VariationLevel } from '../core/scoring/levels.ts';
import { l2Norm } from '../core/scoring/vectors.ts';
import { AngleChangeFieldsSchema } from './change-contract.ts';
import { ClientIdSchema } from './ids.ts';
import { int4, safeText, timestamp } from './safe-values.ts';
import { float32FromBase64 } from './vector-base64.ts';

export { ClientIdSchema };
export { INT4_MAX, int4, safeText, timestamp } from './safe-values.ts';
export * from './change-contract.ts';

/**
 * Version of this contract; served by `/health` so an outbox can tell which server it talks to (it refuses any
 * other). Changes that keep every earlier body valid, such as the change engine's optional fields, keep it: a
 * bump would cut off every app that has not yet taken an offered update.
 */
export const SYNC_CONTRACT_VERSION = '1';

/** Request headers of an image upload. */
export const HEADER_ANGLE = 'x-angle';
export const HEADER_SHA256 = 'x-sha256';
/**
 * Request header of an image upload: what the device did about faces in the photo (`FACES_IN_IMAGE`). Optional, so
 * that apps from before face detection still upload (stored as not recorded).
 */
export const HEADER_FACES = 'x-faces';
/**
 * `none`: the device's detector found no face; `blurred`: it found faces and blurred them in these bytes;
 * `unblurred`: it found faces and left them, under the participant's `faces` consent.
 */
export const FACES_IN_IMAGE = ['none', 'blurred', 'unblurred'] as const;
export type FacesInImage = (typeof FACES_IN_IMAGE)[number];
/** Request header of an enrolment on a server that enrols a closed study only (its `ENROLMENT_CODE`). */
export const HEADER_ENROLMENT_CODE = 'x-enrolment-code';

/** Image types the server stores (the outbox re-encodes other formats to JPEG). */
export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png'] as const;
export type ImageContentType = (typeof IMAGE_CONTENT_TYPES)[number];

/** API paths; ids are URL-encoded, although the id pattern below never needs it. */
export const API_PATHS = {
  health: '/health',
  ready: '/ready',
  openapi: '/openapi.json',
  participants: '/api/participants',
  refresh: '/api/participants/refresh',
  consent: '/api/consent',
  session: (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}`,
  sessionStatus: (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}/status`,
  image: (sessionId: string, imageId: string) =>
    `/api/sessions/${encodeURIComponent(sessionId)}/images/${encodeURIComponent(imageId)}`,
  logs: '/api/logs',
  feedback: '/api/feedback',
} as const;

/** An angle name such as `front` or `left_oblique`; the set is configurable, so only the form is checked. */
export const AngleSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits or "_", starting with a letter');

/** Id of the embedding model (same form as the model manifest's `id`). */
export const ModelIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/);

/** What a participant may share. Each upload route requires one scope (see `SCOPE_OF_ROUTE`). */
// `faces`: photos may show faces unblurred (without it the device blurs them and the server refuses a face).
export const CONSENT_SCOPES = ['sessions', 'images', 'embeddings', 'logs', 'feedback', 'faces'] as const;
export const ConsentScopeSchema = z.enum(CONSENT_SCOPES);
export type ConsentScope = z.infer<typeof ConsentScopeSchema>;

const VARIATION_LEVELS = [
  'stable',
  'mild_variation',
  'moderate_variation',
  'higher_variation',
  'strong_variation',
] as const satisfies readonly VariationLevel[];
export const VariationLevelSchema = z.enum(VARIATION_LEVELS);

const COMPARISON_LAYERS = [
  'angle_embedding',
  'session_embedding',
  'registered_local_change',
] as const satisfies readonly ComparisonLayer[];

/**
 * Whether an analysis version predates the change engine (`bcd-2.0.0`): such analyses left the first session's
 * `angle_aware_score` null, later ones always give a number.
 */
export function isPreChangeEngineVersion(analysisVersion: string): boolean {
  return /^bcd-[01]\./.test(analysisVersion);
}

const unit = z.number().min(0).max(1);

/** Largest vector the server stores: pgvector's HNSW index takes at most 2,000 dimensions. */
export const MAX_EMBEDDING_DIMENSIONS = 2000;

// ---------------------------------------------------------------------------------------------------------
// Participants and consent

/** A refresh token: 32 random bytes, base64url without padding (43 characters). */
export const RefreshTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, '43 base64url characters');

/**
 * `POST /api/participants` and `POST /api/participants/refresh` answer (embedded mode): the pseudonymous id, its
 * bearer (access) token and when that expires, and the refresh token that gets the next access token. Each refresh
 * answers a new refresh token; the one presented stays good only until the new one is used (a lost answer can be
 * asked for again).
 */
export const EnrolmentResponseSchema = z.object({
  participant_id: z.uuid(),
  token: z.string(),
  expires_at: timestamp,
  refresh_token: RefreshTokenSchema,
});
export type EnrolmentResponse = z.infer<typeof EnrolmentResponseSchema>;

/**
 * `POST /api/participants/refresh` body: exactly one of `refresh_token` (given at enrolment or by the last refresh),
 * or `legacy_token`, an access token issued before tokens expired (no `exp`), taken once for a participant that has
 * never refreshed.
 */
export const RefreshRequestSchema = z
  .object({
    refresh_token: RefreshTokenSchema.optional(),
    legacy_token: safeText(4096, 1).optional(),
  })
  .refine(
    (body) => (body.refresh_token === undefined) !== (body.legacy_token === undefined),
    'exactly one of refresh_token and legacy_token',
  );
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

/** `PUT /api/consent` body: the consent-text version the person read and the scopes they agreed to. */
export const ConsentRequestSchema = z.object({
  version: safeText(64, 1),
  scopes: z
    .array(ConsentScopeSchema)
    .min(1)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat'),
});
export type ConsentRequest = z.infer<typeof ConsentRequestSchema>;

export const ConsentResponseSchema = z.object({
  participant_id: z.uuid(),
  version: z.string(),
  scopes: z.array(ConsentScopeSchema),
  granted_at: timestamp,
});
export type ConsentResponse = z.infer<typeof ConsentResponseSchema>;

/** `DELETE /api/consent` answer: how many rows of each kind, and stored image files, were deleted. */
export const WithdrawalResponseSchema = z.object({
  participant_id: z.uuid(),
  withdrawn_at: timestamp,
  deleted: z.object({
    participants: z.number().int(),
    consents: z.number().int(),
    sessions: z.number().int(),
    images: z.number().int(),
    stored_images: z.number().int(),
    session_analyses: z.number().int(),
    angle_analyses: z.number().int(),
    embeddings: z.number().int(),
    analysis_logs: z.number().int(),
    feedback: z.number().int(),
  }),
});
export type WithdrawalResponse = z.infer<typeof WithdrawalResponseSchema>;

// ---------------------------------------------------------------------------------------------------------
// Sessions

/** Per-image quality figures as computed on the device (SPEC "Per image: quality"). */
export const ImageQualitySchema = z.object({
  image_quality_score: unit,
  blur_score: z.number().min(0),
  brightness: unit,
  contrast: unit,
  clipped_fraction: unit,
  flags: z.array(safeText(64)).max(32),
});
export type ImageQuality = z.infer<typeof ImageQualitySchema>;

/** An image of the session announced with its quality; its bytes arrive through the image route. */
export const SessionImageSchema = z.object({
  image_id: ClientIdSchema,
  angle: AngleSchema,
  quality: ImageQualitySchema,
});

/**
 * The session-level result of the scoring core (`SessionAnalysis` without vectors and angles). `angle_aware_score`
 * is null only in analyses before `bcd-2.0.0` (their first session had no score), which apps that have not taken
 * an offered update still send; from `bcd-2.0.0` on it is a number (0.0 for the first session).
 */
export const SessionAnalysisSchema = z
  .object({
    analysis_version: safeText(64, 1),
    model_id: ModelIdSchema,
    overall_score: unit,
    variation_level: VariationLevelSchema,
    angle_aware_score: unit.nullable(),
    session_quality_score: unit,
    analysis_confidence_score: unit,
    image_quality_summary: z.object({
      images: int4(),
      mean_image_quality: unit,
      min_image_quality: unit,
      flag_counts: z.record(safeText(64), int4()),
    }),
    baseline_used: z.object({
      sessions: int4(),
      session_ids: z.array(ClientIdSchema).max(1000),
      window: int4(1).nullable(),
    }),
    comparison_layers_used: z.array(z.enum(COMPARISON_LAYERS)).max(COMPARISON_LAYERS.length),
  })
  .refine((a) => a.angle_aware_score !== null || isPreChangeEngineVersion(a.analysis_version), {
    path: ['angle_aware_score'],
    message: 'must be a number from analysis version bcd-2.0.0 on (null only in earlier analyses)',
  });
export type SessionAnalysisBody = z.infer<typeof SessionAnalysisSchema>;

/**
 * One angle's result (the scoring core's `AngleAnalysis` without its embedding), with the change engine's fields
 * (`AngleChangeFieldsSchema`: optional, absent in analyses before `bcd-2.0.0`).
 */
export const AngleAnalysisSchema = z.object({
  angle: AngleSchema,
  image_count: int4(),
  change_score: unit,
  variation_level: VariationLevelSchema,
  baseline_sessions: int4(),
  angle_quality_score: unit,
  ...AngleChangeFieldsSchema.shape,
});
export type AngleAnalysisBody = z.infer<typeof AngleAnalysisSchema>;

/** What an embedding describes: one image, the mean of one angle, or the whole session. */
export const EMBEDDING_KINDS = ['image', 'angle', 'session'] as const;

/**
 * Longest `vector_f32`: base64 of MAX_EMBEDDING_DIMENSIONS float32 values (4 characters per 3 bytes). A text this
 * long holds at most that many whole float32 values, so the bound on values needs no check of its own.
 */
const MAX_VECTOR_BASE64 = Math.ceil((MAX_EMBEDDING_DIMENSIONS * 4) / 3) * 4;

/** Allowed distance of a vector's L2 norm from 1 (float32 rounding of a normalised vector). */
export const NORM_TOLERANCE = 1e-3;

/**
 * An L2-normalised float32 embedding with what it describes. `image` needs `image_id` and `angle`,
 * `angle` needs `angle`, `session` needs neither.
 */
export const EmbeddingSchema = z
  .object({
    kind: z.enum(EMBEDDING_KINDS),
    model_id: ModelIdSchema,
    image_id: ClientIdSchema.optional(),
    angle: AngleSchema.optional(),
    /** The values as JSON numbers (accepted from apps before `vector_f32`). */
    vector: z.array(z.number()).min(1).max(MAX_EMBEDDING_DIMENSIONS).optional(),
    /** The values as base64 of little-endian float32 bytes (`src/sync/vector-base64.ts`); the app's form. */
    vector_f32: z.string().min(1).max(MAX_VECTOR_BASE64).optional(),
  })
  .superRefine((embedding, ctx) => {
    if ((embedding.vector === undefined) === (embedding.vector_f32 === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['vector'],
        message: 'send exactly one of vector and vector_f32',
      });
      return;
    }
    if (embedding.kind === 'image' && embedding.image_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['image_id'], message: 'required for an image embedding' });
    }
    if (embedding.kind !== 'session' && embedding.angle === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['angle'],
        message: `required for an ${embedding.kind} embedding`,
      });
    }
    if (embedding.kind !== 'image' && embedding.image_id !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['image_id'], message: 'only image embeddings name an image' });
    }
    if (embedding.kind === 'session' && embedding.angle !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['angle'], message: 'a session embedding has no angle' });
    }
    const field = embedding.vector === undefined ? 'vector_f32' : 'vector';
    let vector: Float32Array;
    try {
      vector = embeddingVector(embedding);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: [field], message: (error as Error).message });
      return;
    }
    const norm = l2Norm(vector);
    if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `must be L2-normalised (norm is ${norm})` });
    }
  });
export type EmbeddingBody = z.infer<typeof EmbeddingSchema>;

/**
 * Vectors already decoded, by the embedding object they came from: the schema's check decodes each vector to
 * test its norm, and the server's service needs the same values, so a parsed upload's vectors are decoded once
 * (a second decode of 13 vectors was 0.2 ms of each session on the server's thread, bench:server CPU profile).
 */
const decodedVectors = new WeakMap<object, Float32Array>();

/**
 * An embedding's values as float32, from whichever form it was sent in (`vector` or `vector_f32`); the same
 * (shared, not to be written) array for the same embedding object.
 * @throws RangeError when `vector_f32` is not whole float32 values in base64, or neither form is present.
 */
export function embeddingVector(embedding: Pick<EmbeddingBody, 'vector' | 'vector_f32'>): Float32Array {
  const known = decodedVectors.get(embedding);
  if (known !== undefined) return known;
  let vector: Float32Array;
  if (embedding.vector !== undefined) vector = Float32Array.from(embedding.vector);
  else if (embedding.vector_f32 !== undefined) vector = float32FromBase64(embedding.vector_f32);
  else throw new RangeError('has no vector');
  decodedVectors.set(embedding, vector);
  return vector;
}

/**
 * `PUT /api/sessions/:sessionId` body. Send it as often as needed (idempotent): first with the capture
 * metadata, later again with the analysis, the angle analyses and the embeddings.
 */
export const SessionUploadSchema = z.object({
  captured_at: timestamp,
  angles_expected: z.array(AngleSchema).max(64),
  images_expected: z.number().int().min(0).max(500),
  images: z.array(SessionImageSchema).max(500).optional(),
  analysis: SessionAnalysisSchema.optional(),
  angle_analyses: z.array(AngleAnalysisSchema).max(64).optional(),
  embeddings: z.array(EmbeddingSchema).max(600).optional(),
});
export type SessionUpload = z.infer<typeof SessionUploadSchema>;

export const SessionUploadResponseSchema = z.object({
  session_id: ClientIdSchema,
  created: z.boolean(),
  images_recorded: z.number().int(),
  analysis_recorded: z.boolean(),
  angle_analyses_recorded: z.number().int(),
  embeddings_stored: z.number().int().describe('new or changed vectors'),
  embeddings_unchanged: z.number().int().describe('vectors already stored with the same idempotency hash'),
});
export type SessionUploadResponse = z.infer<typeof SessionUploadResponseSchema>;

export const SYNC_STATUSES = ['processing', 'completed', 'failed'] as const;

/** `GET /api/sessions/:sessionId/status`. `completed` = analysis stored and every expected image received. */
export const SessionStatusSchema = z.object({
  session_id: ClientIdSchema,
  status: z.enum(SYNC_STATUSES),
  images_expected: z.number().int(),
  images_received: z.number().int(),
  analysis_received: z.boolean(),
  embeddings: z.number().int(),
  error: z
    .string()
    .nullable()
    .describe('why the last upload to this session was refused, until one succeeds'),
});
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

// ---------------------------------------------------------------------------------------------------------
// Images

export const ImageUploadHeadersSchema = z.object({
  [HEADER_ANGLE]: AngleSchema,
  [HEADER_SHA256]: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex sha256 of the body'),
  'content-type': z.enum(IMAGE_CONTENT_TYPES),
  [HEADER_FACES]: z.enum(FACES_IN_IMAGE).optional(),
});

export const ImageUploadResponseSchema = z.object({
  session_id: ClientIdSchema,
  image_id: ClientIdSchema,
  sha256: z.string(),
  byte_size: z.number().int(),
  stored: z.boolean().describe('false when the same bytes were already stored (a retry)'),
});
export type ImageUploadResponse = z.infer<typeof ImageUploadResponseSchema>;

// ---------------------------------------------------------------------------------------------------------
// Logs and feedback

/** One analysis log from the device (SPEC "On the device": timings, backend, model, errors, confidence). */
export const AnalysisLogSchema = z.object({
  log_id: ClientIdSchema,
  session_id: ClientIdSchema.optional(),
  created_at: timestamp,
  level: z.enum(['info', 'warn', 'error']),
  backend: safeText(32).optional(),
  model_id: ModelIdSchema.optional(),
  stage_timings_ms: z.record(safeText(64), z.number().min(0)),
  confidence: unit.optional(),
  errors: z.array(safeText(2000)).max(50),
  message: safeText(2000).optional(),
});
export const LogUploadSchema = z.object({ entries: z.array(AnalysisLogSchema).min(1).max(200) });
export type LogUpload = z.infer<typeof LogUploadSchema>;

/** A person's flag on a result or a photo, kept for labelling (SPEC "active learning"). */
export const FeedbackSchema = z.object({
  feedback_id: ClientIdSchema,
  session_id: ClientIdSchema.optional(),
  image_id: ClientIdSchema.optional(),
  angle: AngleSchema.optional(),
  kind: z.enum(['result_looks_wrong', 'bad_photo', 'other']),
  note: safeText(2000).optional(),
  created_at: timestamp,
});
export type FeedbackBody = z.infer<typeof FeedbackSchema>;

export const AcceptedResponseSchema = z.object({
  received: z.number().int(),
  stored: z.number().int().describe('new rows; the rest were already stored (retries)'),
});
export type AcceptedResponse = z.infer<typeof AcceptedResponseSchema>;

// ---------------------------------------------------------------------------------------------------------
// Health and errors

export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  contract_version: z.string(),
  mode: z.enum(['embedded', 'supabase']),
  uptime_s: z.number(),
});

/**
 * `GET /ready`: whether the database and the image store answer. `image_store: "full"` (still 200: everything but new
 * photos is taken) when the stored photos reached the server's store-wide limit (`stored_image_bytes` of
 * `max_stored_image_bytes`).
 */
export const ReadyResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'unavailable']),
  image_store: z.enum(['ok', 'full', 'unavailable']),
  stored_image_bytes: z.number().nullable(),
  max_stored_image_bytes: z.number(),
});

/** Every error answer. `field` names the offending body field, path parameter or header when there is one. */
export const ErrorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** The scope each upload needs; a missing scope answers 403. */
export const SCOPE_OF_UPLOAD = {
  session: 'sessions',
  embeddings: 'embeddings',
  image: 'images',
  logs: 'logs',
  feedback: 'feedback',
} as const satisfies Record<string, ConsentScope>;

import path from 'node:path';
import { z } from 'zod';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The model the app ships (`public/models/mobilenet_v2-nsfwjs/manifest.json`: `output.dims`). */
export const DEFAULT_EMBEDDING_MODELS = 'mobilenet_v2-nsfwjs:1280';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * `id:dims,id:dims` → a map from model id to its vector dimension (1–2000, pgvector's HNSW bound); unset or empty =
 * `DEFAULT_EMBEDDING_MODELS`.
 */
const EmbeddingModelsSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const models = new Map<string, number>();
    const list = text === undefined || text.trim() === '' ? DEFAULT_EMBEDDING_MODELS : text;
    for (const entry of list
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')) {
      const match = /^([a-z0-9][a-z0-9._-]{0,127}):(\d{1,4})$/.exec(entry);
      const dims = Number(match?.[2]);
      if (!match || dims < 1 || dims > 2000) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not <model id>:<dimensions 1–2000>` });
        return z.NEVER;
      }
      models.set(match[1]!, dims);
    }
    return models as ReadonlyMap<string, number>;
  });

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** Environment variables the server reads; every one has a default except the Supabase settings. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** Unset: 127.0.0.1, or every interface (0.0.0.0) with `BCD_HTTPS`, so that a phone on the network can reach it. */
  HOST: optionalString,
  /** `1`/`true` (or `npm start -- --https`): HTTPS with a self-signed certificate kept in the data dir. */
  BCD_HTTPS: z.enum(['', '0', '1', 'false', 'true']).default(''),
  BCD_DATA_DIR: z.string().default('./data'),
  /** The built PWA, served at `/` when it holds an `index.html` (`npm start` builds it there). */
  BCD_PWA_DIR: z.string().default('./dist'),
  /** Comma-separated origins allowed by CORS (e.g. the PWA's dev server); none = same origin only. */
  APP_ORIGIN: optionalString,
  /** Uploads (sessions, images, logs, feedback) one participant may make per rolling 24 hours. */
  DAILY_UPLOAD_LIMIT: z.coerce.number().int().positive().default(2000),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * MiB),
  MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * MiB),
  /** Embedding models the server stores vectors of, as `id:dims,…`; vectors of any other model are refused. */
  EMBEDDING_MODELS: EmbeddingModelsSchema,
  /** Enrolments (`POST /api/participants`) one IP address may make per hour. */
  ENROLMENTS_PER_IP_PER_HOUR: positiveInt(30),
  /**
   * Behind a reverse proxy: `true` (trust every proxy) or comma-separated proxy addresses/CIDRs, so that
   * per-IP limits count the client's address (`X-Forwarded-For`) instead of the proxy's. Unset: the socket's address.
   */
  TRUST_PROXY: optionalString,
  /** When set, enrolment needs this code in the `x-enrolment-code` header (a closed study). */
  ENROLMENT_CODE: optionalString,
  /** Participants who never consented are deleted this many hours after enrolment. */
  UNCONSENTED_PURGE_HOURS: z.coerce.number().positive().default(24),
  /** Stored images per participant, over all time (counted from the stored rows, so a restart keeps it). */
  PARTICIPANT_MAX_IMAGES: positiveInt(2000),
  /** Stored image bytes per participant, over all time. */
  PARTICIPANT_MAX_IMAGE_BYTES: positiveInt(4 * GiB),
  /**
   * Stored image bytes of all participants together (100 GiB): past it, uploads of new photos answer 507 `store_full`
   * and `/ready` says `image_store: "full"`.
   */
  STORE_MAX_IMAGE_BYTES: positiveInt(100 * GiB),
  /** Largest width × height of an uploaded image (its header is checked before any pixel is decoded). */
  MAX_IMAGE_PIXELS: positiveInt(50_000_000),
  /** Lifetime of an embedded-mode access token, in seconds (7 days); the refresh token gets the next one. */
  TOKEN_TTL_S: positiveInt(7 * 24 * 3600),
  /** Token refreshes (`POST /api/participants/refresh`) one IP address may make per hour. */
  REFRESHES_PER_IP_PER_HOUR: positiveInt(120),
  /** Consent records (`PUT /api/consent`) one participant may make per rolling 24 hours. */
  DAILY_CONSENT_LIMIT: positiveInt(20),
  /** Whole-request deadline: a request whose headers and body have not arrived by then is answered 408. */
  REQUEST_TIMEOUT_MS: positiveInt(120_000),
  /** A socket with no traffic for this long is closed. */
  CONNECTION_TIMEOUT_MS: positiveInt(60_000),
  /** Open connections at most; further ones are closed at once. */
  MAX_CONNECTIONS: positiveInt(1024),
  /** How long a phone-as-camera pairing code stays good while no camera has joined. */
  SIGNALING_CODE_TTL_S: z.coerce.number().positive().default(300),
  /** How long a signaling room waits for a member that dropped to rejoin with its token. */
  SIGNALING_RECONNECT_S: z.coerce.number().positive().default(120),
  /** Open signaling rooms at most. */
  SIGNALING_MAX_ROOMS: positiveInt(256),
  /** Largest signaling message (an SDP offer of video plus a data channel is 4–8 KiB in Chromium). */
  SIGNALING_MAX_MESSAGE_BYTES: positiveInt(32 * 1024),
  /** Messages one signaling connection may send per minute (a negotiation is an offer or answer and ~10–20 candidates). */
  SIGNALING_MESSAGES_PER_MINUTE: positiveInt(120),
  /** Wrong or used pairing codes one address may try per minute. */
  SIGNALING_FAILED_JOINS_PER_MINUTE: positiveInt(10),
  /** `hnsw` or `exact`; unset = `exact` on the embedded store, `hnsw` on Supabase (see `EmbeddingIndex`). */
  EMBEDDING_INDEX: z.enum(['hnsw', 'exact']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUPABASE_URL: optionalString.pipe(z.url().optional()),
  SUPABASE_SERVICE_ROLE_KEY: optionalString,
  DATABASE_URL: optionalString,
  SUPABASE_JWT_SECRET: optionalString,
  SUPABASE_STORAGE_BUCKET: z.string().default('bcd-images'),
  /** Images larger than this go through Storage's resumable (TUS) endpoint; Supabase advises 6 MB. */
  SUPABASE_RESUMABLE_THRESHOLD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(6 * MiB),
});

/**
 * How nearest-neighbour queries over stored vectors are served. `hnsw`: pgvector's HNSW index, kept up to date
 * on every insert (migration 0004 holds its DDL). `exact`: no index, a query scans its dimension's vectors.
 * The embedded store defaults to `exact` because PGlite runs pgvector's HNSW insert in WASM on the request
 * thread: measured at 7 ms per 1280-d vector, 92 ms of a session's 13 (`npm run bench:server`), it capped
 * ingest at 5 sessions/s, while the researcher queries it would speed up are rare and an exact scan of a
 * study's thousands of vectors takes well under a second. An index built before a switch to `exact` stays.
 */
export type EmbeddingIndex = 'hnsw' | 'exact';

/** Supabase settings, present only in Supabase mode. */
export interface SupabaseConfig {
  readonly url: string;
  readonly serviceRoleKey: string;
  readonly databaseUrl: string;
  /** HS256 secret of the project's JWTs; without it tokens are checked against the project's JWKS. */
  readonly jwtSecret: string | undefined;
  readonly bucket: string;
  readonly resumableThresholdBytes: number;
}

/** Limits of the phone-as-camera signaling relay (`/api/signaling`). */
export interface SignalingConfig {
  readonly codeTtlMs: number;
  readonly reconnectMs: number;
  readonly maxRooms: number;
  readonly maxMessageBytes: number;
  readonly messagesPerMinute: number;
  readonly failedJoinsPerMinute: number;
}

/** The server's whole configuration, resolved from the environment by `loadConfig`. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Serve HTTPS with the self-signed certificate of the data dir (`server/tls.ts`). */
  readonly https: boolean;
  /** Absolute path of the embedded store: `db/` (PGlite), `images/`, and the token-signing secret. */
  readonly dataDir: string;
  /** Absolute path of the built PWA to serve at `/` (only when it holds an `index.html`). */
  readonly pwaDir: string;
  readonly appOrigins: readonly string[];
  readonly dailyUploadLimit: number;
  readonly maxBodyBytes: number;
  readonly maxImageBytes: number;
  /** Model id → vector dimension of every model whose embeddings are stored (deployment configuration). */
  readonly embeddingModels: ReadonlyMap<string, number>;
  readonly embeddingIndex: EmbeddingIndex;
  readonly enrolmentsPerIpPerHour: number;
  /** Fastify's `trustProxy`: false (default), true, or the proxies' addresses. */
  readonly trustProxy: boolean | string[];
  /** Required `x-enrolment-code` for enrolment, or null (open enrolment). */
  readonly enrolmentCode: string | null;
  readonly unconsentedPurgeHours: number;
  readonly participantMaxImages: number;
  readonly participantMaxImageBytes: number;
  /** Stored image bytes of all participants together (`STORE_MAX_IMAGE_BYTES`). */
  readonly storeMaxImageBytes: number;
  readonly maxImagePixels: number;
  readonly dailyConsentLimit: number;
  /** Lifetime of an embedded-mode access token (`TOKEN_TTL_S`). */
  readonly tokenTtlSeconds: number;
  readonly refreshesPerIpPerHour: number;
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly maxConnections: number;
  readonly signaling: SignalingConfig;
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  readonly supabase: SupabaseConfig | null;
}

/** `TRUST_PROXY` → Fastify's `trustProxy`: unset or `false` → false, `true`, or the address list. */
function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',').map((address) => address.trim());
}

/** A configuration problem, naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the configuration. Supabase mode needs `SUPABASE_URL`, `SUPABASE_SERVICE_ROLE_KEY`
 * and `DATABASE_URL` together; with none of them the server runs on the embedded store.
 * @throws ConfigError naming the first invalid or missing variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  const supabaseVars = {
    SUPABASE_URL: e.SUPABASE_URL,
    SUPABASE_SERVICE_ROLE_KEY: e.SUPABASE_SERVICE_ROLE_KEY,
    DATABASE_URL: e.DATABASE_URL,
  };
  const missing = Object.entries(supabaseVars).filter(([, value]) => value === undefined);
  if (missing.length > 0 && missing.length < 3) {
    throw new ConfigError(`Supabase mode needs ${missing.map(([name]) => name).join(' and ')} as well`);
  }
  const supabase: SupabaseConfig | null =
    e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY && e.DATABASE_URL
      ? {
          url: e.SUPABASE_URL.replace(/\/+$/, ''),
          serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY,
          databaseUrl: e.DATABASE_URL,
          jwtSecret: e.SUPABASE_JWT_SECRET,
          bucket: e.SUPABASE_STORAGE_BUCKET,
          resumableThresholdBytes: e.SUPABASE_RESUMABLE_THRESHOLD_BYTES,
        }
      : null;
  const https = e.BCD_HTTPS === '1' || e.BCD_HTTPS === 'true';
  return {
    port: e.PORT,
    host: e.HOST ?? (https ? '0.0.0.0' : '127.0.0.1'),
    https,
    dataDir: path.resolve(e.BCD_DATA_DIR),
    pwaDir: path.resolve(e.BCD_PWA_DIR),
    appOrigins: (e.APP_ORIGIN ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    dailyUploadLimit: e.DAILY_UPLOAD_LIMIT,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxImageBytes: e.MAX_IMAGE_BYTES,
    embeddingModels: e.EMBEDDING_MODELS,
    embeddingIndex: e.EMBEDDING_INDEX ?? (supabase ? 'hnsw' : 'exact'),
    enrolmentsPerIpPerHour: e.ENROLMENTS_PER_IP_PER_HOUR,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    enrolmentCode: e.ENROLMENT_CODE ?? null,
    unconsentedPurgeHours: e.UNCONSENTED_PURGE_HOURS,
    participantMaxImages: e.PARTICIPANT_MAX_IMAGES,
    participantMaxImageBytes: e.PARTICIPANT_MAX_IMAGE_BYTES,
    storeMaxImageBytes: e.STORE_MAX_IMAGE_BYTES,
    maxImagePixels: e.MAX_IMAGE_PIXELS,
    dailyConsentLimit: e.DAILY_CONSENT_LIMIT,
    tokenTtlSeconds: e.TOKEN_TTL_S,
    refreshesPerIpPerHour: e.REFRESHES_PER_IP_PER_HOUR,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS,
    maxConnections: e.MAX_CONNECTIONS,
    signaling: {
      codeTtlMs: e.SIGNALING_CODE_TTL_S * 1000,
      reconnectMs: e.SIGNALING_RECONNECT_S * 1000,
      maxRooms: e.SIGNALING_MAX_ROOMS,
      maxMessageBytes: e.SIGNALING_MAX_MESSAGE_BYTES,
      messagesPerMinute: e.SIGNALING_MESSAGES_PER_MINUTE,
      failedJoinsPerMinute: e.SIGNALING_FAILED_JOINS_PER_MINUTE,
    },
    logLevel: e.LOG_LEVEL,
    supabase,
  };
}

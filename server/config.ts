import path from 'node:path';
import { z } from 'zod';

const MiB = 1024 * 1024;

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** Environment variables the server reads; every one has a default except the Supabase settings. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
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

/** The server's whole configuration, resolved from the environment by `loadConfig`. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the embedded store: `db/` (PGlite), `images/`, and the token-signing secret. */
  readonly dataDir: string;
  /** Absolute path of the built PWA to serve at `/` (only when it holds an `index.html`). */
  readonly pwaDir: string;
  readonly appOrigins: readonly string[];
  readonly dailyUploadLimit: number;
  readonly maxBodyBytes: number;
  readonly maxImageBytes: number;
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  readonly supabase: SupabaseConfig | null;
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
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.BCD_DATA_DIR),
    pwaDir: path.resolve(e.BCD_PWA_DIR),
    appOrigins: (e.APP_ORIGIN ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    dailyUploadLimit: e.DAILY_UPLOAD_LIMIT,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxImageBytes: e.MAX_IMAGE_BYTES,
    logLevel: e.LOG_LEVEL,
    supabase,
  };
}

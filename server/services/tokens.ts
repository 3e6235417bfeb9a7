import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { SupabaseConfig } from '../config.ts';
import { ApiError, tokenExpired, unauthorized, unavailable } from '../errors.ts';

/** Turns a bearer token into the participant id it was issued to. */
export interface TokenVerifier {
  /** @throws ApiError 401 when the token is malformed, expired, or not signed by the expected key. */
  verify(token: string): Promise<string>;
}

/** An access token and when it expires. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Issues the embedded server's own participant tokens. */
export interface TokenIssuer {
  /** A new access token for the participant, good for the configured lifetime (`TOKEN_TTL_S`). */
  issue(participantId: string): Promise<IssuedToken>;
  /**
   * The participant id of an access token issued before tokens expired (no `exp`), signed by this server's key.
   * @throws ApiError 401 when it does not verify or carries an expiry (then it is not such a token).
   */
  verifyLegacy(token: string): Promise<string>;
}

const EMBEDDED_ISSUER = 'bcd-sync';
const EMBEDDED_AUDIENCE = 'bcd-participant';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A token that fails verification is a 401: `token_expired` when it is past its `exp` or has none (issued before
 * tokens expired), so the client knows to refresh it; a key set that cannot be fetched is the server's problem (503).
 */
function verificationFailure(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (
    error instanceof errors.JWTExpired ||
    (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp')
  ) {
    return tokenExpired();
  }
  if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) {
    return unauthorized('Token does not verify');
  }
  return unavailable('Cannot check the token now: the signing keys are unreachable');
}

function subjectOf(payload: { sub?: string }): string {
  if (!payload.sub || !UUID.test(payload.sub)) throw unauthorized('Token has no participant id (sub)');
  return payload.sub.toLowerCase();
}

/**
 * The HS256 key of `secret`, imported once: given the raw bytes, jose imports a CryptoKey on every call, and
 * verifying took 77–148 µs a token that way against 44 µs with the key kept (throwaway micro-bench).
 */
function hs256Key(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** Reads the signing secret kept in the data directory, creating it (0600) on first start. */
async function loadSecret(file: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(32);
  try {
    await writeFile(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSecret(file);
    throw error;
  }
}

/**
 * Embedded mode: HS256 JWTs (`sub` = participant id, `exp` = `ttlSeconds` after issue; withdrawal deletes the
 * participant, which voids its tokens at once) signed with a secret kept in `<dataDir>/token-secret`. A token without
 * `exp` (issued before tokens expired) is refused as expired, and is good only for one refresh (`verifyLegacy`).
 */
export async function embeddedTokens(
  dataDir: string,
  ttlSeconds: number,
): Promise<TokenVerifier & TokenIssuer> {
  const secret = await hs256Key(await loadSecret(path.join(dataDir, 'token-secret')));
  const options = { issuer: EMBEDDED_ISSUER, audience: EMBEDDED_AUDIENCE, algorithms: ['HS256'] };
  return {
    async issue(participantId) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(participantId)
        .setIssuer(EMBEDDED_ISSUER)
        .setAudience(EMBEDDED_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(secret);
      return { token, expiresAt };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, { ...options, requiredClaims: ['exp'] });
        return subjectOf(payload);
      } catch (error) {
        throw verificationFailure(error);
      }
    },
    async verifyLegacy(token) {
      let payload: { sub?: string; exp?: number };
      try {
        ({ payload } = await jwtVerify(token, secret, options));
      } catch {
        throw unauthorized('legacy_token does not verify');
      }
      if (payload.exp !== undefined) throw unauthorized('legacy_token expires: refresh with refresh_token');
      return subjectOf(payload);
    },
  };
}

/**
 * Supabase mode: verifies Supabase Auth access tokens (signed-in or anonymous users): audience
 * `authenticated`, issuer `<SUPABASE_URL>/auth/v1`, signed with the project's legacy HS256 secret when
 * `SUPABASE_JWT_SECRET` is set, else with a key from the project's JWKS (`/auth/v1/.well-known/jwks.json`).
 */
export function supabaseTokens(config: SupabaseConfig): TokenVerifier {
  const issuer = `${config.url}/auth/v1`;
  const secret = config.jwtSecret === undefined ? null : hs256Key(new TextEncoder().encode(config.jwtSecret));
  const jwks: JWTVerifyGetKey | null =
    secret === null ? createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)) : null;
  return {
    async verify(token) {
      try {
        const options = { issuer, audience: 'authenticated' };
        const { payload } = secret
          ? await jwtVerify(token, await secret, { ...options, algorithms: ['HS256'] })
          : await jwtVerify(token, jwks!, { ...options, algorithms: ['ES256', 'RS256'] });
        return subjectOf(payload);
      } catch (error) {
        throw verificationFailure(error);
      }
    },
  };
}

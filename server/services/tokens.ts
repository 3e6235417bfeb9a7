import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { SupabaseConfig } from '../config.ts';
import { ApiError, unauthorized, unavailable } from '../errors.ts';

/** Turns a bearer token into the participant id it was issued to. */
export interface TokenVerifier {
  /** @throws ApiError 401 when the token is malformed, expired, or not signed by the expected key. */
  verify(token: string): Promise<string>;
}

/** Issues the embedded server's own participant tokens. */
export interface TokenIssuer {
  issue(participantId: string): Promise<string>;
}

const EMBEDDED_ISSUER = 'bcd-sync';
const EMBEDDED_AUDIENCE = 'bcd-participant';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A token that fails verification is a 401; a key set that cannot be fetched is the server's problem (503). */
function verificationFailure(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) {
    return unauthorized('Token does not verify');
  }
  return unavailable('Cannot check the token now: the signing keys are unreachable');
}

function subjectOf(payload: { sub?: string }): string {
  if (!payload.sub || !UUID.test(payload.sub)) throw unauthorized('Token has no participant id (sub)');
  return payload.sub.toLowerCase();
}

/** Reads the signing secret kept in the data directory, creating it (0600) on first start. */
async function loadSecret(file: string): Promise<Uint8Array> {
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
 * Embedded mode: HS256 JWTs (`sub` = participant id, no expiry: the device holds the token as its only
 * credential, and withdrawal deletes the participant, which voids it) signed with a secret kept in
 * `<dataDir>/token-secret`.
 */
export async function embeddedTokens(dataDir: string): Promise<TokenVerifier & TokenIssuer> {
  const secret = await loadSecret(path.join(dataDir, 'token-secret'));
  return {
    issue: (participantId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(participantId)
        .setIssuer(EMBEDDED_ISSUER)
        .setAudience(EMBEDDED_AUDIENCE)
        .setIssuedAt()
        .sign(secret),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          issuer: EMBEDDED_ISSUER,
          audience: EMBEDDED_AUDIENCE,
          algorithms: ['HS256'],
        });
        return subjectOf(payload);
      } catch (error) {
        throw verificationFailure(error);
      }
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
  const secret = config.jwtSecret === undefined ? null : new TextEncoder().encode(config.jwtSecret);
  const jwks: JWTVerifyGetKey | null =
    secret === null ? createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)) : null;
  return {
    async verify(token) {
      try {
        const options = { issuer, audience: 'authenticated' };
        const { payload } = secret
          ? await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })
          : await jwtVerify(token, jwks!, { ...options, algorithms: ['ES256', 'RS256'] });
        return subjectOf(payload);
      } catch (error) {
        throw verificationFailure(error);
      }
    },
  };
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeUnconsented } from '../../server/services/purge-service.ts';
import { API_PATHS, EnrolmentResponseSchema } from '../../src/sync/contract.ts';
import { appOn, auth, openTestStore, participant } from './helpers.ts';

/**
 * Finding 8 of issue 10 (tokens never expire): access tokens carry `exp` (`TOKEN_TTL_S`), an expired one answers 401
 * `token_expired`, and `POST /api/participants/refresh` exchanges the refresh token given at enrolment (kept hashed)
 * for new tokens; a withdrawn or purged participant cannot refresh.
 */
describe('token expiry and refresh (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let limited: FastifyInstance;
  let secret: Uint8Array;
  const TTL_S = 3600;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir, { TOKEN_TTL_S: String(TTL_S) });
    limited = await appOn(harness.store, harness.dataDir, { REFRESHES_PER_IP_PER_HOUR: '2' });
    secret = Buffer.from((await readFile(path.join(harness.dataDir, 'token-secret'), 'utf8')).trim(), 'hex');
  });
  afterAll(async () => {
    await limited.close();
    await app.close();
    await harness.close();
  });

  /** A token signed with the server's own key, as it issues them, with the given claims. */
  const signed = (participantId: string, claims: { exp?: number; iat?: number }, key = secret) => {
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(participantId)
      .setIssuer('bcd-sync')
      .setAudience('bcd-participant')
      .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000));
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(key);
  };
  const refresh = (body: unknown, target = app, remoteAddress = '127.0.0.1') =>
    target.inject({
      method: 'POST',
      url: API_PATHS.refresh,
      payload: body as Record<string, unknown>,
      remoteAddress,
    });
  const consentWith = (token: string) =>
    app.inject({
      method: 'PUT',
      url: API_PATHS.consent,
      headers: auth(token),
      payload: { version: 'consent-v1', scopes: ['sessions'] },
    });
  const storedHashes = async (id: string) => {
    const [row] = await harness.store.database.query<{
      refresh_hash: Uint8Array | null;
      refresh_previous_hash: Uint8Array | null;
    }>('SELECT refresh_hash, refresh_previous_hash FROM participants WHERE id = $1', [id]);
    const hex = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('hex') : null);
    return { current: hex(row!.refresh_hash), previous: hex(row!.refresh_previous_hash) };
  };
  const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

  it('enrolment answers an access token expiring after TOKEN_TTL_S and a refresh token kept only as its sha256', async () => {
    const response = await app.inject({ method: 'POST', url: API_PATHS.participants });
    expect(response.statusCode).toBe(201);
    const body = EnrolmentResponseSchema.parse(response.json());
    const claims = decodeJwt(body.token);
    expect(claims.exp! - claims.iat!).toBe(TTL_S);
    expect(new Date(body.expires_at).getTime()).toBe(claims.exp! * 1000);
    expect(await storedHashes(body.participant_id)).toEqual({
      current: sha256Hex(body.refresh_token),
      previous: null,
    });
    const [row] = await harness.store.database.query<{ text: string }>(
      'SELECT row_to_json(p)::text AS text FROM participants p WHERE id = $1',
      [body.participant_id],
    );
    expect(row!.text).not.toContain(body.refresh_token);
  });

  it('an expired token, or one without expiry, answers 401 token_expired; a forged one 401 unauthorized', async () => {
    const p = await participant(app, []);
    const now = Math.floor(Date.now() / 1000);
    const expired = await consentWith(await signed(p.id, { iat: now - 7200, exp: now - 60 }));
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: 'token_expired' });
    expect(expired.json().message).toMatch(/refresh/);
    expect(expired.headers['www-authenticate']).toMatch(/invalid_token/);
    const legacy = await consentWith(await signed(p.id, {}));
    expect(legacy.json()).toMatchObject({ error: 'token_expired' });
    const forged = await consentWith(
      await signed(p.id, { exp: now + 600 }, new TextEncoder().encode('x'.repeat(32))),
    );
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error).toBe('unauthorized');
    expect((await consentWith(p.token)).statusCode).toBe(200);
  });

  it('refresh answers new tokens that work; the presented token stays good until the new one is used', async () => {
    const p = await participant(app, ['sessions']);
    const first = await refresh({ refresh_token: p.refreshToken });
    expect(first.statusCode).toBe(200);
    const one = EnrolmentResponseSchema.parse(first.json());
    expect(one.participant_id).toBe(p.id);
    expect(one.refresh_token).not.toBe(p.refreshToken);
    expect((await consentWith(one.token)).statusCode).toBe(200);
    expect(await storedHashes(p.id)).toEqual({
      current: sha256Hex(one.refresh_token),
      previous: sha256Hex(p.refreshToken),
    });

    // The answer carrying `one` was lost: the phone asks again with the token it still has.
    const again = EnrolmentResponseSchema.parse((await refresh({ refresh_token: p.refreshToken })).json());
    expect(again.participant_id).toBe(p.id);
    // Using the newest refresh token retires every older one; it stays good itself until its successor is used.
    const two = EnrolmentResponseSchema.parse((await refresh({ refresh_token: again.refresh_token })).json());
    const refusedNow = async (token: string) => {
      const response = await refresh({ refresh_token: token });
      return response.statusCode === 401 && response.json().error === 'refresh_refused';
    };
    expect(await refusedNow(p.refreshToken)).toBe(true);
    expect(await refusedNow(one.refresh_token)).toBe(true);
    expect(await storedHashes(p.id)).toEqual({
      current: sha256Hex(two.refresh_token),
      previous: sha256Hex(again.refresh_token),
    });
    expect((await refresh({ refresh_token: two.refresh_token })).statusCode).toBe(200);
    expect(await refusedNow(again.refresh_token)).toBe(true);
    expect(await refusedNow(two.refresh_token)).toBe(false);
  });

  it('a withdrawn participant, or one purged for never consenting, cannot refresh', async () => {
    const withdrawn = await participant(app, ['sessions']);
    const deleted = await app.inject({
      method: 'DELETE',
      url: API_PATHS.consent,
      headers: auth(withdrawn.token),
    });
    expect(deleted.statusCode).toBe(200);
    const afterWithdrawal = await refresh({ refresh_token: withdrawn.refreshToken });
    expect(afterWithdrawal.statusCode).toBe(401);
    expect(afterWithdrawal.json().error).toBe('refresh_refused');

    const silent = await participant(app, []);
    await harness.store.database.query(
      `UPDATE participants SET enrolled_at = now() - interval '25 hours' WHERE id = $1`,
      [silent.id],
    );
    await purgeUnconsented(harness.store.database, 24);
    expect((await refresh({ refresh_token: silent.refreshToken })).json().error).toBe('refresh_refused');
  });

  it('a participant enrolled before tokens expired refreshes once with its old token, then never with it again', async () => {
    const p = await participant(app, ['sessions']);
    // As migration 0008 leaves a participant of before: no refresh token, and an access token without expiry.
    await harness.store.database.query('UPDATE participants SET refresh_hash = NULL WHERE id = $1', [p.id]);
    const legacyToken = await signed(p.id, {});
    const upgraded = EnrolmentResponseSchema.parse((await refresh({ legacy_token: legacyToken })).json());
    expect(upgraded.participant_id).toBe(p.id);
    expect((await consentWith(upgraded.token)).statusCode).toBe(200);
    expect((await refresh({ refresh_token: upgraded.refresh_token })).statusCode).toBe(200);
    const reused = await refresh({ legacy_token: legacyToken });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error).toBe('refresh_refused');
    // A current (expiring) access token is no legacy token, and neither is a forged one.
    expect((await refresh({ legacy_token: upgraded.token })).statusCode).toBe(401);
    const forged = await signed(p.id, {}, new TextEncoder().encode('y'.repeat(32)));
    expect((await refresh({ legacy_token: forged })).statusCode).toBe(401);
  });

  it('400 for a malformed refresh body, naming the problem', async () => {
    const p = await participant(app, []);
    for (const body of [
      {},
      { refresh_token: p.refreshToken, legacy_token: p.token },
      { refresh_token: 'short' },
      { refresh_token: `${p.refreshToken.slice(0, 42)}=` },
      { legacy_token: 'a\u0000b' },
    ]) {
      const response = await refresh(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error).toBe('bad_request');
    }
  });

  it('429 with Retry-After past the refreshes an IP address may make per hour', async () => {
    const p = await participant(app, []);
    let token = p.refreshToken;
    for (let i = 0; i < 2; i++) {
      const response = await refresh({ refresh_token: token }, limited, '203.0.113.9');
      expect(response.statusCode).toBe(200);
      token = response.json().refresh_token as string;
    }
    const refused = await refresh({ refresh_token: token }, limited, '203.0.113.9');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('refresh_limit_reached');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await refresh({ refresh_token: token }, limited, '198.51.100.9')).statusCode).toBe(200);
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EnrolmentResponse, RefreshRequest } from '../../src/sync/contract.ts';
import type { Database } from '../db/database.ts';
import { refreshRefused, unauthorized } from '../errors.ts';
import {
  ensureParticipant,
  insertParticipant,
  participantExists,
  rotateRefreshToken,
  upgradeLegacyParticipant,
} from '../repositories/participants.ts';
import type { TokenIssuer, TokenVerifier } from './tokens.ts';

/** A new refresh token (32 bytes from the CSPRNG, base64url: `RefreshTokenSchema`) and the digest kept of it. */
function newRefreshToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: digest(token) };
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Enrols pseudonymous participants, refreshes their tokens and authenticates their requests. */
export class ParticipantService {
  constructor(
    private readonly db: Database,
    private readonly verifier: TokenVerifier,
    /** Present in embedded mode only; Supabase mode enrols through Supabase Auth. */
    private readonly issuer: TokenIssuer | null,
  ) {}

  get canEnrol(): boolean {
    return this.issuer !== null;
  }

  /**
   * Creates a participant with a random UUID and returns it with its access token (expiring) and refresh token
   * (embedded mode; only the refresh token's sha256 is stored).
   */
  async enrol(): Promise<EnrolmentResponse> {
    const issuer = this.embeddedIssuer();
    const participantId = randomUUID();
    const refresh = newRefreshToken();
    await insertParticipant(this.db, participantId, refresh.hash);
    return this.answer(issuer, participantId, refresh.token);
  }

  /**
   * Exchanges a refresh token (or, once, an access token issued before tokens expired) for a new access token and a
   * new refresh token (embedded mode). The presented refresh token stays good until the new one is first used.
   * @throws ApiError 401 `refresh_refused` (unknown or superseded token, withdrawn participant), 401 (legacy token
   *   that does not verify).
   */
  async refresh(request: RefreshRequest): Promise<EnrolmentResponse> {
    const issuer = this.embeddedIssuer();
    const next = newRefreshToken();
    let participantId: string | null;
    if (request.refresh_token !== undefined) {
      participantId = await rotateRefreshToken(this.db, digest(request.refresh_token), next.hash);
    } else {
      const legacyId = await issuer.verifyLegacy(request.legacy_token!);
      participantId = (await upgradeLegacyParticipant(this.db, legacyId, next.hash)) ? legacyId : null;
    }
    if (participantId === null) throw refreshRefused();
    return this.answer(issuer, participantId, next.token);
  }

  /**
   * Returns the participant id of an `Authorization: Bearer` header value. Embedded: the participant must
   * still exist (withdrawal voids the token). Supabase: the row is created on the user's first call.
   * @throws ApiError 401 (no or bad token, unknown participant), 401 `token_expired`, 503 (signing keys
   *   unreachable).
   */
  async authenticate(authorization: string | undefined): Promise<string> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw unauthorized('Missing bearer token (Authorization: Bearer <token>)');
    const participantId = await this.verifier.verify(match[1]!);
    if (this.issuer) {
      if (!(await participantExists(this.db, participantId))) {
        throw unauthorized('Participant is not enrolled (or has withdrawn); enrol again');
      }
    } else {
      await ensureParticipant(this.db, participantId);
    }
    return participantId;
  }

  private embeddedIssuer(): TokenIssuer {
    if (!this.issuer) throw new Error('enrolment and refresh are only available in embedded mode');
    return this.issuer;
  }

  private async answer(
    issuer: TokenIssuer,
    participantId: string,
    refreshToken: string,
  ): Promise<EnrolmentResponse> {
    const { token, expiresAt } = await issuer.issue(participantId);
    return {
      participant_id: participantId,
      token,
      expires_at: expiresAt.toISOString(),
      refresh_token: refreshToken,
    };
  }
}

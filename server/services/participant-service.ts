import { randomUUID } from 'node:crypto';
import type { EnrolmentResponse } from '../../src/sync/contract.ts';
import type { Database } from '../db/database.ts';
import { unauthorized } from '../errors.ts';
import { ensureParticipant, insertParticipant, participantExists } from '../repositories/participants.ts';
import type { TokenIssuer, TokenVerifier } from './tokens.ts';

/** Enrols pseudonymous participants and authenticates their requests. */
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

  /** Creates a participant with a random UUID and returns it with its bearer token (embedded mode). */
  async enrol(): Promise<EnrolmentResponse> {
    if (!this.issuer) throw new Error('enrolment is only available in embedded mode');
    const participantId = randomUUID();
    await insertParticipant(this.db, participantId);
    return { participant_id: participantId, token: await this.issuer.issue(participantId) };
  }

  /**
   * Returns the participant id of an `Authorization: Bearer` header value. Embedded: the participant must
   * still exist (withdrawal voids the token). Supabase: the row is created on the user's first call.
   * @throws ApiError 401 (no or bad token, unknown participant), 503 (signing keys unreachable).
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
}

import type { FastifyInstance } from 'fastify';
import type { ParticipantService } from '../services/participant-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every `/api` route except enrolment. */
    participantId: string;
  }
}

/**
 * Adds an `onRequest` hook to `app` (an encapsulated scope) that authenticates the bearer token before the
 * body is read, so an unauthenticated upload is refused without receiving it.
 */
export function requireParticipant(app: FastifyInstance, participants: ParticipantService): void {
  app.decorateRequest('participantId', '');
  app.addHook('onRequest', async (request) => {
    request.participantId = await participants.authenticate(request.headers.authorization);
  });
}

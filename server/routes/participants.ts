import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EnrolmentResponseSchema, HEADER_ENROLMENT_CODE } from '../../src/sync/contract.ts';
import { enrolmentCodeRequired } from '../errors.ts';
import type { AppServices } from '../services/index.ts';
import { ERROR_RESPONSES } from './schemas.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether `given` is the enrolment code, compared in constant time (over digests, so lengths do not show). */
function codeMatches(expected: string, given: string | string[] | undefined): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(expected), digest(given));
}

/**
 * `POST /api/participants`: enrols a pseudonymous participant (embedded mode only; not registered otherwise).
 * Limited per IP address by `enrolLimit` (`ENROLMENTS_PER_IP_PER_HOUR`); with `enrolmentCode` set
 * (`ENROLMENT_CODE`), the request must carry it in `x-enrolment-code` (403 otherwise).
 */
export const participantRoutes: FastifyPluginAsyncZod<{
  services: AppServices;
  enrolLimit: onRequestAsyncHookHandler;
  enrolmentCode: string | null;
}> = async (app, { services, enrolLimit, enrolmentCode }) => {
  app.post(
    '/participants',
    {
      onRequest: enrolLimit,
      schema: {
        tags: ['participants'],
        summary: 'Enrol a pseudonymous participant and receive its bearer token',
        response: { 201: EnrolmentResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (enrolmentCode !== null && !codeMatches(enrolmentCode, request.headers[HEADER_ENROLMENT_CODE])) {
        throw enrolmentCodeRequired();
      }
      return reply.code(201).send(await services.participants.enrol());
    },
  );
};

import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  EnrolmentResponseSchema,
  HEADER_ENROLMENT_CODE,
  RefreshRequestSchema,
} from '../../src/sync/contract.ts';
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
 * `POST /api/participants/refresh`: a refresh token (or once a pre-expiry access token) for new tokens, limited per
 * IP address by `refreshLimit` (`REFRESHES_PER_IP_PER_HOUR`); no enrolment code (the participant is enrolled).
 */
export const participantRoutes: FastifyPluginAsyncZod<{
  services: AppServices;
  enrolLimit: onRequestAsyncHookHandler;
  refreshLimit: onRequestAsyncHookHandler;
  enrolmentCode: string | null;
}> = async (app, { services, enrolLimit, refreshLimit, enrolmentCode }) => {
  app.post(
    '/participants/refresh',
    {
      onRequest: refreshLimit,
      schema: {
        tags: ['participants'],
        summary: 'Exchange the refresh token for a new access token and refresh token',
        body: RefreshRequestSchema,
        response: { 200: EnrolmentResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => services.participants.refresh(request.body),
  );
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

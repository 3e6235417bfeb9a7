import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ConsentRequestSchema,
  ConsentResponseSchema,
  WithdrawalResponseSchema,
} from '../../src/sync/contract.ts';
import type { AppServices } from '../services/index.ts';
import { BEARER, ERROR_RESPONSES } from './schemas.ts';

/**
 * `PUT /api/consent` records consent (limited per participant per day by `consentLimit`, `DAILY_CONSENT_LIMIT`);
 * `DELETE /api/consent` withdraws it and deletes everything (never limited).
 */
export const consentRoutes: FastifyPluginAsyncZod<{
  services: AppServices;
  consentLimit: onRequestAsyncHookHandler;
}> = async (app, { services, consentLimit }) => {
  app.put(
    '/consent',
    {
      onRequest: consentLimit,
      schema: {
        tags: ['consent'],
        summary: 'Record the consent-text version read and the scopes agreed to',
        security: BEARER,
        body: ConsentRequestSchema,
        response: { 200: ConsentResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => services.consent.grant(request.participantId, request.body),
  );
  app.delete(
    '/consent',
    {
      schema: {
        tags: ['consent'],
        summary: 'Withdraw: delete every row and stored image of the participant, answering the counts',
        security: BEARER,
        response: { 200: WithdrawalResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => services.consent.withdraw(request.participantId),
  );
};

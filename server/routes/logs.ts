import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AcceptedResponseSchema, FeedbackSchema, LogUploadSchema } from '../../src/sync/contract.ts';
import type { AppServices } from '../services/index.ts';
import { BEARER, ERROR_RESPONSES } from './schemas.ts';

/** `POST /api/logs` (analysis logs, batched) and `POST /api/feedback` (one flag), both idempotent by id. */
export const logRoutes: FastifyPluginAsyncZod<{
  services: AppServices;
  uploadLimit: onRequestAsyncHookHandler;
}> = async (app, { services, uploadLimit }) => {
  app.post(
    '/logs',
    {
      onRequest: uploadLimit,
      schema: {
        tags: ['logs'],
        summary: 'Upload analysis logs (timings, backend, model, errors, confidence)',
        security: BEARER,
        body: LogUploadSchema,
        response: { 200: AcceptedResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => services.logs.putLogs(request.participantId, request.body),
  );
  app.post(
    '/feedback',
    {
      onRequest: uploadLimit,
      schema: {
        tags: ['feedback'],
        summary: 'Upload a flag on a result or a photo ("this looks wrong", "bad photo")',
        security: BEARER,
        body: FeedbackSchema,
        response: { 200: AcceptedResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => services.logs.putFeedback(request.participantId, request.body),
  );
};

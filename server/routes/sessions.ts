import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  SessionStatusSchema,
  SessionUploadResponseSchema,
  SessionUploadSchema,
} from '../../src/sync/contract.ts';
import type { AppServices } from '../services/index.ts';
import { BEARER, ERROR_RESPONSES, SessionParamsSchema } from './schemas.ts';

/** `PUT /api/sessions/:sessionId` (idempotent upload) and `GET /api/sessions/:sessionId/status`. */
export const sessionRoutes: FastifyPluginAsyncZod<{
  services: AppServices;
  uploadLimit: onRequestAsyncHookHandler;
}> = async (app, { services, uploadLimit }) => {
  app.put(
    '/sessions/:sessionId',
    {
      onRequest: uploadLimit,
      schema: {
        tags: ['sessions'],
        summary:
          'Upload session metadata, image quality, analysis, angle analyses and embeddings (idempotent)',
        security: BEARER,
        params: SessionParamsSchema,
        body: SessionUploadSchema,
        response: { 200: SessionUploadResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => services.sessions.put(request.participantId, request.params.sessionId, request.body),
  );
  app.get(
    '/sessions/:sessionId/status',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Sync status of a session: processing, completed or failed',
        security: BEARER,
        params: SessionParamsSchema,
        response: { 200: SessionStatusSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => services.sessions.status(request.participantId, request.params.sessionId),
  );
};

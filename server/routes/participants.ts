import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EnrolmentResponseSchema } from '../../src/sync/contract.ts';
import type { AppServices } from '../services/index.ts';
import { ERROR_RESPONSES } from './schemas.ts';

/** `POST /api/participants`: enrols a pseudonymous participant (embedded mode only; not registered otherwise). */
export const participantRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/participants',
    {
      schema: {
        tags: ['participants'],
        summary: 'Enrol a pseudonymous participant and receive its bearer token',
        response: { 201: EnrolmentResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (_request, reply) => reply.code(201).send(await services.participants.enrol()),
  );
};

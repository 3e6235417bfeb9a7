import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_PATHS,
  HealthResponseSchema,
  ReadyResponseSchema,
  SYNC_CONTRACT_VERSION,
} from '../../src/sync/contract.ts';
import { checkReadiness } from '../services/readiness-service.ts';
import type { AppServices } from '../services/index.ts';

/**
 * `/health` (the process answers), `/ready` (database and image store reachable, image store full or not),
 * `/openapi.json`.
 */
export const healthRoutes: FastifyPluginAsyncZod<{
  services: AppServices;
  maxStoredImageBytes: number;
}> = async (app, { services, maxStoredImageBytes }) => {
  const startedAt = Date.now();
  app.get(
    API_PATHS.health,
    { schema: { tags: ['health'], response: { 200: HealthResponseSchema } } },
    async () => ({
      status: 'ok' as const,
      contract_version: SYNC_CONTRACT_VERSION,
      mode: services.store.mode,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    }),
  );
  app.get(
    API_PATHS.ready,
    { schema: { tags: ['health'], response: { 200: ReadyResponseSchema, 503: ReadyResponseSchema } } },
    async (_request, reply) => {
      const readiness = await checkReadiness(
        services.store.database,
        services.store.images,
        maxStoredImageBytes,
      );
      return reply.code(readiness.status === 'ok' ? 200 : 503).send(readiness);
    },
  );
  app.get(API_PATHS.openapi, { schema: { hide: true } }, async () => app.swagger());
};

import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance, type onRequestAsyncHookHandler } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import {
  HEADER_ANGLE,
  HEADER_ENROLMENT_CODE,
  HEADER_SHA256,
  SYNC_CONTRACT_VERSION,
} from '../src/sync/contract.ts';
import type { ServerConfig } from './config.ts';
import {
  consentLimitReached,
  dailyLimitReached,
  enrolmentLimitReached,
  refreshLimitReached,
} from './errors.ts';
import { requireParticipant } from './plugins/authenticate.ts';
import { installErrorHandling } from './plugins/error-handler.ts';
import { consentRoutes } from './routes/consent.ts';
import { healthRoutes } from './routes/health.ts';
import { imageRoutes } from './routes/images.ts';
import { logRoutes } from './routes/logs.ts';
import { participantRoutes } from './routes/participants.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { signalingRoutes } from './routes/signaling.ts';
import { createServices } from './services/index.ts';
import { schedulePurge } from './services/purge-service.ts';
import { openDataStore, type DataStore } from './store.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Headers that make the served PWA cross-origin isolated (as vite.config.ts sets for its own servers). */
const CROSS_ORIGIN_ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;

export interface BuildAppOptions {
  readonly config: ServerConfig;
  /** An already open store (tests, benchmarks); by default the app opens the configured one and closes it. */
  readonly store?: DataStore;
  /** Directory of the built PWA to serve at `/` (with `index.html` for client-side routes); none = API only. */
  readonly staticRoot?: string;
  /** Pino logging; `false` silences it (tests). Default: JSON logs at `config.logLevel`. */
  readonly logger?: boolean;
  /** PEM key and certificate to serve HTTPS with (`server/tls.ts`); none = plain HTTP. */
  readonly https?: { readonly key: string; readonly cert: string };
}

/**
 * Node's own deadlines of the HTTP(S) server. Node only enforces a requestTimeout given when the server is created
 * (Fastify sets its own afterwards), and checks deadlines every connectionsCheckingInterval (30 s by default, which
 * would let a short timeout run late).
 */
function nodeServerOptions(config: ServerConfig) {
  return {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: Math.min(60_000, config.requestTimeoutMs),
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(config.requestTimeoutMs / 4))),
  };
}

/**
 * Builds the sync server: embedded or Supabase store, participant authentication, consent checks,
 * per-participant daily upload and consent limits, per-IP enrolment and token-refresh limits (and enrolment code), the hourly purge of
 * participants who never consented, request and idle-socket timeouts and a connection cap, CORS for the configured app origins, OpenAPI at `/openapi.json`,
 * structured request logs (request id from `x-request-id` or generated, response time). Call `listen`
 * or `inject` on the result; `close` also closes a store the app opened.
 * @throws MigrationError or the driver's error when the store cannot be opened.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const store = options.store ?? (await openDataStore(config));
  const services = await createServices(config, store);

  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    // Slow or stalled clients: the whole request must arrive within requestTimeout (408 otherwise), and a socket
    // idle for connectionTimeout is closed. Node's own defaults are 300 s and none.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    // Node's own deadlines (nodeServerOptions), on an HTTPS server when a certificate is given.
    ...(options.https
      ? { https: { ...nodeServerOptions(config), key: options.https.key, cert: options.https.cert } }
      : { http: nodeServerOptions(config) }),
    requestIdHeader: 'x-request-id',
    // Probes of /health and /ready would drown the request log.
    logController: new LogController({
      requestIdLogLabel: 'request_id',
      disableRequestLogging: (request) => request.url === '/health' || request.url === '/ready',
    }),
    genReqId: () => randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  // Connections beyond the cap are closed by Node as they arrive.
  app.server.maxConnections = config.maxConnections;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const stopPurge = schedulePurge(store.database, config.unconsentedPurgeHours, (error) =>
    app.log.error({ type: (error as Error).name }, 'purge of unconsented participants failed'),
  );
  app.addHook('onClose', async () => stopPurge());
  if (!options.store) app.addHook('onClose', () => store.close());

  installErrorHandling(app, { spaFallback: options.staticRoot !== undefined });
  await app.register(cors, {
    // No configured origin: no cross-origin access at all (the PWA is served from this same origin).
    origin: config.appOrigins.length > 0 ? [...config.appOrigins] : false,
    methods: ['GET', 'PUT', 'POST', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      HEADER_ANGLE,
      HEADER_SHA256,
      HEADER_ENROLMENT_CODE,
      'x-request-id',
    ],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'BCD sync API',
        version: SYNC_CONTRACT_VERSION,
        description: 'Receives consented sessions from the BCD app. Types: src/sync/contract.ts.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(rateLimit, { global: false });
  // One shared counter for every upload route, keyed by participant: it runs as a route-level onRequest
  // hook, after the scope's authentication hook has set request.participantId.
  const uploadLimit = app.rateLimit({
    max: config.dailyUploadLimit,
    timeWindow: DAY_MS,
    keyGenerator: (request) => `participant:${request.participantId}`,
    errorResponseBuilder: (_request, context) => dailyLimitReached(Math.ceil(context.ttl / 1000)),
  }) as onRequestAsyncHookHandler;
  const enrolLimit = app.rateLimit({
    max: config.enrolmentsPerIpPerHour,
    timeWindow: HOUR_MS,
    keyGenerator: (request) => `enrol:${request.ip}`,
    errorResponseBuilder: (_request, context) => enrolmentLimitReached(Math.ceil(context.ttl / 1000)),
  }) as onRequestAsyncHookHandler;
  const refreshLimit = app.rateLimit({
    max: config.refreshesPerIpPerHour,
    timeWindow: HOUR_MS,
    keyGenerator: (request) => `refresh:${request.ip}`,
    errorResponseBuilder: (_request, context) => refreshLimitReached(Math.ceil(context.ttl / 1000)),
  }) as onRequestAsyncHookHandler;
  const consentLimit = app.rateLimit({
    max: config.dailyConsentLimit,
    timeWindow: DAY_MS,
    keyGenerator: (request) => `consent:${request.participantId}`,
    errorResponseBuilder: (_request, context) => consentLimitReached(Math.ceil(context.ttl / 1000)),
  }) as onRequestAsyncHookHandler;

  await app.register(healthRoutes, { services, maxStoredImageBytes: config.storeMaxImageBytes });
  await app.register(signalingRoutes, { signaling: config.signaling, appOrigins: config.appOrigins });
  await app.register(
    async (api) => {
      if (services.participants.canEnrol) {
        await api.register(participantRoutes, {
          services,
          enrolLimit,
          refreshLimit,
          enrolmentCode: config.enrolmentCode,
        });
      }
      await api.register(async (authenticated) => {
        requireParticipant(authenticated, services.participants);
        await authenticated.register(consentRoutes, { services, consentLimit });
        await authenticated.register(sessionRoutes, { services, uploadLimit });
        await authenticated.register(imageRoutes, {
          services,
          uploadLimit,
          maxImageBytes: config.maxImageBytes,
        });
        await authenticated.register(logRoutes, { services, uploadLimit });
      });
    },
    { prefix: '/api' },
  );
  if (options.staticRoot !== undefined) {
    // The app runs onnxruntime-web with WASM threads, which need cross-origin isolation (SharedArrayBuffer);
    // the same-origin API is unaffected by these headers.
    app.addHook('onSend', async (_request, reply) => {
      reply.headers(CROSS_ORIGIN_ISOLATION);
    });
    await app.register(fastifyStatic, { root: options.staticRoot, wildcard: false });
  }
  await app.ready();
  return app;
}

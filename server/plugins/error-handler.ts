import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorResponse } from '../../src/sync/contract.ts';
import { apiErrorOfDatabase, isDatabaseError, isStorageFull } from '../db/database-errors.ts';
import { ApiError, insufficientStorage } from '../errors.ts';

/** Fastify's own client-error codes, answered with a stable error code of ours. */
const FASTIFY_CLIENT_ERRORS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'bad_request',
};

/** `/embeddings/0/vector` of the validation context `body` → `embeddings.0.vector`. */
function fieldOf(context: string | undefined, instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return path === '' ? (context ?? 'request') : path;
}

/**
 * What a 5xx log line says about its error: type, SQLSTATE or errno code and the stack's frames, never the message
 * of a database error (it can quote values) nor the query, its parameters or the request body.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const base = { type: error.name, ...(typeof code === 'string' ? { code } : {}), stack: frames.join('\n') };
  if (isDatabaseError(error)) return { ...base, routine: error.routine, constraint: error.constraint };
  // File-system errors name the path (ids, not values); other errors are the server's own wording.
  return { ...base, message: error.message };
}

/**
 * Turns every error into `{error, message, field?}` with the right status: ApiError as thrown, zod
 * validation as 400 naming the field, Fastify's body errors as 400/413/415, database errors caused by values as
 * 4xx (`apiErrorOfDatabase`), a full disk as 507. Anything else is logged (`loggableError`: no request values) and
 * answered 500 without internals. Unknown routes answer 404, or with `index.html` for page requests when a
 * static root is served (client-side routing of the PWA).
 */
export function installErrorHandling(app: FastifyInstance, options: { spaFallback: boolean }): void {
  app.setErrorHandler((raw: FastifyError | ApiError, request, reply) => {
    const error = apiErrorOfDatabase(raw) ?? (isStorageFull(raw) ? insufficientStorage() : raw);
    let status = 500;
    let body: ErrorResponse = { error: 'internal', message: 'The server could not complete the request' };
    if (error instanceof ApiError) {
      status = error.status;
      body = { error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
      reply.headers(error.headers);
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const [issue] = error.validation;
      const field = fieldOf(error.validationContext, issue!.instancePath);
      status = 400;
      body = { error: 'bad_request', message: `${field}: ${issue!.message}`, field };
    } else if (error.code && FASTIFY_CLIENT_ERRORS[error.code]) {
      status = error.statusCode ?? 400;
      body = { error: FASTIFY_CLIENT_ERRORS[error.code]!, message: error.message };
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      body = { error: 'bad_request', message: error.message };
    }
    if (status >= 500) request.log.error({ error: loggableError(raw) }, 'request failed');
    else request.log.info({ status, error: body.error, field: body.field }, body.message);
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const wantsPage =
      options.spaFallback &&
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      (request.headers.accept ?? '').includes('text/html');
    if (wantsPage) return reply.type('text/html').sendFile('index.html');
    return reply.code(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url}` });
  });
}

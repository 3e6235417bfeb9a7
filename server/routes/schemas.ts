import { z } from 'zod';
import { ClientIdSchema, ErrorResponseSchema } from '../../src/sync/contract.ts';

/** OpenAPI security requirement of every authenticated route. */
export const BEARER = [{ bearerAuth: [] }];

/** The error answers every route may give, for the OpenAPI description (and response serialisation). */
export const ERROR_RESPONSES = {
  '4xx': ErrorResponseSchema,
  '5xx': ErrorResponseSchema,
} as const;

export const SessionParamsSchema = z.object({ sessionId: ClientIdSchema });
export const ImageParamsSchema = z.object({ sessionId: ClientIdSchema, imageId: ClientIdSchema });

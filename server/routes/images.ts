import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  HEADER_ANGLE,
  HEADER_FACES,
  HEADER_SHA256,
  IMAGE_CONTENT_TYPES,
  ImageUploadHeadersSchema,
  ImageUploadResponseSchema,
} from '../../src/sync/contract.ts';
import { badRequest } from '../errors.ts';
import type { AppServices } from '../services/index.ts';
import { BEARER, ERROR_RESPONSES, ImageParamsSchema } from './schemas.ts';

/** `PUT /api/sessions/:sessionId/images/:imageId`: raw JPEG or PNG bytes, metadata-free (idempotent). */
export const imageRoutes: FastifyPluginAsyncZod<{
  services: AppServices;
  uploadLimit: onRequestAsyncHookHandler;
  maxImageBytes: number;
}> = async (app, { services, uploadLimit, maxImageBytes }) => {
  app.addContentTypeParser(
    [...IMAGE_CONTENT_TYPES],
    { parseAs: 'buffer', bodyLimit: maxImageBytes },
    (_r, body, done) => done(null, body),
  );
  app.put(
    '/sessions/:sessionId/images/:imageId',
    {
      onRequest: uploadLimit,
      bodyLimit: maxImageBytes,
      schema: {
        tags: ['images'],
        summary: `Upload an image's bytes with ${HEADER_ANGLE} and ${HEADER_SHA256} (idempotent)`,
        description:
          'JPEG or PNG without metadata: EXIF, GPS, XMP, IPTC, comments, text chunks or trailing data ' +
          'are refused with 422, and so is a photo showing a face when the consent does not include `faces`.',
        security: BEARER,
        params: ImageParamsSchema,
        headers: z.looseObject(ImageUploadHeadersSchema.shape),
        response: { 200: ImageUploadResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const body: unknown = request.body;
      if (!Buffer.isBuffer(body) || body.byteLength === 0)
        throw badRequest('body', 'the image bytes are missing');
      return services.images.put(request.participantId, request.params.sessionId, request.params.imageId, {
        angle: request.headers[HEADER_ANGLE],
        sha256: request.headers[HEADER_SHA256],
        contentType: request.headers['content-type'],
        bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        faces: request.headers[HEADER_FACES] ?? null,
      });
    },
  );
};

import { createHash } from 'node:crypto';
import { SCOPE_OF_UPLOAD, type ImageContentType, type ImageUploadResponse } from '../../src/sync/contract.ts';
import {
  detectImageFormat,
  findImageMetadata,
  ImageStructureError,
  type ImageFormat,
} from '../../src/sync/image-metadata.ts';
import type { Database } from '../db/database.ts';
import { ApiError, badRequest, conflict, notFound, unprocessableImage } from '../errors.ts';
import { findImage, recordStoredImage } from '../repositories/images.ts';
import { findOwnSession, setSessionError } from '../repositories/sessions.ts';
import { imagePath, type ImageStore } from '../storage/image-store.ts';
import type { ConsentService } from './consent-service.ts';

const FORMAT_OF_CONTENT_TYPE: Readonly<Record<ImageContentType, ImageFormat>> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
};

export interface ImageUpload {
  readonly angle: string;
  /** Lower-case hex sha256 the client computed over the bytes it sent. */
  readonly sha256: string;
  readonly contentType: ImageContentType;
  readonly bytes: Uint8Array;
}

/** The metadata blocks left in the image; a malformed file is refused (422). */
function metadataBlocks(bytes: Uint8Array) {
  try {
    return findImageMetadata(bytes);
  } catch (error) {
    if (error instanceof ImageStructureError) throw unprocessableImage(`Malformed image: ${error.message}`);
    throw error;
  }
}

/**
 * Refuses bytes that are not the declared type, or that still carry metadata.
 * @throws ApiError 422 naming the first metadata block found.
 */
function checkImage(upload: ImageUpload): void {
  const expected = FORMAT_OF_CONTENT_TYPE[upload.contentType];
  if (detectImageFormat(upload.bytes) !== expected) {
    throw unprocessableImage(`The body is not a ${expected.toUpperCase()} file`);
  }
  const blocks = metadataBlocks(upload.bytes);
  const [first] = blocks;
  if (first) {
    const kinds = [...new Set(blocks.map((block) => block.kind))].join(', ');
    throw unprocessableImage(
      `The image still carries metadata (${kinds}; first: ${first.container} at byte ${first.offset}); ` +
        'strip it on the device before uploading',
    );
  }
}

/** Stores uploaded image bytes after checking integrity, type and the absence of metadata. */
export class ImageService {
  constructor(
    private readonly db: Database,
    private readonly store: ImageStore,
    private readonly consent: ConsentService,
  ) {}

  /**
   * Stores the image of one of the participant's sessions. The same bytes again are accepted without a
   * write (`stored: false`). Refusals of a well-authenticated upload are recorded on the session (its sync
   * status turns `failed`) until an image of the session is accepted.
   * @throws ApiError 403 (consent `images`), 404 (session), 400 (sha256 mismatch), 422 (metadata or not the
   *   declared type), 409 (other bytes or angle already stored under this image id).
   */
  async put(
    participantId: string,
    sessionId: string,
    imageId: string,
    upload: ImageUpload,
  ): Promise<ImageUploadResponse> {
    await this.consent.requireScope(participantId, SCOPE_OF_UPLOAD.image);
    const session = await findOwnSession(this.db, participantId, sessionId);
    if (!session) throw notFound('Session');
    try {
      const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
      if (sha256 !== upload.sha256) throw badRequest('x-sha256', 'does not match the sha256 of the body');
      checkImage(upload);
      const result = await this.storeImage(participantId, sessionId, imageId, upload);
      await setSessionError(this.db, sessionId, null);
      return result;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
        await setSessionError(this.db, sessionId, `Image ${imageId}: ${error.message}`);
      }
      throw error;
    }
  }

  private async storeImage(
    participantId: string,
    sessionId: string,
    imageId: string,
    upload: ImageUpload,
  ): Promise<ImageUploadResponse> {
    const existing = await findImage(this.db, sessionId, imageId);
    if (existing && existing.angle !== upload.angle) {
      throw conflict('x-angle', `Image ${imageId} is recorded under angle ${existing.angle}`);
    }
    if (existing?.sha256 && existing.sha256 !== upload.sha256) {
      throw conflict('x-sha256', `Image ${imageId} is already stored with other bytes`);
    }
    const response = {
      session_id: sessionId,
      image_id: imageId,
      sha256: upload.sha256,
      byte_size: upload.bytes.byteLength,
    };
    if (existing?.sha256) return { ...response, stored: false };
    // The row is written first, inside the transaction that also stores the bytes: a concurrent upload of
    // other bytes under the same id waits on the row and is refused before it touches the stored file, and a
    // failed store rolls the row back. A crash after the store leaves a file that the retry overwrites.
    const storagePath = imagePath(participantId, sessionId, imageId, upload.contentType);
    await this.db.transaction(async (tx) => {
      const recorded = await recordStoredImage(tx, {
        sessionId,
        imageId,
        participantId,
        angle: upload.angle,
        storagePath,
        sha256: upload.sha256,
        byteSize: upload.bytes.byteLength,
        contentType: upload.contentType,
      });
      if (!recorded) throw conflict('x-sha256', `Image ${imageId} was stored with other bytes meanwhile`);
      await this.store.put(storagePath, upload.bytes, upload.contentType);
    });
    return { ...response, stored: true };
  }
}

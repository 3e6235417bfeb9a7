import { createHash, randomBytes } from 'node:crypto';
import {
  SCOPE_OF_UPLOAD,
  type FacesInImage,
  type ImageContentType,
  type ImageUploadResponse,
} from '../../src/sync/contract.ts';
import {
  detectImageFormat,
  findImageMetadata,
  ImageStructureError,
  type ImageFormat,
} from '../../src/sync/image-metadata.ts';
import type { Database, Queryable } from '../db/database.ts';
import {
  ApiError,
  badRequest,
  conflict,
  notFound,
  participantQuotaReached,
  storeFull,
  unprocessableImage,
} from '../errors.ts';
import {
  countReceivedImages,
  findImage,
  participantImageUsage,
  recordStoredImage,
  storagePathInUse,
  storedImageBytes,
} from '../repositories/images.ts';
import { currentConsent } from '../repositories/consents.ts';
import { lockParticipant } from '../repositories/participants.ts';
import { findOwnSession, setSessionError, type SessionRow } from '../repositories/sessions.ts';
import { imagePath, type ImageStore } from '../storage/image-store.ts';
import type { ConsentService } from './consent-service.ts';
import { checkNoFace } from './face-check.ts';
import { checkImageDecodes } from './image-decode-check.ts';
import { checkPngDataEnds } from './png-data-check.ts';

/** Where the per-participant and per-image limits come from (`config.ts`). */
export interface ImageLimits {
  /** `PARTICIPANT_MAX_IMAGES`: stored images per participant, all time. */
  readonly participantMaxImages: number;
  /** `PARTICIPANT_MAX_IMAGE_BYTES`: stored image bytes per participant, all time. */
  readonly participantMaxImageBytes: number;
  /** `STORE_MAX_IMAGE_BYTES`: stored image bytes of all participants together. */
  readonly storeMaxImageBytes: number;
  /** `MAX_IMAGE_PIXELS`: largest width × height, checked in the header before decoding. */
  readonly maxImagePixels: number;
}

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
  /** The app's `x-faces`: what it did about faces in these bytes; null from apps before face detection. */
  readonly faces: FacesInImage | null;
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

/**
 * Refuses an upload that would exceed the session's `images_expected`, the participant's persisted caps, or the
 * store-wide cap. The store's total is not locked: uploads running at the same time may pass it by their own sizes.
 * @throws ApiError 409 (`images_expected` reached), 413 `participant_quota_reached`, 507 `store_full`.
 */
async function checkRoom(
  db: Queryable,
  session: SessionRow,
  participantId: string,
  byteSize: number,
  limits: ImageLimits,
): Promise<void> {
  const received = await countReceivedImages(db, session.id);
  if (received >= session.images_expected) {
    throw conflict(
      'images_expected',
      `Session ${session.id} already holds its ${session.images_expected} expected images`,
    );
  }
  const usage = await participantImageUsage(db, participantId);
  if (usage.images + 1 > limits.participantMaxImages) {
    throw participantQuotaReached(
      `This participant's ${limits.participantMaxImages} stored images are reached`,
    );
  }
  if (usage.bytes + byteSize > limits.participantMaxImageBytes) {
    throw participantQuotaReached(
      `This image would take the participant past ${limits.participantMaxImageBytes} stored bytes`,
    );
  }
  if ((await storedImageBytes(db)) + byteSize > limits.storeMaxImageBytes) throw storeFull();
}

/**
 * Stores uploaded image bytes after checking integrity, type, the absence of metadata, that the pixels decode to
 * the header's size, and the session's and participant's room.
 */
export class ImageService {
  constructor(
    private readonly db: Database,
    private readonly store: ImageStore,
    private readonly consent: ConsentService,
    private readonly limits: ImageLimits,
  ) {}

  /**
   * Stores the image of one of the participant's sessions. The same bytes again are accepted without a
   * write (`stored: false`). Refusals of a well-authenticated upload are recorded on the session (its sync
   * status turns `failed`) until an image of the session is accepted.
   * @throws ApiError 403 (consent `images`), 404 (session), 400 (sha256 mismatch), 422 (metadata, not the
   *   declared type, pixels that do not decode to the header's size, or a face the detector finds while the
   *   consent does not include `faces`), 409 (other bytes or angle already stored
   *   under this image id, `images_expected` reached, or the participant withdrawn meanwhile), 413 (the
   *   participant's stored images or bytes at their cap).
   */
  async put(
    participantId: string,
    sessionId: string,
    imageId: string,
    upload: ImageUpload,
  ): Promise<ImageUploadResponse> {
    await this.consent.requireScopes(participantId, [SCOPE_OF_UPLOAD.image]);
    const session = await findOwnSession(this.db, participantId, sessionId);
    if (!session) throw notFound('Session');
    try {
      const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
      if (sha256 !== upload.sha256) throw badRequest('x-sha256', 'does not match the sha256 of the body');
      checkImage(upload);
      const result = await this.storeImage(participantId, session, imageId, upload);
      await setSessionError(this.db, sessionId, null);
      return result;
    } catch (error) {
      if (
        error instanceof ApiError &&
        (error.status === 400 || error.status === 422 || error.status === 413)
      ) {
        await setSessionError(this.db, sessionId, `Image ${imageId}: ${error.message}`);
      }
      throw error;
    }
  }

  private async storeImage(
    participantId: string,
    session: SessionRow,
    imageId: string,
    upload: ImageUpload,
  ): Promise<ImageUploadResponse> {
    const sessionId = session.id;
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
    // Cheap refusals first (no decode, no write); the transaction below checks again under the participant's lock.
    await checkRoom(this.db, session, participantId, upload.bytes.byteLength, this.limits);
    await checkImageDecodes(upload.bytes, this.limits.maxImagePixels);
    const consent = await currentConsent(this.db, participantId);
    if (!consent?.scopes.includes('faces')) await checkNoFace(upload.bytes, this.limits.maxImagePixels);
    if (upload.contentType === 'image/png') checkPngDataEnds(upload.bytes);

    // The file is written outside the database transaction (which, on PGlite, is the one writer for everybody), to
    // a path of its own; the row then records it. A crash in between leaves a file no row refers to, which the
    // start-up sweep deletes.
    const storagePath = imagePath(
      participantId,
      sessionId,
      imageId,
      upload.contentType,
      randomBytes(8).toString('hex'),
    );
    await this.store.put(storagePath, upload.bytes, upload.contentType);
    try {
      const recorded = await this.db.transaction(async (tx) => {
        if (!(await lockParticipant(tx, participantId))) {
          throw conflict('participant', 'The participant withdrew while this image was being stored');
        }
        // A concurrent upload of this image may have committed meanwhile: the same bytes are a retry (before any
        // room check, which would count that upload), other bytes or another angle a conflict.
        const now = await findImage(tx, sessionId, imageId);
        if (now?.sha256) {
          if (now.sha256 === upload.sha256 && now.angle === upload.angle) return false;
          throw conflict('x-sha256', `Image ${imageId} was stored with other bytes or angle meanwhile`);
        }
        await checkRoom(tx, session, participantId, upload.bytes.byteLength, this.limits);
        if (
          await recordStoredImage(tx, {
            sessionId,
            imageId,
            participantId,
            angle: upload.angle,
            storagePath,
            sha256: upload.sha256,
            byteSize: upload.bytes.byteLength,
            contentType: upload.contentType,
            faces: upload.faces,
          })
        ) {
          return true;
        }
        throw conflict('x-angle', `Image ${imageId} is recorded under another angle`);
      });
      if (!recorded) await this.store.delete([storagePath]);
      return { ...response, stored: recorded };
    } catch (error) {
      // The row did not take this file: remove it (unless, against all odds, a row does refer to it).
      if (!(await storagePathInUse(this.db, storagePath).catch(() => true))) {
        await this.store.delete([storagePath]).catch(() => undefined);
      }
      throw error;
    }
  }
}

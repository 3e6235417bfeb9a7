import {
  embeddingVector,
  SCOPE_OF_UPLOAD,
  type SessionStatus,
  type SessionUpload,
  type SessionUploadResponse,
} from '../../src/sync/contract.ts';
import type { EmbeddingIndex } from '../config.ts';
import type { Database } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { hasSessionAnalysis } from '../repositories/analyses.ts';
import {
  countSessionEmbeddings,
  embeddingKey,
  ensureEmbeddingIndex,
  upsertEmbeddings,
  type EmbeddingValues,
} from '../repositories/embeddings.ts';
import { countReceivedImages } from '../repositories/images.ts';
import { writeSessionRecord } from '../repositories/session-record.ts';
import { findOwnSession } from '../repositories/sessions.ts';
import type { ConsentService } from './consent-service.ts';
import { embeddingIdempotencyHash } from './embedding-hash.ts';
import type { ModelRegistry } from './model-registry.ts';

/** Reports the first id that appears twice in `items` as a 400 naming its field. */
function refuseDuplicates<T>(items: readonly T[] | undefined, field: string, key: (item: T) => string): void {
  const seen = new Set<string>();
  items?.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) throw badRequest(`${field}.${i}`, `repeats ${JSON.stringify(k)}`);
    seen.add(k);
  });
}

function subjectOf(e: { kind: string; image_id?: string; angle?: string }): string {
  if (e.kind === 'image') return e.image_id!;
  return e.kind === 'angle' ? e.angle! : '';
}

/** Stores sessions with their image quality, analyses and embeddings, and answers their sync status. */
export class SessionService {
  /** Dimensions whose HNSW index is known to exist, so the DDL function runs once per dimension. */
  private readonly indexedDimensions = new Set<number>();

  constructor(
    private readonly db: Database,
    private readonly consent: ConsentService,
    private readonly models: ModelRegistry,
    private readonly embeddingIndex: EmbeddingIndex,
  ) {}

  /**
   * Inserts or updates the session and everything in the body, in one transaction; the same body twice
   * leaves the same rows. Needs consent scope `sessions`, and `embeddings` when vectors are sent.
   * @throws ApiError 403 (consent), 404 (another participant's session), 400 (inconsistent body: more images
   *   than `images_expected`, a vector of the wrong dimension), 422 (a model the server does not register,
   *   `ModelRegistry`), 409 (an image id already recorded under another angle).
   */
  async put(participantId: string, sessionId: string, body: SessionUpload): Promise<SessionUploadResponse> {
    const embeddings = body.embeddings ?? [];
    await this.consent.requireScopes(
      participantId,
      embeddings.length > 0
        ? [SCOPE_OF_UPLOAD.session, SCOPE_OF_UPLOAD.embeddings]
        : [SCOPE_OF_UPLOAD.session],
    );
    if (body.angle_analyses?.length && !body.analysis) {
      throw badRequest('analysis', 'required when angle_analyses are sent');
    }
    refuseDuplicates(body.images, 'images', (image) => image.image_id);
    refuseDuplicates(body.angle_analyses, 'angle_analyses', (a) => a.angle);
    refuseDuplicates(embeddings, 'embeddings', (e) => `${e.model_id}/${e.kind}/${subjectOf(e)}`);

    const rows: EmbeddingValues[] = embeddings.map((e) => {
      const vector = embeddingVector(e);
      const subject = subjectOf(e);
      return {
        participantId,
        sessionId,
        kind: e.kind,
        imageId: e.image_id ?? null,
        angle: e.angle ?? null,
        subject,
        modelId: e.model_id,
        vector,
        idempotencyHash: embeddingIdempotencyHash({
          modelId: e.model_id,
          sessionId,
          kind: e.kind,
          subject,
          vector,
        }),
      };
    });
    this.models.check(rows.map((row) => ({ modelId: row.modelId, dimensions: row.vector.length })));
    for (const dims of new Set(rows.map((r) => r.vector.length))) await this.ensureIndex(dims);

    return this.db.transaction(async (tx) => {
      const images = body.images ?? [];
      const written = await writeSessionRecord(tx, {
        session: {
          id: sessionId,
          participantId,
          capturedAt: body.captured_at,
          anglesExpected: body.angles_expected,
          imagesExpected: body.images_expected,
        },
        images: images.map((image) => ({
          sessionId,
          imageId: image.image_id,
          participantId,
          angle: image.angle,
          quality: image.quality,
        })),
        ...(body.analysis && { analysis: { session: body.analysis, angles: body.angle_analyses ?? [] } }),
      });
      if (!written) throw notFound('Session');
      const i = images.findIndex((image) => !written.recordedImageIds.has(image.image_id));
      if (i >= 0) {
        throw conflict(`images.${i}.angle`, `Image ${images[i]!.image_id} is stored under another angle`);
      }
      // Only new or changed vectors are sent to the database: a retried upload writes and transfers nothing.
      const changed = rows.filter(
        (row) => written.embeddingHashes.get(embeddingKey(row)) !== row.idempotencyHash,
      );
      const stored = await upsertEmbeddings(tx, changed);
      return {
        session_id: sessionId,
        created: written.created,
        images_recorded: images.length,
        analysis_recorded: body.analysis !== undefined,
        angle_analyses_recorded: body.analysis ? (body.angle_analyses?.length ?? 0) : 0,
        embeddings_stored: stored,
        embeddings_unchanged: rows.length - stored,
      };
    });
  }

  /** Sync status of one of the participant's sessions. @throws ApiError 404. */
  async status(participantId: string, sessionId: string): Promise<SessionStatus> {
    const session = await findOwnSession(this.db, participantId, sessionId);
    if (!session) throw notFound('Session');
    const [imagesReceived, analysisReceived, embeddings] = await Promise.all([
      countReceivedImages(this.db, sessionId),
      hasSessionAnalysis(this.db, sessionId),
      countSessionEmbeddings(this.db, sessionId),
    ]);
    let status: SessionStatus['status'] = 'processing';
    if (session.last_error !== null) status = 'failed';
    else if (analysisReceived && imagesReceived >= session.images_expected) status = 'completed';
    return {
      session_id: sessionId,
      status,
      images_expected: session.images_expected,
      images_received: imagesReceived,
      analysis_received: analysisReceived,
      embeddings,
      error: session.last_error,
    };
  }

  private async ensureIndex(dims: number): Promise<void> {
    if (this.embeddingIndex === 'exact' || this.indexedDimensions.has(dims)) return;
    await ensureEmbeddingIndex(this.db, dims);
    this.indexedDimensions.add(dims);
  }
}

import type { ConsentScope } from '../../sync/contract.ts';
import type { BcdDatabase, ImageRow, OutboxRow } from '../db/schema.ts';
import type { SyncClient } from './http.ts';
import { SCOPE_OF_KIND, savePrepared } from './outbox.ts';
import { analysisBodies, feedbackBody, imageClientId, logEntry, sessionBody } from './payloads.ts';
import { needsFacesAgain, prepareShared, type FaceFinder } from './prepare-faces.ts';
import { prepareImage, type UprightEncoder } from './prepare-image.ts';
import { withUploadIds, type UploadIds } from './upload-ids.ts';

function sessionImages(db: BcdDatabase, sessionId: string): Promise<ImageRow[]> {
  return db.images.where('session_id').equals(sessionId).sortBy('id');
}

/** What sending an item needs besides the item. */
export interface SendContext {
  readonly db: BcdDatabase;
  readonly client: SyncClient;
  readonly scopes: readonly ConsentScope[];
  /** Re-encodes photos that must be turned upright (see `prepareImage`). */
  readonly encode: UprightEncoder;
  /**
   * Finds and blurs faces before a photo leaves (see `prepareShared`); without it (tests) photos are prepared as
   * they are, and the server refuses one showing a face the consent does not cover.
   */
  readonly faces?: FaceFinder | undefined;
  /** The sessions' ids on the server (see `uploadIds`). */
  readonly ids: UploadIds;
}

/**
 * Sends one outbox item: loads the rows it points at, builds the contract's body and uploads it under the
 * session's id on the server. An item whose rows were deleted meanwhile, or whose scope is no longer consented
 * to, is done without sending anything.
 * @throws what the client throws (SyncHttpError, SyncNetworkError, UploadPreparationError), or the preparation's
 *   error for a photo that cannot be made metadata-free.
 */
export async function sendItem(context: SendContext, item: OutboxRow): Promise<void> {
  const { db, client, scopes, encode, faces, ids } = context;
  if (!scopes.includes(SCOPE_OF_KIND[item.kind])) return;
  const session = await db.sessions.get(item.session_id);
  if (!session) return;
  const uploadId = ids(session.id);
  switch (item.kind) {
    case 'session': {
      const body = sessionBody(session, await sessionImages(db, session.id), scopes);
      await client.putSession(uploadId, withUploadIds(body, ids));
      return;
    }
    case 'image': {
      const image = item.ref === null ? undefined : await db.images.get(item.ref);
      if (!image) return;
      let prepared = item.prepared;
      if (!prepared || (faces && needsFacesAgain(prepared, scopes))) {
        prepared = faces
          ? await prepareShared(image.blob, encode, scopes.includes('faces'), faces)
          : await prepareImage(image.blob, encode);
        await savePrepared(db, item, prepared);
      }
      await client.putImage(uploadId, imageClientId(image), {
        angle: image.angle,
        bytes: prepared.bytes,
        sha256: prepared.sha256,
        contentType: prepared.content_type,
        ...(prepared.faces ? { faces: prepared.faces } : {}),
      });
      return;
    }
    case 'analysis': {
      const images = await sessionImages(db, session.id);
      const base = sessionBody(session, images, scopes);
      const [analyses, embeddings] = await Promise.all([
        db.analyses.where('session_id').equals(session.id).toArray(),
        db.embeddings.where('session_id').equals(session.id).toArray(),
      ]);
      for (const analysis of analyses) {
        const angles = await db.angle_analyses
          .where('[session_id+model_id]')
          .equals([session.id, analysis.model_id])
          .toArray();
        const stored = {
          analysis,
          angles,
          embeddings: embeddings.filter((e) => e.model_id === analysis.model_id),
        };
        for (const body of analysisBodies(base, stored, images, scopes))
          await client.putSession(uploadId, withUploadIds(body, ids));
      }
      return;
    }
    case 'log': {
      const log = item.ref === null ? undefined : await db.analysis_logs.get(item.ref);
      if (log) await client.postLogs({ entries: [{ ...logEntry(log), session_id: uploadId }] });
      return;
    }
    case 'feedback': {
      const feedback = item.ref === null ? undefined : await db.feedback.get(item.ref);
      if (!feedback) return;
      const image = feedback.image_id === null ? undefined : await db.images.get(feedback.image_id);
      await client.postFeedback({ ...feedbackBody(feedback, image), session_id: uploadId });
      return;
    }
  }
}

import type {
  ConsentRequest,
  ConsentResponse,
  ConsentScope,
  WithdrawalResponse,
} from '../../src/sync/contract.ts';
import type { Database } from '../db/database.ts';
import { consentRequired } from '../errors.ts';
import { deleteAnalyses } from '../repositories/analyses.ts';
import {
  closeCurrentConsent,
  currentConsent,
  deleteConsents,
  insertConsent,
} from '../repositories/consents.ts';
import { deleteEmbeddings } from '../repositories/embeddings.ts';
import { deleteFeedback } from '../repositories/feedback.ts';
import { clearStoredImages, deleteImages } from '../repositories/images.ts';
import { deleteAnalysisLogs } from '../repositories/logs.ts';
import { deleteParticipant } from '../repositories/participants.ts';
import { deleteSessions } from '../repositories/sessions.ts';
import type { ImageStore } from '../storage/image-store.ts';
import type { Queryable } from '../db/database.ts';

/** Image files a consent change leaves without rows, deleted once its transaction has committed. */
interface DroppedFiles {
  readonly paths: readonly string[];
  /** The participant's whole image folder (`ImageStore.deleteParticipant`), not only `paths`. */
  readonly wholeFolder: boolean;
}

const NO_FILES: DroppedFiles = { paths: [], wholeFolder: false };

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}

/** Records consent, checks it before every upload, and carries out withdrawal. */
export class ConsentService {
  constructor(
    private readonly db: Database,
    private readonly images: ImageStore,
  ) {}

  /**
   * Records the consent. The same version and scopes again changes nothing (idempotent); anything else
   * closes the current consent (withdrawn_at) and records the new one. Scopes the new consent drops take their rows
   * with them in the same transaction (`deleteDroppedScopes`), and their image files right after it commits: a
   * failed transaction deletes no file, and a file whose deletion fails has no row left, so the start-up sweep
   * (`sweepImageFiles`) removes it.
   */
  async grant(participantId: string, request: ConsentRequest): Promise<ConsentResponse> {
    const { row, files } = await this.db.transaction(async (tx) => {
      const current = await currentConsent(tx, participantId);
      if (
        current &&
        current.consent_version === request.version &&
        sameScopes(current.scopes, request.scopes)
      ) {
        return { row: current, files: NO_FILES };
      }
      const dropped = (current?.scopes ?? []).filter(
        (scope) => !request.scopes.includes(scope as ConsentScope),
      ) as ConsentScope[];
      const files = await this.deleteDroppedScopes(tx, participantId, dropped);
      await closeCurrentConsent(tx, participantId);
      return { row: await insertConsent(tx, participantId, request.version, request.scopes), files };
    });
    if (files.wholeFolder) await this.images.deleteParticipant(participantId, files.paths);
    else if (files.paths.length > 0) await this.images.delete(files.paths);
    return {
      participant_id: participantId,
      version: row.consent_version,
      scopes: row.scopes as ConsentScope[],
      granted_at: row.granted_at.toISOString(),
    };
  }

  /**
   * Deletes the rows the participant shared under scopes a narrower consent no longer covers: `sessions` everything
   * but logs and feedback (sessions, their images, analyses and vectors); `images` the stored photos (the rows keep
   * the quality figures, which belong to `sessions`); `faces` the photos stored with faces unblurred (the phone sends
   * them again blurred); `embeddings` the vectors; `logs`, `feedback` those rows.
   * @returns the image files to delete once the transaction has committed: the rows' paths, and with `sessions`
   *   the participant's whole folder (files a crash left without a row are theirs too).
   */
  private async deleteDroppedScopes(
    tx: Queryable,
    participantId: string,
    dropped: readonly ConsentScope[],
  ): Promise<DroppedFiles> {
    let files = NO_FILES;
    if (dropped.includes('sessions')) {
      await deleteEmbeddings(tx, participantId);
      await deleteAnalyses(tx, participantId);
      const images = await deleteImages(tx, participantId);
      await deleteSessions(tx, participantId);
      files = { paths: images.storagePaths, wholeFolder: true };
    } else {
      if (dropped.includes('images')) {
        files = { paths: await clearStoredImages(tx, participantId), wholeFolder: false };
      } else if (dropped.includes('faces')) {
        files = { paths: await clearStoredImages(tx, participantId, true), wholeFolder: false };
      }
      if (dropped.includes('embeddings')) await deleteEmbeddings(tx, participantId);
    }
    if (dropped.includes('logs')) await deleteAnalysisLogs(tx, participantId);
    if (dropped.includes('feedback')) await deleteFeedback(tx, participantId);
    return files;
  }

  /**
   * Reads the participant's current consent once and checks every scope of `scopes` against it.
   * @throws ApiError 403 naming the first of `scopes` the current consent does not include.
   */
  async requireScopes(participantId: string, scopes: readonly ConsentScope[]): Promise<void> {
    const current = await currentConsent(this.db, participantId);
    const missing = scopes.find((scope) => !current?.scopes.includes(scope));
    if (missing !== undefined) throw consentRequired(missing);
  }

  /**
   * Withdraws consent and deletes everything of the participant: every row (the participant's too) and
   * every stored image (the whole image folder of the participant, `ImageStore.deleteParticipant`). One
   * transaction: if the image store fails, no row is deleted and a retry starts over.
   * Returns the counts deleted.
   */
  async withdraw(participantId: string): Promise<WithdrawalResponse> {
    const withdrawnAt = new Date();
    const deleted = await this.db.transaction(async (tx) => {
      const embeddings = await deleteEmbeddings(tx, participantId);
      const { angleAnalyses, sessionAnalyses } = await deleteAnalyses(tx, participantId);
      const images = await deleteImages(tx, participantId);
      const sessions = await deleteSessions(tx, participantId);
      const analysisLogs = await deleteAnalysisLogs(tx, participantId);
      const feedback = await deleteFeedback(tx, participantId);
      const consents = await deleteConsents(tx, participantId);
      const participants = await deleteParticipant(tx, participantId);
      // The participant's whole folder: files a crash left without a row are the participant's too.
      const storedImages = await this.images.deleteParticipant(participantId, images.storagePaths);
      return {
        participants,
        consents,
        sessions,
        images: images.rows,
        stored_images: storedImages,
        session_analyses: sessionAnalyses,
        angle_analyses: angleAnalyses,
        embeddings,
        analysis_logs: analysisLogs,
        feedback,
      };
    });
    return { participant_id: participantId, withdrawn_at: withdrawnAt.toISOString(), deleted };
  }
}

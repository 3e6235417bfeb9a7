import {
  SCOPE_OF_UPLOAD,
  type AcceptedResponse,
  type FeedbackBody,
  type LogUpload,
} from '../../src/sync/contract.ts';
import type { Database } from '../db/database.ts';
import { insertFeedback } from '../repositories/feedback.ts';
import { insertAnalysisLogs } from '../repositories/logs.ts';
import type { ConsentService } from './consent-service.ts';

/** Stores the device's analysis logs and feedback (idempotent by their client ids). */
export class LogService {
  constructor(
    private readonly db: Database,
    private readonly consent: ConsentService,
  ) {}

  /** @throws ApiError 403 without consent scope `logs`. */
  async putLogs(participantId: string, body: LogUpload): Promise<AcceptedResponse> {
    await this.consent.requireScopes(participantId, [SCOPE_OF_UPLOAD.logs]);
    const stored = await this.db.transaction((tx) => insertAnalysisLogs(tx, participantId, body.entries));
    return { received: body.entries.length, stored };
  }

  /** @throws ApiError 403 without consent scope `feedback`. */
  async putFeedback(participantId: string, body: FeedbackBody): Promise<AcceptedResponse> {
    await this.consent.requireScopes(participantId, [SCOPE_OF_UPLOAD.feedback]);
    const stored = await insertFeedback(this.db, participantId, body);
    return { received: 1, stored: stored ? 1 : 0 };
  }
}

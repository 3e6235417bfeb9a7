import type { ConsentScope } from '../../sync/contract.ts';
import { addFeedback, type NewFeedback } from '../db/feedback.ts';
import type { BcdDatabase, OutboxKind, OutboxRow, PreparedImage } from '../db/schema.ts';
import { db as appDb } from '../db/schema.ts';
import { readSyncSettings } from './state.ts';

/** The consent scope each kind of outbox item needs; an item whose scope is not consented is never sent. */
export const SCOPE_OF_KIND: Readonly<Record<OutboxKind, ConsentScope>> = {
  session: 'sessions',
  image: 'images',
  analysis: 'sessions',
  log: 'logs',
  feedback: 'feedback',
};

/** An outbox item before it is stored. */
export type OutboxDraft = Pick<OutboxRow, 'kind' | 'session_id' | 'ref'>;

/** The local rows of one session that may be uploaded. */
export interface SessionParts {
  readonly sessionId: string;
  readonly imageIds: readonly number[];
  readonly logIds: readonly number[];
  readonly feedbackIds: readonly number[];
}

/**
 * The outbox items of one session, in upload order: the session, then its photos, then the analysis (with the
 * vectors when consented), then its logs and notes. Only consented scopes get items; nothing at all without
 * `sessions`, since every other upload belongs to a session on the server.
 */
export function planSessionItems(parts: SessionParts, scopes: readonly ConsentScope[]): OutboxDraft[] {
  if (!scopes.includes('sessions')) return [];
  const session_id = parts.sessionId;
  const items: OutboxDraft[] = [{ kind: 'session', session_id, ref: null }];
  if (scopes.includes('images'))
    items.push(...parts.imageIds.map((ref) => ({ kind: 'image' as const, session_id, ref })));
  items.push({ kind: 'analysis', session_id, ref: null });
  if (scopes.includes('logs'))
    items.push(...parts.logIds.map((ref) => ({ kind: 'log' as const, session_id, ref })));
  if (scopes.includes('feedback')) {
    items.push(...parts.feedbackIds.map((ref) => ({ kind: 'feedback' as const, session_id, ref })));
  }
  return items;
}

/**
 * The next item to send: the oldest (lowest id) whose session is not held back. A session is held back for the
 * rest of a pass once the server refused one of its items, so its later items (which need the earlier ones on
 * the server) wait while other sessions go on.
 */
export function nextItem(items: readonly OutboxRow[], heldBack: ReadonlySet<string>): OutboxRow | undefined {
  let next: OutboxRow | undefined;
  for (const item of items) {
    if (heldBack.has(item.session_id)) continue;
    if (next === undefined || (item.id ?? Infinity) < (next.id ?? Infinity)) next = item;
  }
  return next;
}

function draftRow(draft: OutboxDraft, now: string): OutboxRow {
  return { ...draft, created_at: now, attempts: 0, last_error: null };
}

/**
 * Queues every session that has no sync record yet (all of them right after consent; a new one after it was
 * saved), oldest first, each in one transaction with its sync record.
 * @returns how many sessions were queued.
 */
export async function queueUnsyncedSessions(
  db: BcdDatabase,
  scopes: readonly ConsentScope[],
): Promise<number> {
  const known = new Set((await db.session_sync.toCollection().primaryKeys()) as string[]);
  const sessions = (await db.sessions.orderBy('created_at').toArray()).filter((s) => !known.has(s.id));
  for (const session of sessions) {
    await db.transaction(
      'rw',
      [db.sessions, db.images, db.analysis_logs, db.feedback, db.outbox, db.session_sync],
      async () => {
        // Checked again inside the transaction: the session may have been deleted or queued meanwhile.
        if (!(await db.sessions.get(session.id)) || (await db.session_sync.get(session.id))) return;
        const keys = async (table: typeof db.images | typeof db.analysis_logs | typeof db.feedback) =>
          ((await table.where('session_id').equals(session.id).primaryKeys()) as number[]).sort(
            (a, b) => a - b,
          );
        const parts: SessionParts = {
          sessionId: session.id,
          imageIds: await keys(db.images),
          logIds: await keys(db.analysis_logs),
          feedbackIds: await keys(db.feedback),
        };
        const now = new Date().toISOString();
        await db.outbox.bulkAdd(planSessionItems(parts, scopes).map((d) => draftRow(d, now)));
        await db.session_sync.put({ session_id: session.id, queued_at: now, synced_at: null, error: null });
      },
    );
  }
  return sessions.length;
}

/** Adds items to sessions already queued (a note given later, an analysis redone) and marks them waiting again. */
async function queueForSessions(db: BcdDatabase, drafts: readonly OutboxDraft[]): Promise<void> {
  const now = new Date().toISOString();
  for (const draft of drafts) {
    const sync = await db.session_sync.get(draft.session_id);
    if (!sync) continue;
    await db.outbox.add(draftRow(draft, now));
    await db.session_sync.put({ ...sync, synced_at: null });
  }
}

/**
 * Keeps a person's note (see `addFeedback`) and, when notes are shared and its session is queued or synced, puts
 * it in the outbox in the same transaction, so no note is kept without its upload. On the app's database.
 * @returns the note's local id.
 */
export async function recordFeedback(input: NewFeedback): Promise<number> {
  const db = appDb;
  return db.transaction('rw', [db.feedback, db.outbox, db.session_sync, db.sync_state], async () => {
    const id = await addFeedback(input);
    const { consent } = await readSyncSettings(db);
    if (consent?.scopes.includes('feedback')) {
      await queueForSessions(db, [{ kind: 'feedback', session_id: input.session_id, ref: id }]);
    }
    return id;
  });
}

/**
 * After the stored photos were analysed again (a model change): sends every shared session's new analysis. On the
 * app's database.
 */
export async function queueAnalysesAgain(): Promise<void> {
  const db = appDb;
  await db.transaction('rw', [db.outbox, db.session_sync], async () => {
    const ids = (await db.session_sync.toCollection().primaryKeys()) as string[];
    await queueForSessions(
      db,
      ids.map((session_id) => ({ kind: 'analysis' as const, session_id, ref: null })),
    );
  });
}

/**
 * After a shared session's date was changed: sends its session record again (the server keeps the latest
 * `captured_at`). Nothing is queued for a session that was never shared. On the app's database.
 */
export async function queueSessionAgain(sessionId: string): Promise<void> {
  const db = appDb;
  await db.transaction('rw', [db.outbox, db.session_sync], () =>
    queueForSessions(db, [{ kind: 'session', session_id: sessionId, ref: null }]),
  );
}

/** Every waiting item, oldest first. */
export function pendingItems(db: BcdDatabase): Promise<OutboxRow[]> {
  return db.outbox.orderBy('id').toArray();
}

/** Removes a sent item; when it was its session's last, marks the session synced. */
export async function completeItem(db: BcdDatabase, item: OutboxRow): Promise<void> {
  await db.transaction('rw', [db.outbox, db.session_sync], async () => {
    await db.outbox.delete(item.id as number);
    const sync = await db.session_sync.get(item.session_id);
    if (!sync) return;
    // An item of the session went through, so an earlier refusal no longer describes where it stands.
    const left = await db.outbox.where('session_id').equals(item.session_id).count();
    await db.session_sync.put({
      ...sync,
      error: null,
      synced_at: left === 0 ? new Date().toISOString() : null,
    });
  });
}

/**
 * Records a failed attempt. A refusal (the server will not take the item as it is) parks the item under
 * `parkedUnder`, the app version it was refused by, and marks the session so its state says why: the item stays
 * (nothing is lost) and waits, with its session's later items, until another version of the app runs
 * (`unparkForVersion`).
 * @param parkedUnder the running app's version for a refusal; null for a failure that is simply retried.
 */
export async function recordFailure(
  db: BcdDatabase,
  item: OutboxRow,
  reason: string,
  parkedUnder: string | null,
): Promise<void> {
  await db.transaction('rw', [db.outbox, db.session_sync], async () => {
    await db.outbox.update(item.id as number, {
      attempts: item.attempts + 1,
      last_error: reason,
      ...(parkedUnder === null ? {} : { parked_under: parkedUnder }),
    });
    if (parkedUnder === null) return;
    const sync = await db.session_sync.get(item.session_id);
    if (sync) await db.session_sync.put({ ...sync, error: reason });
  });
}

/**
 * Sends refused items again once the app runs another version than the one that was refused (an update may have
 * fixed what the server refused; a server update comes with an app update, since the server serves the app).
 * @returns how many items were taken out of the parking.
 */
export async function unparkForVersion(db: BcdDatabase, appVersion: string): Promise<number> {
  return db.outbox
    .filter((item) => item.parked_under !== undefined && item.parked_under !== appVersion)
    .modify((item) => {
      delete item.parked_under;
    });
}

/**
 * The sessions that wait for another app version: those with a parked item (see `recordFailure`); their later
 * items need the refused one on the server first.
 */
export function parkedSessions(items: readonly OutboxRow[]): Set<string> {
  return new Set(items.filter((item) => item.parked_under !== undefined).map((item) => item.session_id));
}

/** Keeps an image item's prepared bytes, so every retry sends exactly the same (same sha256). */
export async function savePrepared(db: BcdDatabase, item: OutboxRow, prepared: PreparedImage): Promise<void> {
  await db.outbox.update(item.id as number, { prepared });
}

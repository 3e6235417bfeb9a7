import type { ConsentScope, WithdrawalResponse } from '../../sync/contract.ts';
import type { BcdDatabase } from '../db/schema.ts';

/** This phone's participant on a sync server (embedded mode enrolment). */
export interface Enrolment {
  participant_id: string;
  /** Bearer (access) token of every call, kept in IndexedDB; it expires (`expires_at`) and is then refreshed. */
  token: string;
  /**
   * Gets the next access token (`POST /api/participants/refresh`), kept like the token. Absent from enrolments stored
   * before tokens expired: their non-expiring token is exchanged once instead.
   */
  refresh_token?: string;
  /** When `token` expires, as the server said; absent like `refresh_token`. */
  expires_at?: string;
  server: string;
  enrolled_at: string;
  /**
   * How sessions are named on the server (see `upload-ids.ts`): `participant` = an id made from the local id and
   * this participant, so a phone that enrols again never sends a session under an id its earlier participant
   * holds (the server refuses those 404). Absent from enrolments stored before: their sessions went up under the
   * local ids, which they keep.
   */
  session_ids?: 'participant';
}

/** The person's consent as given on this phone. */
export interface Consent {
  /** Version of the consent text they read (`CONSENT_VERSION`). */
  version: string;
  scopes: ConsentScope[];
  given_at: string;
  /** The participant the server recorded this consent for; null until it did. */
  recorded_for: string | null;
}

/** A withdrawal: pending until the server confirmed the deletion, then with its counts. */
export interface Withdrawal {
  requested_at: string;
  /** Who to withdraw on the server; null when nothing had been shared (no enrolment). */
  participant: Enrolment | null;
  /** The server's answer once it deleted everything; null while pending. */
  result: WithdrawalResponse | null;
}

/** Everything the sync engine and the screens need to know about sharing, read in one go. */
export interface SyncSettings {
  enrolment: Enrolment | null;
  consent: Consent | null;
  withdrawal: Withdrawal | null;
  /** When the offer to share was shown after a session (it is shown once). */
  offered_at: string | null;
}

const KEYS = [
  'enrolment',
  'consent',
  'withdrawal',
  'offered_at',
] as const satisfies readonly (keyof SyncSettings)[];

/** Reads the sync settings (a liveQuery over this re-runs when any of them changes). */
export async function readSyncSettings(db: BcdDatabase): Promise<SyncSettings> {
  const rows = await db.sync_state.bulkGet([...KEYS]);
  const value = (key: (typeof KEYS)[number]) => rows[KEYS.indexOf(key)]?.value ?? null;
  return {
    enrolment: value('enrolment') as Enrolment | null,
    consent: value('consent') as Consent | null,
    withdrawal: value('withdrawal') as Withdrawal | null,
    offered_at: value('offered_at') as string | null,
  };
}

/** Writes one setting; null deletes it. */
export async function writeSyncSetting<K extends keyof SyncSettings>(
  db: BcdDatabase,
  key: K,
  value: SyncSettings[K],
): Promise<void> {
  if (value === null) await db.sync_state.delete(key);
  else await db.sync_state.put({ key, value });
}

/**
 * Notes that the server recorded `consent` for `participantId`, unless the person changed their consent meanwhile
 * (then the new one is left to be sent).
 */
export async function markConsentRecorded(
  db: BcdDatabase,
  consent: Consent,
  participantId: string,
): Promise<void> {
  await db.transaction('rw', db.sync_state, async () => {
    const { consent: current } = await readSyncSettings(db);
    if (current?.given_at === consent.given_at) {
      await writeSyncSetting(db, 'consent', { ...current, recorded_for: participantId });
    }
  });
}

/**
 * Keeps the new tokens of a refresh: in the enrolment and in a pending withdrawal, wherever they are of the same
 * participant (the person may have withdrawn or enrolled anew meanwhile; their records are left as they are).
 */
export async function storeRenewedEnrolment(db: BcdDatabase, renewed: Enrolment): Promise<void> {
  await db.transaction('rw', db.sync_state, async () => {
    const { enrolment, withdrawal } = await readSyncSettings(db);
    if (enrolment?.participant_id === renewed.participant_id)
      await writeSyncSetting(db, 'enrolment', renewed);
    if (withdrawal?.result === null && withdrawal.participant?.participant_id === renewed.participant_id) {
      await writeSyncSetting(db, 'withdrawal', { ...withdrawal, participant: renewed });
    }
  });
}

/** Forgets the enrolment (the server no longer knows the token): the next pass enrols again and sends the consent. */
export async function forgetEnrolment(db: BcdDatabase): Promise<void> {
  await db.transaction('rw', db.sync_state, async () => {
    const { consent } = await readSyncSettings(db);
    await writeSyncSetting(db, 'enrolment', null);
    if (consent) await writeSyncSetting(db, 'consent', { ...consent, recorded_for: null });
  });
}

/** Marks the consent as not recorded on the server (it answered 403), so the next pass sends it again. */
export async function markConsentUnrecorded(db: BcdDatabase): Promise<void> {
  await db.transaction('rw', db.sync_state, async () => {
    const { consent } = await readSyncSettings(db);
    if (consent) await writeSyncSetting(db, 'consent', { ...consent, recorded_for: null });
  });
}

/** Empties the outbox and forgets every session's sync record (withdrawal, a change of consent, a new enrolment). */
export async function resetUploads(db: BcdDatabase): Promise<void> {
  await db.transaction('rw', [db.outbox, db.session_sync], async () => {
    await db.outbox.clear();
    await db.session_sync.clear();
  });
}

/** Keeps a new or changed consent (not yet recorded by the server) and empties the outbox, in one transaction. */
export async function storeConsent(db: BcdDatabase, consent: Consent): Promise<void> {
  await db.transaction('rw', [db.outbox, db.session_sync, db.sync_state], async () => {
    await writeSyncSetting(db, 'consent', consent);
    await resetUploads(db);
  });
}

/**
 * Records a withdrawal, pending until the server confirms it: consent and enrolment are forgotten and the outbox
 * emptied in the same transaction, so nothing more is sent.
 */
export async function storeWithdrawal(db: BcdDatabase, withdrawal: Withdrawal): Promise<void> {
  await db.transaction('rw', [db.outbox, db.session_sync, db.sync_state], async () => {
    await writeSyncSetting(db, 'consent', null);
    await writeSyncSetting(db, 'enrolment', null);
    await writeSyncSetting(db, 'withdrawal', withdrawal);
    await resetUploads(db);
  });
}

/** Keeps a new enrolment; the new participant has nothing on the server, so the outbox starts again from empty. */
export async function storeEnrolment(db: BcdDatabase, enrolment: Enrolment): Promise<void> {
  await db.transaction('rw', [db.outbox, db.session_sync, db.sync_state], async () => {
    await writeSyncSetting(db, 'enrolment', enrolment);
    await resetUploads(db);
  });
}

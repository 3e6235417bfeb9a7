import type { ConsentScope, WithdrawalResponse } from '../../sync/contract.ts';
import type { BcdDatabase } from '../db/schema.ts';
import { retryDelay } from './backoff.ts';
import { classifyFailure, SyncHttpError, UploadPreparationError, type ClassifiedFailure } from './errors.ts';
import { SyncClient } from './http.ts';
import {
  completeItem,
  nextItem,
  parkedSessions,
  pendingItems,
  queueUnsyncedSessions,
  recordFailure,
  unparkForVersion,
} from './outbox.ts';
import type { FaceFinder } from './prepare-faces.ts';
import type { UprightEncoder } from './prepare-image.ts';
import {
  forgetEnrolment,
  markConsentRecorded,
  markConsentUnrecorded,
  readSyncSettings,
  storeConsent,
  storeEnrolment,
  storeRenewedEnrolment,
  storeWithdrawal,
  writeSyncSetting,
  type Consent,
  type Enrolment,
  type Withdrawal,
} from './state.ts';
import { uploadIds } from './upload-ids.ts';
import { sendItem, type SendContext } from './uploads.ts';

/** What the engine is doing, for Settings and the per-session sync state. */
export type EngineStatus =
  /** No consent: nothing is sent, nothing is asked of the network. */
  | { readonly state: 'off' }
  | { readonly state: 'offline' }
  /** Nothing to sync with (e.g. the app is served by a plain static host); tried again at start and when online. */
  | { readonly state: 'no_server'; readonly reason: string }
  | { readonly state: 'syncing'; readonly remaining: number }
  /** Everything queued was sent. */
  | { readonly state: 'idle' }
  /**
   * Everything else was sent; the server refused part of `sessions` sessions, which wait on this phone (kept) until
   * another version of the app runs.
   */
  | { readonly state: 'held'; readonly sessions: number }
  /** The last try failed; the next is at `retryAt` (ms since the epoch). */
  | { readonly state: 'paused'; readonly reason: string; readonly retryAt: number };

/** The engine's time: the clock and its timers (the window's in the app, a test's own in tests). */
export interface SyncClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds. @returns a function that cancels it. */
  after(ms: number, callback: () => void): () => void;
}

/** Whether the device is online, and when that changes (`navigator.onLine` and the window's events in the app). */
export interface SyncNetwork {
  online(): boolean;
  /** Calls `listener` whenever the device goes online (true) or offline (false). */
  onChange(listener: (online: boolean) => void): void;
}

/** The cross-tab lock (Web Locks' `navigator.locks`); null where the browser has none (one tab is assumed). */
export type SyncLocks = Pick<LockManager, 'request'>;

export interface SyncEngineOptions {
  /** The sync server's origin: the app's own (`location.origin`), so `npm start` serves both. */
  readonly origin: string;
  /** The device's database (the app's `db`), whose sync tables the engine reads and writes through `state.ts`. */
  readonly db: BcdDatabase;
  /** Makes every request to the server (the window's `fetch` in the app). */
  readonly fetch: typeof fetch;
  readonly clock: SyncClock;
  readonly locks: SyncLocks | null;
  readonly network: SyncNetwork;
  /**
   * The running app's version: an item the server refused waits, kept, until another version runs (see
   * `recordFailure`). The app passes its build's script URL, which carries the build's content hash.
   */
  readonly appVersion: string;
  /** Turns photos upright for upload (`encodeUpright` in the browser). */
  readonly encode: UprightEncoder;
  /** Finds and blurs faces before a photo is shared (the faces worker in the browser); see `prepareShared`. */
  readonly faces?: FaceFinder;
  /** For the backoff's jitter; Math.random by default. */
  readonly random?: () => number;
}

/** The Web Locks name every tab's engine syncs under. */
export const SYNC_LOCK = 'bcd-sync';

/** When another tab holds the sync lock, look again after this long. */
const OTHER_TAB_RETRY_MS = 30_000;
/** Enrolling or sending the consent again is tried this often in a row before the engine backs off. */
const MAX_RECOVERIES = 2;

function zeroCounts(participantId: string, at: number): WithdrawalResponse {
  return {
    participant_id: participantId,
    withdrawn_at: new Date(at).toISOString(),
    deleted: {
      participants: 0,
      consents: 0,
      sessions: 0,
      images: 0,
      stored_images: 0,
      session_analyses: 0,
      angle_analyses: 0,
      embeddings: 0,
      analysis_logs: 0,
      feedback: 0,
    },
  };
}

/**
 * The outbox's sync engine. One pass: finish a pending withdrawal; stop unless consented; queue sessions not yet
 * queued; stop when offline; check the server (`/health`); enrol once; send the consent once per participant; then
 * send every outbox item in order (session, photos, analysis and vectors, logs, notes), each idempotent (client
 * ids, `x-sha256`). A 401 (the access token expired, or the server no longer knows it) gets new tokens with the
 * refresh token, and only when the server refuses those does the phone enrol again (sending everything anew). Failures
 * back off exponentially with jitter; a pass runs at start, on the `online` event, when a session is saved, and when
 * the backoff's timer fires. One tab at a time syncs (Web Locks). An item the server refuses (another 4xx) is kept,
 * parked with its session's later items until another app version runs; other sessions go on.
 */
export class SyncEngine {
  private status: EngineStatus = { state: 'off' };
  private readonly listeners = new Set<(status: EngineStatus) => void>();
  private running: Promise<void> | null = null;
  private again = false;
  private cancelTimer: (() => void) | undefined;
  private failures = 0;
  private controller = new AbortController();
  private readonly random: () => number;
  private readonly db: BcdDatabase;

  constructor(private readonly options: SyncEngineOptions) {
    this.random = options.random ?? Math.random;
    this.db = options.db;
  }

  /** Starts syncing: a pass now, and one whenever the device goes online or offline. */
  start(): void {
    this.options.network.onChange((online) => {
      if (online) this.failures = 0;
      this.kick();
    });
    this.kick();
  }

  /** Resolves once no pass is running (none may be about to start: a timer may be set). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The current status. */
  current(): EngineStatus {
    return this.status;
  }

  /** Calls `listener` on every status change. @returns the unsubscribe function. */
  subscribe(listener: (status: EngineStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs a pass now (or right after the running one, which may have missed new work). */
  kick(): void {
    this.clearTimer();
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /**
   * Records the person's consent (the consent text's version and the chosen scopes) and starts sharing. A change
   * of scopes queues every session again, so what is newly consented to is sent (uploads are idempotent, so what
   * the server has is not stored twice).
   */
  async giveConsent(version: string, scopes: readonly ConsentScope[]): Promise<void> {
    const { consent } = await readSyncSettings(this.db);
    const unchanged =
      consent?.version === version &&
      consent.scopes.length === scopes.length &&
      scopes.every((s) => consent.scopes.includes(s));
    if (!unchanged) {
      await this.stopPass();
      const next: Consent = {
        version,
        scopes: [...scopes],
        given_at: this.isoNow(),
        recorded_for: null,
      };
      await storeConsent(this.db, next);
    }
    this.failures = 0;
    this.kick();
  }

  /**
   * Withdraws: stops sharing at once (consent, enrolment and outbox are cleared on the device), then asks the
   * server to delete everything of the participant (`DELETE /api/consent`). When the server cannot be reached the
   * withdrawal stays pending and is finished by a later pass.
   * @returns the withdrawal as recorded: with the server's counts, pending, or with no participant when nothing
   *   had been shared.
   */
  async withdraw(): Promise<Withdrawal> {
    await this.stopPass();
    const settings = await readSyncSettings(this.db);
    const pending = settings.withdrawal?.result === null ? settings.withdrawal.participant : null;
    const withdrawal: Withdrawal = {
      requested_at: this.isoNow(),
      participant: settings.enrolment ?? pending,
      result: null,
    };
    await storeWithdrawal(this.db, withdrawal);
    this.setStatus({ state: 'off' });
    if (withdrawal.participant) this.kick();
    await this.settled();
    return (await readSyncSettings(this.db)).withdrawal ?? withdrawal;
  }

  /** Aborts the running pass and waits for it to end, so nothing is sent after this returns. */
  private async stopPass(): Promise<void> {
    this.clearTimer();
    this.controller.abort();
    await this.running?.catch(() => undefined);
    this.controller = new AbortController();
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Runs a pass after `ms`, replacing a pass already planned. */
  private later(ms: number): void {
    this.clearTimer();
    this.cancelTimer = this.options.clock.after(ms, () => this.kick());
  }

  private isoNow(): string {
    return new Date(this.options.clock.now()).toISOString();
  }

  private client(origin: string, token: string | null, signal: AbortSignal): SyncClient {
    return new SyncClient(origin, token, signal, this.options.fetch);
  }

  private setStatus(status: EngineStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  private async loop(): Promise<void> {
    let recoveries = 0;
    do {
      this.again = false;
      const signal = this.controller.signal;
      // Stopped (withdrawal, new consent): the caller starts afresh once it has changed what to send.
      if (signal.aborted) return;
      try {
        await this.exclusive(() => this.pass(signal));
      } catch (error) {
        if (signal.aborted) return;
        const failure = classifyFailure(error);
        if (failure.action === 'no_server') {
          this.setStatus({ state: 'no_server', reason: failure.reason });
        } else if (failure.action === 'enrol_again' && recoveries < MAX_RECOVERIES) {
          recoveries++;
          const notNow = await this.renewOrForget(signal);
          if (notNow) this.backOff(notNow);
          else this.again = true;
        } else if (failure.action === 'send_consent_again' && recoveries < MAX_RECOVERIES) {
          recoveries++;
          await markConsentUnrecorded(this.db);
          this.again = true;
        } else {
          this.backOff(failure);
        }
      }
    } while (this.again);
  }

  /**
   * After a 401: keeps new tokens got with the refresh token, or forgets the enrolment when the server refuses them
   * (the next pass enrols again).
   * @returns the failure to back off with when the refresh could not be tried now (offline, server busy), else null.
   */
  private async renewOrForget(signal: AbortSignal): Promise<ClassifiedFailure | null> {
    const { enrolment } = await readSyncSettings(this.db);
    if (!enrolment) return null;
    try {
      const renewed = await this.renewed(enrolment, signal);
      if (renewed) await storeRenewedEnrolment(this.db, renewed);
      else await forgetEnrolment(this.db);
      return null;
    } catch (error) {
      return signal.aborted ? null : classifyFailure(error);
    }
  }

  /**
   * The enrolment with new tokens from its refresh token (an enrolment stored before tokens expired exchanges its
   * access token instead, once).
   * @returns null when the server refuses (the participant withdrew or is unknown there: only enrolling again helps).
   * @throws SyncNetworkError, or SyncHttpError for answers that may pass later (429, 5xx).
   */
  private async renewed(enrolment: Enrolment, signal: AbortSignal): Promise<Enrolment | null> {
    const client = this.client(enrolment.server, null, signal);
    try {
      const answer = await client.refresh(
        enrolment.refresh_token === undefined
          ? { legacy_token: enrolment.token }
          : { refresh_token: enrolment.refresh_token },
      );
      return {
        ...enrolment,
        token: answer.token,
        refresh_token: answer.refresh_token,
        expires_at: answer.expires_at,
      };
    } catch (error) {
      if (error instanceof UploadPreparationError) return null;
      if (error instanceof SyncHttpError && classifyFailure(error).action !== 'retry') return null;
      throw error;
    }
  }

  private backOff(failure: ClassifiedFailure): void {
    this.failures++;
    const delay = retryDelay(this.failures, failure.retryAfterMs, this.random);
    this.setStatus({ state: 'paused', reason: failure.reason, retryAt: this.options.clock.now() + delay });
    this.later(delay);
  }

  /** Runs `work` while holding the cross-tab sync lock; when another tab holds it, looks again later. */
  private async exclusive(work: () => Promise<void>): Promise<void> {
    const { locks } = this.options;
    if (!locks) return work();
    const ran = await locks.request(SYNC_LOCK, { ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await work();
      return true;
    });
    if (!ran) {
      this.setStatus({
        state: 'paused',
        reason: 'another BCD window is syncing',
        retryAt: this.options.clock.now() + OTHER_TAB_RETRY_MS,
      });
      this.later(OTHER_TAB_RETRY_MS);
    }
  }

  private async pass(signal: AbortSignal): Promise<void> {
    const settings = await readSyncSettings(this.db);
    if (settings.withdrawal?.result === null && settings.withdrawal.participant) {
      await this.finishWithdrawal(settings.withdrawal, settings.withdrawal.participant, signal);
    }
    const { consent } = settings;
    if (!consent) {
      this.failures = 0;
      this.setStatus({ state: 'off' });
      return;
    }
    await queueUnsyncedSessions(this.db, consent.scopes);
    if (!this.options.network.online()) {
      this.setStatus({ state: 'offline' });
      return;
    }
    await this.client(this.options.origin, null, signal).health();
    const enrolment = settings.enrolment ?? (await this.enrol(signal));
    const client = this.client(this.options.origin, enrolment.token, signal);
    if (consent.recorded_for !== enrolment.participant_id) {
      await client.putConsent({ version: consent.version, scopes: consent.scopes });
      await markConsentRecorded(this.db, consent, enrolment.participant_id);
    }
    const context: SendContext = {
      db: this.db,
      client,
      scopes: consent.scopes,
      encode: this.options.encode,
      faces: this.options.faces,
      ids: uploadIds(enrolment),
    };
    const held = await this.drain(context, signal);
    this.failures = 0;
    this.setStatus(held > 0 ? { state: 'held', sessions: held } : { state: 'idle' });
  }

  /**
   * Enrols a new participant, whose sessions go up under ids of its own (`uploadIds`). It has nothing on the
   * server yet, so every session is queued from the start.
   */
  private async enrol(signal: AbortSignal): Promise<Enrolment> {
    const answer = await this.client(this.options.origin, null, signal).enrol();
    const enrolment: Enrolment = {
      participant_id: answer.participant_id,
      token: answer.token,
      refresh_token: answer.refresh_token,
      expires_at: answer.expires_at,
      server: this.options.origin,
      enrolled_at: this.isoNow(),
      session_ids: 'participant',
    };
    await storeEnrolment(this.db, enrolment);
    const { consent } = await readSyncSettings(this.db);
    if (consent) await queueUnsyncedSessions(this.db, consent.scopes);
    return enrolment;
  }

  /**
   * Sends the outbox in order. A refused item is parked (kept) and holds its session back: its later items need it
   * on the server first; other sessions go on. Items parked under another app version are sent again first.
   * @returns how many sessions are held back.
   */
  private async drain(context: SendContext, signal: AbortSignal): Promise<number> {
    const { appVersion } = this.options;
    await unparkForVersion(this.db, appVersion);
    const heldBack = parkedSessions(await pendingItems(this.db));
    for (;;) {
      const items = await pendingItems(this.db);
      const item = nextItem(items, heldBack);
      if (!item) return heldBack.size;
      this.setStatus({ state: 'syncing', remaining: items.length });
      try {
        await sendItem(context, item);
      } catch (error) {
        if (signal.aborted) throw error;
        const failure = classifyFailure(error);
        if (failure.action !== 'refused') {
          await recordFailure(this.db, item, failure.reason, null);
          throw error;
        }
        await recordFailure(this.db, item, failure.reason, appVersion);
        heldBack.add(item.session_id);
        continue;
      }
      await completeItem(this.db, item);
    }
  }

  /**
   * Asks the server to delete everything of a withdrawn participant and records its counts. A 401 is first taken
   * for an expired token (refreshed, then asked again); only when the refresh is refused too does the server hold
   * nothing of theirs.
   */
  private async finishWithdrawal(
    withdrawal: Withdrawal,
    participant: Enrolment,
    signal: AbortSignal,
  ): Promise<void> {
    await this.client(participant.server, null, signal).health();
    let result = await this.askWithdrawal(participant, signal);
    if (result === null) {
      const renewed = await this.renewed(participant, signal);
      if (renewed) {
        await storeRenewedEnrolment(this.db, renewed);
        result = await this.askWithdrawal(renewed, signal);
      }
    }
    await writeSyncSetting(this.db, 'withdrawal', {
      ...withdrawal,
      result: result ?? zeroCounts(participant.participant_id, this.options.clock.now()),
    });
  }

  /** `DELETE /api/consent` as `participant`. @returns the server's counts, or null for a 401. */
  private async askWithdrawal(
    participant: Enrolment,
    signal: AbortSignal,
  ): Promise<WithdrawalResponse | null> {
    try {
      return await this.client(participant.server, participant.token, signal).withdraw();
    } catch (error) {
      if (error instanceof SyncHttpError && error.status === 401) return null;
      throw error;
    }
  }
}

import { describe, expect, it } from 'vitest';
import { CONSENT_SCOPES } from '../../src/sync/contract.ts';
import type { OutboxRow, SessionSyncRow } from '../../src/app/db/schema.ts';
import type { EngineStatus } from '../../src/app/sync/engine.ts';
import {
  classifyFailure,
  NoSyncServerError,
  SyncHttpError,
  SyncNetworkError,
} from '../../src/app/sync/errors.ts';
import { nextItem, planSessionItems, SCOPE_OF_KIND } from '../../src/app/sync/outbox.ts';
import { sessionSyncLabel, sessionSyncView } from '../../src/app/sync/session-state.ts';

const PARTS = { sessionId: 's1', imageIds: [4, 5], logIds: [9], feedbackIds: [2, 3] };

function item(id: number, session_id: string, kind: OutboxRow['kind'] = 'session'): OutboxRow {
  return { id, kind, session_id, ref: null, created_at: '', attempts: 0, last_error: null };
}

describe('outbox planning', () => {
  it('queues a session, its photos, the analysis, logs and notes, in that order', () => {
    expect(planSessionItems(PARTS, CONSENT_SCOPES).map((i) => `${i.kind}:${i.ref ?? ''}`)).toEqual([
      'session:',
      'image:4',
      'image:5',
      'analysis:',
      'log:9',
      'feedback:2',
      'feedback:3',
    ]);
  });

  it('queues only consented scopes, and nothing without `sessions`', () => {
    expect(planSessionItems(PARTS, ['sessions']).map((i) => i.kind)).toEqual(['session', 'analysis']);
    expect(planSessionItems(PARTS, ['sessions', 'feedback']).map((i) => i.kind)).toEqual([
      'session',
      'analysis',
      'feedback',
      'feedback',
    ]);
    expect(planSessionItems(PARTS, ['images', 'embeddings', 'logs', 'feedback'])).toEqual([]);
    for (const i of planSessionItems(PARTS, ['sessions', 'images'])) {
      expect(['sessions', 'images']).toContain(SCOPE_OF_KIND[i.kind]);
    }
  });

  it('sends the oldest item first and passes over a session held back after a refusal', () => {
    const items = [item(7, 'b'), item(3, 'a', 'image'), item(5, 'b'), item(4, 'a')];
    expect(nextItem(items, new Set())?.id).toBe(3);
    expect(nextItem(items, new Set(['a']))?.id).toBe(5);
    expect(nextItem(items, new Set(['a', 'b']))).toBeUndefined();
    expect(nextItem([], new Set())).toBeUndefined();
  });
});

describe('sync failures', () => {
  const http = (status: number, retryAfterMs: number | null = null) =>
    classifyFailure(new SyncHttpError(status, { error: 'x', message: 'why' }, retryAfterMs));

  it('retries what may pass later, recovers from 401 and 403, refuses the rest', () => {
    expect(classifyFailure(new SyncNetworkError('reset')).action).toBe('retry');
    expect(http(503).action).toBe('retry');
    expect(http(500).action).toBe('retry');
    expect(http(408).action).toBe('retry');
    expect(http(429, 60_000)).toEqual({
      action: 'retry',
      reason: 'the daily upload limit is reached',
      retryAfterMs: 60_000,
    });
    expect(http(401).action).toBe('enrol_again');
    expect(http(403).action).toBe('send_consent_again');
    for (const status of [400, 404, 409, 413, 415, 422]) {
      expect(http(status)).toMatchObject({ action: 'refused', reason: 'the server refused it (why)' });
    }
    expect(classifyFailure(new NoSyncServerError('not_a_sync_server'))).toMatchObject({
      action: 'no_server',
      reason: 'no sync server',
    });
    expect(classifyFailure(new Error('no canvas')).action).toBe('refused');
  });
});

describe('a session’s sync state', () => {
  const row = (over: Partial<SessionSyncRow> = {}): SessionSyncRow => ({
    session_id: 's1',
    queued_at: '2025-06-01T10:00:00.000Z',
    synced_at: null,
    error: null,
    ...over,
  });
  const idle: EngineStatus = { state: 'idle' };
  const label = (r: SessionSyncRow | undefined, e: EngineStatus) => sessionSyncLabel(sessionSyncView(r, e));

  it('says nothing for a session that was never queued', () => {
    expect(label(undefined, idle)).toBeNull();
  });

  it('is Synced once all its items went through, whatever the engine does now', () => {
    expect(label(row({ synced_at: '2025-06-01T10:01:00.000Z' }), { state: 'offline' })).toBe('Synced');
  });

  it('waits while the engine works, and says why when it is paused', () => {
    expect(label(row(), idle)).toBe('Waiting to sync');
    expect(label(row(), { state: 'syncing', remaining: 3 })).toBe('Waiting to sync');
    expect(label(row(), { state: 'offline' })).toBe('Sync paused: no connection');
    expect(label(row(), { state: 'no_server', reason: 'no sync server' })).toBe(
      'Sync paused: no sync server',
    );
    expect(label(row(), { state: 'paused', reason: 'the server cannot be reached', retryAt: 0 })).toBe(
      'Sync paused: the server cannot be reached',
    );
    expect(label(row({ error: 'the server refused it (too large)' }), idle)).toBe(
      'Sync paused: the server refused it (too large)',
    );
  });
});

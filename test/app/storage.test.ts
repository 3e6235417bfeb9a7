import { describe, expect, it } from 'vitest';
import { StorageFullError, isQuotaError } from '../../src/app/db/storage.ts';

describe('isQuotaError', () => {
  it('recognises the browser’s error, Dexie’s and an AbortError caused by it', () => {
    const dom = new DOMException('full', 'QuotaExceededError');
    expect(isQuotaError(dom)).toBe(true);
    expect(isQuotaError({ name: 'QuotaExceededError', inner: dom })).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: dom })).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'ConstraintError' } })).toBe(false);
    expect(isQuotaError(new Error('other'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });

  it('tells the person that nothing was saved and what to do', () => {
    const err = new StorageFullError(new DOMException('full', 'QuotaExceededError'));
    expect(err.message).toMatch(/Nothing from this session was saved/);
    expect(err.message).toMatch(/free some space/);
  });
});

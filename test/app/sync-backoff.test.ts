import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retryDelay, type BackoffPolicy } from '../../src/app/sync/backoff.ts';

const POLICY: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

describe('sync backoff', () => {
  it('doubles its ceiling with every failure and stays in the ceiling’s upper half (equal jitter)', () => {
    const ceilings = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000];
    for (const [i, ceiling] of ceilings.entries()) {
      const failures = i + 1;
      expect(
        backoffDelay(failures, () => 0, POLICY),
        `failure ${failures}, lowest`,
      ).toBe(ceiling / 2);
      expect(
        backoffDelay(failures, () => 0.999999, POLICY),
        `failure ${failures}, highest`,
      ).toBe(ceiling);
    }
  });

  it('spreads retries of devices that failed together', () => {
    let seed = 7;
    // A small deterministic generator (LCG), so the spread is reproducible.
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 200 }, () => backoffDelay(5, random, POLICY));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(8_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(16_000);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it('never overflows after very many failures and treats 0 like the first', () => {
    expect(backoffDelay(10_000, () => 0.5, POLICY)).toBe(45_000);
    expect(backoffDelay(0, () => 0, POLICY)).toBe(500);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
  });

  it('waits at least as long as the server asked', () => {
    expect(retryDelay(1, 3_600_000, () => 0, POLICY)).toBe(3_600_000);
    expect(retryDelay(3, 100, () => 0, POLICY)).toBe(2_000);
    expect(retryDelay(3, null, () => 0, POLICY)).toBe(2_000);
  });
});

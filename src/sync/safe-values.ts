/**
 * Value schemas that every database the server writes to can store as given: text without NUL or unpaired UTF-16
 * surrogates, timestamps in years 0001–9999 with real UTC offsets, integers that fit Postgres's `integer`. A value
 * outside them is a 400 naming its field, never a database error (a 500) and never silently altered (a driver would
 * store a lone surrogate as U+FFFD). Platform-free, like `contract.ts`, which builds its bodies from these.
 */
import { z } from 'zod';

/** Largest value of Postgres's `integer` (int4): 2³¹ − 1. */
export const INT4_MAX = 2_147_483_647;

/** Largest UTC offset in use anywhere (Kiribati, UTC+14:00); also the lowest, −12:00, is within ±14:00. */
export const MAX_UTC_OFFSET_MINUTES = 14 * 60;

/** A lone high surrogate (not followed by a low one) or a lone low surrogate (not preceded by a high one). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `value` cannot be stored as Postgres text or jsonb, or null when it can: NUL (U+0000) is refused by both,
 * an unpaired surrogate is not valid Unicode (jsonb refuses its escape; text would get U+FFFD).
 */
export function unstorableTextReason(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (an unpaired UTF-16 surrogate was found)';
  return null;
}

/** Adds the storable-text check to a string schema. */
function storable(schema: z.ZodString) {
  return schema.superRefine((value, ctx) => {
    const reason = unstorableTextReason(value);
    if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
  });
}

/**
 * Text of at most `max` UTF-16 units (and at least `min`), storable in Postgres text and jsonb.
 * @param max from the contract field's own bound (e.g. 64 for names, 2000 for free text).
 */
export function safeText(max: number, min = 0) {
  return storable(z.string().min(min).max(max));
}

/**
 * Why an ISO 8601 timestamp (already matched by zod's `iso.datetime` with offset) cannot be stored in
 * `timestamptz`, or null: its year must be 0001–9999 (Postgres refuses year 0000) and its offset within ±14:00.
 */
export function unstorableTimestampReason(value: string): string | null {
  const year = Number(value.slice(0, 4));
  if (!(year >= 1 && year <= 9999)) return 'year must be 0001–9999';
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (offset && Number(offset[2]) * 60 + Number(offset[3]) > MAX_UTC_OFFSET_MINUTES) {
    return 'UTC offset must be within ±14:00';
  }
  return null;
}

/** An ISO 8601 date-time with `Z` or a UTC offset, years 0001–9999, offsets within ±14:00. */
export const timestamp = z.iso.datetime({ offset: true }).superRefine((value, ctx) => {
  const reason = unstorableTimestampReason(value);
  if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
});

/** A whole number from `min` to `max` (default: Postgres `integer`'s largest, `INT4_MAX`). */
export function int4(min = 0, max = INT4_MAX) {
  return z.number().int().min(min).max(max);
}

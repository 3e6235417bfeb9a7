import { parse as parseExif } from 'exifr/dist/full.esm.mjs';

/** EXIF's date-time text (EXIF 2.32 §4.6.5, tag 0x9003 DateTimeOriginal): `YYYY:MM:DD HH:MM:SS`, local time. */
const EXIF_DATE_TIME = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
/** EXIF 2.31's OffsetTimeOriginal (tag 0x9011): the offset of that local time from UTC, `±HH:MM`. */
const EXIF_OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/**
 * Reads an EXIF date-time as an instant.
 * @param dateTime `YYYY:MM:DD HH:MM:SS` (the camera's local time); anything else, or an impossible date such as
 *   the `0000:00:00 00:00:00` some cameras write when their clock was never set, gives null.
 * @param offset `±HH:MM` from OffsetTimeOriginal when the camera wrote one; without it the time is read in the
 *   runtime's time zone (on the phone, the person's own), the best guess for a photo from their camera.
 * @param subSeconds SubSecTimeOriginal's digits (fractions of the second), when present.
 * @returns the instant, or null.
 */
export function exifDateTime(dateTime: unknown, offset?: unknown, subSeconds?: unknown): Date | null {
  const m = typeof dateTime === 'string' ? EXIF_DATE_TIME.exec(dateTime.trim()) : null;
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const digits = typeof subSeconds === 'string' && /^\d+$/.test(subSeconds.trim()) ? subSeconds.trim() : '';
  const ms = digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 February over into March and hour 24 into the next day: such a time is no capture time.
  const check = new Date(wall);
  const valid =
    year >= 1900 &&
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  if (!valid) return null;
  const o = typeof offset === 'string' ? EXIF_OFFSET.exec(offset.trim()) : null;
  if (o) return new Date(wall - (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) * 60_000);
  return new Date(year, month - 1, day, hour, minute, second, ms);
}

/**
 * When a photo was taken, from its EXIF DateTimeOriginal (with OffsetTimeOriginal and SubSecTimeOriginal when
 * present), read with exifr.
 * @param source the photo's bytes (JPEG, PNG, WebP, HEIC, TIFF: whatever exifr finds EXIF in).
 * @returns the instant, or null when the photo has no such tag (camera-app captures drawn from a video frame, most
 *   screenshots, photos whose metadata was stripped) or its EXIF cannot be parsed: a missing date never refuses a
 *   photo.
 */
export async function readCaptureTime(source: Uint8Array): Promise<Date | null> {
  try {
    const tags = (await parseExif(source, {
      pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'SubSecTimeOriginal'],
      reviveValues: false,
    })) as Record<string, unknown> | undefined;
    return tags
      ? exifDateTime(tags['DateTimeOriginal'], tags['OffsetTimeOriginal'], tags['SubSecTimeOriginal'])
      : null;
  } catch {
    return null;
  }
}

/**
 * A session's date from its photos' capture times: the earliest, when every photo has one; otherwise `madeAt`
 * (when the session was made). A photo without a capture time is most likely one just taken with the in-app
 * camera, so a session that holds one is dated now; the person can change the date afterwards.
 * @param captureTimes one entry per photo, null where it has none.
 * @param madeAt when the session is being made.
 */
export function sessionCaptureTime(captureTimes: readonly (Date | null)[], madeAt: Date): Date {
  if (captureTimes.length === 0 || captureTimes.some((t) => t === null)) return madeAt;
  return new Date(Math.min(...captureTimes.map((t) => (t as Date).getTime())));
}

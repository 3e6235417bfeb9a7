import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exifDateTime, readCaptureTime, sessionCaptureTime } from '../../src/core/image/capture-time.ts';

const DATA = join(import.meta.dirname, '../../../shared/data');
const read = async (path: string) => new Uint8Array(await readFile(join(DATA, path)));
/** What the camera's clock showed, read in this process's time zone as the app reads it on the phone. */
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  new Date(y, mo - 1, d, h, mi, s).toISOString();

describe('capture time from EXIF DateTimeOriginal', () => {
  it('reads the photos that carry one (exiftool values from the files)', async () => {
    expect((await readCaptureTime(await read('photos/kphotoalbum__wayne.jpg')))?.toISOString()).toBe(
      local(2003, 11, 15, 20, 51, 59),
    );
    expect((await readCaptureTime(await read('photos/kphotoalbum__bar55.jpg')))?.toISOString()).toBe(
      local(2006, 2, 11, 4, 22, 11),
    );
    // OffsetTimeOriginal +01:00 and SubSecTimeOriginal 394: an exact instant.
    expect(
      (await readCaptureTime(await read('photos/digikam-data__body-background.jpg')))?.toISOString(),
    ).toBe('2021-11-09T15:09:55.394Z');
  });

  it('gives null for photos without one and for files that are no photo; a damaged file is no error', async () => {
    expect(await readCaptureTime(await read('photos/python3-skimage__astronaut.png'))).toBeNull();
    expect(await readCaptureTime(await read('photos/opencv-doc__fruits.jpg'))).toBeNull();
    for (const file of ['empty.jpg', 'text-renamed.jpg'])
      expect(await readCaptureTime(await read(`bad/${file}`)), file).toBeNull();
    expect(await readCaptureTime(new Uint8Array(0))).toBeNull();
    // The poor photos of ../shared/data/bad were made from dated camera photos, some with their EXIF kept.
    const bad = (await readdir(join(DATA, 'bad'))).filter((f) => f !== 'README.md');
    expect(bad.length).toBeGreaterThan(5);
    for (const file of bad) {
      const time = await readCaptureTime(await read(`bad/${file}`));
      expect(time === null || Number.isFinite(time.getTime()), file).toBe(true);
    }
    expect((await readCaptureTime(await read('bad/blurry.jpg')))?.toISOString()).toBe(
      local(2005, 12, 21, 16, 44, 31),
    );
  });

  it('refuses EXIF date-times that name no real moment', () => {
    expect(exifDateTime('0000:00:00 00:00:00')).toBeNull();
    expect(exifDateTime('2021:02:31 10:00:00')).toBeNull();
    expect(exifDateTime('2021:02:28 24:00:00')).toBeNull();
    expect(exifDateTime('2021-02-28 10:00:00')).toBeNull();
    expect(exifDateTime('    ')).toBeNull();
    expect(exifDateTime(20210228)).toBeNull();
    expect(exifDateTime('2021:02:28 10:00:00', '-05:30')?.toISOString()).toBe('2021-02-28T15:30:00.000Z');
    expect(exifDateTime('2021:02:28 10:00:00', 'bogus')?.toISOString()).toBe(local(2021, 2, 28, 10, 0, 0));
    expect(exifDateTime('2021:02:28 10:00:00', '+00:00', '9999')?.toISOString()).toBe(
      '2021-02-28T10:00:00.999Z',
    );
  });
});

describe("a session's date", () => {
  const made = new Date('2026-04-01T09:00:00Z');
  it('is the earliest capture time when every photo has one', () => {
    const times = [new Date('2025-03-02T10:00:00Z'), new Date('2025-03-01T18:00:00Z')];
    expect(sessionCaptureTime(times, made).toISOString()).toBe('2025-03-01T18:00:00.000Z');
  });
  it('is when the session was made when a photo has none (a photo just taken) or there are no photos', () => {
    expect(sessionCaptureTime([new Date('2025-03-02T10:00:00Z'), null], made)).toBe(made);
    expect(sessionCaptureTime([], made)).toBe(made);
  });
});

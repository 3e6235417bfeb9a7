import { describe, expect, it } from 'vitest';
import { findImageMetadata, ImageStructureError, stripImageMetadata } from '../../src/sync/image-metadata.ts';
import { DHT, DQT, DRI, EOI, jpeg, SCAN, seg, SOF0, SOI, SOS } from '../support/jpeg-bytes.ts';

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
/** JFIF 1.02 APP0 without thumbnail: 16 bytes with marker and length. */
const JFIF = seg(0xe0, [...ascii('JFIF\0'), 1, 2, 0, 0, 1, 0, 1, 0, 0]);
const ADOBE = seg(0xee, [...ascii('Adobe'), 0, 100, 0, 0, 0, 0, 1]);

/**
 * The server's JPEG allow-list over the walk: which segments may be stored, which are metadata (stripped on the
 * device), and which structure is refused outright (the device then draws the photo again).
 */
describe('the JPEG allow-list', () => {
  it('keeps tables, frame, scans, restarts, a 16-byte JFIF and a 12-byte Adobe segment, and strips nothing of them', () => {
    const bytes = jpeg(SOI, JFIF, ADOBE, DQT, SOF0, DHT, DRI, SOS, SCAN, EOI);
    expect(findImageMetadata(bytes)).toEqual([]);
    expect(Buffer.compare(Buffer.from(stripImageMetadata(bytes)), Buffer.from(bytes))).toBe(0);
  });

  it('names metadata segments and strips them to the kept bytes', () => {
    const thumbnail = seg(0xe0, [...ascii('JFIF\0'), 1, 2, 0, 0, 1, 0, 1, 1, 1, 9, 9, 9]);
    const bytes = jpeg(SOI, thumbnail, seg(0xfe, ascii('Jane')), DQT, SOF0, DHT, SOS, SCAN, EOI, [1, 2]);
    expect(findImageMetadata(bytes).map((b) => `${b.container}:${b.kind}`)).toEqual([
      'APP0:thumbnail',
      'COM:comment',
      'after EOI:trailing_data',
    ]);
    expect(stripImageMetadata(bytes)).toEqual(jpeg(SOI, DQT, SOF0, DHT, SOS, SCAN, EOI));
  });

  it.each<[string, Uint8Array, RegExp]>([
    [
      'restart markers out of order',
      jpeg(SOI, DQT, SOF0, DHT, SOS, [1, 0xff, 0xd0, 2, 0xff, 0xd5, 3], EOI),
      /scan data .*out of their order/,
    ],
    [
      'a restart marker between segments',
      jpeg(SOI, DQT, [0xff, 0xd0], SOF0, DHT, SOS, SCAN, EOI),
      /RST0 \(0xFFD0\)/,
    ],
    [
      'a lossless frame (SOF3)',
      jpeg(SOI, DQT, seg(0xc3, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]), DHT, SOS, SCAN, EOI),
      /SOF3 \(0xFFC3\)/,
    ],
    [
      'arithmetic-coding conditioning (DAC)',
      jpeg(SOI, seg(0xcc, [0, 0x10]), DQT, SOF0, DHT, SOS, SCAN, EOI),
      /DAC \(0xFFCC\)/,
    ],
    ['the TEM marker', jpeg(SOI, [0xff, 0x01], DQT, SOF0, DHT, SOS, SCAN, EOI), /TEM \(0xFF01\)/],
    [
      'stray bytes between segments',
      jpeg(SOI, DQT, [0x41, 0x42], SOF0, DHT, SOS, SCAN, EOI),
      /expected a marker at byte 71/,
    ],
    [
      'a DHT with bytes after its table',
      jpeg(SOI, DQT, SOF0, seg(0xc4, [0, 1, ...Array<number>(15).fill(0), 0, 7]), SOS, SCAN, EOI),
      /DHT \(0xFFC4\) .*tables/,
    ],
    [
      'a DRI of 5 bytes',
      jpeg(SOI, DQT, SOF0, DHT, seg(0xdd, [0, 1, 0]), SOS, SCAN, EOI),
      /DRI \(0xFFDD\) .*fixed length/,
    ],
    ['a scan before the frame header', jpeg(SOI, DQT, DHT, SOS, SCAN, SOF0, EOI), /without one frame header/],
    ['two frame headers', jpeg(SOI, DQT, SOF0, SOF0, DHT, SOS, SCAN, EOI), /without one frame header/],
    ['a segment that runs past the end', jpeg(SOI, DQT, [0xff, 0xe1, 0x40, 0x00, 1]), /runs past the end/],
  ])('refuses %s as a structure error, on the server and in the stripper', (_label, bytes, reason) => {
    expect(() => findImageMetadata(bytes)).toThrow(ImageStructureError);
    expect(() => findImageMetadata(bytes)).toThrow(reason);
    expect(() => stripImageMetadata(bytes)).toThrow(reason);
  });
});

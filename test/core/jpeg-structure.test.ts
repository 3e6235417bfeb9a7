import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jpegFrame, jpegMarkerName, walkJpeg } from '../../src/core/image/jpeg-structure.ts';
import type { JpegSegment } from '../../src/core/image/jpeg-structure.ts';
import { DHT, DQT, DRI, EOI, jpeg, SCAN, seg, SOF0, SOI, SOS } from '../support/jpeg-bytes.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');

const HEAD = [SOI, DQT, SOF0, DHT, DRI, SOS] as const;
const CLEAN = jpeg(...HEAD, SCAN, EOI);

/** The segments of a walk as `type:name`, with their problem if any. */
function shape(segments: readonly JpegSegment[]): string[] {
  return segments.map((s) => {
    const name = s.type === 'marker' || s.type === 'segment' ? `:${jpegMarkerName(s.marker)}` : '';
    const problem = 'problem' in s && s.problem !== undefined ? ` (${s.problem})` : '';
    return `${s.type}${name}${problem}`;
  });
}

/** The problem the walker reports on the first segment after SOI of a file that holds `extra` there. */
function problemOf(extra: readonly number[]): string | undefined {
  const walk = walkJpeg(jpeg(SOI, extra, DQT, SOF0, DHT, SOS, SCAN, EOI));
  const segment = walk.segments[1];
  expect(walk.error).toBeUndefined();
  return segment !== undefined && 'problem' in segment ? segment.problem : undefined;
}

describe('the JPEG segment walker', () => {
  it('walks a well-formed file to EOI: segments, scan data with its restarts, no problem, no gaps', () => {
    const walk = walkJpeg(CLEAN);
    expect(walk.error).toBeUndefined();
    expect(shape(walk.segments)).toEqual([
      'marker:SOI',
      'segment:DQT',
      'segment:SOF0',
      'segment:DHT',
      'segment:DRI',
      'segment:SOS',
      'scan_data',
      'marker:EOI',
    ]);
    const scan = walk.segments.find((s) => s.type === 'scan_data');
    expect(scan).toMatchObject({ restarts: 2, end: CLEAN.length - 2 });
    for (const [i, segment] of walk.segments.entries()) {
      expect(segment.start).toBe(i === 0 ? 0 : walk.segments[i - 1]!.end);
    }
    expect(jpegFrame(CLEAN, walk)).toEqual({
      marker: 0xc0,
      components: 1,
      headerEnd: SOI.length + DQT.length + SOF0.length,
    });
  });

  it('counts fill bytes before a marker as part of its segment', () => {
    const walk = walkJpeg(jpeg(SOI, [0xff, 0xff], DQT, SOF0, DHT, SOS, SCAN, EOI));
    expect(walk.segments[1]).toMatchObject({ type: 'segment', marker: 0xdb, start: 2 });
  });

  it('stops at the first EOI: an EOI inside an APP1 segment is skipped, bytes after EOI are trailing data', () => {
    const app1 = seg(0xe1, [...'Exif\0\0'].map((c) => c.charCodeAt(0)).concat([0xff, 0xd8, 0xff, 0xd9]));
    const walk = walkJpeg(jpeg(SOI, app1, DQT, SOF0, DHT, SOS, SCAN, EOI, [1, 2, 3], EOI));
    expect(walk.error).toBeUndefined();
    expect(shape(walk.segments).slice(1, 2)).toEqual(['segment:APP1']);
    expect(walk.segments.at(-1)).toMatchObject({
      type: 'trailing_data',
      end: walk.segments.at(-1)!.start + 5,
    });
  });

  it.each<[string, Uint8Array, string, number]>([
    ['no SOI', jpeg([0xff, 0xd9]), 'no_soi', 0],
    ['a file that ends on a lone 0xFF', jpeg(SOI, DQT, [0xff]), 'ends_inside_marker', 2 + DQT.length],
    [
      'a file that ends inside a length field',
      jpeg(SOI, DQT, [0xff, 0xc0, 0x00]),
      'ends_inside_marker',
      2 + DQT.length,
    ],
    ['a length below 2', jpeg(SOI, [0xff, 0xe0, 0x00, 0x01]), 'bad_length', 2],
    ['a segment longer than the file', jpeg(SOI, [0xff, 0xe0, 0x10, 0x00, 1, 2, 3]), 'segment_past_end', 2],
    ['scan data cut before any marker', jpeg(...HEAD, SCAN), 'scan_past_end', CLEAN.length - SCAN.length - 2],
    ['a file that ends between segments', jpeg(SOI, DQT, SOF0), 'no_eoi', 2 + DQT.length + SOF0.length],
  ])('%s: the walk stops with %s at its byte', (_label, bytes, error, at) => {
    const walk = walkJpeg(bytes);
    expect(walk.error).toBe(error);
    expect(walk.errorAt).toBe(at);
  });

  it.each<[string, readonly number[], string]>([
    ['a JPGn marker (0xF0)', seg(0xf0, [1, 2, 3]), 'reserved_marker'],
    ['a RES marker (0x02)', seg(0x02, [1, 2, 3]), 'reserved_marker'],
    ['the JPG marker (0xC8)', seg(0xc8, [1, 2, 3]), 'reserved_marker'],
    ['a restart marker between segments', [0xff, 0xd3], 'misplaced_restart'],
    [
      'a DQT with padding after its table',
      seg(0xdb, [0x00, ...Array<number>(64).fill(1), 9, 9]),
      'table_length',
    ],
    ['a DQT whose table runs past its end', seg(0xdb, [0x00, ...Array<number>(10).fill(1)]), 'table_length'],
    ['a DQT table of precision 2', seg(0xdb, [0x20, ...Array<number>(64).fill(1)]), 'table_precision'],
    [
      'a DHT whose symbol counts run past its end',
      seg(0xc4, [0x00, 5, ...Array<number>(15).fill(0)]),
      'table_length',
    ],
    [
      'a DHT with bytes after its table',
      seg(0xc4, [0x00, 1, ...Array<number>(15).fill(0), 0, 7]),
      'table_length',
    ],
    [
      'a frame header with a byte more than its components',
      seg(0xc1, [8, 0, 8, 0, 16, 1, 1, 0x11, 0, 0]),
      'component_count',
    ],
    ['a frame header of zero components', seg(0xc2, [8, 0, 8, 0, 16, 0]), 'component_count'],
    ['a DRI of 5 bytes', seg(0xdd, [0, 1, 0]), 'fixed_length'],
    ['a DNL of 5 bytes', seg(0xdc, [0, 1, 0]), 'fixed_length'],
  ])('%s: followed past, reported as %s', (_label, extra, problem) => {
    expect(problemOf(extra)).toBe(problem);
  });

  it('reports a scan header longer than its components, and restart markers out of order', () => {
    const longSos = seg(0xda, [1, 1, 0x00, 0, 63, 0, 0x47]);
    const walk = walkJpeg(jpeg(SOI, DQT, SOF0, DHT, longSos, SCAN, EOI));
    expect(shape(walk.segments)).toContain('segment:SOS (component_count)');
    const skipped = [0x12, 0xff, 0xd0, 0x34, 0xff, 0xd2, 0x56];
    expect(shape(walkJpeg(jpeg(...HEAD, skipped, EOI)).segments)).toContain('scan_data (restart_order)');
    // Each scan counts its restarts from RST0 again.
    const twoScans = walkJpeg(jpeg(...HEAD, SCAN, SOS, SCAN, EOI));
    expect(shape(twoScans.segments).filter((s) => s.startsWith('scan_data'))).toEqual([
      'scan_data',
      'scan_data',
    ]);
  });

  it('reports bytes between segments as stray and walks on to EOI', () => {
    const bytes = jpeg(SOI, DQT, [0x00, 0x41, 0x42], SOF0, DHT, SOS, SCAN, EOI);
    const walk = walkJpeg(bytes);
    expect(walk.error).toBeUndefined();
    const at = SOI.length + DQT.length;
    expect(walk.segments[2]).toEqual({ type: 'stray_bytes', start: at, end: at + 3 });
    expect(jpegFrame(bytes, walk)).toMatchObject({ marker: 0xc0, headerEnd: at + 3 + SOF0.length });
  });

  it('names markers as T.81 Table B.1 does', () => {
    expect([0xe1, 0xfe, 0xc2, 0xd5, 0xcc, 0xde, 0x01, 0xf0].map(jpegMarkerName)).toEqual([
      'APP1',
      'COM',
      'SOF2',
      'RST5',
      'DAC',
      'DHP',
      'TEM',
      '0xFFF0',
    ]);
  });

  it('walks every JPEG of the shared photos to EOI with a frame header', async () => {
    const { readdir } = await import('node:fs/promises');
    const names = [
      ...(await readdir(PHOTOS)).filter((n) => n.endsWith('.jpg')),
      ...(await readdir(join(PHOTOS, 'exif'))).map((n) => `exif/${n}`),
    ];
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const bytes = new Uint8Array(await readFile(join(PHOTOS, name)));
      const walk = walkJpeg(bytes);
      expect(walk.error, name).toBeUndefined();
      expect(jpegFrame(bytes, walk), name).toBeDefined();
    }
  });
});

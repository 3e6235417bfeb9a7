/**
 * The one JPEG segment walker (ITU T.81 Annex B): the decoder's checks (`info.ts`), the device's metadata stripper
 * and the server's allow-list check all read a JPEG through it. It reports what the bytes are, strictly, and decides
 * nothing: which segments are kept, refused or tolerated is each caller's policy.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const DQT = 0xdb;
const DHT = 0xc4;
const DRI = 0xdd;
const DNL = 0xdc;
const EXP = 0xdf;
const TEM = 0x01;
const RST0 = 0xd0;
const RST7 = 0xd7;

/** Why a walk stopped before the EOI marker: the bytes cannot be followed further. */
export type JpegWalkError =
  /** The file does not begin with the SOI marker FF D8. */
  | 'no_soi'
  /** The file ends inside a marker or its length field. */
  | 'ends_inside_marker'
  /** A length field is below 2, the size of the field itself. */
  | 'bad_length'
  /** A segment's length runs past the end of the file. */
  | 'segment_past_end'
  /** Entropy-coded data runs to the end of the file: no marker ends it. */
  | 'scan_past_end'
  /** The file ends between segments without an EOI marker. */
  | 'no_eoi';

/** What is wrong with one segment whose bytes could still be followed past. */
export type JpegSegmentProblem =
  /** A marker T.81 Table B.1 reserves (RES 02–BF, JPG C8, JPGn F0–FD) or FF00 outside entropy-coded data. */
  | 'reserved_marker'
  /** RSTn outside entropy-coded data, where T.81 §B.2.1 allows none. */
  | 'misplaced_restart'
  /** A DQT or DHT whose tables do not fill exactly its length (§B.2.4.1, §B.2.4.2). */
  | 'table_length'
  /** A DQT table precision other than 0 (8-bit) or 1 (16-bit) (§B.2.4.1). */
  | 'table_precision'
  /** A frame or scan header whose length is not that of its component count (§B.2.2, §B.2.3). */
  | 'component_count'
  /** A DRI, DNL or EXP of another length than its fixed one (§B.2.4.4, §B.2.5, §B.3.3). */
  | 'fixed_length'
  /** Restart markers in a scan's data out of their RST0…RST7 cycle (§B.2.1). */
  | 'restart_order';

/** A standalone marker (no length field): SOI, EOI, TEM, or RSTn between segments. */
export interface JpegMarker {
  readonly type: 'marker';
  readonly marker: number;
  /** Offset of the first byte, fill bytes (0xFF) before the marker included. */
  readonly start: number;
  /** Offset just past the marker. */
  readonly end: number;
  readonly problem?: JpegSegmentProblem;
}

/** A marker segment: marker, 2-byte length field, payload. */
export interface JpegMarkerSegment {
  readonly type: 'segment';
  readonly marker: number;
  /** Offset of the first byte, fill bytes (0xFF) before the marker included. */
  readonly start: number;
  /** Offset of the payload, just past the length field. */
  readonly payload: number;
  /** Offset just past the payload (the length field counted it). */
  readonly end: number;
  readonly problem?: JpegSegmentProblem;
}

/** A scan's entropy-coded data after its SOS segment, stuffed bytes and restart markers included. */
export interface JpegScanData {
  readonly type: 'scan_data';
  readonly start: number;
  readonly end: number;
  /** RSTn markers inside it. */
  readonly restarts: number;
  readonly problem?: JpegSegmentProblem;
}

/** Bytes between segments that do not start a marker (libjpeg skips them with a warning). */
export interface JpegStrayBytes {
  readonly type: 'stray_bytes';
  readonly start: number;
  readonly end: number;
}

/** Bytes after the EOI marker (a second picture of a multi-picture file, a vendor trailer, anything). */
export interface JpegTrailingData {
  readonly type: 'trailing_data';
  readonly start: number;
  readonly end: number;
}

export type JpegSegment = JpegMarker | JpegMarkerSegment | JpegScanData | JpegStrayBytes | JpegTrailingData;

/** A walk from SOI to the first EOI. The segments cover the bytes they span without gaps, in file order. */
export interface JpegWalk {
  readonly segments: readonly JpegSegment[];
  /** Why the walk stopped before EOI, at `errorAt`; undefined when it reached EOI. */
  readonly error: JpegWalkError | undefined;
  /** Byte offset of the error (the marker, segment or scan that could not be followed). */
  readonly errorAt: number;
}

/** A frame header (SOFn segment, T.81 §B.2.2). */
export interface JpegFrame {
  /** The SOF marker byte: 0xC0 baseline, 0xC1 extended sequential, 0xC2 progressive, others lossless/arithmetic. */
  readonly marker: number;
  /** Colour components: 1 grey, 3 YCbCr (or RGB), 4 CMYK or YCCK. */
  readonly components: number;
  /** Byte offset just past the frame header segment: everything a header-size reader needs. */
  readonly headerEnd: number;
}

/** Whether a marker starts a frame: SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
export function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== DHT && marker !== 0xc8 && marker !== 0xcc;
}

/** Whether T.81 Table B.1 reserves the marker (RES, JPG, JPGn), or it is FF00, which is no marker at all. */
function isReserved(marker: number): boolean {
  return marker <= 0xbf ? marker !== TEM : marker === 0xc8 || (marker >= 0xf0 && marker <= 0xfd);
}

function isRestart(marker: number): boolean {
  return marker >= RST0 && marker <= RST7;
}

/** T.81 Table B.1's name of a marker (`APP1`, `DQT`, `SOF2`, `RST3`), or its hex form for reserved ones. */
export function jpegMarkerName(marker: number): string {
  const named: Readonly<Record<number, string>> = {
    [SOI]: 'SOI',
    [EOI]: 'EOI',
    [SOS]: 'SOS',
    [DQT]: 'DQT',
    [DHT]: 'DHT',
    [DRI]: 'DRI',
    [DNL]: 'DNL',
    [EXP]: 'EXP',
    [TEM]: 'TEM',
    0xcc: 'DAC',
    0xde: 'DHP',
    0xfe: 'COM',
  };
  if (named[marker] !== undefined) return named[marker];
  if (isFrameMarker(marker)) return `SOF${marker - 0xc0}`;
  if (isRestart(marker)) return `RST${marker - RST0}`;
  if (marker >= 0xe0 && marker <= 0xef) return `APP${marker - 0xe0}`;
  return `0xFF${marker.toString(16).toUpperCase().padStart(2, '0')}`;
}

function u16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

/** Checks a segment's payload against the length its own content implies, where T.81 defines one. */
function payloadProblem(
  marker: number,
  bytes: Uint8Array,
  payload: number,
  end: number,
): JpegSegmentProblem | undefined {
  const length = end - payload + 2;
  if (marker === DQT) {
    for (let at = payload; at < end;) {
      const precision = (bytes[at] ?? 0) >> 4;
      if (precision > 1) return 'table_precision';
      at += 1 + 64 * (precision + 1);
      if (at > end) return 'table_length';
    }
    return undefined;
  }
  if (marker === DHT) {
    for (let at = payload; at < end;) {
      if (at + 17 > end) return 'table_length';
      let symbols = 0;
      for (let i = 1; i <= 16; i++) symbols += bytes[at + i] ?? 0;
      at += 17 + symbols;
      if (at > end) return 'table_length';
    }
    return undefined;
  }
  if (isFrameMarker(marker)) {
    const components = length >= 8 ? (bytes[payload + 5] ?? 0) : 0;
    return components === 0 || length !== 8 + 3 * components ? 'component_count' : undefined;
  }
  if (marker === SOS) {
    const components = bytes[payload] ?? 0;
    return components === 0 || length !== 6 + 2 * components ? 'component_count' : undefined;
  }
  const fixed: Readonly<Record<number, number>> = { [DRI]: 4, [DNL]: 4, [EXP]: 3 };
  if (fixed[marker] !== undefined && length !== fixed[marker]) return 'fixed_length';
  if (isReserved(marker)) return 'reserved_marker';
  return undefined;
}

/**
 * The entropy-coded data that starts at `from`: it ends at the first 0xFF that begins a marker other than RSTn.
 * Inside it, 0xFF is followed by 0x00 (byte stuffing), RSTn, or more 0xFF fill bytes (T.81 §B.1.1.2, §F.1.2.3).
 * @returns undefined when no marker ends it before the end of the file.
 */
function readScanData(bytes: Uint8Array, from: number): JpegScanData | undefined {
  let restarts = 0;
  let inOrder = true;
  for (
    let at = bytes.indexOf(0xff, from);
    at !== -1 && at + 1 < bytes.length;
    at = bytes.indexOf(0xff, at + 1)
  ) {
    const next = bytes[at + 1] ?? 0;
    if (next === 0x00 || next === 0xff) continue;
    if (!isRestart(next)) {
      const data = { type: 'scan_data', start: from, end: at, restarts } as const;
      return inOrder ? data : { ...data, problem: 'restart_order' };
    }
    // Each scan's restart markers count RST0, RST1, … modulo 8 from its start.
    if (next - RST0 !== restarts % 8) inOrder = false;
    restarts++;
  }
  return undefined;
}

/**
 * Walks a JPEG from SOI to the first EOI, marker by marker, and scan data through to the marker that ends it. The
 * walk stops at the first EOI, so an EXIF thumbnail's EOI (inside its APP1 segment) is skipped with the segment, and
 * the bytes after EOI are one `trailing_data` segment. Segments that can be followed past but break T.81 carry a
 * `problem`; bytes that cannot be followed end the walk with an `error`. Linear in the file size; no pixel is decoded.
 * @param bytes the file.
 */
export function walkJpeg(bytes: Uint8Array): JpegWalk {
  const segments: JpegSegment[] = [];
  const stop = (error: JpegWalkError, errorAt: number): JpegWalk => ({ segments, error, errorAt });
  if (bytes[0] !== 0xff || bytes[1] !== SOI) return stop('no_soi', 0);
  segments.push({ type: 'marker', marker: SOI, start: 0, end: 2 });
  let at = 2;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) {
      const next = bytes.indexOf(0xff, at);
      const end = next === -1 ? bytes.length : next;
      segments.push({ type: 'stray_bytes', start: at, end });
      at = end;
      continue;
    }
    // Fill bytes (0xFF repeated) may precede a marker (T.81 §B.1.1.2).
    let markerAt = at;
    while (bytes[markerAt + 1] === 0xff) markerAt++;
    const marker = bytes[markerAt + 1];
    if (marker === undefined) return stop('ends_inside_marker', at);
    if (marker === EOI || marker === TEM || isRestart(marker)) {
      const standalone = { type: 'marker', marker, start: at, end: markerAt + 2 } as const;
      segments.push(isRestart(marker) ? { ...standalone, problem: 'misplaced_restart' } : standalone);
      at = markerAt + 2;
      if (marker === EOI) {
        if (at < bytes.length) segments.push({ type: 'trailing_data', start: at, end: bytes.length });
        return { segments, error: undefined, errorAt: bytes.length };
      }
      continue;
    }
    if (markerAt + 4 > bytes.length) return stop('ends_inside_marker', at);
    const length = u16(bytes, markerAt + 2);
    if (length < 2) return stop('bad_length', at);
    const payload = markerAt + 4;
    const end = markerAt + 2 + length;
    if (end > bytes.length) return stop('segment_past_end', at);
    const problem = payloadProblem(marker, bytes, payload, end);
    const segment = { type: 'segment', marker, start: at, payload, end } as const;
    segments.push(problem === undefined ? segment : { ...segment, problem });
    at = end;
    if (marker === SOS) {
      const data = readScanData(bytes, end);
      if (data === undefined) return stop('scan_past_end', end);
      segments.push(data);
      at = data.end;
    }
  }
  return stop('no_eoi', at);
}

/** The first frame header of a walk with room for its component count, if any. */
export function jpegFrame(bytes: Uint8Array, walk: JpegWalk): JpegFrame | undefined {
  for (const segment of walk.segments) {
    if (segment.type === 'segment' && isFrameMarker(segment.marker) && segment.end >= segment.payload + 6) {
      return { marker: segment.marker, components: bytes[segment.payload + 5] ?? 0, headerEnd: segment.end };
    }
  }
  return undefined;
}

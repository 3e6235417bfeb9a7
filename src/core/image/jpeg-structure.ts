const SOS = 0xda;
const EOI = 0xd9;
const TEM = 0x01;
const RST0 = 0xd0;
const RST7 = 0xd7;

/** A JPEG frame header (SOFn segment). */
export interface JpegFrame {
  /** The SOF marker byte: 0xC0 baseline, 0xC1 extended sequential, 0xC2 progressive, others lossless/arithmetic. */
  readonly marker: number;
  /** Colour components: 1 grey, 3 YCbCr (or RGB), 4 CMYK or YCCK. */
  readonly components: number;
  /** Byte offset just past the frame header segment: everything a header-size reader needs. */
  readonly headerEnd: number;
}

/** What a walk over a JPEG's marker segments found. No pixel data is decoded. */
export interface JpegStructure {
  /** The first frame header, if any. */
  readonly frame: JpegFrame | undefined;
  /** Whether the image's EOI marker was reached: without it the file stops inside the image data. */
  readonly complete: boolean;
}

/**
 * libjpeg's warnings (JWRN_JPEG_EOF, JWRN_HIT_MARKER) for scan data that ends early. libjpeg does not fail on them:
 * it fills the missing rows with grey, which must not be analysed as if it were part of the photo.
 */
const MISSING_DATA_WARNINGS = [/premature end of JPEG file/i, /premature end of data segment/i];

/** Whether any of the decoder's warnings says pixel data was missing and filled in. */
export function jpegWarningsShowMissingData(warnings: readonly string[]): boolean {
  return warnings.some((w) => MISSING_DATA_WARNINGS.some((pattern) => pattern.test(w)));
}

function isFrameMarker(marker: number): boolean {
  // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Where the entropy-coded data that starts at `from` ends: at the first 0xFF that begins a real marker. Inside the
 * data, 0xFF is followed by 0x00 (byte stuffing), a restart marker, or more 0xFF fill bytes.
 */
function endOfScan(bytes: Uint8Array, from: number): number {
  for (
    let at = bytes.indexOf(0xff, from);
    at !== -1 && at + 1 < bytes.length;
    at = bytes.indexOf(0xff, at + 1)
  ) {
    const next = bytes[at + 1] ?? 0;
    if (next !== 0x00 && next !== 0xff && (next < RST0 || next > RST7)) return at;
  }
  return bytes.length;
}

/**
 * Walks a JPEG's marker segments from SOI to the first EOI, reading the frame header and skipping scan data.
 * The walk stops at the first EOI, so data appended after the image (a second image of a multi-picture file,
 * a vendor trailer) does not matter, and an EXIF thumbnail's EOI, inside its APP1 segment, is skipped with it.
 * Linear in the file size, allocates nothing.
 * @param bytes a file that starts with the JPEG SOI marker (see `sniffFormat`).
 */
export function readJpegStructure(bytes: Uint8Array): JpegStructure {
  let frame: JpegFrame | undefined;
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) {
      // Stray bytes between segments: libjpeg skips them with a warning, so the walk does too.
      const next = bytes.indexOf(0xff, at);
      if (next === -1) break;
      at = next;
      continue;
    }
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === EOI) return { frame, complete: true };
    if (marker === TEM || (marker >= RST0 && marker <= RST7)) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) break;
    const segmentEnd = at + 2 + (((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0));
    if (segmentEnd > bytes.length || segmentEnd < at + 4) break;
    if (frame === undefined && isFrameMarker(marker) && segmentEnd >= at + 10) {
      frame = { marker, components: bytes[at + 9] ?? 0, headerEnd: segmentEnd };
    }
    at = marker === SOS ? endOfScan(bytes, segmentEnd) : segmentEnd;
  }
  return { frame, complete: false };
}

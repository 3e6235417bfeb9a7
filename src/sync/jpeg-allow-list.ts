/**
 * Which JPEG segments may leave the device and be stored by the server: a strict allow-list over the core's walk
 * (`walkJpeg`). Kept: SOI; DQT, DHT, SOF0–SOF2, DRI, SOS, each exactly as long as its content (checked by the
 * walker); one frame before the scans; the scans' entropy-coded data with its RSTn in order; EOI; APP0 JFIF of
 * exactly its 14 payload bytes without thumbnail (JFIF 1.02: 16 bytes with the length field); APP14 Adobe of exactly
 * its 12 payload bytes (Adobe TN 5116). Metadata (stripped on the device, refused by the server): every other APPn
 * (EXIF, XMP, ICC profiles, which are dropped rather than validated, MPF, IPTC, JFIF thumbnails, JFXX), COM, bytes
 * after EOI. Structure errors (the device draws the photo again): markers T.81 reserves or that baseline and
 * progressive decoders do not use (JPGn, RES, TEM, DNL, DHP, EXP, DAC, SOF3 and up), RSTn outside scans, stray
 * bytes between segments, any segment the walker found malformed, and any walk that does not reach EOI.
 */

import { isFrameMarker, jpegMarkerName, walkJpeg } from '../core/image/jpeg-structure.ts';
import type { JpegMarkerSegment, JpegSegmentProblem, JpegWalkError } from '../core/image/jpeg-structure.ts';
import { ImageStructureError } from './image-blocks.ts';
import type { ClassifiedBlock, MetadataKind } from './image-blocks.ts';

/** Bytes of a JFIF APP0 payload without thumbnail: "JFIF\0", version, units, densities, thumbnail size 0 × 0. */
const JFIF_PAYLOAD_BYTES = 14;
/** Bytes of an Adobe APP14 payload (Adobe TN 5116): "Adobe", version, flags0, flags1, colour transform. */
const ADOBE_PAYLOAD_BYTES = 12;
/** Markers kept beside APPn: DQT, DHT, SOF0–SOF2, DRI, SOS. */
const TABLE_MARKERS = new Set([0xdb, 0xc4, 0xc0, 0xc1, 0xc2, 0xdd, 0xda]);
const SOS = 0xda;

const WALK_ERRORS: Readonly<Record<JpegWalkError, string>> = {
  no_soi: 'does not start with a start-of-image marker',
  ends_inside_marker: 'ends inside a marker',
  bad_length: 'has a segment length below 2',
  segment_past_end: 'has a segment that runs past the end of the file',
  scan_past_end: 'scan data runs to the end of the file without an end-of-image marker',
  no_eoi: 'has no end-of-image marker',
};

const PROBLEMS: Readonly<Record<JpegSegmentProblem, string>> = {
  reserved_marker: 'is a marker T.81 reserves',
  misplaced_restart: 'is a restart marker outside scan data',
  table_length: 'has tables that do not fill exactly its length',
  table_precision: 'has a bad table precision',
  component_count: 'does not have exactly its components',
  fixed_length: 'does not have its fixed length',
  restart_order: 'has restart markers out of their order',
};

/** `DQT (0xFFDB)`: the name and the bytes, so a message can be matched against a hex dump. */
function describeMarker(marker: number): string {
  const hex = `0xFF${marker.toString(16).toUpperCase().padStart(2, '0')}`;
  const name = jpegMarkerName(marker);
  return name === hex ? hex : `${name} (${hex})`;
}

/** A marker outside the allow-list: reserved, or one that baseline and progressive decoders do not use. */
function notTaken(marker: number, start: number): ImageStructureError {
  return new ImageStructureError(
    `JPEG has marker ${describeMarker(marker)} at byte ${start}, which BCD does not take ` +
      '(reserved, arithmetic, lossless, hierarchical or outside a scan)',
  );
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(bytes.length, start + length)));
}

/**
 * Classifies an APPn segment by its identifier string and size; null when it is kept. Only a JFIF APP0 of exactly
 * its fixed fields (no thumbnail) and an Adobe APP14 of exactly its fixed fields are kept: any byte more could
 * carry something else.
 * @param payloadLength bytes after the length field.
 */
function classifyAppSegment(
  marker: number,
  bytes: Uint8Array,
  payload: number,
  payloadLength: number,
): MetadataKind | null {
  const id = ascii(bytes, payload, 35);
  switch (marker) {
    case 0xe0:
      if (id.startsWith('JFIF\0')) {
        const thumbnail = (bytes[payload + 12] ?? 0) * (bytes[payload + 13] ?? 0);
        return payloadLength === JFIF_PAYLOAD_BYTES && thumbnail === 0 ? null : 'thumbnail';
      }
      return id.startsWith('JFXX\0') ? 'thumbnail' : 'application_segment';
    case 0xe1:
      if (id.startsWith('Exif\0')) return 'exif';
      // Some writers mangle the XMP namespace prefix (e.g. "XMP\0://ns.adobe.com/xap/1.0/"): match the host.
      return id.includes('ns.adobe.com/') ? 'xmp' : 'application_segment';
    case 0xe2:
      if (id.startsWith('ICC_PROFILE\0')) return 'colour_profile';
      return id.startsWith('MPF\0') ? 'multi_picture' : 'application_segment';
    case 0xed:
      return id.startsWith('Photoshop 3.0\0') ? 'iptc' : 'application_segment';
    case 0xee:
      return id.startsWith('Adobe') && payloadLength === ADOBE_PAYLOAD_BYTES ? null : 'application_segment';
    default:
      return 'application_segment';
  }
}

/** Classifies a marker segment, or throws for one that may be neither kept nor dropped. */
function classifyMarkerSegment(bytes: Uint8Array, segment: JpegMarkerSegment): MetadataKind | null {
  const { marker, start, payload, end } = segment;
  if (marker >= 0xe0 && marker <= 0xef) return classifyAppSegment(marker, bytes, payload, end - payload);
  if (marker === 0xfe) return 'comment';
  if (!TABLE_MARKERS.has(marker)) throw notTaken(marker, start);
  if (segment.problem !== undefined) {
    throw new ImageStructureError(
      `JPEG ${describeMarker(marker)} at byte ${start} ${PROBLEMS[segment.problem]}`,
    );
  }
  return null;
}

/**
 * Every byte run of a JPEG, in order, as kept or metadata.
 * @throws ImageStructureError naming the first segment or error that is neither allowed nor metadata.
 */
export function classifyJpeg(bytes: Uint8Array): ClassifiedBlock[] {
  const walk = walkJpeg(bytes);
  const blocks: ClassifiedBlock[] = [];
  let frames = 0;
  let scans = 0;
  for (const segment of walk.segments) {
    const { start, end } = segment;
    switch (segment.type) {
      case 'stray_bytes':
        throw new ImageStructureError(`JPEG: expected a marker at byte ${start}`);
      case 'trailing_data':
        blocks.push({ start, end, metadata: 'trailing_data', container: 'after EOI' });
        break;
      case 'scan_data':
        if (segment.problem !== undefined) {
          throw new ImageStructureError(`JPEG scan data at byte ${start} ${PROBLEMS[segment.problem]}`);
        }
        blocks.push({ start, end, metadata: null, container: 'scan data' });
        break;
      case 'marker': {
        const name = jpegMarkerName(segment.marker);
        if (name === 'EOI' && scans === 0) {
          throw new ImageStructureError('JPEG ends before any picture data (no frame and scan)');
        }
        if (name !== 'SOI' && name !== 'EOI') throw notTaken(segment.marker, start);
        blocks.push({ start, end, metadata: null, container: name });
        break;
      }
      case 'segment': {
        const metadata = classifyMarkerSegment(bytes, segment);
        if (isFrameMarker(segment.marker)) frames++;
        if (segment.marker === SOS) {
          if (frames !== 1)
            throw new ImageStructureError(`JPEG scan at byte ${start} without one frame header`);
          scans++;
        }
        blocks.push({ start, end, metadata, container: jpegMarkerName(segment.marker) });
        break;
      }
    }
  }
  if (walk.error !== undefined) {
    throw new ImageStructureError(`JPEG ${WALK_ERRORS[walk.error]} (at byte ${walk.errorAt})`);
  }
  return blocks;
}

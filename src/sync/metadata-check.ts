/**
 * The server's allow-list check: lists what a JPEG or PNG carries beyond the segments allowed to be stored
 * (`jpeg-allow-list.ts`, `png-allow-list.ts`). The device's stripper (`metadata-strip.ts`) keeps exactly the allowed
 * segments, so a stripped file passes this check.
 */

import { detectImageFormat, ImageStructureError } from './image-blocks.ts';
import type { ClassifiedBlock, MetadataBlock, MetadataKind } from './image-blocks.ts';
import { classifyJpeg } from './jpeg-allow-list.ts';
import { classifyPng } from './png-allow-list.ts';

/**
 * Every byte run of a JPEG or PNG, in order, as allowed (`metadata` null) or metadata of a kind.
 * @throws ImageStructureError when the bytes are neither format or hold structure that is neither allowed nor
 *   metadata (see the allow-list modules).
 */
export function classifyImage(bytes: Uint8Array): ClassifiedBlock[] {
  const format = detectImageFormat(bytes);
  if (format === 'jpeg') return classifyJpeg(bytes);
  if (format === 'png') return classifyPng(bytes);
  throw new ImageStructureError('not a JPEG or PNG file');
}

/**
 * Lists every metadata block left in a JPEG or PNG; empty when the file holds only allowed segments.
 * @throws ImageStructureError when the bytes are neither format or their structure is refused.
 */
export function findImageMetadata(bytes: Uint8Array): MetadataBlock[] {
  return classifyImage(bytes)
    .filter((block) => block.metadata !== null)
    .map((block) => ({
      kind: block.metadata as MetadataKind,
      container: block.container,
      offset: block.start,
      length: block.end - block.start,
    }));
}

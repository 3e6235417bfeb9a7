/**
 * Metadata in JPEG and PNG files, as the outbox and the server see it. Both policies are built on the core's segment
 * walkers (`src/core/image/jpeg-structure.ts`, `png-structure.ts`), which decide nothing: the server's allow-list
 * check (`metadata-check.ts`, its rules per format in `jpeg-allow-list.ts` and `png-allow-list.ts`) lists what may
 * not be stored, and the device's stripper (`metadata-strip.ts`) keeps exactly what the check allows, so a stripped
 * file always passes it.
 */

export { detectImageFormat, ImageStructureError } from './image-blocks.ts';
export type { ImageFormat, MetadataBlock, MetadataKind } from './image-blocks.ts';
export { findImageMetadata } from './metadata-check.ts';
export { stripImageMetadata } from './metadata-strip.ts';

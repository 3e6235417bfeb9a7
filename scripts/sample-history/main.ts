/**
 * `npm run build:sample`: regenerates `samples/history` (committed) from ../shared/data/photos.
 * Run once when the sample set changes; the app and the README's first command read the committed files.
 */
import { fileURLToPath } from 'node:url';
import { rm } from 'node:fs/promises';
import { loadOpenCv } from '../../src/core/cv.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { buildSampleHistory } from './build.ts';

const photos = fileURLToPath(new URL('../../../shared/data/photos/', import.meta.url));
const out = process.argv[2] ?? fileURLToPath(new URL('../../samples/history/', import.meta.url));
await rm(out, { recursive: true, force: true });
const ids = await buildSampleHistory(photos, out, { cv: await loadOpenCv(), decode: await nodeDecoder() });
console.log(`wrote ${ids.length} sessions to ${out}`);

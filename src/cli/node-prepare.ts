import { loadOpenCv } from '../core/cv.ts';
import { nodeDecoder } from '../core/image/decode.node.ts';
import { prepareImage } from '../core/pipeline/prepare-image.ts';
import type { PreparedImage, PrepareOptions } from '../core/pipeline/prepare-image.ts';
import type { ModelManifest } from '../model/manifest.ts';

/** The shared per-photo pipeline bound to Node's runtimes; see {@link createNodePrepare}. */
export type NodePrepare = (bytes: Uint8Array, options?: PrepareOptions) => Promise<PreparedImage>;

/**
 * Loads OpenCV.js and the WASM codecs of this thread and binds `prepareImage` to them, for the CLI's main thread
 * and its prepare workers alike, so both run the same pipeline.
 * @throws whatever loading OpenCV.js or a codec throws.
 */
export async function createNodePrepare(
  manifest: Pick<ModelManifest, 'input' | 'normalization'>,
): Promise<NodePrepare> {
  const [cv, decode] = await Promise.all([loadOpenCv(), nodeDecoder()]);
  return (bytes, options) => prepareImage(bytes, { cv, decode, manifest }, options);
}

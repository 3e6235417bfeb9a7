import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { preloadCodecs } from './codecs.ts';
import type { CodecLoader, CodecName } from './codecs.ts';
import { createImageDecoder } from './decode.ts';
import type { ImageDecoder } from './decode.ts';
import { DEFAULT_IMAGE_LIMITS } from './limits.ts';
import type { ImageLimits } from './limits.ts';

const require = createRequire(import.meta.url);

/** The decoders' WASM files, as package paths. */
const WASM_FILES: Readonly<Record<CodecName, string>> = {
  jpeg: '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm',
  png: '@jsquash/png/codec/pkg/squoosh_png_bg.wasm',
  webp: '@jsquash/webp/codec/dec/webp_dec.wasm',
  'jpeg-reduced': '@cwasm/jpeg-turbo/jpeg-turbo.wasm',
};

/**
 * Node's codec loader: compiles the `.wasm` files from `node_modules`. Left to themselves, the jsquash codecs would
 * `fetch` a `file:` URL next to their glue code, which Node's fetch refuses.
 */
export const nodeCodecLoader: CodecLoader = {
  async compile(codec) {
    return WebAssembly.compile(new Uint8Array(await readFile(require.resolve(WASM_FILES[codec]))));
  },
};

/**
 * A ready image decoder for Node (CLI, benchmarks, tests), with every codec compiled up front.
 * @param limits size limits, default those of `config.ts`.
 * @throws Error if a codec's WASM file is missing (a broken install).
 */
export async function nodeDecoder(limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<ImageDecoder> {
  await preloadCodecs(nodeCodecLoader);
  return createImageDecoder(nodeCodecLoader, limits);
}

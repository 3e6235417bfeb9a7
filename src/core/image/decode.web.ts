/// <reference types="vite/client" />
import jpegWasmUrl from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?url';
import pngWasmUrl from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm?url';
import webpWasmUrl from '@jsquash/webp/codec/dec/webp_dec.wasm?url';
import reducedJpegWasmUrl from '@cwasm/jpeg-turbo/jpeg-turbo.wasm?url';
import { preloadCodecs } from './codecs.ts';
import type { CodecLoader, CodecName } from './codecs.ts';
import { createImageDecoder } from './decode.ts';
import type { ImageDecoder } from './decode.ts';
import { DEFAULT_IMAGE_LIMITS } from './limits.ts';
import type { ImageLimits } from './limits.ts';

/**
 * The decoders' WASM files as Vite emits them (hashed, same origin, so the service worker precaches them). Named
 * explicitly with `?url` rather than left to the glue code's `new URL('….wasm', import.meta.url)`: Vite's
 * dependency pre-bundling moves the glue code away from its `.wasm` in development.
 */
const WASM_URLS: Readonly<Record<CodecName, string>> = {
  jpeg: jpegWasmUrl,
  png: pngWasmUrl,
  webp: webpWasmUrl,
  'jpeg-reduced': reducedJpegWasmUrl,
};

/** The browser's codec loader (window or worker): fetches the `.wasm` files from the app's origin. */
export const webCodecLoader: CodecLoader = {
  async compile(codec) {
    const url = WASM_URLS[codec];
    const response = await fetch(url);
    if (!response.ok)
      throw new Error(`Could not load the ${codec} decoder from ${url}: HTTP ${response.status}`);
    // Compiled from bytes rather than streamed, so a server sending another MIME type than application/wasm works.
    return WebAssembly.compile(await response.arrayBuffer());
  },
};

/**
 * A ready image decoder for the browser (the preprocess worker), with every codec compiled up front.
 * @param limits size limits, default those of `config.ts`.
 * @throws Error if a codec's WASM file cannot be fetched.
 */
export async function webDecoder(limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<ImageDecoder> {
  await preloadCodecs(webCodecLoader);
  return createImageDecoder(webCodecLoader, limits);
}

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import encode, { init } from '@jsquash/jpeg/encode.js';
import type { RgbaImage } from '../../src/core/image/raster.ts';

const require = createRequire(import.meta.url);
let ready: Promise<void> | undefined;

/**
 * Encodes RGBA as a baseline JPEG with mozjpeg (the Squoosh codec the app decodes with). The codec fetches its
 * .wasm by URL, which Node cannot do, so the file is compiled from disk.
 * @param quality 0–100.
 */
export async function encodeJpeg(img: RgbaImage, quality = 90): Promise<Uint8Array> {
  ready ??= (async () => {
    await init(
      await WebAssembly.compile(await readFile(require.resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'))),
    );
  })();
  await ready;
  const data = { data: img.data, width: img.width, height: img.height, colorSpace: 'srgb' } as ImageData;
  return new Uint8Array(await encode(data, { quality, progressive: false }));
}

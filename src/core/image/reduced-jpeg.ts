import type { CodecLoader } from './codecs.ts';
import { instantiateTurboJpeg } from './turbojpeg.ts';
import type { ReducedJpeg, TurboJpeg } from './turbojpeg.ts';

/**
 * The compiled reduced-size JPEG decoder of this JavaScript realm. Compiled once while that succeeds; a failed
 * compile (say, offline before the file was cached) is forgotten, so the next decode asks the loader again.
 */
let compiled: Promise<WebAssembly.Module> | undefined;
/** The instance decodes run on, replaced after an error (see `TurboJpeg.broken`). */
let instance: Promise<TurboJpeg> | undefined;

/**
 * Compiles the reduced-size JPEG decoder (`@cwasm/jpeg-turbo`) through `loader`, once per realm.
 * @throws whatever `loader.compile('jpeg-reduced')` throws.
 */
export function compileReducedJpeg(loader: CodecLoader): Promise<WebAssembly.Module> {
  let current = compiled;
  if (current === undefined) {
    current = loader.compile('jpeg-reduced');
    compiled = current;
    current.catch(() => {
      if (compiled === current) compiled = undefined;
    });
  }
  return current;
}

/**
 * Decodes a JPEG straight to 1/`denominator` of its stored size with libjpeg-turbo's DCT scaling (see
 * `TurboJpeg.decode` in `turbojpeg.ts`), on this realm's one instance. No EXIF orientation is applied; the header's size limits must have been
 * checked (`checkImageLimits`).
 * @param width stored width from the header, in pixels.
 * @param height stored height from the header, in pixels.
 * @returns the pixels; undefined when libjpeg warned or failed on the file, which the caller then leaves to the
 *   full-size decoder (its warnings and errors decide the refusal).
 * @throws the loader's error, unchanged, when the decoder cannot be loaded.
 */
export async function decodeJpegReduced(
  bytes: Uint8Array,
  width: number,
  height: number,
  denominator: number,
  loader: CodecLoader,
): Promise<ReducedJpeg | undefined> {
  let current = instance;
  if (current === undefined) {
    current = compileReducedJpeg(loader).then(instantiateTurboJpeg);
    instance = current;
    current.catch(() => {
      if (instance === current) instance = undefined;
    });
  }
  const turbo = await current;
  // One synchronous call: decodes cannot interleave, so the instance needs no queue.
  const result = turbo.decode(bytes, width, height, denominator);
  if (turbo.broken && instance === current) instance = undefined;
  return result;
}

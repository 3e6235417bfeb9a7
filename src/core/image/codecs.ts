import decodeJpeg, { init as initJpeg } from '@jsquash/jpeg/decode.js';
import decodePng, { init as initPng } from '@jsquash/png/decode.js';
import decodeWebp, { init as initWebp } from '@jsquash/webp/decode.js';
import { ImageInputError } from './errors.ts';
import { compileReducedJpeg } from './reduced-jpeg.ts';
import { FORMAT_NAMES } from './sniff.ts';
import type { ImageFormat } from './sniff.ts';

/**
 * The WASM decoders: one whole-picture decoder per format (`@jsquash/*`), and `jpeg-reduced`, libjpeg-turbo's
 * TurboJPEG (`@cwasm/jpeg-turbo`), which decodes a JPEG straight to 1/2, 1/4 or 1/8 of its size for the analysis.
 */
export type CodecName = ImageFormat | 'jpeg-reduced';

/**
 * Supplies the compiled WebAssembly of each decoder, the only part of decoding that differs between platforms:
 * Node reads the `.wasm` files from `node_modules` (`decode.node.ts`), a browser fetches them from the app's own
 * origin (`decode.web.ts`). Everything else here is the same code on both.
 */
export interface CodecLoader {
  /**
   * Compiles the decoder `codec` (mozjpeg, the Rust `png` crate, libwebp from `@jsquash/*`; libjpeg-turbo from
   * `@cwasm/jpeg-turbo` for `jpeg-reduced`). Called once per decoder and JavaScript realm while it succeeds; a
   * rejection (say, offline before the files were cached) is passed on unchanged and the next decode asks again.
   */
  compile(codec: CodecName): Promise<WebAssembly.Module>;
}

/** Pixels as the codec returned them: RGBA, 8 bits a channel, row-major, stored orientation. */
export interface DecodedPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
  /** What the codec printed while decoding (libjpeg warnings such as "Premature end of JPEG file"). */
  readonly warnings: readonly string[];
}

/**
 * jsquash's emscripten `init(module, overrides)`. Its .d.ts declares only the overrides, but the JavaScript (and the
 * packages' README, "Manual WASM initialisation") takes the compiled module first.
 */
type EmscriptenInit = (
  module: WebAssembly.Module,
  overrides: { printErr: (line: string) => void },
) => Promise<void>;

interface Codec {
  /** Instantiates the decoder from its compiled module. */
  readonly instantiate: (module: WebAssembly.Module) => Promise<unknown>;
  readonly decode: (buffer: ArrayBuffer) => Promise<ImageData>;
  /** Lines the decoder printed during the current decode. */
  readonly printed: string[];
  /**
   * Whether a failed decode leaves the instance unfit for the next one. The emscripten codecs fail through
   * `exit()` or `abort()`, which leave the runtime half torn down and the failed decode's memory allocated; the
   * PNG codec throws an ordinary JavaScript error (`unwrap_throw`) and stays usable.
   */
  readonly replaceAfterFailure: boolean;
}

function emscriptenCodec(init: EmscriptenInit, decode: (buffer: ArrayBuffer) => Promise<ImageData>): Codec {
  const printed: string[] = [];
  const printErr = (line: string): void => {
    printed.push(line);
  };
  return {
    instantiate: (module) => init(module, { printErr }),
    decode,
    printed,
    replaceAfterFailure: true,
  };
}

const CODECS: Readonly<Record<ImageFormat, Codec>> = {
  // EXIF orientation is applied afterwards by `applyOrientation`, the same way for every format.
  jpeg: emscriptenCodec(initJpeg as unknown as EmscriptenInit, (buffer) =>
    decodeJpeg(buffer, { preserveOrientation: false }),
  ),
  png: {
    instantiate: (module) => initPng(module),
    decode: (buffer) => decodePng(buffer),
    printed: [],
    replaceAfterFailure: false,
  },
  webp: emscriptenCodec(initWebp as unknown as EmscriptenInit, (buffer) => decodeWebp(buffer)),
};

/**
 * Per format: the compiled module, the instance being used, and the tail of the decode queue. The jsquash packages
 * hold one decoder instance per realm, so this state is per realm too.
 */
const compiled = new Map<ImageFormat, WebAssembly.Module>();
const instances = new Map<ImageFormat, Promise<unknown>>();
const queues = new Map<ImageFormat, Promise<unknown>>();

function ensureInstance(format: ImageFormat, loader: CodecLoader): Promise<unknown> {
  let instance = instances.get(format);
  if (instance === undefined) {
    instance = loader.compile(format).then((module) => {
      compiled.set(format, module);
      return CODECS[format].instantiate(module);
    });
    instances.set(format, instance);
    instance.catch(() => instances.delete(format));
  }
  return instance;
}

/**
 * Runs decodes of one format one after another. A decode is one synchronous WASM call anyway, and this keeps
 * each decode's printed warnings apart from the next one's.
 */
function inTurn<T>(format: ImageFormat, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(format) ?? Promise.resolve()).then(task);
  queues.set(
    format,
    run.catch(() => undefined),
  );
  return run;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  return buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength
    ? buffer
    : bytes.slice().buffer;
}

/**
 * Compiles and instantiates all three whole-picture decoders and compiles the reduced-size JPEG decoder now, so
 * that the first decode is not slowed by it and a loading failure shows at start-up.
 * @throws whatever `loader.compile` throws.
 */
export async function preloadCodecs(loader: CodecLoader): Promise<void> {
  await Promise.all([
    ...(Object.keys(CODECS) as ImageFormat[]).map((format) => ensureInstance(format, loader)),
    compileReducedJpeg(loader),
  ]);
}

/**
 * Decodes a whole JPEG, PNG or WebP file to RGBA with the WASM codecs, leaving the pixels as stored (no EXIF
 * orientation). Check the header size first (`checkImageLimits`): the codecs allocate whatever the header claims.
 * The input bytes are not modified.
 * @param format the file's format, from `sniffFormat`.
 * @throws ImageInputError `corrupt` with the codec's own reason when the codec fails on the data; the loader's
 *   error, unchanged, when the codec cannot be loaded (that is the device's problem, not the photo's).
 */
export async function decodePixels(
  format: ImageFormat,
  bytes: Uint8Array,
  loader: CodecLoader,
): Promise<DecodedPixels> {
  await ensureInstance(format, loader);
  return inTurn(format, async () => {
    const codec = CODECS[format];
    codec.printed.length = 0;
    try {
      const image = await codec.decode(toArrayBuffer(bytes));
      return { width: image.width, height: image.height, data: image.data, warnings: [...codec.printed] };
    } catch (error) {
      const module = compiled.get(format);
      if (codec.replaceAfterFailure && module !== undefined) instances.set(format, codec.instantiate(module));
      const reason = codec.printed.length > 0 ? codec.printed.join('; ') : describe(error);
      throw new ImageInputError(
        'corrupt',
        `This ${FORMAT_NAMES[format]} file is damaged and cannot be decoded (the decoder reports: ${reason}).`,
      );
    }
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

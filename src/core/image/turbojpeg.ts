/**
 * The C functions `@cwasm/jpeg-turbo`'s WebAssembly exports: libjpeg-turbo 2.0.4's TurboJPEG API, built with
 * WASI (no SIMD), plus the C library's allocator. The package's own `index.js` reads the `.wasm` with Node's `fs`
 * and always decodes at full size, so BCD calls the exports directly, from a module compiled by the platform's
 * codec loader (`decode.node.ts`, `decode.web.ts`).
 *
 * Why this decoder for the analysis (issue 8), measured on this project's 2-core machine (load average 2–4),
 * decode alone, median of 5, peak RSS over the loaded process:
 * | photo | mozjpeg whole (`@jsquash/jpeg`, today) | TurboJPEG 1/4 (this) | wasm-vips `shrink: 4` |
 * | --- | --- | --- | --- |
 * | 4032 × 3024 baseline | 292–334 ms, +250 MB | 51–53 ms, +29 MB | 63–69 ms, +75–114 MB |
 * | 6028 × 3391 baseline | 634 ms, +344 MB | 129 ms, +36 MB | 150–156 ms, +99–143 MB |
 * | 5312 × 2988 progressive | 534 ms, +363 MB | 164–220 ms, +80 MB | 188–194 ms, +131–168 MB |
 * | 5640 × 3172 progressive | 1170 ms, +444 MB | 821–902 ms, +103 MB | 806–968 ms, +226–290 MB |
 * In a Chromium worker (cross-origin isolated): TurboJPEG starts in 87 ms and takes 94 ms (12 MP) and 167 ms
 * (20 MP); wasm-vips starts in 1460 ms (5 MB of WASM, a pthread pool, 256 MB of initial shared memory) for 104 and
 * 216 ms, and cannot start at all on a page that is not cross-origin isolated (no SharedArrayBuffer), where the app
 * must still work. `@cornerstonejs/codec-libjpeg-turbo-8bit` has no scaling in its API (whole decode, 330 ms);
 * ImageMagick's WASM (`jpeg:size`) took 150–225 ms and is 15 MB. At full size both TurboJPEG and wasm-vips give
 * pixels byte-identical to mozjpeg's on the shared photos (baseline and progressive): one libjpeg lineage.
 * The drawback: this build is not maintained (libjpeg-turbo 2.0.4 of 2019, no error strings, no setjmp), so it
 * only ever decodes files libjpeg decodes cleanly; anything else goes to mozjpeg (see `TurboJpeg.decode`).
 */
interface TurboJpegExports {
  readonly memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(pointer: number): void;
  tjInitDecompress(): number;
  tjDecompressHeader3(
    handle: number,
    jpeg: number,
    jpegBytes: number,
    width: number,
    height: number,
    subsampling: number,
    colorspace: number,
  ): number;
  tjDecompress2(
    handle: number,
    jpeg: number,
    jpegBytes: number,
    destination: number,
    width: number,
    pitch: number,
    height: number,
    pixelFormat: number,
    flags: number,
  ): number;
  tjDestroy(handle: number): number;
}

/** TurboJPEG's `TJPF_RGBA`: 4 bytes a pixel, R G B A, alpha 255. */
const TJPF_RGBA = 7;
/** No flags: accurate integer IDCT (JDCT_ISLOW) and fancy upsampling, libjpeg's defaults, as the full decoder. */
const DEFAULT_FLAGS = 0;

/** Thrown out of the WebAssembly where libjpeg would `longjmp` to its error handler (the build has no setjmp). */
class LibjpegError extends Error {}

/** RGBA pixels of a JPEG decoded at 1/`denominator` of its size. */
export interface ReducedJpeg {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/**
 * The WASI and `env` functions the module imports. None is needed to decode (TurboJPEG keeps its messages in its
 * own buffer); the environment is empty, and anything that would write to a file or exit ends the decode.
 */
function imports(memory: () => WebAssembly.Memory): WebAssembly.Imports {
  const unavailable = (name: string) => () => {
    throw new LibjpegError(`${name} is not available to the JPEG decoder`);
  };
  return {
    env: {
      setjmp: () => 0,
      longjmp: () => {
        throw new LibjpegError('libjpeg reported an error');
      },
    },
    wasi_snapshot_preview1: {
      environ_sizes_get: (count: number, size: number) => {
        const view = new DataView(memory().buffer);
        view.setUint32(count, 0, true);
        view.setUint32(size, 0, true);
        return 0;
      },
      environ_get: () => 0,
      proc_exit: unavailable('proc_exit'),
      fd_close: unavailable('fd_close'),
      fd_seek: unavailable('fd_seek'),
      fd_write: unavailable('fd_write'),
    },
  };
}

/** One instance of the TurboJPEG module: its memory grows to the largest photo it has decoded and stays so. */
export interface TurboJpeg {
  /**
   * Decodes a JPEG with libjpeg's DCT scaling (`scale_denom`): the inverse DCT of each 8 × 8 block makes only
   * (8 / `denominator`)² pixels, so the picture comes out at 1/`denominator` of its stored size without the
   * full-size image ever existing. Each side is `ceil(side / denominator)` (libjpeg's `jdiv_round_up`).
   *
   * Returns undefined, rather than throwing, whenever libjpeg did not decode the file cleanly: a warning (TurboJPEG
   * 2.0 returns −1 after one, e.g. "Premature end of JPEG file" or a benign "extraneous bytes before marker"), an
   * error, or a header that disagrees with `width × height`. This build cannot tell which, so the caller leaves
   * such files to the full-size decoder, whose messages decide (see `decodeImage`). After an error the instance
   * must not be used again (`broken`).
   * @param bytes the whole JPEG file; not modified.
   * @param width stored width in pixels, from the header (`readImageInfo`).
   * @param height stored height in pixels.
   * @param denominator 1, 2, 4 or 8.
   * @returns RGBA, stored orientation, `ceil(width / denominator) × ceil(height / denominator)`.
   */
  decode(bytes: Uint8Array, width: number, height: number, denominator: number): ReducedJpeg | undefined;
  /**
   * Whether an error cut a decode short: libjpeg's error exit unwinds out of the WebAssembly, leaving its
   * allocations and state behind, so the caller makes a new instance.
   */
  readonly broken: boolean;
}

/**
 * Instantiates TurboJPEG from its compiled module (≈ 0.4 ms, 128 KB of memory to start). Reuse the instance:
 * a fresh one per photo costs its memory's growth again (a progressive 16 MP photo took 326 ms instead of 164).
 * @param module the compiled `jpeg-turbo.wasm` of `@cwasm/jpeg-turbo`.
 */
export async function instantiateTurboJpeg(module: WebAssembly.Module): Promise<TurboJpeg> {
  // The imports need the instance's memory, which exists only once it is instantiated.
  const made: { tj?: TurboJpegExports } = {};
  // Asynchronous: browsers refuse to instantiate modules over 4 KB synchronously on a page's main thread.
  const instance = await WebAssembly.instantiate(
    module,
    imports(() => (made.tj as TurboJpegExports).memory),
  );
  const tj = instance.exports as unknown as TurboJpegExports;
  made.tj = tj;
  let broken = false;
  return {
    get broken() {
      return broken;
    },
    decode(bytes, width, height, denominator) {
      if (broken) throw new Error('This TurboJPEG instance failed before; make a new one');
      try {
        return decodeWith(tj, bytes, width, height, denominator);
      } catch (error) {
        broken = true;
        if (error instanceof LibjpegError || error instanceof WebAssembly.RuntimeError) return undefined;
        throw error;
      }
    },
  };
}

/** Allocations in the instance's memory, freed together. */
function allocator(tj: TurboJpegExports) {
  const pointers: number[] = [];
  return {
    malloc(bytes: number): number {
      const pointer = tj.malloc(bytes);
      if (pointer !== 0) pointers.push(pointer);
      return pointer;
    },
    freeAll(): void {
      for (const pointer of pointers) tj.free(pointer);
    },
  };
}

function decodeWith(
  tj: TurboJpegExports,
  bytes: Uint8Array,
  width: number,
  height: number,
  denominator: number,
): ReducedJpeg | undefined {
  const heap = allocator(tj);
  const handle = tj.tjInitDecompress();
  // Not in a `finally`: after libjpeg's error exit has unwound through the WebAssembly (a throw from `longjmp`),
  // its stack pointer and state are left as they were, so nothing more is called on that instance.
  const result = handle === 0 ? undefined : decodeOn(tj, heap, handle, bytes, width, height, denominator);
  if (handle !== 0) tj.tjDestroy(handle);
  heap.freeAll();
  return result;
}

function decodeOn(
  tj: TurboJpegExports,
  heap: ReturnType<typeof allocator>,
  handle: number,
  bytes: Uint8Array,
  width: number,
  height: number,
  denominator: number,
): ReducedJpeg | undefined {
  const outWidth = Math.ceil(width / denominator);
  const outHeight = Math.ceil(height / denominator);
  const outBytes = outWidth * outHeight * 4;
  const jpeg = heap.malloc(bytes.length);
  const header = heap.malloc(16);
  const pixels = heap.malloc(outBytes);
  if (jpeg === 0 || header === 0 || pixels === 0) return undefined;
  new Uint8Array(tj.memory.buffer, jpeg, bytes.length).set(bytes);
  const status = tj.tjDecompressHeader3(
    handle,
    jpeg,
    bytes.length,
    header,
    header + 4,
    header + 8,
    header + 12,
  );
  if (status !== 0) return undefined;
  const [headerWidth, headerHeight] = new Int32Array(tj.memory.buffer, header, 2);
  if (headerWidth !== width || headerHeight !== height) return undefined;
  // Asked for exactly the 1/denominator size, TurboJPEG picks that scaling factor: it takes the largest of its
  // factors (M/8) whose output fits.
  const decoded = tj.tjDecompress2(
    handle,
    jpeg,
    bytes.length,
    pixels,
    outWidth,
    outWidth * 4,
    outHeight,
    TJPF_RGBA,
    DEFAULT_FLAGS,
  );
  if (decoded !== 0) return undefined;
  // Copied out of the instance's memory, which the next decode reuses.
  const data = new Uint8ClampedArray(tj.memory.buffer.slice(pixels, pixels + outBytes));
  return { width: outWidth, height: outHeight, data };
}

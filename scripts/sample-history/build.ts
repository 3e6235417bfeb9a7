import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { encodeJpeg } from './jpeg-encoder.node.ts';
import { alter, fitLongSide, retake } from './variations.ts';
import type { Retake } from './variations.ts';

/** Which real photo stands for each angle (files of ../shared/data/photos, freely licensed; see SOURCES.md). */
export const SAMPLE_PHOTOS: readonly { readonly angle: string; readonly file: string }[] = [
  { angle: 'front', file: 'python3-skimage__astronaut.png' },
  { angle: 'front_arms_raised', file: 'python-matplotlib-data__grace_hopper.jpg' },
  { angle: 'left_oblique', file: 'opencv-doc__messi5.jpg' },
  { angle: 'left_side', file: 'python3-skimage__chelsea.png' },
  { angle: 'right_oblique', file: 'python3-skimage__coffee.png' },
  { angle: 'right_side', file: 'python3-sklearn__china.jpg' },
];

/** The angle whose photo the third session alters visibly. */
export const ALTERED_ANGLE = 'left_side';

/** Three sessions: the originals; a plain retake; a retake with {@link ALTERED_ANGLE} visibly altered. */
const SESSIONS: readonly { readonly id: string; readonly retake: Retake | null; readonly alter: boolean }[] =
  [
    { id: '2026-01-05', retake: null, alter: false },
    { id: '2026-02-02', retake: { shiftX: 0.012, shiftY: -0.008, gain: 1.04 }, alter: false },
    { id: '2026-03-02', retake: { shiftX: -0.01, shiftY: 0.01, gain: 0.97 }, alter: true },
  ];

/**
 * Writes a sample history `outDir/<session>/<angle>.jpg` (3 sessions × 6 angles, longest side `longSide` px)
 * made from real photos: the first session holds the originals, later ones retakes (framing shifted by about
 * 1 %, exposure by 3–4 %), and the third session's {@link ALTERED_ANGLE} photo carries a visible change.
 * @returns the session ids, oldest first.
 */
export async function buildSampleHistory(
  photosDir: string,
  outDir: string,
  deps: { cv: OpenCv; decode: (bytes: Uint8Array) => Promise<RgbaImage> },
  longSide = 640,
): Promise<string[]> {
  const originals = await Promise.all(
    SAMPLE_PHOTOS.map(async (p) =>
      fitLongSide(deps.cv, await deps.decode(await readFile(join(photosDir, p.file))), longSide),
    ),
  );
  for (const session of SESSIONS) {
    const dir = join(outDir, session.id);
    await mkdir(dir, { recursive: true });
    for (const [i, photo] of SAMPLE_PHOTOS.entries()) {
      let img = originals[i] as RgbaImage;
      if (session.retake) img = retake(deps.cv, img, session.retake);
      if (session.alter && photo.angle === ALTERED_ANGLE) img = alter(deps.cv, img);
      await writeFile(join(dir, `${photo.angle}.jpg`), await encodeJpeg(img, 90));
    }
  }
  return SESSIONS.map((s) => s.id);
}

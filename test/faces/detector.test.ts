import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { blurFaces } from '../../src/core/faces/blur.ts';
import { faceRegion } from '../../src/core/faces/region.ts';
import { FACE_BLUR_MIN_SCORE, FACE_REFUSE_MIN_SCORE } from '../../src/core/faces/detector.ts';
import type { FaceDetector } from '../../src/core/faces/detector.ts';
import { nodeFaceDetector } from '../../src/core/faces/detector.node.ts';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { PHOTOS_DIR } from '../support/paths.ts';

/** People in each photo, as photos/SOURCES.md describes it (counted by the person who made the data set). */
const GROUPS = [
  ['npm-vladmandic-face-api__sample1.jpg', 3],
  ['npm-vladmandic-face-api__sample6.jpg', 4],
] as const;

/** Head-and-shoulders portraits and close-ups of one person (SOURCES.md). */
const PORTRAITS = [
  'python-matplotlib-data__grace_hopper.jpg',
  'python3-skimage__astronaut.png',
  'kphotoalbum__jesper.jpg',
  'kphotoalbum__jesper_2.jpg',
] as const;

/** Photos without a person: food, objects, scenes, hands only (SOURCES.md). */
const WITHOUT_PEOPLE = [
  'opencv-doc__fruits.jpg',
  'python3-skimage__coffee.png',
  'python3-sklearn__china.jpg',
  'python3-skimage__rocket.jpg',
  'npm-exif-parser__starfish.jpg',
  'digikam-data__body-background.jpg',
  'golang-golang-x-image-dev__yellow_rose.lossy.webp',
] as const;

let detector: FaceDetector;
let decode: ImageDecoder;
beforeAll(async () => {
  [detector, decode] = await Promise.all([nodeFaceDetector(), nodeDecoder()]);
});

async function photo(file: string): Promise<RgbaImage> {
  return decode(new Uint8Array(await readFile(`${PHOTOS_DIR}${file}`)));
}

describe('face detector (SSD MobileNet v1, tfjs WASM in Node)', () => {
  it.each(GROUPS)('%s: one face per person, each box inside the picture', async (file, people) => {
    const image = await photo(file);
    const faces = await detector.find(image, FACE_REFUSE_MIN_SCORE);
    expect(faces).toHaveLength(people);
    for (const face of faces) {
      expect(face.x + face.width / 2).toBeGreaterThan(0);
      expect(face.x + face.width / 2).toBeLessThan(image.width);
      // A face is a small part of a group photo, not the whole frame.
      expect(face.width * face.height).toBeLessThan((image.width * image.height) / people);
    }
  });

  it.each(PORTRAITS)('%s: the face is found in the upper middle of the portrait', async (file) => {
    const image = await photo(file);
    const [best] = await detector.find(image, FACE_REFUSE_MIN_SCORE);
    expect(best).toBeDefined();
    if (!best) return;
    const cx = (best.x + best.width / 2) / image.width;
    const cy = (best.y + best.height / 2) / image.height;
    expect(cx).toBeGreaterThan(0.2);
    expect(cx).toBeLessThan(0.8);
    expect(cy).toBeLessThan(0.65);
  });

  it.each(WITHOUT_PEOPLE)('%s: no face', async (file) => {
    expect(await detector.find(await photo(file), FACE_REFUSE_MIN_SCORE)).toEqual([]);
  });

  it('sorts faces best first and keeps scores within [minScore, 1]', async () => {
    const faces = await detector.find(await photo('kphotoalbum__bar55.jpg'), FACE_BLUR_MIN_SCORE);
    expect(faces.length).toBeGreaterThanOrEqual(2);
    for (const [i, face] of faces.entries()) {
      expect(face.score).toBeGreaterThanOrEqual(FACE_BLUR_MIN_SCORE);
      expect(face.score).toBeLessThanOrEqual(1);
      if (i > 0) expect(face.score).toBeLessThanOrEqual(faces[i - 1]?.score ?? 1);
    }
  });
});

describe('blurFaces', () => {
  it.each([...GROUPS.map(([file]) => file), ...PORTRAITS, 'kphotoalbum__bar55.jpg'])(
    '%s: after blurring, the detector finds no face even at the blur score',
    async (file) => {
      const image = await photo(file);
      const faces = await detector.find(image, FACE_BLUR_MIN_SCORE);
      expect(faces.length).toBeGreaterThan(0);
      blurFaces(image, faces);
      expect(await detector.find(image, FACE_BLUR_MIN_SCORE)).toEqual([]);
    },
  );

  it('changes pixels inside each widened box only', async () => {
    const image = await photo('python3-skimage__astronaut.png');
    const before = image.data.slice();
    const faces = await detector.find(image, FACE_BLUR_MIN_SCORE);
    blurFaces(image, faces);
    const regions = faces.map((f) => faceRegion(f, image.width, image.height));
    let changedInside = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = (y * image.width + x) * 4;
        const inside = regions.some((r) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1);
        const changed = [0, 1, 2, 3].some((c) => image.data[i + c] !== before[i + c]);
        if (!inside) expect(changed).toBe(false);
        else if (changed) changedInside++;
      }
    }
    const area = regions.reduce((sum, r) => sum + (r.x1 - r.x0) * (r.y1 - r.y0), 0);
    expect(changedInside).toBeGreaterThan(area * 0.9);
  });
});

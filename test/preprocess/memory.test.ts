import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/core/cv.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { preprocessForModel } from '../../src/core/preprocess/index.ts';
import { measureImageQuality } from '../../src/core/quality/index.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { PHOTOS_DIR, countUndeleted, decodePhoto, heapFingerprint } from '../quality/helpers.ts';

const SPEC: Pick<ModelManifest, 'input' | 'normalization'> = {
  input: { name: 'input', layout: 'NCHW', width: 224, height: 224, channels: 3 },
  normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
};

let cv: OpenCv;
let photo: RgbaImage;
beforeAll(async () => {
  cv = await loadOpenCv();
  photo = await decodePhoto(join(PHOTOS_DIR, 'kphotoalbum__cold_water.jpg'));
});

describe('OpenCV.js memory (a long-lived worker runs these thousands of times)', () => {
  it('the probes notice a leak: one forgotten Mat is counted, image-sized ones move the heap', () => {
    const leaked: { delete(): void }[] = [];
    try {
      expect(countUndeleted(() => leaked.push(new cv.Mat(1, 1, cv.CV_8UC1))).undeleted).toBe(1);
      const before = heapFingerprint(cv);
      for (let i = 0; i < 20; i++) leaked.push(new cv.Mat(224, 224, cv.CV_8UC3));
      expect(heapFingerprint(cv)).not.toBe(before);
    } finally {
      for (const m of leaked) m.delete();
    }
  });

  it('quality and preprocessing free every Mat, and the WASM heap stays put over 100 runs', () => {
    const run = () => {
      measureImageQuality(cv, photo);
      preprocessForModel(cv, photo, SPEC);
    };
    run();
    const before = heapFingerprint(cv);
    for (let i = 0; i < 100; i++) expect(countUndeleted(run).undeleted).toBe(0);
    expect(heapFingerprint(cv)).toBe(before);
  });

  it('frees its Mats when it throws half-way', () => {
    const { undeleted } = countUndeleted(() =>
      expect(() => preprocessForModel(cv, photo, SPEC, { exposureBand: [0.9, 0.1] })).toThrow(RangeError),
    );
    expect(undeleted).toBe(0);
  });
});

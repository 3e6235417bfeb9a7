import { describe, expect, it } from 'vitest';
import type { FaceDetector } from '../../src/core/faces/detector.ts';
import { nodeFaceDetector } from '../../src/core/faces/detector.node.ts';
import { createFacesApi } from '../../workers/faces/api.ts';

describe("the faces worker's warm-up", () => {
  it('loads the real detector and runs it once on a blank picture, however often it is warmed', async () => {
    const real = await nodeFaceDetector();
    const searched: { width: number; height: number }[] = [];
    let loads = 0;
    const detector: FaceDetector = {
      find: (image, minScore) => {
        searched.push({ width: image.width, height: image.height });
        return real.find(image, minScore);
      },
    };
    const api = createFacesApi(async () => {
      loads++;
      return detector;
    });
    await Promise.all([api.warm(), api.warm()]);
    await api.warm();
    expect(loads).toBe(1);
    expect(searched).toEqual([{ width: 64, height: 64 }]);
  });

  it('passes a failed load on, and tries again on the next warm-up', async () => {
    let attempts = 0;
    const real = await nodeFaceDetector();
    const api = createFacesApi(async () => {
      attempts++;
      if (attempts === 1) throw new Error('the weights did not load (404)');
      return real;
    });
    await expect(api.warm()).rejects.toMatchObject({ message: expect.stringContaining('404') });
    await expect(api.warm()).resolves.toBeUndefined();
    expect(attempts).toBe(2);
  });
});

import type { ModelManifest } from '../../model/manifest.ts';
import { CHANGE_LONG_SIDE } from '../change/raster.ts';
import { QUALITY_LONG_SIDE_PX } from '../config.ts';
import type { LargeEnough } from '../image/reduction.ts';
import { WORKING_SCALE } from '../preprocess/preprocess.ts';
import { centreCrop } from '../preprocess/region.ts';

/**
 * Whether an upright `width × height` copy of a photo holds all the analysis uses of it, so that a reduced decode
 * (`DecodeOptions.largeEnough`) may stop there. The largest intermediate each stage makes, and so what the copy
 * needs:
 * - quality: grey at a `QUALITY_LONG_SIDE_PX` (512) long side, shrunk with `INTER_AREA`: long side ≥ 512;
 * - change engine: a `CHANGE_LONG_SIDE` (256) long-side raster: long side ≥ 256;
 * - model input: a working copy whose centred crop of the model's aspect is at least `WORKING_SCALE` (2) × the
 *   model input (448 × 448 for 224 × 224, `preprocessForModel`): the crop's sides ≥ 2 × the input's.
 * With the square 224-px model the crop decides for every photo whose long side is at least 8/7 of its short one
 * (every camera photo: 4:3, 3:2, 16:9): the copy needs a shorter side of 448 px. Each halving halves it, so the
 * reduced copy's shorter side is 448–895 px: 1008 × 756 of a 4032 × 3024 photo (1/4), 1507 × 848 of a 6028 × 3391
 * one (1/4), 960 × 769 of a 1920 × 1537 one (1/2) — about 1000 px on the long side, as issue 8 estimated.
 * @param input the model's input size (`manifest.input`), in pixels.
 */
export function analysisLargeEnough(input: Pick<ModelManifest['input'], 'width' | 'height'>): LargeEnough {
  const aspect = input.width / input.height;
  return (width, height) => {
    const longSide = Math.max(width, height);
    if (longSide < QUALITY_LONG_SIDE_PX || longSide < CHANGE_LONG_SIDE) return false;
    const crop = centreCrop(width, height, aspect);
    return crop.width >= WORKING_SCALE * input.width && crop.height >= WORKING_SCALE * input.height;
  };
}

import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  convKernelToOnnx,
  depthwiseKernelToOnnx,
  foldBatchNorm,
  tfConvWindow,
} from '../../scripts/build-model/conv-math.ts';
import { parseKerasTopology } from '../../scripts/build-model/keras-topology.ts';
import { readTfjsLayersModel } from '../../scripts/build-model/read-tfjs-model.ts';
import { summariseTrainability } from '../../scripts/build-model/write-manifest.ts';

const SOURCE = 'node_modules/nsfwjs/dist/models/mobilenet_v2';

describe('tfConvWindow (TensorFlow padding rule)', () => {
  it('pads "same" with stride 2 on the bottom/right only when the total is odd', () => {
    // out = ceil(224 / 2) = 112; total = (112 − 1)·2 + 3 − 224 = 1 → 0 before, 1 after.
    expect(tfConvWindow(224, 3, 2, 1, 'same')).toEqual({ output: 112, before: 0, after: 1 });
    // out = ceil(7 / 2) = 4; total = 3·2 + 3 − 7 = 2 → 1 and 1.
    expect(tfConvWindow(7, 3, 2, 1, 'same')).toEqual({ output: 4, before: 1, after: 1 });
    // out = ceil(8 / 2) = 4; total = 3·2 + 5 − 8 = 3 → 1 before, 2 after.
    expect(tfConvWindow(8, 5, 2, 1, 'same')).toEqual({ output: 4, before: 1, after: 2 });
  });

  it('pads "same" with stride 1 symmetrically for odd kernels, and uses the dilated kernel size', () => {
    expect(tfConvWindow(14, 3, 1, 1, 'same')).toEqual({ output: 14, before: 1, after: 1 });
    expect(tfConvWindow(14, 1, 1, 1, 'same')).toEqual({ output: 14, before: 0, after: 0 });
    // Effective kernel (3 − 1)·2 + 1 = 5 → total 4.
    expect(tfConvWindow(10, 3, 1, 2, 'same')).toEqual({ output: 10, before: 2, after: 2 });
  });

  it('pads nothing for "valid": floor((in − k) / stride) + 1', () => {
    // MobileNetV2's stem: ZeroPadding2D((0, 1), (0, 1)) makes 225, then a valid 3×3 stride-2 conv gives 112.
    expect(tfConvWindow(225, 3, 2, 1, 'valid')).toEqual({ output: 112, before: 0, after: 0 });
    expect(tfConvWindow(7, 7, 7, 1, 'valid')).toEqual({ output: 1, before: 0, after: 0 });
    expect(() => tfConvWindow(2, 3, 1, 1, 'valid')).toThrow(/does not fit/);
  });
});

describe('kernel layouts', () => {
  it('moves a Conv2D weight from [kh, kw, in, out] to [out, in, kh, kw]', () => {
    // kh = 1, kw = 2, in = 2, out = 3; Keras value at (y, x, i, o) is 1000y + 100x + 10i + o.
    const shape = [1, 2, 2, 3];
    const keras: number[] = [];
    for (let x = 0; x < 2; x++)
      for (let i = 0; i < 2; i++) for (let o = 0; o < 3; o++) keras.push(100 * x + 10 * i + o);
    const onnx = convKernelToOnnx(keras, shape);
    // ONNX index ((o·in + i)·kh + y)·kw + x.
    expect(onnx[((2 * 2 + 1) * 1 + 0) * 2 + 1]).toBe(112); // o = 2, i = 1, x = 1
    expect(onnx[((1 * 2 + 0) * 1 + 0) * 2 + 0]).toBe(1); // o = 1, i = 0, x = 0
    expect([...onnx].sort((a, b) => a - b)).toEqual([...keras].sort((a, b) => a - b));
  });

  it('moves a depthwise weight from [kh, kw, in, mult] to [in·mult, 1, kh, kw] (channel c·mult + m)', () => {
    // kh = kw = 2, in = 2, mult = 2; Keras value at (y, x, c, m) is 1000y + 100x + 10c + m.
    const keras: number[] = [];
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 2; x++)
        for (let c = 0; c < 2; c++) for (let m = 0; m < 2; m++) keras.push(1000 * y + 100 * x + 10 * c + m);
    const onnx = depthwiseKernelToOnnx(keras, [2, 2, 2, 2]);
    // Output channel 3 = c 1, m 1; its 2×2 window is contiguous, row-major.
    expect([...onnx.subarray(12, 16)]).toEqual([11, 111, 1011, 1111]);
    expect([...onnx.subarray(4, 8)]).toEqual([1, 101, 1001, 1101]); // channel 1 = c 0, m 1
    expect(() => depthwiseKernelToOnnx(keras, [2, 2, 2, 3])).toThrow(/has 16 values/);
  });
});

describe('foldBatchNorm', () => {
  it('scales each output channel by gamma / sqrt(var + eps) and shifts by beta − mean·scale', () => {
    // Channel 0: s = 4 / sqrt(3 + 1) = 2; channel 1: s = 3 / sqrt(8 + 1) = 1.
    const bn = { gamma: [4, 3], beta: [0.5, -1], mean: [1, 2], variance: [3, 8], epsilon: 1 };
    const folded = foldBatchNorm(Float64Array.from([1, 2, 3, 4]), null, bn);
    expect([...folded.weight]).toEqual([2, 4, 3, 4]);
    expect([...folded.bias]).toEqual([(0 - 1) * 2 + 0.5, (0 - 2) * 1 - 1]);
    const withBias = foldBatchNorm(Float64Array.from([1, 2, 3, 4]), [1, 1], bn);
    expect([...withBias.bias]).toEqual([0.5, -2]);
  });
});

describe('nsfwjs source model', () => {
  it('dequantises every weight exactly as tfjs-core does (q·scale + min, rounded to float32)', async () => {
    const model = await readTfjsLayersModel(join(SOURCE, 'model.min.js'), [
      join(SOURCE, 'group1-shard1of1.min.js'),
    ]);
    expect(model.weightSpecs).toHaveLength(266);
    const decoded = tf.io.decodeWeights(model.weightData.slice().buffer, [
      ...model.weightSpecs,
    ] as tf.io.WeightsManifestEntry[]);
    let compared = 0;
    for (const spec of model.weightSpecs) {
      const ours = model.weights.get(spec.name);
      const theirs = decoded[spec.name] as tf.Tensor;
      expect(ours?.shape).toEqual(theirs.shape);
      const expected = theirs.dataSync();
      // A plain loop: a deep toEqual over 2.6 M floats takes seconds.
      const mismatches = ours?.values.filter((v, i) => !Object.is(v, expected[i])).length;
      expect(mismatches, spec.name).toBe(0);
      compared += expected.length;
      theirs.dispose();
    }
    expect(compared).toBe(model.weightData.length);
  });

  it('has frozen ImageNet blocks 0–10 and fine-tuned blocks 11–16 and Conv_1', async () => {
    const model = await readTfjsLayersModel(join(SOURCE, 'model.min.js'), [
      join(SOURCE, 'group1-shard1of1.min.js'),
    ]);
    const graph = parseKerasTopology(model.modelTopology);
    expect(summariseTrainability(graph.layers.filter((l) => !l.name.startsWith('dense')))).toEqual({
      frozen: ['Conv1', 'blocks 0–10'],
      trained: ['blocks 11–16', 'Conv_1'],
    });
    const epsilons = new Set(
      graph.layers.flatMap((l) => (l.kind === 'BatchNormalization' ? [l.epsilon] : [])),
    );
    expect([...epsilons]).toEqual([0.001]);
  });
});

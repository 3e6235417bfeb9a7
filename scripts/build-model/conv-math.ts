/** Zero padding on one spatial axis: `before` at the top/left, `after` at the bottom/right. */
export interface AxisPadding {
  readonly before: number;
  readonly after: number;
}

/** Output size and padding of a convolution along one spatial axis. */
export interface AxisWindow extends AxisPadding {
  readonly output: number;
}

/**
 * Output size and padding of a TensorFlow/Keras convolution along one axis.
 *
 * `same` follows TensorFlow's rule (tensorflow/core/framework/kernel_shape_util.cc,
 * `GetWindowedOutputSizeVerbose`): `output = ceil(input / stride)`,
 * `total = max(0, (output − 1)·stride + effectiveKernel − input)`, `before = floor(total / 2)`,
 * `after = total − before`: an odd total puts the extra row/column at the bottom/right, unlike a symmetric pad.
 * `valid` pads nothing: `output = floor((input − effectiveKernel) / stride) + 1`.
 * `effectiveKernel = (kernel − 1)·dilation + 1`.
 * @param input size along the axis in pixels (after any explicit ZeroPadding2D).
 * @throws Error when a `valid` window does not fit in the input.
 */
export function tfConvWindow(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: 'same' | 'valid',
): AxisWindow {
  const effectiveKernel = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    if (input < effectiveKernel) throw new Error(`A ${effectiveKernel}-wide window does not fit in ${input}`);
    return { output: Math.floor((input - effectiveKernel) / stride) + 1, before: 0, after: 0 };
  }
  const output = Math.ceil(input / stride);
  const total = Math.max(0, (output - 1) * stride + effectiveKernel - input);
  const before = Math.floor(total / 2);
  return { output, before, after: total - before };
}

/**
 * Reorders a Keras Conv2D kernel `[kh, kw, in, out]` into ONNX Conv's `[out, in, kh, kw]`.
 * @throws Error when `values.length` is not the product of the shape.
 */
export function convKernelToOnnx(values: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const [kh, kw, cin, cout] = expectShape4(values, shape);
  const out = new Float64Array(values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * cout + o] as number;
        }
  return out;
}

/**
 * Reorders a Keras DepthwiseConv2D kernel `[kh, kw, in, multiplier]` into the weight of an ONNX grouped Conv with
 * `group = in`: `[in·multiplier, 1, kh, kw]`. TensorFlow numbers depthwise output channels `c·multiplier + m`
 * (tf.nn.depthwise_conv2d), and ONNX group `g` owns output channels `g·multiplier … g·multiplier + multiplier − 1`,
 * so the same index order works for both.
 * @throws Error when `values.length` is not the product of the shape.
 */
export function depthwiseKernelToOnnx(values: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const [kh, kw, cin, mult] = expectShape4(values, shape);
  const out = new Float64Array(values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let m = 0; m < mult; m++) {
          out[((i * mult + m) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * mult + m] as number;
        }
  return out;
}

function expectShape4(values: ArrayLike<number>, shape: readonly number[]): [number, number, number, number] {
  if (shape.length !== 4) throw new Error(`Expected a 4-d kernel, got shape [${shape.join(', ')}]`);
  const [a, b, c, d] = shape as [number, number, number, number];
  if (a * b * c * d !== values.length) {
    throw new Error(`Kernel of shape [${shape.join(', ')}] has ${values.length} values`);
  }
  return [a, b, c, d];
}

/** Inference-time BatchNormalization parameters, one value per channel (Keras `gamma`, `beta`, moving stats). */
export interface BatchNormParams {
  readonly gamma: ArrayLike<number>;
  readonly beta: ArrayLike<number>;
  readonly mean: ArrayLike<number>;
  readonly variance: ArrayLike<number>;
  readonly epsilon: number;
}

/**
 * Folds an inference BatchNormalization, `y = (x − mean)·gamma / sqrt(variance + epsilon) + beta` (Keras
 * BatchNormalization with `training=False`), into the preceding convolution: with `s = gamma / sqrt(var + eps)`
 * per output channel, `W' = W·s` and `b' = (b − mean)·s + beta`. Computed in double precision.
 * @param weight ONNX layout `[out, …]`; each output channel's `weight.length / out` values are contiguous.
 * @param bias the convolution's bias (`out` values), or null when it has none.
 * @returns the folded weight (same layout) and bias.
 * @throws Error when the channel counts disagree.
 */
export function foldBatchNorm(
  weight: Float64Array,
  bias: ArrayLike<number> | null,
  bn: BatchNormParams,
): { weight: Float64Array; bias: Float64Array } {
  const channels = bn.gamma.length;
  if ([bn.beta, bn.mean, bn.variance].some((a) => a.length !== channels) || weight.length % channels !== 0) {
    throw new Error(
      `BatchNormalization over ${channels} channels does not match a weight of ${weight.length}`,
    );
  }
  if (bias !== null && bias.length !== channels)
    throw new Error(`Bias has ${bias.length} values, not ${channels}`);
  const perChannel = weight.length / channels;
  const folded = new Float64Array(weight.length);
  const foldedBias = new Float64Array(channels);
  for (let o = 0; o < channels; o++) {
    const s = (bn.gamma[o] as number) / Math.sqrt((bn.variance[o] as number) + bn.epsilon);
    for (let k = 0; k < perChannel; k++)
      folded[o * perChannel + k] = (weight[o * perChannel + k] as number) * s;
    foldedBias[o] =
      ((bias === null ? 0 : (bias[o] as number)) - (bn.mean[o] as number)) * s + (bn.beta[o] as number);
  }
  return { weight: folded, bias: foldedBias };
}

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDefaultModel } from '../../scripts/build-model/build.ts';
import { readTfjsLayersModel } from '../../scripts/build-model/read-tfjs-model.ts';
import type { Embedder } from '../../src/model/embedder.ts';
import { createNodeEmbedder } from '../../src/model/embedder.node.ts';
import { createWebEmbedder } from '../../src/model/embedder.web.ts';
import { loadModelFromDir } from '../../src/model/load-manifest.node.ts';
import { PHOTOS_DIR, photoTensor, toNchw } from './photo-tensor.ts';
import { compareVectors } from '../support/compare-vectors.ts';

const PHOTOS = ['kphotoalbum__jesper.jpg', 'python3-skimage__chelsea.png', 'opencv-doc__messi5.jpg'];
const SOURCE = 'node_modules/nsfwjs/dist/models/mobilenet_v2';
const MODEL_DIR = fileURLToPath(new URL('../.out/parity-model/', import.meta.url));

/**
 * The reference: nsfwjs's Keras model executed by TensorFlow.js (pure-JS CPU backend) from the untouched package
 * files. tfjs decodes the quantised weights itself, so the converter's dequantisation is checked too.
 */
async function tfjsBackbone(): Promise<tf.LayersModel> {
  await tf.setBackend('cpu');
  const source = await readTfjsLayersModel(join(SOURCE, 'model.min.js'), [
    join(SOURCE, 'group1-shard1of1.min.js'),
  ]);
  const full = await tf.loadLayersModel({
    load: async () => ({
      modelTopology: source.modelTopology as object,
      weightSpecs: source.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData: source.weightData.slice().buffer,
    }),
  });
  return tf.model({ inputs: full.inputs, outputs: full.getLayer('out_relu').output as tf.SymbolicTensor });
}

describe('default model parity: ONNX (onnxruntime) vs the Keras model in TensorFlow.js', () => {
  let reference: tf.LayersModel;
  let nodeEmbedder: Embedder;
  let webEmbedder: Embedder;

  beforeAll(async () => {
    // Built here (a no-op when up to date) so the test always checks what the current converter produces.
    await buildDefaultModel({ outDir: MODEL_DIR });
    const { manifest, bytes } = await loadModelFromDir(MODEL_DIR);
    [reference, nodeEmbedder, webEmbedder] = await Promise.all([
      tfjsBackbone(),
      createNodeEmbedder(manifest, bytes, { intraOpNumThreads: 1 }),
      createWebEmbedder(manifest, bytes, { numThreads: 1 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([nodeEmbedder?.dispose(), webEmbedder?.dispose()]);
  });

  it.each(PHOTOS)(
    '%s: same 1280-d vector from tfjs, onnxruntime-node and onnxruntime-web (WASM)',
    async (photo) => {
      const input = await photoTensor(join(PHOTOS_DIR, photo));
      const expected = tf.tidy(() => {
        const features = reference.predict(input) as tf.Tensor4D;
        expect(features.shape).toEqual([1, 7, 7, 1280]);
        return new Float32Array(tf.mean(features, [1, 2]).dataSync());
      });
      const nchw = toNchw(input);
      input.dispose();

      const [fromNode] = await nodeEmbedder.embed(nchw, 1);
      const [fromWeb] = await webEmbedder.embed(nchw, 1);
      expect(webEmbedder.backend).toBe('wasm');

      const node = compareVectors(expected, fromNode as Float32Array);
      const web = compareVectors(fromNode as Float32Array, fromWeb as Float32Array);
      console.log(
        `${photo}: tfjs vs onnxruntime-node max |Δ| ${node.maxAbsDiff.toExponential(2)}, cosine ${node.cosineSimilarity}; ` +
          `node vs web max |Δ| ${web.maxAbsDiff.toExponential(2)}`,
      );
      // A vector of zeros or a constant would match itself trivially; the real features vary.
      expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.5);
      expect(node.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(node.cosineSimilarity).toBeGreaterThanOrEqual(0.9999);
      expect(web.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    },
  );

  it('embeds a batch of images in one run, in order', async () => {
    const inputs = await Promise.all(PHOTOS.slice(0, 2).map((p) => photoTensor(join(PHOTOS_DIR, p))));
    const singles = await Promise.all(inputs.map(async (t) => (await nodeEmbedder.embed(toNchw(t), 1))[0]));
    const batch = toNchw(tf.concat(inputs) as tf.Tensor4D);
    inputs.forEach((t) => t.dispose());
    const vectors = await nodeEmbedder.embed(batch, 2);
    expect(vectors).toHaveLength(2);
    vectors.forEach((v, i) =>
      expect(compareVectors(v, singles[i] as Float32Array).maxAbsDiff).toBeLessThanOrEqual(1e-5),
    );
    expect(
      compareVectors(vectors[0] as Float32Array, vectors[1] as Float32Array).cosineSimilarity,
    ).toBeLessThan(0.99);
  });
});

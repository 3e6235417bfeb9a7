import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDefaultModel, readDefaultKerasModel } from '../../scripts/build-model/build.ts';
import { kerasToOnnx } from '../../scripts/build-model/keras-to-onnx.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';

const OUT = fileURLToPath(new URL('../.out/build-model/', import.meta.url));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('npm run build:model', () => {
  beforeAll(async () => {
    await rm(OUT, { recursive: true, force: true });
  });

  it('converts nsfwjs’s MobileNetV2 into an ONNX model with a valid manifest', async () => {
    const result = await buildDefaultModel({ outDir: OUT });
    expect(result.skipped).toBe(false);

    const json: unknown = JSON.parse(await readFile(join(OUT, 'manifest.json'), 'utf8'));
    const manifest = parseModelManifest(json);
    expect(manifest).toMatchObject({
      id: 'mobilenet_v2-nsfwjs',
      file: 'model.onnx',
      input: { name: 'input', layout: 'NCHW', width: 224, height: 224, channels: 3 },
      normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
      output: { name: 'embedding', dims: 1280 },
      source: {
        package: 'nsfwjs',
        files: ['dist/models/mobilenet_v2/model.min.js', 'dist/models/mobilenet_v2/group1-shard1of1.min.js'],
      },
      licence: 'MIT',
    });
    const nsfwjs = JSON.parse(await readFile('node_modules/nsfwjs/package.json', 'utf8')) as {
      version: string;
    };
    expect(manifest.source.version).toBe(nsfwjs.version);
    expect(manifest.notes).toContain(
      'ImageNet weights (trainable: false in the topology): Conv1, blocks 0–10.',
    );
    expect(manifest.notes).toContain('Fine-tuned by nsfwjs: blocks 11–16, Conv_1.');

    const bytes = await readFile(join(OUT, 'model.onnx'));
    expect(sha256(bytes)).toBe(manifest.sha256);
    // 2.2 M float32 parameters after folding BatchNormalization (no quantised tensors).
    expect(bytes.length).toBeGreaterThan(8.5e6);
    expect(bytes.length).toBeLessThan(9.2e6);

    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['embedding']);
    const batch3 = new ort.Tensor('float32', new Float32Array(3 * 3 * 224 * 224).fill(0.5), [3, 3, 224, 224]);
    const out = (await session.run({ input: batch3 })).embedding;
    expect(out?.dims).toEqual([3, 1280]);
    await session.release();
  });

  it('skips when up to date, and rebuilds when the output is stale or damaged', async () => {
    const model = join(OUT, 'model.onnx');
    const before = await stat(model);
    const again = await buildDefaultModel({ outDir: OUT });
    expect(again.skipped).toBe(true);
    const after = await stat(model);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);

    const manifestPath = join(OUT, 'manifest.json');
    const stored = JSON.parse(await readFile(manifestPath, 'utf8')) as { build: { converter: string } };
    stored.build.converter = 'an older converter';
    await writeFile(manifestPath, JSON.stringify(stored));
    expect((await buildDefaultModel({ outDir: OUT })).skipped).toBe(false);

    await writeFile(model, 'not a model');
    const rebuilt = await buildDefaultModel({ outDir: OUT });
    expect(rebuilt.skipped).toBe(false);
    expect(sha256(await readFile(model))).toBe(rebuilt.manifest.sha256);
    // The conversion is deterministic: the same source and converter give the same bytes.
    expect(rebuilt.manifest.sha256).toBe(again.manifest.sha256);
    expect((await buildDefaultModel({ outDir: OUT })).skipped).toBe(true);
  });

  it('adds an unpooled mid-level feature map as a second output of the same inference, embedding unchanged', async () => {
    const { graph, weights } = await readDefaultKerasModel();
    const info = {
      graphName: 'test',
      producerName: 'test',
      producerVersion: '0',
      docString: '',
      opset: 13,
      irVersion: 7,
      metadata: {},
    };
    const base = { outputLayer: 'out_relu', inputName: 'input', outputName: 'embedding', info };
    const withMap = kerasToOnnx(graph, weights, {
      ...base,
      featureMap: { layer: 'block_10_project_BN', name: 'feature_map' },
    });
    expect(withMap.featureMapShape).toEqual([96, 14, 14]);
    const plain = await ort.InferenceSession.create(kerasToOnnx(graph, weights, base).bytes);
    const both = await ort.InferenceSession.create(withMap.bytes);
    expect(both.outputNames).toEqual(['embedding', 'feature_map']);
    const pixels = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => ((i * 7919) % 256) / 255);
    const input = { input: new ort.Tensor('float32', pixels, [1, 3, 224, 224]) };
    const [a, b] = [await plain.run(input), await both.run(input)];
    expect(b.feature_map?.dims).toEqual([1, 96, 14, 14]);
    expect(Array.from(b.embedding!.data as Float32Array)).toEqual(
      Array.from(a.embedding!.data as Float32Array),
    );
    expect(() =>
      kerasToOnnx(graph, weights, { ...base, featureMap: { layer: 'no_such_layer', name: 'feature_map' } }),
    ).toThrow(/no_such_layer/);
    await Promise.all([plain.release(), both.release()]);
  });
});

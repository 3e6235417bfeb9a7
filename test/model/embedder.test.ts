import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/model/embedder.ts';
import { checkEmbedInput, RunQueue, splitEmbeddings } from '../../src/model/embedder.ts';
import { createNodeEmbedder } from '../../src/model/embedder.node.ts';
import { DEFAULT_MODEL_DIR, loadModelFromDir } from '../../src/model/load-manifest.node.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';

const OUT = fileURLToPath(new URL('../.out/embedder/', import.meta.url));

/** A copy of the default model in its own folder, under a manifest changed by `edit`: a "dropped-in" model. */
async function dropIn(name: string, edit: (manifest: Record<string, unknown>) => void): Promise<string> {
  const dir = join(OUT, name);
  await mkdir(dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  edit(manifest);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await copyFile(join(DEFAULT_MODEL_DIR, 'model.onnx'), join(dir, String(manifest.file)));
  return dir;
}

describe('model manifest and loader', () => {
  beforeAll(async () => {
    await rm(OUT, { recursive: true, force: true });
  });

  it('loads the generated default model: the manifest validates and the sha256 matches', async () => {
    const { manifest, bytes, path } = await loadModelFromDir();
    expect(manifest.id).toBe('mobilenet_v2-nsfwjs');
    expect(
      parseModelManifest(JSON.parse(await readFile(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8'))),
    ).toEqual(manifest);
    expect(path).toBe(join(DEFAULT_MODEL_DIR, 'model.onnx'));
    expect(bytes.length).toBeGreaterThan(8e6);
  });

  it('says how to build the model when it is missing', async () => {
    await expect(loadModelFromDir(join(OUT, 'nothing-here'))).rejects.toThrow(/run `npm run build:model`/);
    const dir = await dropIn('no-onnx-file', (m) => {
      m.file = 'other.onnx';
    });
    await rm(join(dir, 'other.onnx'));
    await expect(loadModelFromDir(dir)).rejects.toThrow(
      /other\.onnx .* is missing: run `npm run build:model`/,
    );
  });

  it('refuses a model whose bytes do not match the manifest sha256, or a file outside the folder', async () => {
    const stale = await dropIn('stale', (m) => {
      m.sha256 = '0'.repeat(64);
    });
    await expect(loadModelFromDir(stale)).rejects.toThrow(/corrupt or stale/);
    const escaping = await dropIn('escaping', (m) => {
      m.file = '../model.onnx';
    });
    await expect(loadModelFromDir(escaping)).rejects.toThrow(/must be a path inside/);
    const invalid = await dropIn('invalid', (m) => {
      m.output = { name: 'embedding', dims: -1 };
    });
    await expect(loadModelFromDir(invalid)).rejects.toThrow(/Invalid model manifest: output\.dims/);
  });
});

describe('embedders follow the manifest', () => {
  let defaultEmbedder: Embedder;
  beforeAll(async () => {
    const { manifest, bytes } = await loadModelFromDir();
    defaultEmbedder = await createNodeEmbedder(manifest, bytes, { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await defaultEmbedder?.dispose();
  });

  it('rejects an input of the wrong length with a clear error', async () => {
    const oneImage = 3 * 224 * 224;
    await expect(defaultEmbedder.embed(new Float32Array(oneImage - 1), 1)).rejects.toThrow(
      'Model mobilenet_v2-nsfwjs expects 1 × 3×224×224 (NCHW) = 150528 floats for a batch of 1; got 150527',
    );
    await expect(defaultEmbedder.embed(new Float32Array(oneImage), 2)).rejects.toThrow(/= 301056 floats/);
    await expect(defaultEmbedder.embed(new Float32Array(oneImage), 0)).rejects.toThrow(/positive integer/);
  });

  it('takes a dropped-in model through its own manifest, under its own id', async () => {
    const dir = await dropIn('copy', (m) => {
      m.id = 'mobilenet_v2-copy';
      m.file = 'copy.onnx';
    });
    const { manifest, bytes } = await loadModelFromDir(dir);
    const embedder = await createNodeEmbedder(manifest, bytes, { intraOpNumThreads: 1 });
    expect(embedder.manifest.id).toBe('mobilenet_v2-copy');
    const input = new Float32Array(3 * 224 * 224).fill(0.3);
    const [copy] = await embedder.embed(input, 1);
    const [original] = await defaultEmbedder.embed(input, 1);
    expect(copy).toEqual(original);
    await embedder.dispose();
    await expect(embedder.embed(input, 1)).rejects.toThrow(/mobilenet_v2-copy has been disposed/);
  });

  it('refuses a manifest whose input size or output dims do not describe its model', async () => {
    const resized = await dropIn('resized', (m) => {
      m.id = 'resnet50-example';
      m.input = { name: 'input', layout: 'NCHW', width: 256, height: 256, channels: 3 };
    });
    const a = await loadModelFromDir(resized);
    await expect(createNodeEmbedder(a.manifest, a.bytes)).rejects.toThrow(
      'Model resnet50-example: the manifest describes input input as NCHW [batch, 3, 256, 256]; ' +
        'the model declares [batch, 3, 224, 224]',
    );
    const wider = await dropIn('wider', (m) => {
      m.output = { name: 'embedding', dims: 2048 };
    });
    const b = await loadModelFromDir(wider);
    await expect(createNodeEmbedder(b.manifest, b.bytes)).rejects.toThrow(
      /promises 2048 values per image from embedding; the model declares \[batch, 1280\]/,
    );
  });

  it('refuses a manifest naming an input or output the model does not have', async () => {
    const { manifest, bytes } = await loadModelFromDir();
    const renamed: ModelManifest = { ...manifest, output: { name: 'features', dims: 1280 } };
    await expect(createNodeEmbedder(renamed, bytes)).rejects.toThrow(
      /has no output features \(it has embedding\)/,
    );
  });

  it('serialises concurrent runs and returns each caller its own vectors', async () => {
    const size = 3 * 224 * 224;
    const inputs = [0.2, 0.5, 0.8].map((v) => new Float32Array(size).fill(v));
    const concurrent = await Promise.all(inputs.map((x) => defaultEmbedder.embed(x, 1)));
    for (const [i, x] of inputs.entries()) {
      const [sequential] = await defaultEmbedder.embed(x, 1);
      expect(concurrent[i]?.[0]).toEqual(sequential);
    }
    expect(concurrent[0]?.[0]).not.toEqual(concurrent[2]?.[0]);
  });
});

describe('embedder helpers', () => {
  it('never overlaps tasks, keeps call order, and survives a failed task', async () => {
    const queue = new RunQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ms: number, fail = false) =>
      queue.run(async () => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([task('a', 20), task('b', 1, true), task('c', 5)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('splitEmbeddings accepts an unflattened [batch, dims, 1, 1] output and refuses other sizes', () => {
    const manifest = { id: 'x', output: { name: 'out', dims: 2 } } as ModelManifest;
    const data = Float32Array.from([1, 2, 3, 4]);
    expect(splitEmbeddings(manifest, data, [2, 2, 1, 1], 2)).toEqual([
      Float32Array.from([1, 2]),
      Float32Array.from([3, 4]),
    ]);
    expect(() => splitEmbeddings(manifest, data, [1, 4], 1)).toThrow(
      'Model x output out has shape [1, 4]; the manifest promises 2 values per image for a batch of 1',
    );
  });

  it('checkEmbedInput follows the manifest layout', () => {
    const nhwc = { input: { layout: 'NHWC', width: 4, height: 2, channels: 3 }, id: 'x' } as ModelManifest;
    expect(() => checkEmbedInput(nhwc, new Float32Array(2 * 4 * 3 * 2), 2)).not.toThrow();
    expect(() => checkEmbedInput(nhwc, new Float32Array(24), 2)).toThrow(
      'expects 2 × 2×4×3 (NHWC) = 48 floats',
    );
  });
});

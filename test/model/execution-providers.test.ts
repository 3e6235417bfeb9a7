import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOpenCv } from '../../src/core/cv.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { preprocessForModel } from '../../src/core/preprocess/index.ts';
import type { Embedder } from '../../src/model/embedder.ts';
import { createWebEmbedder } from '../../src/model/embedder.web.ts';
import { loadModelFromDir } from '../../src/model/load-manifest.node.ts';
import { PHOTOS_DIR } from '../support/paths.ts';

describe('onnxruntime-web execution providers', () => {
  let listed: Embedder;
  let wasmOnly: Embedder;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

  beforeAll(async () => {
    const { manifest, bytes } = await loadModelFromDir();
    listed = await createWebEmbedder(manifest, bytes, {
      executionProviders: ['webgpu', 'wasm'],
      numThreads: 1,
    });
    wasmOnly = await createWebEmbedder(manifest, bytes, { executionProviders: ['wasm'], numThreads: 1 });
  }, 60_000);
  afterAll(async () => {
    warn.mockRestore();
    await Promise.all([listed?.dispose(), wasmOnly?.dispose()]);
  });

  it('falls back from WebGPU to WASM by itself where WebGPU cannot start (Node has none)', async () => {
    expect(listed.backend).toBe('wasm');
    expect(warn.mock.calls.flat().join(' ')).toMatch(/webgpu/);
    const { manifest } = await loadModelFromDir();
    const photo = await (
      await nodeDecoder()
    )(new Uint8Array(await readFile(join(PHOTOS_DIR, 'opencv-doc__messi5.jpg'))));
    const { tensor } = preprocessForModel(await loadOpenCv(), photo, manifest);
    const [a] = await listed.embed(tensor, 1);
    const [b] = await wasmOnly.embed(tensor, 1);
    expect(Array.from(a as Float32Array)).toEqual(Array.from(b as Float32Array));
  }, 60_000);
});

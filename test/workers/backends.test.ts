import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessAnalysis, HarnessFailure } from './harness.ts';
import { hasWebGpuAdapter, runHarness } from './support/browser.ts';
import type { RunningHarness } from './support/browser.ts';
import { buildHarness } from './support/build-harness.ts';
import { compareVectors } from '../support/compare-vectors.ts';
import { disposeNodeReference, nodeReference } from './support/node-reference.ts';

const TOLERANCE = 1e-3;
const PHOTOS = ['photos/kphotoalbum__jesper_2.jpg', 'photos/python3-skimage__astronaut.png'];

let dir: string;

/** The onnxruntime WASM files the page's workers fetched: Vite names them `ort-wasm-simd-threaded[.jsep]-HASH.wasm`. */
function ortRuntimesFetched(harness: RunningHarness): string[] {
  return harness.requested
    .map((path) => /\/(ort-wasm-simd-threaded(?:\.jsep)?)-[\w-]+\.wasm$/.exec(path)?.[1])
    .filter((name) => name !== undefined);
}

beforeAll(async () => {
  dir = await buildHarness({ name: 'backends' });
}, 300_000);

afterAll(async () => {
  await disposeNodeReference();
});

async function expectCliEmbeddings(harness: RunningHarness): Promise<void> {
  for (const path of PHOTOS) {
    const result = (await harness.page.evaluate((url) => window.harness.analyse(url), `/data/${path}`)) as
      HarnessAnalysis | HarnessFailure;
    if (!result.ok) throw new Error(`${path}: ${result.code}: ${result.message}`);
    const node = await nodeReference(path);
    if (!node.ok) throw new Error(`${path}: the CLI refused it (${node.code})`);
    const { cosineDistance: cosine, maxAbsDiff: maxAbs } = compareVectors(
      result.embedding,
      node.image.embedding,
    );
    expect(cosine, `${path} cosine distance`).toBeLessThan(TOLERANCE);
    expect(maxAbs, `${path} largest difference`).toBeLessThan(TOLERANCE);
  }
  expect(harness.errors).toEqual([]);
}

describe('inference backends in Chromium, cross-origin isolated page', () => {
  it('WASM with threads: one per core, the same embeddings as the CLI', async () => {
    const harness = await runHarness(dir, { isolated: true });
    try {
      await harness.page.evaluate(() => window.harness.start({ backend: 'wasm' }));
      const info = await harness.page.evaluate(() => window.harness.info());
      const cores = await harness.page.evaluate(() => navigator.hardwareConcurrency);
      expect(info).toMatchObject({ backend: 'wasm', threads: cores, crossOriginIsolated: true });
      await expectCliEmbeddings(harness);
      // A WASM-only session loads the plain build, half the JSEP build's size (workers/embed/ort-runtime.ts).
      expect(ortRuntimesFetched(harness)).toEqual(['ort-wasm-simd-threaded']);
    } finally {
      await harness.close();
    }
  });

  it('WebGPU (SwiftShader) when Chromium offers an adapter: WASM by default, asked for: the same embeddings as the CLI', async (context) => {
    const harness = await runHarness(dir, { isolated: true, webgpu: true });
    try {
      if (!(await hasWebGpuAdapter(harness.page))) context.skip('this Chromium offers no WebGPU adapter');
      // By default a software adapter is passed over for WASM; asking for WebGPU takes it.
      expect(await harness.page.evaluate(() => window.harness.info())).toMatchObject({ backend: 'wasm' });
      await harness.page.evaluate(() => window.harness.start({ backend: 'webgpu' }));
      const info = await harness.page.evaluate(() => window.harness.info());
      expect(info).toMatchObject({ backend: 'webgpu', crossOriginIsolated: true });
      await expectCliEmbeddings(harness);
      expect(ortRuntimesFetched(harness)).toContain('ort-wasm-simd-threaded.jsep');
    } finally {
      await harness.close();
    }
  });
});

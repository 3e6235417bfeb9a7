import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePrepare } from '../../src/cli/node-prepare.ts';
import type { NodePrepare } from '../../src/cli/node-prepare.ts';
import { createPreparePool } from '../../src/cli/prepare-pool/pool.ts';
import type { PreparePool } from '../../src/cli/prepare-pool/pool.ts';
import { ImageInputError } from '../../src/core/image/errors.ts';
import { loadModelFromDir } from '../../src/model/load-manifest.node.ts';
import { BAD_DIR, PHOTOS_DIR } from '../support/paths.ts';

const PHOTOS = [
  'npm-vladmandic-face-api__sample6.jpg',
  'digikam-data__body-background.jpg',
  'lomiri-wallpapers-16.04__Wine_by_Jakkub_Mede.jpg',
];

let pool: PreparePool;
let local: NodePrepare;

beforeAll(async () => {
  const { manifest } = await loadModelFromDir();
  pool = createPreparePool(2, manifest);
  local = await createNodePrepare(manifest);
}, 60_000);

afterAll(async () => {
  await pool.dispose();
});

const read = async (dir: string, name: string) => new Uint8Array(await readFile(join(dir, name)));

describe('the CLI prepare pool (worker_threads)', () => {
  it('prepares photos in parallel exactly as this thread does', async () => {
    const files = await Promise.all(PHOTOS.map((name) => read(PHOTOS_DIR, name)));
    const [pooled, inline] = await Promise.all([
      Promise.all(files.map((bytes) => pool.prepare(bytes.slice()))),
      Promise.all(files.map((bytes) => local(bytes))),
    ]);
    for (const [i, p] of pooled.entries()) {
      const q = inline[i]!;
      expect([p.width, p.height]).toEqual([q.width, q.height]);
      expect(p.quality).toEqual(q.quality);
      expect(p.change.noise_samples).toEqual(q.change.noise_samples);
      expect(p.change.noise_samples!.length).toBeGreaterThan(0);
      expect(Buffer.from(p.change.raster.rgb).equals(Buffer.from(q.change.raster.rgb))).toBe(true);
      expect(Buffer.from(p.model_input.tensor.buffer).equals(Buffer.from(q.model_input.tensor.buffer))).toBe(
        true,
      );
    }
  }, 120_000);

  it('passes a refusal back as the ImageInputError it was, and keeps working', async () => {
    const truncated = await read(BAD_DIR, 'truncated-40pct.jpg');
    const error = await pool.prepare(truncated).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageInputError);
    expect((error as ImageInputError).code).toBe('truncated');
    const again = await pool.prepare(await read(PHOTOS_DIR, PHOTOS[0]!));
    expect(again.width).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a pool without workers', async () => {
    const { manifest } = await loadModelFromDir();
    expect(() => createPreparePool(0, manifest)).toThrow(RangeError);
  });
});

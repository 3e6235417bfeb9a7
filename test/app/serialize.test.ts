import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeValue, encodeValue } from '../../src/app/db/serialize.ts';

describe('export encoding', () => {
  it('round-trips photos (Blob) and vectors (Float32Array) byte for byte, nested in rows', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    const row = {
      id: 7,
      blob: new Blob([bytes], { type: 'image/jpeg' }),
      nested: { vector: new Float32Array([0.1, -2.5, 3e-8]), list: [1, 'a', null] },
    };
    const json = JSON.parse(JSON.stringify(await encodeValue(row)));
    const back = decodeValue(json) as typeof row;
    expect(back.id).toBe(7);
    expect(back.blob.type).toBe('image/jpeg');
    expect(new Uint8Array(await back.blob.arrayBuffer())).toEqual(bytes);
    expect(back.nested.vector).toEqual(row.nested.vector);
    expect(back.nested.list).toEqual([1, 'a', null]);
  });

  it('round-trips a change raster (Uint8Array) byte for byte, a view at its own offset', async () => {
    const rgb = new Uint8Array(256 * 171 * 3).map((_, i) => (i * 7) % 256);
    const row = { image_id: 3, rgb, view: rgb.subarray(5, 9), noise_samples: [1.5, 2] };
    const back = decodeValue(JSON.parse(JSON.stringify(await encodeValue(row)))) as typeof row;
    expect(back.rgb).toBeInstanceOf(Uint8Array);
    expect(back.rgb).toEqual(rgb);
    expect(back.view).toEqual(new Uint8Array([5 * 7, 6 * 7, 7 * 7, 8 * 7]));
    expect(back.noise_samples).toEqual([1.5, 2]);
  });

  it('encodes a Float32Array view at its own offset, not its whole buffer', async () => {
    const view = new Float32Array([1, 2, 3, 4]).subarray(1, 3);
    expect(decodeValue(await encodeValue(view))).toEqual(new Float32Array([2, 3]));
  });

  it('base64 matches Node’s encoder', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 128]);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });
});

import { describe, expect, it } from 'vitest';
import { OUTLINE_SHARE, outlineOf } from '../../src/app/camera/edges.ts';

/** A `size`² grey picture with a bright square in the middle. */
function square(size: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = x >= size / 4 && x < (3 * size) / 4 && y >= size / 4 && y < (3 * size) / 4;
      rgba.fill(inside ? 220 : 40, (y * size + x) * 4, (y * size + x) * 4 + 3);
      rgba[(y * size + x) * 4 + 3] = 255;
    }
  }
  return rgba;
}

const opaqueAt = (rgba: Uint8ClampedArray, size: number, x: number, y: number) =>
  rgba[(y * size + x) * 4 + 3] === 255;

describe('the capture overlay outline', () => {
  it('draws the edges of a shape and nothing inside or outside it', () => {
    const size = 64;
    const outline = outlineOf(square(size), size, size);
    expect(opaqueAt(outline, size, 16, 32)).toBe(true);
    expect(opaqueAt(outline, size, 32, 47)).toBe(true);
    expect(opaqueAt(outline, size, 32, 32)).toBe(false);
    expect(opaqueAt(outline, size, 3, 3)).toBe(false);
    let opaque = 0;
    for (let i = 3; i < outline.length; i += 4) if (outline[i] === 255) opaque++;
    expect(opaque / (size * size)).toBeLessThanOrEqual(OUTLINE_SHARE);
    expect(opaque).toBeGreaterThan(0);
  });

  it('draws nothing for a flat picture', () => {
    const flat = new Uint8ClampedArray(32 * 32 * 4).fill(128);
    expect(outlineOf(flat, 32, 32).every((v) => v === 0)).toBe(true);
  });

  it('refuses pixels of the wrong size', () => {
    expect(() => outlineOf(new Uint8ClampedArray(10), 4, 4)).toThrow(RangeError);
  });
});

/** A rectangle in pixel coordinates of some image: top-left corner and size, integers. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The largest centred rectangle of aspect `aspect` (width / height) inside a `width × height` image: a square for
 * the default 224×224 model. Odd leftovers go to the right / bottom edge (x and y are floored). Sides are at least
 * 1 px.
 * @throws RangeError unless the sides are positive integers and `aspect` is positive and finite.
 */
export function centreCrop(width: number, height: number, aspect: number): Region {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`Image sides must be positive integers, got ${width}×${height}`);
  }
  if (!(aspect > 0 && Number.isFinite(aspect)))
    throw new RangeError(`Crop aspect must be positive, got ${aspect}`);
  const wide = width / height > aspect;
  const w = wide ? Math.max(1, Math.min(width, Math.round(height * aspect))) : width;
  const h = wide ? height : Math.max(1, Math.min(height, Math.round(width / aspect)));
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

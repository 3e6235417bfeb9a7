/**
 * Margin added on every side of a face box before it is hidden or left out, as a share of the box's longer side:
 * SSD MobileNet v1's boxes hug the eyebrows and chin, so ears, hairline and jaw (which move with an expression and
 * would stay sharp in a blurred photo) fall outside the box itself.
 */
export const FACE_MARGIN = 0.25;

/** A box in pixels: left and top edge, width and height (unclipped, as the detector gives it). */
export interface PixelBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A face box widened by `FACE_MARGIN` of its longer side and `extraPx` pixels more, clipped to a
 * `width × height` picture, in whole pixels (`x1`, `y1` exclusive). The one rule for the region a face takes: the
 * blur before sharing and the change engine's exclusion both use it.
 * @param extraPx pixels added on every side after the margin, ≥ 0 (the change engine's comparison reach).
 */
export function faceRegion(
  box: PixelBox,
  width: number,
  height: number,
  extraPx = 0,
): { x0: number; y0: number; x1: number; y1: number } {
  const margin = Math.max(box.width, box.height) * FACE_MARGIN + extraPx;
  return {
    x0: Math.max(0, Math.floor(box.x - margin)),
    y0: Math.max(0, Math.floor(box.y - margin)),
    x1: Math.min(width, Math.ceil(box.x + box.width + margin)),
    y1: Math.min(height, Math.ceil(box.y + box.height + margin)),
  };
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { outlineOf } from '../camera/edges.ts';
import type { OverlayReference } from '../state/capture.ts';

/** Long side the overlay is drawn at, px: sharp enough on a phone screen, small enough to outline at once. */
const OVERLAY_LONG_SIDE = 640;

/** The overlay's opacity when a camera view opens: the live picture stays the clearer of the two. */
export const DEFAULT_OVERLAY_OPACITY = 0.4;

/** How the reference is laid over the live picture. */
export type OverlayMode = 'photo' | 'outline';

/**
 * The angle's reference photo drawn upright (EXIF orientation applied) over the live camera picture, fitted as the
 * picture is (cover), either as the photo itself or as its outline, at `opacity` (0–1). Decorative for screen
 * readers: the sheet's controls say what it is.
 */
export function GhostOverlay(props: { reference: OverlayReference; mode: OverlayMode; opacity: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<OverlayMode>();
  const { reference, mode } = props;
  useEffect(() => {
    let current = true;
    setDrawn(undefined);
    void createImageBitmap(reference.blob, { imageOrientation: 'from-image' }).then((bitmap) => {
      const target = canvas.current;
      // Read back for the outline: a CPU-backed canvas reads without a GPU round trip.
      const context = target?.getContext('2d', { willReadFrequently: true });
      if (!current || !target || !context) return bitmap.close();
      const scale = Math.min(1, OVERLAY_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      target.width = Math.round(bitmap.width * scale);
      target.height = Math.round(bitmap.height * scale);
      context.drawImage(bitmap, 0, 0, target.width, target.height);
      bitmap.close();
      if (mode === 'outline') {
        const { width, height } = target;
        const outline = outlineOf(context.getImageData(0, 0, width, height).data, width, height);
        context.putImageData(new ImageData(outline, width, height), 0, 0);
      }
      setDrawn(mode);
    });
    return () => {
      current = false;
    };
  }, [reference, mode]);
  return (
    <canvas
      ref={canvas}
      class="ghost"
      style={{ opacity: props.opacity }}
      aria-hidden="true"
      data-testid="ghost-overlay"
      data-image-id={reference.imageId}
      data-mode={drawn}
    />
  );
}

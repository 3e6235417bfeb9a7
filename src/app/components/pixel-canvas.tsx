import { useEffect, useRef } from 'preact/hooks';

/**
 * RGBA pixels drawn on a canvas at their own size; CSS scales the canvas to its box (`pixelated` keeps a change
 * map's cells as crisp blocks).
 */
export function PixelCanvas(props: {
  width: number;
  height: number;
  /** `width × height × 4` bytes. */
  rgba: Uint8ClampedArray;
  class?: string;
  /** What the picture shows, for screen readers; omit for a decorative layer. */
  label?: string;
  testId?: string;
  pixelated?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    // ImageData takes a copy-free view only of an ArrayBuffer-backed array; the pixels come from a transfer.
    const pixels = new Uint8ClampedArray(
      props.rgba.buffer as ArrayBuffer,
      props.rgba.byteOffset,
      props.rgba.length,
    );
    context.putImageData(new ImageData(pixels, props.width, props.height), 0, 0);
  }, [props.rgba, props.width, props.height]);
  return (
    <canvas
      ref={canvas}
      width={props.width}
      height={props.height}
      class={props.class}
      style={props.pixelated ? { imageRendering: 'pixelated' } : undefined}
      role={props.label ? 'img' : undefined}
      aria-label={props.label}
      aria-hidden={props.label ? undefined : true}
      data-testid={props.testId}
    />
  );
}

import type { RegisteredPair } from '../../core/change/index.ts';
import type { ChangeMap } from '../../core/scoring/index.ts';
import { changeMapPixels } from '../components/change-scale.ts';
import type { ReportImage } from './contents.ts';

/**
 * Long side of a photo in the report, px: at the report's ≈ 2.3-inch pictures that is ≈ 390 dpi, sharp in print,
 * and keeps a 20-photo report near 2 MB.
 */
const PHOTO_LONG_SIDE = 900;
/** JPEG quality of the report's pictures. */
const JPEG_QUALITY = 0.85;

async function jpeg(canvas: OffscreenCanvas): Promise<ReportImage> {
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  return {
    bytes: new Uint8Array(await blob.arrayBuffer()),
    format: 'jpeg',
    width: canvas.width,
    height: canvas.height,
  };
}

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the report’s pictures.');
  return ctx;
}

/**
 * A stored photo as the report shows it: upright (EXIF orientation applied by the browser), at most
 * `PHOTO_LONG_SIDE` px on its long side, JPEG.
 * @throws Error when the browser cannot decode the photo.
 */
export async function reportPhoto(blob: Blob): Promise<ReportImage> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const scale = Math.min(1, PHOTO_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(
    Math.max(1, Math.round(bitmap.width * scale)),
    Math.max(1, Math.round(bitmap.height * scale)),
  );
  const ctx = context(canvas);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return jpeg(canvas);
}

/**
 * The change map as the Results screen draws it (same colours, `change-scale.ts`), over the session's photo lined
 * up onto the earlier photo's frame (`pair`, as the change engine registered it), scaled up with crisp cells.
 * Without a pair (photos stored before the change engine kept rasters) the map is drawn on white.
 */
export async function reportChangeMap(
  map: ChangeMap,
  pair: RegisteredPair | undefined,
): Promise<ReportImage> {
  const scale = 3;
  const width = (pair?.width ?? map.cols * 20) * scale;
  const height = (pair?.height ?? map.rows * 20) * scale;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context(canvas);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (pair) {
    const photo = new OffscreenCanvas(pair.width, pair.height);
    const pixels = new Uint8ClampedArray(pair.photo);
    context(photo).putImageData(new ImageData(pixels, pair.width, pair.height), 0, 0);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(photo, 0, 0, width, height);
  }
  const cells = new OffscreenCanvas(map.cols, map.rows);
  const colours = changeMapPixels(map);
  // ImageData takes only an ArrayBuffer-backed array; changeMapPixels makes one.
  const rgba = new Uint8ClampedArray(colours.buffer as ArrayBuffer, colours.byteOffset, colours.length);
  context(cells).putImageData(new ImageData(rgba, map.cols, map.rows), 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, 0, 0, width, height);
  return jpeg(canvas);
}
